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

Fractional pages = full pages + lines on the last page / lines per page.
A scene's length in eighths is its printed lines (heading to next heading,
(MORE)/(CONT'D) included) / (lines per page / 8), rounded, at least 1/8.
"""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from studio_kit.domain.script import ElementType, Script
from studio_kit.domain.eighths import format_eighths, parse_eighths  # noqa: F401 - re-exported
from studio_kit.engines.writing.layout import paused_gc
from studio_kit.engines.writing.layout import (
    DUAL_FACTOR,
    PaperProfile,
    Run,
    columns,
    emphasis_runs,
    paper_profile,
    runs_text,
    slice_runs,
    strip_hidden,
    wrap,
)
from studio_kit.engines.writing.print_tokens import DIALOGUE_KINDS as _DIALOGUE_TYPES  # noqa: N811
from studio_kit.engines.writing.print_tokens import PrintToken, print_tokens

MORE = "(MORE)"
CONTD = "(CONT'D)"


@dataclass(eq=False, slots=True)
class Line:
    """One printed line on a page.

    ``x`` is the left edge in inches from the paper's left edge; ``row`` the
    0-based line slot from the top margin (dual dialogue's two columns share
    rows). ``runs`` holds the text split by emphasis style ("b", "i", "u").
    """

    type: str                         # scene_heading, action, character, parenthetical, dialogue,
                                      # transition, centered, more, separator, page_break
    text: str
    x: float = 1.5
    row: int = 0
    scene_number: str | None = None   # printed left and right of a scene heading
    source_line: int = 0
    revised: bool = False             # changed in this revision: asterisk in the right margin
    runs: list[Run] = field(default_factory=list)
    align: str = "left"               # left, right (transitions), center (centered text)
    column: str = ""                  # "", "left" or "right" for dual dialogue
    scene_index: int | None = None
    right_column: list["Line"] | None = None
    part: int = 0                     # which wrapped line of its source line (0-based) ...
    parts: int = 1                    # ... out of how many (break rules for action blocks)
    # afterwriting's token type: break rules look at the source token, not the printed kind
    _token: PrintToken | None = field(default=None, repr=False)

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


def _make_lines(tokens: list[PrintToken], profile: PaperProfile) -> list[Line]:
    lines: list[Line] = []
    append = lines.append
    fixed_x: dict[tuple[str, str | None], float] = {}    # left edge per (kind, dual column)
    for tok in tokens:
        kind, dual = tok.type, tok.dual
        width: float = profile.wrap_width(kind)
        if dual:
            width *= DUAL_FACTOR
        if tok.runs is not None:
            runs = tok.runs
        else:
            runs = emphasis_runs(strip_hidden(tok.text)) if tok.text else []
        if tok.lyric:
            runs = [(t, "".join(c for c in "biu" if c in s + "i")) for t, s in runs]
        text = runs[0][0] if len(runs) == 1 else runs_text(runs)
        long = len(text) > width or (not text.isascii() and columns(text) > width)   # CJK: 2 cells a character
        spans = wrap(text, width) if long else ((0, len(text)),)
        single = len(spans) == 1
        column = dual or ""
        aligned = kind in ("transition", "centered")
        if not aligned:
            x = fixed_x.get((kind, dual))
            if x is None:
                x = fixed_x[(kind, dual)] = _line_x(kind, "", profile, dual)[0]
            align = "left"
        parts = len(spans)
        for part, (start, end) in enumerate(spans):
            piece = text if single else text[start:end]
            if aligned:
                x, align = _line_x(kind, piece, profile, dual)
            append(Line(kind, piece, x, 0, None if part else tok.scene_number, tok.line, tok.revised,
                        runs if single else slice_runs(runs, start, end), align, column, tok.scene, None,
                        part, parts, tok))
    return lines


def _fold_dual(lines: list[Line]) -> list[Line]:
    """Move each right-hand speech beside its left-hand partner (afterwriting's fold_dual_dialogue).

    Unlike afterwriting, when the right column is the longer one the left
    column gets blank padding rows, so the two never print over what follows.
    """
    out: list[Line] = []
    i, n = 0, len(lines)
    pending_left: Line | None = None
    pending_at = 0
    left_rows = 0
    while i < n:
        ln = lines[i]
        tok = ln._token
        if tok is not None and tok.dual == "left" and tok.type == "character" and ln.right_column is None:
            pending_left, left_rows = ln, 0
            pending_at = len(out)        # its index in out (list.index here made long scripts quadratic)
        if tok is not None and tok.dual == "right" and tok.type == "character" and pending_left is not None:
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
            for _ in range(max(0, pad)):
                out.insert(insert_at, Line(type="dual_pad", text=" ", x=0.0, scene_index=pending_left.scene_index,
                                           _token=PrintToken("dual_pad", " ", 0, pending_left.scene_index)))
            pending_left = None
            continue
        out.append(ln)
        i += 1
    return out


def _contd_cue(text: str) -> str:
    return text.strip() if CONTD in text else f"{text.strip()} {CONTD}"


def _breaker(lines: list[Line], start: int, index: int, profile: PaperProfile, counter: list[int]) -> bool:
    """May the page end after ``lines[index]``? May split a speech with (MORE)/(CONT'D) (then True)."""
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

    if on_t == "dual_pad" or ta_t == "dual_pad":
        return False
    if on_t == "scene_heading" and ta is not None and ta_t != "scene_heading":
        return False
    if ta is not None and ta_t == "transition" and on_t != "transition":
        return False
    if on_t == "action" and on._token is not None:
        # where this line sits among the lines its source line wrapped into (no list search: linear)
        pos, count = on.part, on.parts
        if count < 4 and pos != count - 1:
            return False
        if count >= 4 and (pos == 0 or pos == count - 2):
            return False
    if on_t == "dialogue" and ta_t == "dialogue" and tb_t == "dialogue":
        cue = before
        while cue > 0 and lines[cue].type != "character":
            cue -= 1
        cue_line = lines[cue]
        more = Line(type="more", text=MORE, x=profile.indent("more"), source_line=on.source_line,
                    scene_index=on.scene_index, runs=[(MORE, "")], _token=on._token)
        contd_text = _contd_cue(cue_line.text)
        contd = Line(type="character", text=contd_text, x=cue_line.x, source_line=ta.source_line,
                     scene_index=on.scene_index, runs=[(contd_text, "")], column=cue_line.column,
                     _token=on._token)
        if cue_line.right_column:
            # split the right-hand column at the same height
            on_page = index - cue
            right = cue_line.right_column
            r_more = Line(type="more", text=MORE, x=right[0].x, source_line=on.source_line,
                          scene_index=on.scene_index, runs=[(MORE, "")], column="right", _token=on._token)
            r_cue = _contd_cue(right[0].text)
            r_next = [Line(type="character", text=r_cue, x=right[0].x, source_line=ta.source_line,
                           scene_index=on.scene_index, runs=[(r_cue, "")], column="right",
                           _token=on._token)] + right[on_page:]
            cue_line.right_column = right[:on_page] + [r_more]
            if len(r_next) > 1:
                contd.right_column = r_next
        lines[index:index] = [more, contd]
        counter[0] += 1
        return True
    if on_t in _DIALOGUE_TYPES and ta is not None and ta_t in ("dialogue", "parenthetical"):
        return False
    return True


def _break_pages(lines: list[Line], profile: PaperProfile) -> tuple[list[list[Line]], int]:
    """Cut the line list into pages (afterwriting's break_lines, iterative).

    Works on a sliding window of a few pages (``work``) instead of the whole
    list: a (MORE)/(CONT'D) split inserts two lines, and inserting into the
    whole script's list made long scripts quadratic. The break rules only
    look a few lines around the candidate break, well inside the window.
    """
    limit = profile.lines_per_page
    window = 3 * limit                  # lines kept ahead of the page start
    history = limit                     # lines kept behind it (the cue search looks back)
    pages: list[list[Line]] = []
    counter = [0]
    n_src = len(lines)
    pos = 0                             # next line of ``lines`` not yet in ``work``
    work: list[Line] = []
    start = 0                           # page start inside ``work``
    while True:
        if start > 2 * history:
            del work[:start - history]
            start = history
        if len(work) - start < window and pos < n_src:
            take = start + window - len(work)
            work.extend(lines[pos:pos + take])
            pos += take
        while start < len(work) and not work[start].text:
            start += 1          # blank lines and forced breaks at the top of a page are dropped
            if start == len(work) and pos < n_src:
                work.extend(lines[pos:pos + window])
                pos += window
        remaining = len(work) - start + max(0, n_src - pos)
        if remaining <= 0:
            break
        if len(work) - start < window and pos < n_src:
            take = start + window - len(work)
            work.extend(lines[pos:pos + take])
            pos += take
        forced = 0
        for i in range(1, min(remaining, limit)):
            if work[start + i].type == "page_break":
                forced = i
                break
        if not forced:
            if remaining <= limit:
                pages.append(work[start:])
                break
            s = limit
            while True:
                p = s - 1
                while p and not work[start + p].text:
                    p -= 1
                s = p
                if not p or _breaker(work, start, start + p, profile, counter):
                    break
            if not p:
                p = limit
        else:
            p = forced - 1
        pages.append(work[start:start + p + 1])
        start += p + 1
    return pages, counter[0]


def paginate(script: Script, paper: str | PaperProfile = "letter",
             revised_lines: Iterable[int] | None = None) -> Pagination:
    """Lay ``script`` out on pages of ``paper`` ("letter" or "a4") and set every ``Scene.eighths``.

    ``revised_lines`` are source line numbers changed in this revision (their
    printed lines get ``revised=True``); by default they are read from
    ``script.metadata["revision"]["changed_lines"]`` when a revision is attached.
    """
    with paused_gc():
        return _paginate(script, paper, revised_lines)


def _paginate(script: Script, paper: str | PaperProfile, revised_lines: Iterable[int] | None) -> Pagination:
    profile = paper_profile(paper)
    if revised_lines is None:
        revised_lines = (script.metadata.get("revision") or {}).get("changed_lines") or ()
    tokens = print_tokens(script, set(revised_lines))
    lines = _fold_dual(_make_lines(tokens, profile))
    pages, more_splits = _break_pages(lines, profile)

    scene_count = len(script.scenes)
    heading_count = sum(1 for e in script.elements if e.type == ElementType.SCENE_HEADING)
    n_scenes = max(scene_count, heading_count)
    scene_lines = [0] * n_scenes
    scene_pages = [0] * n_scenes
    for page_no, page in enumerate(pages, start=1):
        trimmed = [ln for ln in page if ln.type != "page_break"]
        page[:] = trimmed
        for row, ln in enumerate(page):
            ln.row = row
            ln.scene_number = ln.scene_number if ln.type == "scene_heading" else None
            if ln.right_column:
                for r, rl in enumerate(ln.right_column):
                    rl.row = row + r
            if ln.scene_index is not None and ln.scene_index < n_scenes:
                if scene_lines[ln.scene_index] == 0:
                    scene_pages[ln.scene_index] = page_no
                scene_lines[ln.scene_index] += 1
    eighths = [max(1, math.floor(c / profile.eighth_lines + 0.5)) for c in scene_lines]
    for scene, e in zip(script.scenes, eighths):
        scene.eighths = e
    return Pagination(paper=profile.name, lines_per_page=profile.lines_per_page, pages=pages,
                      scene_eighths=eighths[:scene_count] if scene_count else [], scene_lines=scene_lines[:scene_count],
                      scene_pages=scene_pages[:scene_count], more_splits=more_splits,
                      last_page_lines=len(pages[-1]) if pages else 0)


def page_lines(page: list[Line]) -> list[Line]:
    """Every printed line of a page, right-hand dual dialogue columns included, in row order."""
    out: list[Line] = []
    for ln in page:
        if ln.type in ("dual_pad",):
            continue
        out.append(ln)
        if ln.right_column:
            out.extend(r for r in ln.right_column if r.type != "separator")
    return out
