"""Fountain inline markup: notes ``[[…]]``, boneyard ``/*…*/``, emphasis.

Shared by the parser, the writer and the FDX converter. All scanners are
single left-to-right passes over the text (no backtracking regexes).
"""
from __future__ import annotations

import re
from collections.abc import Callable

from studio_kit.domain.script import ElementType
from studio_kit.engines.writing.layout import emphasis_runs

ET = ElementType
_COMMENT_TOKEN_RE = re.compile(r"/\*|\*/|\[\[|\]\]")


def strip_notes(text: str) -> str:
    """Remove notes ``[[…]]`` and boneyard ``/*…*/`` (nested) from ``text``.

    An unclosed ``/*`` hides the rest of the text; an unclosed ``[[`` is not a
    note (a note never spans a blank line, so the parser hands over one that
    found no ``]]`` before it) and stays as written, as it prints.
    """
    if "[[" not in text and "/*" not in text:
        return text
    return text_outside(text, comment_spans(text))


def text_outside(text: str, spans: list[tuple[int, int, ElementType, str]]) -> str:
    """``text`` with the :func:`comment_spans` ``spans`` of it taken out."""
    out: list[str] = []
    pos = 0
    for start, end, _kind, _inner in spans:
        out.append(text[pos:start])
        pos = end
    out.append(text[pos:])
    return "".join(out)


def is_comment_only(line: str) -> bool:
    """True when ``line`` holds nothing but notes and boneyard (or opens one that runs on
    below it): the parser reads such a line as a blank line."""
    if "[[" not in line and "/*" not in line:
        return False
    pos = 0
    for start, end, _kind, _inner in comment_spans(line, unclosed_notes_hide=True):
        if line[pos:start].strip():
            return False
        pos = end
    return not line[pos:].strip()


def plain_text(text: str) -> str:
    """Text as printed, without styling: notes, boneyard, emphasis marks and
    escapes removed. ``"What the f\\*ck! **Now**"`` → ``"What the f*ck! Now"``.

    The emphasis rules are the PDF renderer's (:func:`layout.emphasis_runs`):
    a mark must hug the text it styles and needs a partner, else it prints
    as itself; ``_`` inside a word (``snake_case``) is a letter.
    """
    text = strip_notes(text)
    if "*" not in text and "_" not in text:       # no marks, and so no escaped marks either
        return text
    return "".join(chunk for chunk, _style in emphasis_runs(text))


def _walk_comments(text: str, depth: int, in_note: bool,
                   on_close: Callable[[int, re.Match, ElementType], None] | None = None,
                   start_at: int = 0, notes: bool = True) -> tuple[int, bool, int]:
    """The one note/boneyard state machine: read ``text`` (from ``start_at``) from state (boneyard
    ``depth``, ``in_note``), call ``on_close(start, closing_match, kind)`` for each top-level comment
    that closes, and return the state at the end plus where the last top-level comment opened.
    With ``notes=False`` a ``[[`` opens nothing (it is text)."""
    start = 0
    for m in _COMMENT_TOKEN_RE.finditer(text, start_at):
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
        elif tok == "/*" or (tok == "[[" and notes):
            start = m.start()
            depth, in_note = (1, False) if tok == "/*" else (0, True)
    return depth, in_note, start


def comment_spans(text: str, *, unclosed_notes_hide: bool = False) -> list[tuple[int, int, ElementType, str]]:
    """Top-level notes and boneyard in ``text``: (start, end, NOTE|BONEYARD, inner text).

    Boneyard nests (``/* a /* b */ c */`` is one span); an unclosed one runs
    to the end of the text. An unclosed ``[[`` is text (no span) and the scan
    goes on after it, unless ``unclosed_notes_hide`` (then it runs to the end).
    Linear: an unclosed ``[[`` means no ``]]`` follows, so one rescan with
    notes off finishes the text.
    """
    spans: list[tuple[int, int, ElementType, str]] = []

    def close(start: int, m: re.Match, kind: ElementType) -> None:
        spans.append((start, m.end(), kind, text[start + 2:m.start()]))

    depth, in_note, start = _walk_comments(text, 0, False, close)
    if in_note and not unclosed_notes_hide:
        depth, in_note, start = _walk_comments(text, 0, False, close, start_at=start + 2, notes=False)
    if depth or in_note:
        spans.append((start, len(text), ET.BONEYARD if depth else ET.NOTE, text[start + 2:]))
    return spans


def split_comments(text: str) -> list[tuple[ElementType, str]]:
    """Top-level notes/boneyard in a comment-only line, in order, inner text stripped (an unclosed
    note runs to the end). A two-space line inside a note reads as an empty line of the note."""
    return comment_texts(comment_spans(text, unclosed_notes_hide=True))


def comment_texts(spans: list[tuple[int, int, ElementType, str]]) -> list[tuple[ElementType, str]]:
    """:func:`split_comments` of a comment-only line whose :func:`comment_spans` are ``spans``."""
    out = []
    for _start, _end, kind, inner in spans:
        inner = inner.strip()
        if kind == ET.NOTE and "\n  \n" in inner:
            inner = "\n".join("" if ln == "  " else ln for ln in inner.split("\n"))
        out.append((kind, inner))
    return out


def comment_state(line: str, depth: int, in_note: bool) -> tuple[int, bool]:
    """Boneyard depth and open-note flag after reading ``line`` from that state."""
    depth, in_note, _ = _walk_comments(line, depth, in_note)
    return depth, in_note
