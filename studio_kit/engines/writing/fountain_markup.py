"""Fountain inline markup: notes ``[[…]]``, boneyard ``/*…*/``, emphasis.

Shared by the parser, the writer and the FDX converter. All scanners are
single left-to-right passes over the text (no backtracking regexes).
"""
from __future__ import annotations

import re
from typing import Callable

from studio_kit.domain.script import ElementType

ET = ElementType
_COMMENT_TOKEN_RE = re.compile(r"/\*|\*/|\[\[|\]\]")
_EMPHASIS_RE = re.compile(r"\\[*_]|\*\*\*|\*\*|\*|_")


def strip_notes(text: str) -> str:
    """Remove notes ``[[…]]`` and boneyard ``/*…*/`` (nested) from ``text``.

    An unclosed ``[[`` or ``/*`` hides the rest of the text, as in the PDF.
    """
    if "[[" not in text and "/*" not in text:
        return text
    out: list[str] = []
    pos = 0
    for start, end, _kind, _inner in comment_spans(text):
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def plain_text(text: str) -> str:
    """Text as printed, without styling: notes, boneyard, emphasis marks and
    escapes removed. ``"What the f\\*ck! **Now**"`` → ``"What the f*ck! Now"``.

    Same rules as the PDF renderer: a mark (``*``, ``**``, ``***``, ``_``)
    with no partner later in the text prints as itself, and ``_`` inside a
    word (``snake_case``) is a letter. Linear: each mark is looked at once.
    """
    text = strip_notes(text)
    if "*" not in text and "_" not in text:
        return text
    marks = list(_EMPHASIS_RE.finditer(text))
    # "a partner later" means the mark's characters occur again after it (as the
    # renderer checks with str.find); the last occurrence answers that in O(1)
    last = {mark: text.rfind(mark) for mark in ("***", "**", "*", "_")}
    out: list[str] = []
    pos = 0
    open_marks: list[str] = []
    n = len(text)
    for m in marks:
        out.append(text[pos:m.start()])
        pos = m.end()
        mark = m.group()
        if mark[0] == "\\":
            out.append(mark[1])
        elif mark in open_marks:
            del open_marks[open_marks.index(mark):]
        elif last[mark] >= pos and not (
                mark == "_" and m.start() > 0 and text[m.start() - 1].isalnum() and pos < n and text[pos].isalnum()):
            open_marks.append(mark)
        else:
            out.append(mark)
    out.append(text[pos:])
    return "".join(out)


def _walk_comments(text: str, depth: int, in_note: bool,
                   on_close: Callable[[int, re.Match, ElementType], None] | None = None) -> tuple[int, bool, int]:
    """The one note/boneyard state machine: read ``text`` from state (boneyard ``depth``,
    ``in_note``), call ``on_close(start, closing_match, kind)`` for each top-level comment that
    closes, and return the state at the end plus where the last top-level comment opened."""
    start = 0
    for m in _COMMENT_TOKEN_RE.finditer(text):
        tok = m.group()
        if depth:
            if tok == "/*":
                depth += 1
            elif tok == "*/":
                depth -= 1
                if not depth and on_close:
                    on_close(start, m, ET.BONEYARD)
        elif in_note:
            if tok == "]]":
                in_note = False
                if on_close:
                    on_close(start, m, ET.NOTE)
        elif tok in ("/*", "[["):
            start = m.start()
            depth, in_note = (1, False) if tok == "/*" else (0, True)
    return depth, in_note, start


def comment_spans(text: str) -> list[tuple[int, int, ElementType, str]]:
    """Top-level notes and boneyard in ``text``: (start, end, NOTE|BONEYARD, inner text).

    Boneyard nests (``/* a /* b */ c */`` is one span); an unclosed one runs
    to the end of the text.
    """
    spans: list[tuple[int, int, ElementType, str]] = []

    def close(start: int, m: re.Match, kind: ElementType) -> None:
        spans.append((start, m.end(), kind, text[start + 2:m.start()]))

    depth, in_note, start = _walk_comments(text, 0, False, close)
    if depth or in_note:
        spans.append((start, len(text), ET.BONEYARD if depth else ET.NOTE, text[start + 2:]))
    return spans


def _split_comments(text: str) -> list[tuple[ElementType, str]]:
    """Top-level notes/boneyard in a comment-only line, in order, inner text stripped."""
    return [(kind, inner.strip()) for _start, _end, kind, inner in comment_spans(text)]


def _comment_state(line: str, depth: int, in_note: bool) -> tuple[int, bool]:
    """Boneyard depth and open-note flag after reading ``line`` from that state."""
    depth, in_note, _ = _walk_comments(line, depth, in_note)
    return depth, in_note
