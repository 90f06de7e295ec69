"""Reading a script's bytes safely: a size cap whatever the file type, no devices or pipes,
binary files refused, text decoded (UTF-8, UTF-16, or Windows-1252 with a warning).

Shared by :func:`io.load_script` (any format) and :func:`fdx.read_fdx` (Final Draft only).
"""
from __future__ import annotations

import os
import re
import stat
from pathlib import Path

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


def read_script_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, at most ``max_bytes``: opened without blocking (a FIFO would wait for a
    writer forever), checked to be a regular file on the open descriptor, then read with a cap
    (``st_size`` is 0 for devices such as ``/dev/zero``, so the size alone is not trusted)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ScriptError(f"script file not found: {path}", hint="check the path and the file name") from None
    except IsADirectoryError:
        raise ScriptError(f"{path} is a folder, not a script", hint="pass a .fountain or .fdx file") from None
    except OSError as exc:
        if path.is_dir():
            raise ScriptError(f"{path} is a folder, not a script", hint="pass a .fountain or .fdx file") from None
        raise ScriptError(f"cannot read {path}: {exc.strerror}", hint="check permissions") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise ScriptError(f"{path} is a folder, not a script", hint="pass a .fountain or .fdx file")
        if not stat.S_ISREG(st.st_mode):
            raise ScriptError(f"{path} is {_file_kind(st.st_mode)}, not a script file",
                              hint="save the script to a .fountain or .fdx file and pass that file")
        if st.st_size > max_bytes:  # decided before reading a byte
            raise ScriptError(f"{path} is {mb(st.st_size)}, over the {mb(max_bytes)} limit for a script",
                              hint="check that this is a screenplay (a feature is well under 5 MB)")
        chunks: list[bytes] = []
        got = 0
        while got <= max_bytes:        # the file may grow after fstat: never read past the cap
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > max_bytes:
            raise ScriptError(f"{path} is over the {mb(max_bytes)} limit for a script",
                              hint="check that this is a screenplay (a feature is well under 5 MB)")
        return b"".join(chunks)
    except BlockingIOError:
        raise ScriptError(f"cannot read {path}: nothing to read yet", hint="pass a saved script file") from None
    except OSError as exc:
        raise ScriptError(f"cannot read {path}: {exc.strerror}", hint="check permissions") from None
    finally:
        os.close(fd)


def _file_kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


# control characters that never occur in text (tab, line feed, form feed, carriage return do)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
# what an XML document (Final Draft) starts with: a declaration, a DOCTYPE, a comment or <FinalDraft>
_XML_START_RE = re.compile(r"<(?:\?xml|!DOCTYPE|!--|FinalDraft)", re.IGNORECASE)


def looks_like_xml(text: str) -> bool:
    """Whether decoded text starts like an XML document (a Final Draft file), whatever comes first."""
    return _XML_START_RE.match(text.lstrip("\ufeff \t\r\n")[:200]) is not None


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
    if b"\x00" in data:             # anywhere in the file, not only its start
        raise ScriptError(f"{label} is a binary file (it contains NUL bytes), not a screenplay",
                          hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))   # counted in C, over the whole file
    if controls > len(data) // 100:
        raise ScriptError(f"{label} is a binary file, not a screenplay",
                          hint="pick a Fountain (.fountain) or Final Draft (.fdx) file")
    return data.decode("cp1252", errors="replace"), [
        f"{label} is not UTF-8; read as Windows-1252 (check accented letters and quotes)"]


def mb(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB"
