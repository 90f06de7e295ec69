"""Load a screenplay from a file, bytes or text, Fountain or Final Draft.

Bad input gets a :class:`ScriptError` naming the file and the fix, never a
traceback: files larger than :data:`MAX_SCRIPT_BYTES` (checked before
reading), empty files, binary files (PDF, Word, images…), text that is not
UTF-8/UTF-16 (read as Windows-1252 with a warning when it looks like text).
Unclosed notes/boneyard and title-page-only scripts parse with warnings
(``Script.warnings``).
"""
from __future__ import annotations

import os
from pathlib import Path

from studio_kit.domain.script import Script
from studio_kit.engines.writing.fdx import read_fdx_text
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.script_bytes import (  # re-exported: the size limit and decoder are io's API
    FDX_SUFFIXES,
    FOUNTAIN_SUFFIXES,
    MAX_SCRIPT_BYTES,
    decode_script_bytes,
    looks_like_xml,
    mb,
    read_script_bytes,
)
from studio_kit.exceptions import ScriptError

__all__ = ["FDX_SUFFIXES", "FOUNTAIN_SUFFIXES", "MAX_SCRIPT_BYTES", "decode_script_bytes", "load_script"]


def load_script(source: str | os.PathLike | bytes, *, max_bytes: int = MAX_SCRIPT_BYTES,
                name: str | None = None) -> Script:
    """Read a screenplay: a path (``.fountain``/``.txt``/``.fdx``), raw bytes, or
    Fountain/FDX text. The format comes from the extension, else from the
    content (``<?xml``/``<FinalDraft`` → FDX). ``max_bytes`` is the size limit.

    ``Script.metadata`` gets ``source`` (path or "<text>") and ``bytes``.
    """
    label = name or "<text>"
    suffix = ""
    if isinstance(source, bytes):
        data = source
    elif isinstance(source, os.PathLike) or _looks_like_path(source):
        path = Path(source)
        label = name or str(path)
        suffix = path.suffix.lower()
        data = read_script_bytes(path, max_bytes)
    else:
        text = source
        if len(text) > max_bytes:
            raise ScriptError(f"{label} is {mb(len(text))} of text, over the {mb(max_bytes)} limit",
                              hint="split the script or pass a larger max_bytes")
        return _parse_text(text, label, suffix, len(text), [])
    if len(data) > max_bytes:
        raise ScriptError(f"{label} is {mb(len(data))}, over the {mb(max_bytes)} limit for a script",
                          hint="check that this is a screenplay (a feature is well under 5 MB)")
    text, notes = decode_script_bytes(data, label)
    return _parse_text(text, label, suffix, len(data), notes)


def _looks_like_path(s: str) -> bool:
    if "\n" in s or "\r" in s or len(s) > 4096:
        return False
    if Path(s).suffix.lower() in FOUNTAIN_SUFFIXES | FDX_SUFFIXES:
        return True
    try:
        return Path(s).exists()      # a device or FIFO path is refused by _read_file, not parsed as text
    except (OSError, ValueError):
        return False


def _parse_text(text: str, label: str, suffix: str, size: int, notes: list[str]) -> Script:
    if not text.strip():
        raise ScriptError(f"{label} is empty", hint="write at least one scene heading, e.g. 'INT. KITCHEN - DAY'")
    if suffix in FDX_SUFFIXES or looks_like_xml(text):
        script = read_fdx_text(text, label)
    else:
        if "\x00" in text:
            raise ScriptError(f"{label} is a binary file (it contains NUL bytes), not a screenplay",
                              hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
        script = parse_fountain(text)
    script.warnings[:0] = notes
    script.metadata.setdefault("source", label)
    script.metadata.setdefault("bytes", size)
    return script


