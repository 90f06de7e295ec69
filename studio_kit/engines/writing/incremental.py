"""Incremental script layout: after an edit, re-parse and re-paginate only what it touched.

A :class:`ScriptLayout` holds a Fountain text laid out on pages (the same
:class:`~studio_kit.domain.script.Script` and :class:`~.pagination.Pagination`
that :func:`~.fountain.parse_fountain` + :func:`~.pagination.paginate` give)
and the state that lets :meth:`ScriptLayout.edit` redo only part of the work:

1. **Parse.** The parser records *clean points*, the line after each blank body
   line, where its state is always the same (nothing open, no title page, no
   dialogue). An edit re-parses from the last clean point before the first
   changed line and stops at the first clean point past the last changed line
   that the old parse also reached: from there the old elements are reused.
2. **Scenes, tokens, lines.** Only the scenes holding re-parsed elements are
   rebuilt and re-tokenised; the token stream's state at each scene boundary is
   compared with the old one, so a change that runs on (a speech that now
   continues) re-tokenises the next scene too.
3. **Pages.** Page breaking restarts at a clean page start (no (CONT'D) carried
   in) a page before the first changed printed line and stops at the first page
   start past the change where the old layout also started a clean page on the
   same line: every page from there on is reused.

An edit that adds or removes source lines (Enter, a deleted line, a pasted block, a deleted
scene) goes the same way: everything after the re-parsed run is the old layout moved by the
same number of source lines and of scenes, so the reused elements and scenes are copied with
their line numbers (and scene indices) moved, and the reused printed lines and pages are moved
in place (a page the edit did not touch is shared with the previous :class:`Pagination`, whose
line numbers therefore move too). The print tokens of reused scenes keep their old line
numbers: once a token is a printed line, only its type, dual role and identity are read again.

Edits still laid out in full (same result, more work), each where the structure it changes
cannot be localised: an edit in the title page or before the first clean point (the parse has
nowhere to start from), one that touches dual dialogue (the pairing of a "^" cue looks back past
the scene), any edit to a script where a "^" cue pairs with a speech in an earlier scene (its
printed lines do not split by scene), and an edit to a script that printed no page yet (no page start to resume at).
The result always equals a full re-layout (``tests/engines/writing/test_incremental.py``
checks it element by element and page by page on random edits).
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from typing import TypeVar

from studio_kit.domain.script import (
    DialogueBlock,
    Element,
    ElementType,
    Scene,
    Script,
    set_dict,
    set_extra,
    set_fields_set,
    set_private,
)
from studio_kit.engines.writing.fountain import (
    ElementBuilder,
    ParseState,
    add_structure_warnings,
    finish_script,
    run_parser,
    split_source_lines,
)
from studio_kit.engines.writing.layout import PaperProfile, paper_profile, paused_gc
from studio_kit.engines.writing.pagination import (
    Line,
    assemble_pagination,
    break_run,
    finish_page,
    fold_dual,
    make_lines,
)
from studio_kit.engines.writing.print_tokens import PrintToken, TokenStream, dual_roles
from studio_kit.engines.writing.scenes import build_scenes, scene_mentions, speaker_map

__all__ = ["LayoutChange", "ScriptLayout", "page_signature"]

_HEADING = ElementType.SCENE_HEADING
_CUE = ElementType.CHARACTER


@dataclass
class LayoutChange:
    """What an edit changed, for a preview that redraws only those pages.

    ``changed_pages``: 0-based indices in the new layout whose printed lines differ from the
    page with the same number before; ``page_count``/``old_page_count``: pages after/before
    (pages past ``page_count`` are gone). ``mode``: "incremental", "full" (an edit in the
    title page or first lines: everything redone), "full-layout" (parsed
    incrementally, laid out in full) or "none" (the text did not change). ``reparsed_lines``:
    source lines the parser read again; ``rebuilt_scenes``: scenes built again from their
    elements (the others are reused, moved when the edit added or removed lines or scenes);
    ``rebroken_pages``: pages cut again; ``line_delta``: source lines added (negative: removed)."""

    mode: str
    changed_pages: list[int] = field(default_factory=list)
    page_count: int = 0
    old_page_count: int = 0
    reparsed_lines: int = 0
    rebroken_pages: int = 0
    rebuilt_scenes: int = 0
    line_delta: int = 0


def page_signature(page: list[Line]) -> tuple:
    """A page's printed content (kind, text, position, style runs, both dual columns) to compare pages."""
    out = []
    for ln in page:
        right = ln.right_column
        out.append((ln.type, ln.text, ln.x, ln.row, ln.scene_number, ln.revised, tuple(ln.runs), ln.column,
                    ln.align, None if not right else tuple((r.type, r.text, r.x, r.row, tuple(r.runs))
                                                          for r in right)))
    return tuple(out)


class ScriptLayout:
    """A Fountain script laid out on pages, kept up to date edit by edit (see the module notes).

    ``script`` and ``pagination`` always equal ``parse_fountain(text)`` and
    ``paginate(script, paper, auto_contd=auto_contd, sentence_splits=sentence_splits)`` of the
    current ``text``."""

    def __init__(self, text: str, paper: str | PaperProfile = "letter", *, auto_contd: bool = True,
                 sentence_splits: bool = True) -> None:
        self.profile = paper_profile(paper)
        self.auto_contd = auto_contd
        self.sentence_splits = sentence_splits
        self._lay_out_anew(text)

    def _lay_out_anew(self, text: str) -> None:
        """Parse and lay out ``text`` from scratch."""
        with paused_gc():
            self._src = split_source_lines(text)
            b = ElementBuilder()
            st = ParseState()
            run_parser(self._src, 0, b, st, None, None)
            self._st = st
            self.script = finish_script(b.elements, st)
            self._layout_all()
        self.text = text

    # ------------------------------------------------------------ full layout
    def _layout_all(self) -> None:
        script = self.script
        els = script.elements
        self._heads = [i for i, e in enumerate(els) if e.type == _HEADING]
        bounds = [0, *self._heads, len(els)]
        roles = dual_roles(els)
        stream = TokenStream(True, set(), self.auto_contd)
        self._states: list[tuple] = []        # token-stream state before each chunk
        tok_start: list[int] = []
        for c in range(len(bounds) - 1):
            self._states.append(_snapshot(stream))
            tok_start.append(len(stream.tokens))
            stream.feed(els, bounds[c], bounds[c + 1], roles)
        self._states.append(_snapshot(stream))
        tokens = stream.finish()
        # chunk c = elements bounds[c]:bounds[c+1] (chunk 0: before the first heading)
        self._chunk_tokens = [tokens[tok_start[c]:tok_start[c + 1] if c + 1 < len(tok_start) else len(tokens)]
                              for c in range(len(tok_start))]
        self._chunk_lines = [fold_dual(make_lines(toks, self.profile)) for toks in self._chunk_tokens]
        # a "^" cue whose partner speech is in an earlier scene (a scene heading or action between
        # them): the pair crosses a chunk boundary, so fold the dual columns over the whole script
        # as paginate does; such a layout is redone in full on every edit (see _edit)
        self._cross_dual = any(ln.type == "character" and ln._token is not None and ln._token.dual == "right"
                               for chunk in self._chunk_lines for ln in chunk)
        if self._cross_dual:
            self._flines = fold_dual([ln for toks in self._chunk_tokens for ln in make_lines(toks, self.profile)])
        else:
            self._flines = [ln for chunk in self._chunk_lines for ln in chunk]
        self._line_start = _starts(self._chunk_lines)
        pages, info = break_run(self._flines, 0, self.profile, self.sentence_splits, clone=True)
        counts = [finish_page(p) for p in pages]
        self._pages, self._info, self._counts = pages, info, counts
        self._speakers = speaker_map(script.scenes)
        self.pagination = assemble_pagination(script, self.profile, pages, counts,
                                              sum(s for _, s in info), headings=len(self._heads))

    # ------------------------------------------------------------ edits
    def edit(self, text: str) -> LayoutChange:
        """Lay out ``text``, the script after an edit, redoing only what the edit touched."""
        with paused_gc():
            return self._edit(text)

    def _edit(self, text: str) -> LayoutChange:
        old_pages = self._pages
        old = self._src
        new, a, sfx = _edited_lines(self.text, text, old)
        if new is None:
            self.text = text
            return LayoutChange("none", [], len(old_pages), len(old_pages))
        delta = len(new) - len(old)
        old_script = self.script
        parsed = None if self._cross_dual else self._reparse(new, a, len(new) - sfx, delta)
        if parsed is None:
            # the change reaches the title page or the lines before the first clean point: the parse
            # has no state to start from but the empty one (parse it all); or the printed lines do not
            # split by scene (a dual pair across a scene heading, see _layout_all)
            self._lay_out_anew(text)
            return self._change("full", old_pages, 0, len(new), None, delta)
        els, st, e_lo, e_hi_new, e_hi_old, reparsed = parsed
        self._src, self._st, self.text = new, st, text

        heads_old = self._heads
        dn = e_hi_new - e_hi_old
        heads = ([h for h in heads_old if h < e_lo] + [i for i in range(e_lo, e_hi_new) if els[i].type == _HEADING]
                 + [h + dn for h in heads_old if h >= e_hi_old])
        dh = len(heads) - len(heads_old)          # scenes added (negative: removed)
        bounds = [0, *heads, len(els)]
        # chunk c = elements bounds[c]:bounds[c+1]; the chunks before c0 are the old ones, unchanged
        c0 = min(bisect.bisect_right(bounds, e_lo) - 1, len(bounds) - 2)
        if c0 > 0 and bounds[c0] == e_lo and old_script.elements[e_lo].type != _HEADING:
            c0 -= 1          # a heading the edit made: the chunk before it lost its tail
        c1 = bisect.bisect_right(bounds, max(e_lo, e_hi_new - 1)) - 1
        c1 = min(max(c1, c0), len(bounds) - 2)
        # new chunks c0..c1 replace old chunks c0..c1-dh; new chunk c > c1 is old chunk c - dh, moved
        # by delta source lines and dh scenes
        scenes, fresh, rebuilt = self._update_scenes(old_script, els, st, heads, bounds, c0, c1, delta, dh)
        redone = self._relayout_chunks(els, bounds, c0, c1, delta, dh)
        if redone is None:
            # dual dialogue in the redone scenes: its pairing looks back past them, lay out in full
            self._layout_all()
            return self._change("full-layout", old_pages, reparsed, len(self._pages), None, delta, rebuilt)
        return self._rebreak_pages(old_pages, reparsed, scenes, fresh, rebuilt, delta, dh, *redone)

    # ---- parse from the last clean point before the change
    def _reparse(self, new: list[str], a: int, new_end: int, delta: int
                 ) -> tuple[list[Element], ParseState, int, int, int, int] | None:
        """Re-parse ``new`` from the last clean point before line index ``a`` until the parse is back in
        step with the old one after ``new_end``. Returns the elements, the parse state, the range of
        elements re-read (first, end in the new list, end in the old one) and the lines re-parsed;
        None when there is no clean point to start from (parse it all)."""
        st_old = self._st
        old_els = self.script.elements
        start = _clean_start(st_old, old_els, a)
        if start is None:
            return None
        k, c_line, n_el, last_cue = start
        b = ElementBuilder(old_els[:n_el])
        st = ParseState()
        st.title_state, st.title_lines = 2, st_old.title_lines
        st.warnings = [w for w in st_old.warnings if w[0] <= c_line]
        st.clean_lines = st_old.clean_lines[:k + 1]
        st.clean_counts = st_old.clean_counts[:k + 1]
        resync: list[int] = []
        stop = _resync_stop(st_old, old_els, self._src, new_end, delta, resync)
        end = run_parser(new, c_line, b, st, last_cue, stop)
        e_lo = min(n_el, b.touched)
        e_hi_new = len(b.elements)
        if resync:                   # the old elements after the resync point follow, moved by delta lines
            j, m = resync
            suffix = old_els[m:]
            if delta:
                # copies (the previous Script keeps its elements as they were), made without validation
                suffix = _moved(Element, suffix, delta)
            dn = e_hi_new - m
            st.clean_lines += [x + delta for x in st_old.clean_lines[j + 1:]]
            st.clean_counts += [x + dn for x in st_old.clean_counts[j + 1:]]
            st.warnings += [(ln + delta, msg) for ln, msg in st_old.warnings if ln > end - delta]
            return b.elements + suffix, st, e_lo, e_hi_new, m, end - c_line
        return b.elements, st, e_lo, e_hi_new, len(old_els), end - c_line

    # ---- scenes: rebuild those holding re-parsed elements, move the ones after them
    def _update_scenes(self, old_script: Script, els: list[Element], st: ParseState, heads: list[int],
                       bounds: list[int], c0: int, c1: int, delta: int, dh: int
                       ) -> tuple[list[Scene], set[int], int]:
        """Rebuild the scenes of chunks ``c0..c1``, move the later ones by ``delta`` lines and ``dh``
        scenes, and find the mentions the edit may have changed anywhere; sets the new script.
        Returns its scenes, the ids of the scenes made here (rebuilt or moved) and how many were rebuilt."""
        old_scenes = old_script.scenes
        s_lo = max(c0 - 1, 0)                     # scene index = chunk - 1
        s_hi_old = max(c1 - dh, s_lo)             # old scenes s_lo..s_hi_old-1 are replaced
        rebuilt: list[Scene] = []
        if c1 >= 1:
            rebuilt = build_scenes(els[bounds[max(c0, 1)]:bounds[c1 + 1]], first_index=s_lo, speakers={})
        tail = old_scenes[s_hi_old:]
        if delta or dh or (tail and tail[0].elements[0] is not els[bounds[c1 + 1]]):
            # the elements after the edit are copies (moved lines) or sit elsewhere: scenes to match
            tail = [_moved_scene(sc, els[bounds[c + 1]:bounds[c + 2]], delta, dh)
                    for c, sc in enumerate(tail, start=c1)]
            fresh = {id(sc) for sc in tail}
        else:
            fresh = set()
        scenes = old_scenes[:s_lo] + rebuilt + tail
        speakers = speaker_map(scenes)
        longest = max((len(x.split()) for x in speakers), default=1)
        for sc in rebuilt:
            sc.mentioned_characters = scene_mentions(sc, speakers, longest)
        if speakers != self._speakers:           # who speaks changed: mentions may change anywhere
            new_ids = {id(sc) for sc in rebuilt}
            for i, sc in enumerate(scenes):
                if id(sc) not in new_ids:
                    found = scene_mentions(sc, speakers, longest)
                    if found != sc.mentioned_characters:
                        if id(sc) in fresh:
                            sc.mentioned_characters = found
                        else:
                            scenes[i] = sc.model_copy(update={"mentioned_characters": found})
        fresh.update(id(sc) for sc in rebuilt)
        self._speakers = speakers
        script = Script.model_construct(
            title_page=old_script.title_page, elements=els, scenes=scenes, source_format="fountain",
            warnings=[f"line {line}: {msg}" for line, msg in st.warnings], metadata={})
        add_structure_warnings(script)
        self.script = script
        self._heads = heads
        return scenes, fresh, len(rebuilt)

    # ---- tokens and printed lines of the touched chunks (and any the token state runs on into)
    def _relayout_chunks(self, els: list[Element], bounds: list[int], c0: int, c1: int, delta: int, dh: int
                         ) -> tuple[int, int, int] | None:
        """Re-tokenise chunks from ``c0`` until the token state is the old one again (moved by ``delta``
        lines and ``dh`` scenes) after ``c1``; moves the printed lines of the chunks after that.
        Returns (first printed line redone, end of the redone lines, lines added) or None when the redone
        chunks hold dual dialogue (laid out in full by the caller)."""
        stream = TokenStream(True, set(), self.auto_contd)
        _restore(stream, self._states[c0], self._chunk_tokens, c0)
        n_chunks = len(bounds) - 1
        states = self._states
        new_tokens: list[list[PrintToken]] = []
        new_states: list[tuple] = []
        c = c0
        dual_seen = False
        while True:
            new_states.append(_snapshot(stream))
            before = len(stream.tokens)
            # dual dialogue pairs look back past the scene: such scenes are laid out in full (below)
            dual_seen = dual_seen or any(els[x].dual for x in range(bounds[c], bounds[c + 1]))
            stream.feed(els, bounds[c], bounds[c + 1], {})
            if c == n_chunks - 1:
                stream.finish()
            new_tokens.append(stream.tokens[before:])
            c += 1
            if c >= n_chunks or (c > c1 and _snapshot(stream) == _moved_state(states[c - dh], delta, dh)):
                break
        c_end = c                                  # new chunks c0..c_end-1 were redone (old c0..c_end-dh-1)
        if dual_seen:
            return None
        new_states.append(_snapshot(stream))
        new_lines = [make_lines(toks, self.profile) for toks in new_tokens]
        first_line = self._line_start[c0]
        old_count = self._line_start[c_end - dh] - first_line
        states[c0:c_end - dh + 1] = new_states
        if delta or dh:
            for i in range(c_end + 1, len(states)):
                states[i] = _moved_state(states[i], delta, dh)
            # the printed lines after the redone chunks, moved in place (the layout's own copies;
            # their tokens keep the old line numbers: see the module notes)
            # (the chunks' lines in order are self._flines: one pass over its tail, not a call per chunk)
            _move_lines(self._flines[self._line_start[c_end - dh]:], delta, dh)
        self._chunk_tokens[c0:c_end - dh] = new_tokens
        self._chunk_lines[c0:c_end - dh] = new_lines
        added = sum(len(x) for x in new_lines)
        self._flines[first_line:first_line + old_count] = [ln for chunk in new_lines for ln in chunk]
        self._line_start = _starts(self._chunk_lines)
        return first_line, first_line + added, added - old_count

    # ---- pages: from a clean page start before the change to where breaks fall as before
    def _rebreak_pages(self, old_pages: list[list[Line]], reparsed: int, scenes: list[Scene], fresh: set[int],
                       rebuilt: int, delta: int, dh: int, first_line: int, seg_end: int, dl: int) -> LayoutChange:
        info = self._info
        if not info:
            # the old layout printed no page (sections, notes, boneyard only): no page start to resume at
            self._layout_all()
            return self._change("full-layout", old_pages, reparsed, len(self._pages), None, delta, rebuilt)
        starts = [s for s, _ in info]
        p = _resume_page(starts, first_line)
        old_at = {s: q for q, s in enumerate(starts) if s >= 0}
        reuse: list[int] = []

        def page_stop(j: int) -> bool:
            if j < seg_end:
                return False
            q = old_at.get(j - dl)
            if q is None or q <= p:
                return False
            reuse.append(q)
            return True

        new_pages, new_info = break_run(self._flines, starts[p], self.profile, self.sentence_splits, clone=True,
                                        stop=page_stop)
        new_counts = [finish_page(pg) for pg in new_pages]
        q = reuse[0] if reuse else len(old_pages)
        kept_counts = self._counts[q:]
        if delta or dh:
            # the reused pages after the change are the old ones, moved in place
            _move_lines([ln for page in old_pages[q:] for ln in page], delta, dh)
            if dh:
                kept_counts = [{si + dh: n for si, n in cnt.items()} for cnt in kept_counts]
        self._pages = old_pages[:p] + new_pages + old_pages[q:]
        self._info = info[:p] + new_info + [(s + dl if s >= 0 else -1, sp) for s, sp in info[q:]]
        self._counts = self._counts[:p] + new_counts + kept_counts
        pag = assemble_pagination(self.script, self.profile, self._pages, self._counts,
                                  sum(sp for _, sp in self._info), set_eighths=False, headings=len(self._heads))
        for i, (sc, e) in enumerate(zip(scenes, pag.scene_eighths)):
            if sc.eighths != e:
                if id(sc) in fresh:
                    sc.eighths = e
                else:
                    scenes[i] = sc.model_copy(update={"eighths": e})
        self.pagination = pag
        return self._change("incremental", old_pages, reparsed, len(new_pages), (p, p + len(new_pages), q), delta,
                            rebuilt)

    def _change(self, mode: str, old_pages: list[list[Line]], reparsed: int, rebroken: int,
                span: tuple[int, int, int] | None, delta: int, rebuilt: int | None = None) -> LayoutChange:
        pages = self._pages
        if span is None:
            check = range(len(pages))
        else:
            lo, hi, q = span
            # pages after the re-broken run are the old ones; they changed number only if the count did
            check = range(lo, hi) if q == hi else range(lo, len(pages))
        changed = [i for i in check
                   if i >= len(old_pages) or pages[i] is not old_pages[i]
                   and page_signature(pages[i]) != page_signature(old_pages[i])]
        return LayoutChange(mode, changed, len(pages), len(old_pages), reparsed, rebroken,
                            len(self.script.scenes) if rebuilt is None else rebuilt, delta)


def _edited_lines(old_text: str, new_text: str, old: list[str]) -> tuple[list[str] | None, int, int]:
    """The source lines of ``new_text`` (:func:`split_source_lines`) after an edit of ``old_text`` (whose
    lines are ``old``), and the lengths of the common prefix and suffix of the two line lists (see
    :func:`_common_ends`); None for the lines when they are the same.

    Only the lines between the common start and end of the two texts are split: the others are the old
    line strings (equal, so the same list), which saves making thousands of strings on each keystroke.
    Text with a carriage return or a byte-order mark is split in full."""
    if old_text == new_text:
        return None, 0, 0
    if "\r" in new_text or "\r" in old_text or new_text.startswith("\ufeff") or old_text.startswith("\ufeff"):
        new = split_source_lines(new_text)
        if new == old:
            return None, 0, 0
        a, sfx = _common_ends(old, new)
        return new, a, sfx
    n_o, n_n = len(old_text), len(new_text)
    p = _common_prefix(old_text, new_text, min(n_o, n_n))
    q = _common_suffix(old_text, new_text, min(n_o, n_n) - p)
    a0 = old_text.count("\n", 0, p)                 # lines ended inside the common start: the same
    ls = old_text.rfind("\n", 0, p) + 1              # where line a0 starts, in both texts
    k = old_text.count("\n", n_o - q)               # lines starting inside the common end: the same
    if k:
        le = old_text.find("\n", n_o - q) + 1 - n_o  # where the first of them starts, from the end
        new = old[:a0] + new_text[ls:n_n + le - 1].split("\n") + old[len(old) - k:]
    else:
        new = old[:a0] + new_text[ls:].split("\n")
    a, sfx = _common_ends(old, new, a0, k)
    return new, a, sfx


def _common_prefix(x: str, y: str, limit: int) -> int:
    """Length of the common start of ``x`` and ``y`` (at most ``limit``): compared in blocks (in C), then
    a binary search in the block that differs."""
    lo, step = 0, 4096
    while lo + step <= limit and x[lo:lo + step] == y[lo:lo + step]:
        lo += step
    base, hi = lo, min(lo + step, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[base:mid] == y[base:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(x: str, y: str, limit: int) -> int:
    """Length of the common end of ``x`` and ``y`` (at most ``limit``), as :func:`_common_prefix`."""
    nx, ny = len(x), len(y)
    lo, step = 0, 4096
    while lo + step <= limit and x[nx - lo - step:nx - lo] == y[ny - lo - step:ny - lo]:
        lo += step
    base, hi = lo, min(lo + step, limit)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if x[nx - mid:nx - base] == y[ny - mid:ny - base]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_ends(old: list[str], new: list[str], a: int = 0, sfx: int = 0) -> tuple[int, int]:
    """Lengths of the common prefix and of the common suffix (not overlapping it) of two line lists;
    ``a`` and ``sfx``: lengths already known to be common (the search goes on from there)."""
    n_old, n_new = len(old), len(new)
    lim = min(n_old, n_new)
    while a + 64 <= lim and old[a:a + 64] == new[a:a + 64]:     # blocks first: list compares run in C
        a += 64
    while a < lim and old[a] == new[a]:
        a += 1
    room = lim - a
    sfx = min(sfx, room)
    while sfx + 64 <= room and old[n_old - sfx - 64:n_old - sfx] == new[n_new - sfx - 64:n_new - sfx]:
        sfx += 64
    while sfx < room and old[n_old - 1 - sfx] == new[n_new - 1 - sfx]:
        sfx += 1
    return a, sfx


def _clean_start(st_old: ParseState, old_els: list[Element], a: int) -> tuple[int, int, int, int | None] | None:
    """The last clean point before line index ``a`` a re-parse can start from: (its index in ``st_old``,
    its line, the element count there, the last cue before it). A clean point inside a dual-dialogue pair
    moves back before the pair's first cue. None when no clean point comes before the change."""
    k = bisect.bisect_left(st_old.clean_lines, a) - 1
    if k < 0:
        return None
    while True:
        c_line, n_el = st_old.clean_lines[k], st_old.clean_counts[k]
        last_cue = next((j for j in range(n_el - 1, -1, -1) if old_els[j].type == _CUE), None)
        if last_cue is None or not old_els[last_cue].dual:
            return k, c_line, n_el, last_cue
        # a later "^" cue (maybe the edited one) marked this cue: re-read it as well
        k = bisect.bisect_right(st_old.clean_counts, last_cue) - 1
        if k < 0:
            return None


def _resync_stop(st_old: ParseState, old_els: list[Element], old: list[str], new_end: int, delta: int,
                 resync: list[int]):
    """The ``stop`` of a re-parse: true at the first clean point after the edit (line index ``new_end``)
    that was a clean point of the old parse too, shifted by ``delta`` lines, with no "^" cue right after
    it; ``resync`` is set to [old clean point index, old element count there]."""
    def stop(i: int, count: int) -> bool:
        if i < new_end:
            return False
        j = bisect.bisect_left(st_old.clean_lines, i - delta)
        if j >= len(st_old.clean_lines) or st_old.clean_lines[j] != i - delta:
            return False
        m = st_old.clean_counts[j]
        # a "^" cue after this point pairs with the cue before it, which the edit may have changed
        for x in range(m, len(old_els)):
            el = old_els[x]
            if el.type == _CUE:
                if old[el.line - 1].rstrip().endswith("^"):
                    return False
                break
        resync[:] = [j, m]
        return True

    return stop


def _resume_page(starts: list[int], first_line: int) -> int:
    """The page to re-break from: the last one starting at a known line before ``first_line``, and one
    more before it (its foot looks ahead at the next lines)."""
    p = len(starts) - 1
    while p > 0 and not (0 <= starts[p] < first_line):
        p -= 1
    p -= 1
    while p > 0 and starts[p] < 0:
        p -= 1
    return max(p, 0)


def _starts(chunks: list[list]) -> list[int]:
    out = [0]
    for chunk in chunks:
        out.append(out[-1] + len(chunk))
    return out


# _moved_state reads the first four by position: keep scene, scene_at, scene_number, prev_end first
_STATE = ("scene", "scene_at", "scene_number", "prev_end", "hidden_gap", "in_dialogue", "block_dual",
          "last_speaker", "spoke_last")


def _snapshot(stream: TokenStream) -> tuple:
    last = stream.tokens[-1].type if stream.tokens else None
    return (*(getattr(stream, a) for a in _STATE), last)


def _restore(stream: TokenStream, state: tuple, chunk_tokens: list[list[PrintToken]], c0: int) -> None:
    for a, v in zip(_STATE, state):
        setattr(stream, a, v)
    # the stream looks back at its last token only (is it a separator?)
    for c in range(c0 - 1, -1, -1):
        if chunk_tokens[c]:
            stream.tokens = [chunk_tokens[c][-1]]
            break


_new = object.__new__


_M = TypeVar("_M", Element, DialogueBlock)


def _moved(cls: type[_M], objs: list[_M], delta: int) -> list[_M]:
    """Copies of elements or dialogue blocks ``delta`` source lines further down: the same object
    as ``fast_model`` of their fields with ``line`` moved, in one loop (a mid-script Enter copies
    half the script's elements: the per-call overhead is a fair share of the edit)."""
    out: list[_M] = []
    append = out.append
    for obj in objs:
        data = obj.__dict__.copy()
        data["line"] += delta
        new: _M = _new(cls)
        set_dict(new, data)
        # the parser sets every field, so the set is all of them and no assignment can grow it: share it
        set_fields_set(new, obj.__pydantic_fields_set__)
        set_extra(new, None)
        set_private(new, None)
        append(new)
    return out


def _moved_scene(sc: Scene, elements: list[Element], delta: int, dh: int) -> Scene:
    """A copy of a scene the edit did not touch: ``elements`` (its elements in the new script, moved
    ``delta`` lines), index moved by ``dh`` scenes; its dialogue blocks point at the new elements."""
    old = sc.__dict__
    dialogue = old["dialogue"]
    if dialogue and elements[0] is not old["elements"][0]:
        now = dict(zip(map(id, old["elements"]), elements))
        dialogue = _moved(DialogueBlock, dialogue, delta)
        for block in dialogue:
            fields = block.__dict__
            fields["lines"] = [now[id(el)] for el in fields["lines"]]
    data = old.copy()
    data["index"] += dh
    data["line"] += delta
    data["elements"] = elements
    data["dialogue"] = dialogue
    new = _new(Scene)
    set_dict(new, data)
    # every field was set when the scene was made, as in _moved: share its fields set
    set_fields_set(new, sc.__pydantic_fields_set__)
    set_extra(new, None)
    set_private(new, None)
    return new


def _moved_state(state: tuple, delta: int, dh: int) -> tuple:
    """A token-stream snapshot (:func:`_snapshot`) moved by ``delta`` source lines and ``dh`` scenes."""
    if not (delta or dh):
        return state
    scene, scene_at, number, prev_end, *rest = state
    return (scene + dh, None if scene_at is None else scene_at + dh, number,
            prev_end + delta if prev_end else prev_end, *rest)


def _move_lines(lines: list[Line], delta: int, dh: int) -> None:
    """Move printed lines (and their right-hand dual columns) by ``delta`` source lines and ``dh``
    scenes, in place; a line with no source line (padding) keeps 0."""
    if delta:
        for ln in lines:
            line = ln.source_line
            if line:
                ln.source_line = line + delta
            if ln.right_column:
                _move_lines(ln.right_column, delta, 0)
    if dh:
        for ln in lines:
            if ln.scene_index is not None:
                ln.scene_index += dh
            if ln.right_column:
                _move_lines(ln.right_column, 0, dh)
