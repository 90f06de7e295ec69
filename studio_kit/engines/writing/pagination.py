"""Industry pagination: lay a Script out on US Letter or A4 pages, count pages and eighths.

The algorithm mirrors afterwriting (npm ``afterwriting``, ``js/utils/liner.js``),
the reference our page counts are checked against:

* every source line is a token; a blank line (or a line that only held a
  note or boneyard) is one blank printed line, runs of blank lines count once;
* each token wraps at its width (STANDARDS.md), dual dialogue at 3/4 width,
  the right-hand column printed beside the left one;
* a page holds ``lines_per_page`` lines; a break is never right after a scene
  heading, right before a transition, inside an action line of 1-3 wrapped
  lines, after the first or second-to-last wrapped line of a longer one, or
  between a cue/parenthetical and its speech; a speech long enough is split
  with ``(MORE)`` at the bottom and ``NAME (CONT'D)`` on top of the next page;
* ``===`` forces a page break; blank lines at the top of a page are dropped.

Where afterwriting departs from the Fountain spec we follow the spec, so page
counts can differ from afterwriting's on such input (issue 20): a note that
spans a truly blank line is not a note (its marks and text print, a few
lines more than afterwriting); ``. X`` and ``. . .`` lines are action, not
forced headings; emphasis marks that do not hug their text print as
written (a character wider per mark). Dual dialogue longer than the room
left on a page is split in both columns at the same row, each with
(MORE)/(CONT'D), and every break moves the script forward (afterwriting
lets the right column overprint the page bottom).

Fractional pages = full pages + lines on the last page / lines per page.
A scene's length in eighths is its printed lines (heading to next heading,
(MORE)/(CONT'D) included) / (lines per page / 8), rounded, at least 1/8.
"""
from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from operator import attrgetter

from studio_kit.domain.eighths import format_eighths, parse_eighths  # noqa: F401 - re-exported
from studio_kit.domain.script import ElementType, Script
from studio_kit.engines.writing.layout import (
    DUAL_FACTOR,
    PaperProfile,
    Run,
    columns,
    emphasis_runs,
    paper_profile,
    paused_gc,
    runs_text,
    split_runs,
    strip_hidden,
    wrap,
)
from studio_kit.engines.writing.print_tokens import DIALOGUE_KINDS as _DIALOGUE_TYPES
from studio_kit.engines.writing.print_tokens import PrintToken, TokenStream, dual_roles

MORE = "(MORE)"
CONTD = "(CONT'D)"


class Line:
    """One printed line on a page.

    ``x`` is the left edge in inches from the paper's left edge; ``row`` the
    0-based line slot from the top margin (dual dialogue's two columns share
    rows). ``runs`` holds the text split by emphasis style ("b", "i", "u").

    A plain class with its ``__init__`` written out (not a dataclass): compiled with mypyc
    (:mod:`speedups`) that is a direct C constructor, where a dataclass's generated ``__init__``
    is called through a tuple and a dict of arguments. Compared by identity.
    """

    __slots__ = ("_token", "align", "column", "part", "parts", "revised", "right_column", "row", "runs",
                 "scene_index", "scene_number", "source_line", "text", "type", "x")

    def __init__(self, type: str, text: str, x: float = 1.5, row: int = 0, scene_number: str | None = None,
                 source_line: int = 0, revised: bool = False, runs: list[Run] | None = None, align: str = "left",
                 column: str = "", scene_index: int | None = None, right_column: list[Line] | None = None,
                 part: int = 0, parts: int = 1, _token: PrintToken | None = None) -> None:
        self.type = type                  # scene_heading, action, character, parenthetical, dialogue,
                                          # transition, centered, more, separator, page_break
        self.text = text
        self.x = x
        self.row = row
        self.scene_number = scene_number  # printed left and right of a scene heading
        self.source_line = source_line
        self.revised = revised            # changed in this revision: asterisk in the right margin
        self.runs: list[Run] = [] if runs is None else runs
        self.align = align                # left, right (transitions), center (centered text)
        self.column = column              # "", "left" or "right" for dual dialogue
        self.scene_index = scene_index
        self.right_column = right_column
        self.part = part                  # which wrapped line of its source line (0-based) ...
        self.parts = parts                # ... out of how many (break rules for action blocks)
        # afterwriting's token type: break rules look at the source token, not the printed kind
        self._token = _token

    def __repr__(self) -> str:
        return (f"Line(type={self.type!r}, text={self.text!r}, x={self.x!r}, row={self.row!r}, "
                f"source_line={self.source_line!r}, column={self.column!r}, scene_index={self.scene_index!r})")

    @property
    def token_type(self) -> str:
        return self._token.type if self._token is not None else self.type


@dataclass
class Pagination:
    """A laid-out script: pages of lines and the figures producers quote."""

    paper: str
    lines_per_page: int
    pages: list[list[Line]]
    scene_eighths: list[int]               # per Script.scenes entry, >= 1
    scene_lines: list[int]                 # printed lines per scene
    scene_pages: list[int]                 # 1-based page each scene starts on
    more_splits: int = 0
    last_page_lines: int = 0

    @property
    def page_count(self) -> int:
        """Printed body pages (the title page is not counted)."""
        return len(self.pages)

    @property
    def fractional_pages(self) -> float:
        """Full pages + lines on the last page / lines per page (afterwriting's figure)."""
        if not self.pages:
            return 0.0
        return (len(self.pages) - 1) + self.last_page_lines / self.lines_per_page

    @property
    def total_eighths(self) -> int:
        return sum(self.scene_eighths)

    def to_dict(self) -> dict:
        """JSON-ready figures (no line objects): pages, fractional pages, scene lengths as "1 4/8"."""
        return {"paper": self.paper, "pages": self.page_count, "fractional_pages": round(self.fractional_pages, 3),
                "more_splits": self.more_splits, "scene_eighths": list(self.scene_eighths),
                "scene_lengths": [format_eighths(e) for e in self.scene_eighths],
                "scene_pages": list(self.scene_pages)}


# ---------------------------------------------------------------- lines
_ALIGNED = ("transition", "centered")         # placed by their text's width, not at a fixed edge


def _line_x(kind: str, text: str, profile: PaperProfile, dual: str | None) -> tuple[float, str]:
    if kind == "transition":
        return profile.right_edge_in - columns(text) * 0.1, "right"
    if kind == "centered":
        return (profile.width_in - columns(text) * 0.1) / 2.0, "center"
    x = profile.indent(kind)
    if dual:
        x -= (x - profile.left_margin_in) / 2.0
        if dual == "right":
            x += profile.dual_shift_in
    return x, "left"


def _line_style(kind: str, dual: str | None, profile: PaperProfile) -> tuple[float, float | None, str]:
    """Wrap width, left edge (None: aligned by its text, see :func:`_line_x`) and column of a line kind."""
    width = profile.wrap_width(kind) * (DUAL_FACTOR if dual else 1)
    x = None if kind in _ALIGNED else _line_x(kind, "", profile, dual)[0]
    return width, x, dual or ""


def make_lines(tokens: list[PrintToken], profile: PaperProfile) -> list[Line]:
    lines: list[Line] = []
    append = lines.append
    # per kind (not dual) or (kind, dual column): a kind string as the key saves a tuple per token
    styles: dict[str | tuple[str, str], tuple[float, float | None, str]] = {}
    for tok in tokens:
        kind = tok.type
        dual = tok.dual
        key = kind if dual is None else (kind, dual)
        style = styles.get(key)
        if style is None:
            style = styles[key] = _line_style(kind, dual, profile)
        width, x, column = style
        text = tok.text
        runs = tok.runs
        if not text and runs is None and x is not None:
            runs = []                                    # a separator (or another empty line): one line as is
            long = False
        else:
            if runs is not None:
                text = runs_text(runs)
            elif "*" in text or "_" in text or "[[" in text or "/*" in text:
                runs = emphasis_runs(strip_hidden(text))
                text = runs_text(runs)
            else:
                runs = [(text, "")]                      # plain text: emphasis_runs' answer
            if tok.lyric:
                runs = [(t, "".join(c for c in "biu" if c in s + "i")) for t, s in runs]
            if text.isascii():
                long = len(text) > width
            else:
                long = len(text) > width or columns(text) > width   # CJK: 2 cells a character
        if not long:
            if x is None:
                lx, align = _line_x(kind, text, profile, dual)
            else:
                lx, align = x, "left"
            append(Line(kind, text, lx, 0, tok.scene_number, tok.line, tok.revised, runs, align, column, tok.scene,
                        None, 0, 1, tok))
            continue
        spans = wrap(text, width)
        parts = len(spans)
        one_style = len(runs) == 1
        if one_style:
            style_of_runs = runs[0][1]               # one style: each piece's runs are its slice of the text
        else:
            pieces = [runs] if parts == 1 else split_runs(runs, spans)
        aligned = x is None
        align = "left"
        scene_number = tok.scene_number
        src = tok.line
        revised = tok.revised
        scene = tok.scene
        for part, (start, end) in enumerate(spans):
            piece = text if parts == 1 else text[start:end]
            if aligned or x is None:     # the same test: x is None exactly when each piece is aligned
                x, align = _line_x(kind, piece, profile, dual)
            append(Line(kind, piece, x, 0, None if part else scene_number, src, revised,
                        ([(piece, style_of_runs)] if piece else []) if one_style else pieces[part], align, column,
                        scene, None, part, parts, tok))
    return lines


def fold_dual(lines: list[Line]) -> list[Line]:
    """Move each right-hand speech beside its left-hand partner (afterwriting's fold_dual_dialogue).

    Unlike afterwriting, when the right column is the longer one the left
    column gets blank padding rows, so the two never print over what follows.
    """
    # only the cues of dual dialogue do anything here: find them first (one quick pass) and copy the
    # lines between them in slices, not one by one
    cues = [k for k, ln in enumerate(lines)
            if (tok := ln._token) is not None and tok.dual is not None and tok.type == "character"]
    if not cues:
        return list(lines)
    out: list[Line] = []
    i, n = 0, len(lines)
    pending_left: Line | None = None
    pending_at = 0
    for k in cues:
        if k < i:
            continue                     # inside a right-hand speech already folded
        out.extend(lines[i:k])
        i = k
        ln = lines[i]
        tok = ln._token
        dual = tok.dual if tok is not None else None
        if dual == "left" and ln.right_column is None:
            pending_left = ln
            pending_at = len(out)        # its index in out (list.index here made long scripts quadratic)
        elif dual == "right" and pending_left is not None:
            right: list[Line] = []
            while i < n and lines[i].token_type in _DIALOGUE_TYPES:
                right.append(lines[i])
                i += 1
            if i < n and lines[i].type == "separator":
                i += 1               # afterwriting also folds the blank line after the right speech
            pending_left.right_column = right
            # left rows = lines from the left cue to the end of out (its separator excluded)
            start = pending_at
            left_rows = sum(1 for x in out[start:] if x.token_type in _DIALOGUE_TYPES)
            pad = len(right) - left_rows
            insert_at = start + left_rows
            if pad > 0:
                out[insert_at:insert_at] = [_pad(pending_left) for _ in range(pad)]
            pending_left = None
            continue
        out.append(ln)
        i += 1
    out.extend(lines[i:])
    return out


def _contd_cue(text: str) -> str:
    return text.strip() if CONTD in text else f"{text.strip()} {CONTD}"


def _breaker(lines: list[Line], start: int, index: int, profile: PaperProfile, counter: list[int],
             sentences: bool = False) -> int:
    """May the page end after ``lines[index]``? Returns the index of the page's last line (``index``,
    or the (MORE) line of a speech split here), or -1 when the page may not end here."""
    before = index - 1
    while before > start and not lines[before].text:
        before -= 1
    after = index + 1
    n = len(lines)
    while after < n and not lines[after].text:
        after += 1
    on = lines[index]
    on_t = on.token_type
    ta = lines[after] if after < n else None
    ta_t = ta.token_type if ta is not None else None
    tb_t = lines[before].token_type

    if ta_t == "dual_pad":
        # the right-hand speech of dual dialogue runs on below the left one: split it here
        return index if _split_right_column(lines, start, index, profile, counter) else -1
    if on_t == "scene_heading" and ta is not None and ta_t != "scene_heading":
        return -1
    if ta is not None and ta_t == "transition" and on_t != "transition":
        return -1
    if on_t == "action" and on._token is not None:
        # where this line sits among the lines its source line wrapped into (no list search: linear)
        pos, count = on.part, on.parts
        if count < 4 and pos != count - 1:
            return -1
        if count >= 4 and (pos == 0 or pos == count - 2):
            return -1
    if on_t == "dialogue" and ta is not None and ta_t == "dialogue" and tb_t == "dialogue":
        cue = before
        while cue > 0 and lines[cue].type != "character":
            cue -= 1
        cue_line = lines[cue]
        more = Line(type="more", text=MORE, x=cue_line.x if cue_line.column else profile.indent("more"),
                    source_line=on.source_line, scene_index=on.scene_index, runs=[(MORE, "")],
                    column=cue_line.column, _token=on._token)
        contd_text = _contd_cue(cue_line.text)
        contd = Line(type="character", text=contd_text, x=cue_line.x, source_line=ta.source_line,
                     scene_index=on.scene_index, runs=[(contd_text, "")], column=cue_line.column,
                     _token=on._token)
        if index - cue < 2:
            return -1          # nothing of the speech would stay on this page: no progress
        if sentences and not cue_line.column:
            # Final Draft splits a speech at the end of a sentence, not wherever a line wraps
            cut = _sentence_cut(lines, start, cue, index, profile, more, contd)
            if cut is not None:
                counter[0] += cut >= 0
                return cut
        if cue_line.right_column:
            # split the right-hand column at the same height. Both columns lose on_page rows and gain a
            # (CONT'D) row, so the padding rows already below (right rows - left rows) stay right
            on_page = index - cue
            right = cue_line.right_column
            if len(right) > on_page:
                r_more = Line(type="more", text=MORE, x=right[0].x, source_line=on.source_line,
                              scene_index=on.scene_index, runs=[(MORE, "")], column="right", _token=on._token)
                r_cue = _contd_cue(right[0].text)
                contd.right_column = [Line(type="character", text=r_cue, x=right[0].x, source_line=ta.source_line,
                                           scene_index=on.scene_index, runs=[(r_cue, "")], column="right",
                                           _token=on._token)] + right[on_page:]
                cue_line.right_column = right[:on_page] + [r_more]
        lines[index:index] = [more, contd]
        counter[0] += 1
        return index
    if on_t in _DIALOGUE_TYPES and ta is not None and ta_t in ("dialogue", "parenthetical"):
        return -1
    return index


# the end of a sentence in printed dialogue: . ! ? or … (closing quotes/brackets may follow), then a space or the end
_SENTENCE_END_RE = re.compile(r"(?<=\S)[.!?…]+[\"'”’)\]]*(?=\s|$)")
_ABBREVIATIONS = frozenset({"mr", "mrs", "ms", "dr", "st", "jr", "sr", "mt", "vs", "no", "prof", "lt", "sgt", "capt"})


def _last_sentence_end(text: str) -> int:
    """Offset just after the last sentence end in ``text`` (-1 when there is none); "Mr." is no end."""
    best = -1
    for m in _SENTENCE_END_RE.finditer(text):
        word = text[:m.start()].rsplit(None, 1)[-1].lower() if text[:m.start()].strip() else ""
        if m.group().startswith(".") and len(m.group().rstrip("\"'”’)]")) == 1 and word in _ABBREVIATIONS:
            continue
        best = m.end()
    return best


def _sentence_cut(lines: list[Line], start: int, cue: int, index: int, profile: PaperProfile,
                  more: Line, contd: Line) -> int | None:
    """Split the speech of ``lines[cue]`` at the last sentence end on this page, as Final Draft does.

    The page may keep the lines ``cue+1 .. index-1`` (then (MORE)). The last sentence end among
    them wins: a line that ends with it keeps its place; a line with it inside is cut there and the
    rest of that source line is wrapped again at the top of the next page, after NAME (CONT'D).
    Returns the index of the (MORE) line; -1 when no sentence ends here but the speech could move
    to the next page whole; None when it already starts the page (then the caller splits at a line).
    """
    found = None
    for k in range(index - 1, cue, -1):
        ln = lines[k]
        if ln.type == "dialogue" and ln.token_type == "dialogue":
            at = _last_sentence_end(ln.text)
            if at > 0:
                found = (k, at)
                break
    if found is None:
        return None if cue <= start else -1
    k, at = found
    ln = lines[k]
    if not ln.text[at:].strip():                # the sentence ends the line: split after it
        lines[k + 1:k + 1] = [more, contd]
        return k + 1
    tok = ln._token
    end = k + 1
    while end < len(lines) and lines[end]._token is tok and lines[end].type == "dialogue":
        end += 1
    head, tail = split_runs(ln.runs, ((0, at), (at, len(ln.text))))
    rest: list[Run] = list(tail)
    for nxt in lines[k + 1:end]:
        rest.append((" ", ""))
        rest.extend(nxt.runs)
    while rest and not rest[0][0].strip():
        rest.pop(0)
    if rest:
        rest[0] = (rest[0][0].lstrip(), rest[0][1])
    text = runs_text(rest)
    spans = wrap(text, profile.wrap_width("dialogue"))
    moved = [Line("dialogue", text[a:b], ln.x, 0, None, ln.source_line, ln.revised, piece, "left", "",
                  ln.scene_index, None, part, len(spans), tok)
             for part, ((a, b), piece) in enumerate(zip(spans, split_runs(rest, spans)))]
    ln.text, ln.runs = ln.text[:at], head
    lines[k + 1:end] = [more, contd, *moved]
    return k + 1


def _pad(like: Line) -> Line:
    return Line(type="dual_pad", text=" ", x=0.0, scene_index=like.scene_index,
                _token=PrintToken("dual_pad", " ", 0, like.scene_index))


def _split_right_column(lines: list[Line], start: int, index: int, profile: PaperProfile,
                        counter: list[int]) -> bool:
    """Break after ``lines[index]`` while the right-hand column of dual dialogue runs on (padding
    follows): the right speech gets (MORE) in this row and continues as ``NAME (CONT'D)`` on a
    padding row at the top of the next page. Refused (False) unless the right column keeps its cue
    and at least one line of speech here, so every split moves the script forward."""
    cue = index
    while cue > start and lines[cue].right_column is None:
        cue -= 1
    right = lines[cue].right_column
    if right is None:
        return False
    rows = index - cue + 1                  # rows of this block on this page (the MORE row included)
    if rows < 3 or len(right) <= rows:
        return False
    on = lines[index]
    first = right[0]
    r_more = Line(type="more", text=MORE, x=first.x, source_line=right[rows - 1].source_line,
                  scene_index=first.scene_index, runs=[(MORE, "")], column="right", _token=first._token)
    r_cue = _contd_cue(first.text)
    rest = [Line(type="character", text=r_cue, x=first.x, source_line=right[rows - 1].source_line,
                 scene_index=first.scene_index, runs=[(r_cue, "")], column="right",
                 _token=first._token)] + right[rows - 1:]
    lines[cue].right_column = right[:rows - 1] + [r_more]
    carrier = _pad(on)
    carrier.right_column = rest
    # the padding below held len(right) - rows rows; the rest now needs two more: its cue and the MORE row
    lines[index + 1:index + 1] = [carrier, _pad(on)]
    counter[0] += 1
    return True


def _break_pages(lines: list[Line], profile: PaperProfile,
                 sentences: bool = False) -> tuple[list[list[Line]], int]:
    """Cut the line list into pages (afterwriting's break_lines, iterative): see :func:`break_run`."""
    pages, info = break_run(lines, 0, profile, sentences)
    return pages, sum(splits for _, splits in info)


def clone_line(ln: Line) -> Line:
    """A copy of a laid-out line that page breaking may change (rows, split right columns)
    without touching the original, which an incremental layout keeps to break again."""
    right = ln.right_column
    return Line(ln.type, ln.text, ln.x, ln.row, ln.scene_number, ln.source_line, ln.revised, ln.runs,
                ln.align, ln.column, ln.scene_index, None if right is None else [clone_line(r) for r in right],
                ln.part, ln.parts, ln._token)


def break_run(lines: list[Line], first: int, profile: PaperProfile, sentences: bool = False, *,
              clone: bool = False, stop=None) -> tuple[list[list[Line]], list[tuple[int, int]]]:
    """Cut ``lines[first:]`` into pages; ``first`` must be a clean page start (see below).

    Works on a sliding window of a few pages (``work``) instead of the whole
    list: a (MORE)/(CONT'D) split inserts two lines, and inserting into the
    whole script's list made long scripts quadratic. The break rules only
    look a few lines around the candidate break, well inside the window.

    Returns the pages and, per page, ``(start, splits)``: ``start`` is the index in ``lines``
    of the page's first line when the page starts clean (on a line of ``lines``, not on a
    (CONT'D) the break above inserted; the pages from there on depend only on ``lines[start:]``),
    else -1; ``splits`` the (MORE) splits made at its foot. ``clone`` breaks copies of the lines
    (:func:`clone_line`), leaving ``lines`` as they were; ``stop(start)``, asked at each clean page
    start, may end the run there (that page is not cut).
    """
    limit = profile.lines_per_page
    window = 3 * limit                  # lines kept ahead of the page start
    history = limit                     # lines kept behind it (the cue search looks back)
    pages: list[list[Line]] = []
    info: list[tuple[int, int]] = []
    counter = [0]
    n_src = len(lines)
    pos = first                         # next line of ``lines`` not yet in ``work``
    work: list[Line] = []
    off = first                         # lines index of work[k] is k + off (past the last insertion)
    clean = True                        # the page starting now begins on a line of ``lines``
    has_breaks = "page_break" in map(_type_of, lines[first:])   # no forced break: no need to look for one

    def take_more(count: int) -> None:
        nonlocal pos
        chunk = lines[pos:pos + count]
        work.extend(map(clone_line, chunk) if clone else chunk)
        pos += len(chunk)

    start = 0                           # page start inside ``work``
    while True:
        if start > 2 * history:
            cut = start - history
            del work[:cut]
            off += cut
            start = history
        if len(work) - start < window and pos < n_src:
            take_more(start + window - len(work))
        while start < len(work) and not work[start].text:
            start += 1          # blank lines and forced breaks at the top of a page are dropped
            if start == len(work) and pos < n_src:
                take_more(window)
        remaining = len(work) - start + max(0, n_src - pos)
        if remaining <= 0:
            break
        if len(work) - start < window and pos < n_src:
            take_more(start + window - len(work))
        page_start = start + off if clean else -1
        if stop is not None and page_start >= 0 and stop(page_start):
            break
        size_before = len(work)
        splits_before = counter[0]
        forced = 0
        if has_breaks:           # a forced break within the page: the first line typed page_break (found in C)
            kinds = list(map(_type_of, work[start + 1:start + min(remaining, limit)]))
            if "page_break" in kinds:
                forced = kinds.index("page_break") + 1
        if not forced:
            if remaining <= limit:
                pages.append(work[start:])
                info.append((page_start, 0))
                break
            s = limit
            while True:
                p = s - 1
                while p and not work[start + p].text:
                    p -= 1
                s = p
                if not p:
                    break
                end = _breaker(work, start, start + p, profile, counter, sentences)
                if end >= 0:
                    p = end - start
                    break
            if not p:
                p = limit
        else:
            p = forced - 1
        pages.append(work[start:start + p + 1])
        info.append((page_start, counter[0] - splits_before))
        start += p + 1
        grown = len(work) - size_before
        off -= grown
        clean = grown == 0 and counter[0] == splits_before
    return pages, info


def paginate(script: Script, paper: str | PaperProfile = "letter",
             revised_lines: Iterable[int] | None = None, *, auto_contd: bool = True,
             sentence_splits: bool = True) -> Pagination:
    """Lay ``script`` out on pages of ``paper`` ("letter" or "a4") and set every ``Scene.eighths``.

    ``revised_lines`` are source line numbers changed in this revision (their
    printed lines get ``revised=True``); by default they are read from
    ``script.metadata["revision"]["changed_lines"]`` when a revision is attached.
    ``auto_contd`` adds (CONT'D) to a cue whose character resumes after action in the same
    scene, as Final Draft does (on by default; afterwriting does not, so turn it off to compare).
    ``sentence_splits``: a speech that runs over a page breaks at the end of a sentence with
    (MORE)/(CONT'D), as Final Draft does (on by default; a speech with no sentence end on the page
    moves to the next page whole). Off, it breaks after any wrapped line, as afterwriting does
    (its liner.js breaks dialogue on any line): turn it off, with ``auto_contd``, to compare.
    """
    with paused_gc():
        return _paginate(script, paper, revised_lines, auto_contd, sentence_splits)


def _paginate(script: Script, paper: str | PaperProfile, revised_lines: Iterable[int] | None,
              auto_contd: bool = True, sentence_splits: bool = True) -> Pagination:
    profile = paper_profile(paper)
    if revised_lines is None:
        revised_lines = (script.metadata.get("revision") or {}).get("changed_lines") or ()
    stream = TokenStream(script.source_format == "fountain", set(revised_lines), auto_contd)
    elements = script.elements
    stream.feed(elements, 0, len(elements), dual_roles(elements))
    tokens = stream.finish()            # print_tokens(script, ...), with the stream's heading count kept
    lines = fold_dual(make_lines(tokens, profile))
    pages, more_splits = _break_pages(lines, profile, sentence_splits)
    counts = [finish_page(page) for page in pages]
    return assemble_pagination(script, profile, pages, counts, more_splits, headings=stream.scene + 1)


_type_of = attrgetter("type")
_scene_index_of = attrgetter("scene_index")


def finish_page(page: list[Line]) -> dict[int, int]:
    """Drop forced-break markers, number the rows; returns printed lines per scene index on it."""
    if "page_break" in map(_type_of, page):       # (rare: a forced break ends this page)
        page[:] = [ln for ln in page if ln.type != "page_break"]
    for row, ln in enumerate(page):
        ln.row = row
        if ln.scene_number is not None and ln.type != "scene_heading":
            ln.scene_number = None
        if ln.right_column:
            for r, rl in enumerate(ln.right_column):
                rl.row = row + r
    # counted in C (a Counter of the lines' scene indices), in the order the scenes first appear
    counts = Counter(map(_scene_index_of, page))
    counts.pop(None, None)
    return dict(counts)


def assemble_pagination(script: Script, profile: PaperProfile, pages: list[list[Line]],
                        counts: list[dict[int, int]], more_splits: int, *, set_eighths: bool = True,
                        headings: int | None = None) -> Pagination:
    """The Pagination of finished pages (``counts``: :func:`finish_page` of each); sets
    every ``Scene.eighths`` unless ``set_eighths`` is False. ``headings``: scene headings in
    the script, when the caller knows."""
    scene_count = len(script.scenes)
    heading = ElementType.SCENE_HEADING          # one Enum lookup, not one per element
    heading_count = headings if headings is not None else sum(1 for e in script.elements if e.type == heading)
    n_scenes = max(scene_count, heading_count)
    scene_lines = [0] * n_scenes
    scene_pages = [0] * n_scenes
    for page_no, page_counts in enumerate(counts, start=1):
        for si, c in page_counts.items():
            if si < n_scenes:
                if scene_lines[si] == 0:
                    scene_pages[si] = page_no
                scene_lines[si] += c
    eighths = [max(1, math.floor(c / profile.eighth_lines + 0.5)) for c in scene_lines]
    if set_eighths:
        for scene, e in zip(script.scenes, eighths):
            # what pydantic's __setattr__ does for this plain field (no validation on assignment),
            # without its Python-level dispatch: a feature has hundreds of scenes
            scene.__dict__["eighths"] = e
            scene.__pydantic_fields_set__.add("eighths")
    return Pagination(paper=profile.name, lines_per_page=profile.lines_per_page, pages=pages,
                      scene_eighths=eighths[:scene_count] if scene_count else [], scene_lines=scene_lines[:scene_count],
                      scene_pages=scene_pages[:scene_count], more_splits=more_splits,
                      last_page_lines=len(pages[-1]) if pages else 0)


def page_lines(page: list[Line]) -> list[Line]:
    """Every printed line of a page, right-hand dual dialogue columns included, in row order."""
    out: list[Line] = []
    for ln in page:
        if ln.type != "dual_pad":     # padding prints nothing (a carrier row holds a right column)
            out.append(ln)
        if ln.right_column:
            out.extend(r for r in ln.right_column if r.type != "separator")
    return out
