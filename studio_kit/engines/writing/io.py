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
from studio_kit.exceptions import ScriptError

#: Largest script accepted, in bytes (20 MiB). A 300-page feature in Fountain
#: is about 300 KB and in FDX about 3 MB, so this leaves a wide margin while
#: keeping a stray video or archive from being read into memory.
MAX_SCRIPT_BYTES = 20 * 1024 * 1024

FOUNTAIN_SUFFIXES = {".fountain", ".spmd", ".txt", ".ftn", ".md"}
FDX_SUFFIXES = {".fdx", ".xml"}

# magic numbers of files people pick by mistake, with what to do instead
_MAGIC = [
    (b"%PDF", "a PDF", "export Fountain (.fountain) or Final Draft (.fdx) from your writing app"),
    (b"PK\x03\x04", "a ZIP archive (Word .docx, .celtx, .fadein…)",
     "export the script as Fountain or Final Draft .fdx"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document", "save it as Fountain or .fdx"),
    (b"{\\rtf", "an RTF document", "export plain Fountain text or .fdx"),
    (b"\x89PNG", "a PNG image", "pick the script file, not an image"),
    (b"\xff\xd8\xff", "a JPEG image", "pick the script file, not an image"),
    (b"GIF8", "a GIF image", "pick the script file, not an image"),
    (b"\x1f\x8b", "a gzip archive", "unpack it first"),
]


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
        data = _read_file(path, max_bytes)
    else:
        text = source
        if len(text) > max_bytes:
            raise ScriptError(f"{label} is {_mb(len(text))} of text, over the {_mb(max_bytes)} limit",
                              hint="split the script or pass a larger max_bytes")
        return _parse_text(text, label, suffix, len(text), [])
    if len(data) > max_bytes:
        raise ScriptError(f"{label} is {_mb(len(data))}, over the {_mb(max_bytes)} limit for a script",
                          hint="check that this is a screenplay (a feature is well under 5 MB)")
    text, notes = decode_script_bytes(data, label)
    return _parse_text(text, label, suffix, len(data), notes)


def _looks_like_path(s: str) -> bool:
    if "\n" in s or "\r" in s or len(s) > 4096:
        return False
    if Path(s).suffix.lower() in FOUNTAIN_SUFFIXES | FDX_SUFFIXES:
        return True
    try:
        return Path(s).is_file()
    except (OSError, ValueError):
        return False


def _read_file(path: Path, max_bytes: int) -> bytes:
    try:
        st = path.stat()
    except FileNotFoundError:
        raise ScriptError(f"script file not found: {path}", hint="check the path and the file name") from None
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror}", hint="check permissions") from None
    if path.is_dir():
        raise ScriptError(f"{path} is a folder, not a script", hint="pass a .fountain or .fdx file")
    if st.st_size > max_bytes:  # decided before reading a byte
        raise ScriptError(f"{path} is {_mb(st.st_size)}, over the {_mb(max_bytes)} limit for a script",
                          hint="check that this is a screenplay (a feature is well under 5 MB)")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror}", hint="check permissions") from None


def decode_script_bytes(data: bytes, label: str = "<bytes>") -> tuple[str, list[str]]:
    """Bytes → text, refusing binary files. Returns (text, warnings)."""
    if not data.strip():
        raise ScriptError(f"{label} is empty", hint="write at least one scene heading, e.g. 'INT. KITCHEN - DAY'")
    head = data[:8]
    for magic, what, fix in _MAGIC:
        if head.startswith(magic):
            raise ScriptError(f"{label} is {what}, not a screenplay", hint=fix)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), []
        except UnicodeDecodeError:
            raise ScriptError(f"{label} has a UTF-16 mark but is not valid UTF-16",
                              hint="save it again as UTF-8") from None
    sample = data[:65536]
    if b"\x00" in sample:
        raise ScriptError(f"{label} is a binary file (it contains NUL bytes), not a screenplay",
                          hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    if controls > len(sample) // 100:
        raise ScriptError(f"{label} is a binary file, not a screenplay",
                          hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
    return data.decode("cp1252", errors="replace"), [
        f"{label} is not UTF-8; read as Windows-1252 (check accented letters and quotes)"]


def _parse_text(text: str, label: str, suffix: str, size: int, notes: list[str]) -> Script:
    if not text.strip():
        raise ScriptError(f"{label} is empty", hint="write at least one scene heading, e.g. 'INT. KITCHEN - DAY'")
    head = text.lstrip("\ufeff \t\r\n")[:200]
    is_fdx = suffix in FDX_SUFFIXES or head.startswith("<?xml") or head.startswith("<FinalDraft")
    if is_fdx:
        from studio_kit.engines.writing.fdx import read_fdx_text

        script = read_fdx_text(text, label)
    else:
        if "\x00" in text[:65536]:
            raise ScriptError(f"{label} is a binary file (it contains NUL bytes), not a screenplay",
                              hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
        from studio_kit.engines.writing.fountain import parse_fountain

        script = parse_fountain(text)
    script.warnings[:0] = notes
    script.metadata.setdefault("source", label)
    script.metadata.setdefault("bytes", size)
    return script


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
