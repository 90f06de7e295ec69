"""Page geometry and inline text of a screenplay: paper profiles, emphasis runs, wrapping.

Units: inches for positions, characters for widths (Courier: 10 characters
per inch, 6 lines per inch). The figures come from ``STANDARDS.md`` and
match afterwriting's ``usletter`` and ``a4`` print profiles, so our page
counts can be checked against it.
"""
from __future__ import annotations

import contextlib
import functools
import gc
import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from studio_kit.exceptions import ScriptError


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while parsing or paginating.

    Both allocate thousands of small objects and no reference cycles; pausing
    the cyclic GC keeps the time per line flat as scripts grow (collections
    otherwise rescan every element made so far).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            if gc.get_freeze_count() == 0:
                # hand the objects made meanwhile straight to the oldest generation (two O(1) list
                # moves): otherwise the first young collection rescans all of them, a cost that
                # grew faster than the script (paginate µs/line 2.7 -> 3.7 from 1x to 20x)
                gc.freeze()
                gc.unfreeze()
            gc.enable()

CHAR_WIDTH_IN = 0.1          # 10 characters per inch
LINE_HEIGHT_IN = 1.0 / 6.0   # 6 lines per inch
DUAL_FACTOR = 0.75           # dual dialogue columns are 3/4 of the normal widths


# the same on Letter and A4 (STANDARDS.md): dialogue column widths in characters, left edges in inches
_NARROW_WRAP = {"character": 33, "dialogue": 36, "parenthetical": 26, "more": 33}
_INDENT_IN = {"character": 3.5, "more": 3.5, "dialogue": 2.5, "parenthetical": 3.0}


@dataclass(frozen=True)
class PaperProfile:
    """A page format: size (inches), lines per page, wrap widths (characters), left edges (inches)."""

    name: str
    width_in: float
    height_in: float
    lines_per_page: int
    wide_wrap: int               # action, scene heading, transition, centered
    top_margin_in: float = 1.0
    left_margin_in: float = 1.5
    right_margin_in: float = 1.0
    page_number_top_in: float = 0.5

    def wrap_width(self, kind: str) -> int:
        """Characters per line for a line kind (scene_heading, action, character, ...)."""
        return _NARROW_WRAP.get(kind, self.wide_wrap)

    def indent(self, kind: str) -> float:
        """Left edge in inches of a line kind (transitions are right-aligned at :attr:`right_edge_in`)."""
        return _INDENT_IN.get(kind, self.left_margin_in)

    @property
    def right_edge_in(self) -> float:
        """Where the action column ends: transitions and page numbers end here (7.6" on Letter)."""
        return self.left_margin_in + self.wide_wrap * CHAR_WIDTH_IN

    @property
    def dual_shift_in(self) -> float:
        """How far right the right-hand column of dual dialogue starts from the left-hand one."""
        return (self.width_in - self.right_margin_in - self.left_margin_in) / 2.0

    @property
    def eighth_lines(self) -> float:
        """Lines in one eighth of a page (6.875 on Letter)."""
        return self.lines_per_page / 8.0


PAPERS = {
    "letter": PaperProfile("letter", 8.5, 11.0, 55, 61),
    "a4": PaperProfile("a4", 8.27, 11.69, 57, 58),
}
_PAPER_ALIASES = {"usletter": "letter", "us": "letter", "us-letter": "letter", "a4": "a4", "letter": "letter"}


def paper_profile(paper: str | PaperProfile) -> PaperProfile:
    """The profile for ``"letter"`` or ``"a4"`` (case-insensitive); a clear error for anything else."""
    if isinstance(paper, PaperProfile):
        return paper
    key = _PAPER_ALIASES.get(str(paper).strip().lower())
    if key is None:
        raise ScriptError(f"Unknown paper size {paper!r}.", hint="Use 'letter' (US Letter, 55 lines) or 'a4' (57 lines).")
    return PAPERS[key]


# ---------------------------------------------------------------- emphasis
# A run is (text, style) where style is a subset of "biu" (bold, italic, underline).
Run = tuple[str, str]

_MARKERS = re.compile(r"\\[*_]|\*\*\*|\*\*|\*|_")
_MARKERS_SPLIT = re.compile(f"({_MARKERS.pattern})")
_MARK_STYLE = {"***": "bi", "**": "b", "*": "i", "_": "u"}


def strip_hidden(text: str) -> str:
    """Remove inline notes ``[[...]]`` (and one space after) and boneyard ``/* */`` that are not printed.

    Each opening mark pairs with the first closing mark after it; an opening
    mark with no closing mark anywhere after it prints as text. One left-to-right
    pass with ``str.find`` (a lazy regex rescanned the rest of the text for every
    unclosed ``[[``: quadratic).
    """
    if "[[" in text:
        text = _cut_spans(text, "[[", "]]", True)
    if "/*" in text:
        text = _cut_spans(text, "/*", "*/", False)
    return text


def _cut_spans(text: str, opening: str, closing: str, eat_space: bool) -> str:
    last_close = text.rfind(closing)
    out: list[str] = []
    pos = 0
    while True:
        i = text.find(opening, pos)
        if i == -1 or last_close < i + 2:       # no closing mark after this one: the rest prints
            break
        j = text.find(closing, i + 2)
        out.append(text[pos:i])
        pos = j + 2
        if eat_space and text.startswith(" ", pos):
            pos += 1
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


@functools.cache
def _style_of(open_marks: tuple[str, ...]) -> str:
    """The style ("b", "i", "u" in that order) of text inside these open marks (each mark opens at
    most once, so there are few keys); cached, as every run of styled text asks."""
    s = "".join(_MARK_STYLE[m] for m in open_marks)
    return "".join(c for c in "biu" if c in s)


def emphasis_runs(text: str) -> list[Run]:
    """Split Fountain emphasis markup into printed runs.

    ``*italic*``, ``**bold**``, ``***bold italic***``, ``_underline_``; ``\\*``
    and ``\\_`` print the character and never open or close a mark. As the
    spec's examples show, a mark must hug the text it styles: an opening mark
    has a non-space character after it, a closing one a non-space character
    before it (``He dialed *69 and then *23`` has no italics). An opening mark
    with no closing partner later prints as itself, and ``_`` inside a word
    (``snake_case``) is a letter. Linear: the last closing position of each
    mark is found once, so "has a partner later" is one comparison.
    """
    if "*" not in text and "_" not in text:       # no marks, and so no escaped marks either
        return [(text, "")] if text else []
    # text, mark, text, mark, ..., text: the marks as finditer finds them, cut in C (no Match objects)
    parts = _MARKERS_SPLIT.split(text)
    n = len(text)
    last_close: dict[str, int] = {}
    pos = 0
    for k in range(1, len(parts), 2):
        pos += len(parts[k - 1])
        mark = parts[k]
        if mark[0] != "\\" and pos > 0 and not text[pos - 1].isspace():
            last_close[mark] = pos
        pos += len(mark)
    runs: list[Run] = []
    open_marks: list[str] = []
    style = ""                   # _style_of(open_marks), kept up to date as marks open and close
    last_style: str | None = None   # style of runs[-1]
    buf: list[str] = []          # the text since the last mark that opened or closed (never empty at a flush)
    merged: list[str] = []       # chunks to append to runs[-1] (same style)
    pos = 0
    for k in range(1, len(parts), 2):
        before = parts[k - 1]
        buf.append(before)
        start = pos + len(before)
        mark = parts[k]
        pos = start + len(mark)
        if mark[0] == "\\":
            buf.append(mark[1])
            continue
        hugs_before = start > 0 and not text[start - 1].isspace()
        if mark in open_marks:
            if not hugs_before:
                buf.append(mark)
                continue
        elif (pos >= n or text[pos].isspace() or last_close.get(mark, -1) < pos
              or (mark == "_" and hugs_before and text[start - 1].isalnum() and text[pos].isalnum())):
            buf.append(mark)
            continue
        # the mark opens or closes: the text so far is one chunk in the style until now
        chunk = "".join(buf)
        buf.clear()
        if last_style == style:
            merged.append(chunk)            # joined once below (repeated "+" was quadratic)
        else:
            if merged:
                runs[-1] = (runs[-1][0] + "".join(merged), runs[-1][1])
                merged.clear()
            runs.append((chunk, style))
            last_style = style
        if mark in open_marks:
            # close this mark (and any opened inside it that never closed)
            del open_marks[open_marks.index(mark):]
        else:
            open_marks.append(mark)
        style = _style_of(tuple(open_marks))
    buf.append(parts[-1])
    chunk = "".join(buf)
    if last_style == style:
        merged.append(chunk)
    else:
        if merged:
            runs[-1] = (runs[-1][0] + "".join(merged), runs[-1][1])
            merged.clear()
        runs.append((chunk, style))
    if merged:
        runs[-1] = (runs[-1][0] + "".join(merged), runs[-1][1])
    return [r for r in runs if r[0]]


def emphasis_runs_lines(lines: list[str]) -> list[list[Run]]:
    """Emphasis runs for each source line of one element, markers pairing across its lines.

    ``**Note: ...`` on one line and ``...**`` three lines later make all four
    lines bold, as in Final Draft and afterwriting's PDF. A blank (or
    whitespace-only) line ends every open emphasis: Fountain emphasis never
    crosses a paragraph break. Returns one run list per input line.
    """
    out: list[list[Run]] = []
    group: list[str] = []

    def flush_group() -> None:
        if not group:
            return
        if len(group) == 1:
            out.append(emphasis_runs(group[0]))
        else:
            per_line: list[list[Run]] = [[]]
            for text, st in emphasis_runs("\n".join(group)):
                pieces = text.split("\n")
                for k, piece in enumerate(pieces):
                    if k:
                        per_line.append([])
                    if piece:
                        per_line[-1].append((piece, st))
            out.extend(per_line)
        group.clear()

    for line in lines:
        if line.strip():
            group.append(line)
        else:
            flush_group()
            out.append(emphasis_runs(line))
    flush_group()
    return out


def runs_text(runs: list[Run]) -> str:
    return "".join(t for t, _ in runs)


def slice_runs(runs: list[Run], start: int, end: int) -> list[Run]:
    """The runs covering characters ``start:end`` of their joined text."""
    return split_runs(runs, ((start, end),))[0]


def split_runs(runs: list[Run], spans: list[tuple[int, int]] | tuple[tuple[int, int], ...]) -> list[list[Run]]:
    """:func:`slice_runs` for every span of a wrapped text at once: one pass over the runs (spans
    ascending, as :func:`wrap` gives them), so a paragraph with thousands of style runs and
    wrapped lines costs runs + lines, not runs x lines."""
    out: list[list[Run]] = []
    if len(runs) == 1:          # one style (most wrapped lines): the pieces are slices of its text
        text, st = runs[0]
        for start, end in spans:
            chunk = text[start:end]
            out.append([(chunk, st)] if chunk else [])
        return out
    k = 0                       # first run that may still overlap a span
    base = 0                    # offset of runs[k] in the joined text
    n = len(runs)
    for start, end in spans:
        while k < n and base + len(runs[k][0]) <= start:
            base += len(runs[k][0])
            k += 1
        piece: list[Run] = []
        j, pos = k, base
        while j < n and pos < end:
            text, st = runs[j]
            chunk = text[max(0, start - pos):end - pos]
            if chunk:
                piece.append((chunk, st))
            pos += len(text)
            j += 1
        out.append(piece)
    return out


@functools.cache
def char_columns(ch: str) -> int:
    """Grid cells one character takes: 2 for East Asian wide/full-width (CJK, kana, hangul), else 1.
    Cached: a script uses few distinct characters, and pagination measures every non-ASCII line."""
    if ch < "\u1100":
        return 1
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def columns(text: str) -> int:
    """Printed width of ``text`` in character cells (10 cells per inch); CJK characters count 2."""
    if text.isascii():
        return len(text)
    return sum(map(char_columns, text))


# CJK punctuation that may not start a line (kinsoku): the break moves before the character in front
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’・ー…—～,.;:?!)")


def _wrap_wide(text: str, width: float) -> list[tuple[int, int]]:
    """:func:`wrap` for text with double-width characters: counts cells, may break beside any CJK character."""
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    limit = math.floor(width)
    while start < n:
        cells = 0
        best = -1                 # last break position (index of the next line's first char)
        drop_space = False
        i = start
        while i < n:
            ch = text[i]
            w = char_columns(ch)
            if cells + w > limit:
                break
            cells += w
            i += 1
            if i < n:
                nxt = text[i]
                if nxt == " ":
                    best, drop_space = i, True
                elif (w == 2 or char_columns(nxt) == 2) and nxt not in _NO_LINE_START and ch != " ":
                    best, drop_space = i, False
        if i >= n:
            spans.append((start, n))
            break
        if text[i] == " ":                       # the line ends exactly at a space
            best, drop_space = i, True
        if best <= start:
            best, drop_space = max(start + 1, i - 1 if i - 1 > start else i), False   # no break point: cut
        spans.append((start, best))
        start = best + 1 if drop_space else best
    return spans or [(0, 0)]


def wrap(text: str, width: float) -> list[tuple[int, int]]:
    """Character spans ``(start, end)`` of ``text`` wrapped at ``width`` characters.

    Mirrors afterwriting's liner: break at the last space within width+1
    characters (the space is dropped); a word longer than the line is cut
    at width-1 characters. ``width`` may be fractional (dual dialogue).
    Text with CJK characters is measured in cells (a CJK character is two
    cells wide, as printed) and may break beside any CJK character.
    """
    if not text.isascii() and columns(text) != len(text):
        return _wrap_wide(text, width)
    spans: list[tuple[int, int]] = []
    start, n = 0, len(text)
    cut_room = math.floor(width + 1)
    hard_cut = max(1, math.floor(width - 1))
    while n - start > width:
        pointer = text.rfind(" ", start, start + cut_room)
        if pointer == -1:
            spans.append((start, start + hard_cut))
            start += hard_cut
        else:
            spans.append((start, pointer))
            start = pointer + 1
    spans.append((start, n))
    return spans
