"""Content-addressed asset files with atomic writes.

A file lives at ``<org_id>/<sha[:2]>/<sha><suffix>`` under the asset root (the
suffix comes from the asset name so tools that look at extensions still work).
Writes go to a ``.partial-*`` file in the same folder, are fsynced, then
``os.replace``d into place: a crash leaves either no file or the whole file at
the final path, never half of one. Leftover partial files are swept by
:func:`sweep_partials`.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, Any

from studio_kit.exceptions import AssetError

CHUNK = 1 << 20  # bytes read at a time when hashing or copying a file
log = logging.getLogger(__name__)
PARTIAL_PREFIX = ".partial-"


@dataclass(frozen=True)
class StoredFile:
    """Where a blob landed: path relative to the root, and whether this call created it."""

    rel_path: str
    sha256: str
    size: int
    created: bool


def sha256_of_file(path: Path) -> tuple[str, int]:
    """Hex SHA-256 and size in bytes of a file, read in 1 MiB chunks."""
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _suffix(name: str) -> str:
    suffix = PurePosixPath(name).suffix.lower()
    # only plain extensions: the suffix becomes part of a path
    return suffix if 1 < len(suffix) <= 16 and suffix[1:].replace("_", "").isalnum() else ""


def relative_path(org_id: int, sha256: str, name: str) -> str:
    return f"{org_id}/{sha256[:2]}/{sha256}{_suffix(name)}"


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError as exc:  # pragma: no cover - some filesystems cannot fsync a folder
        log.warning("Could not fsync folder %s (%s): a power cut now could lose the last rename.", folder, exc)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_path(path: str | Path, mode: int = 0o644) -> Iterator[Path]:
    """Write an export file atomically: yields a temp path beside ``path`` (same suffix, so
    libraries that look at extensions still work); on success the file is fsynced and renamed
    onto ``path``; on any failure it is removed, so a crash never leaves half a file.

        with atomic_path(out / "budget.xlsx") as tmp:
            workbook = xlsxwriter.Workbook(str(tmp)); ...; workbook.close()
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f"{PARTIAL_PREFIX}{path.stem}-", suffix=path.suffix)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)  # mkstemp makes files private; exports are meant to be shared
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def atomic_open(path: str | Path, mode: str = "wb") -> Iterator[IO[Any]]:
    """``open()`` for writing through :func:`atomic_path` (text modes use UTF-8)."""
    with atomic_path(path) as tmp:
        kwargs: dict[str, Any] = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
        with open(tmp, mode, **kwargs) as fh:
            yield fh


def write_blob(root: Path, org_id: int, name: str, data: bytes | Path) -> StoredFile:
    """Store ``data`` (bytes or a file to copy) content-addressed under ``root``, atomically.

    If a file with the same content already sits at the final path it is reused
    (``created=False``); a file there with the wrong content is rewritten.
    """
    if isinstance(data, Path):
        sha, size = sha256_of_file(data)
    else:
        sha, size = hashlib.sha256(data).hexdigest(), len(data)
    rel = relative_path(org_id, sha, name)
    final = root / rel
    if final.is_file() and sha256_of_file(final)[0] == sha:
        return StoredFile(rel, sha, size, created=False)
    final.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=PARTIAL_PREFIX, dir=final.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(data, Path):
                with open(data, "rb") as src:
                    for chunk in iter(lambda: src.read(CHUNK), b""):
                        out.write(chunk)
            else:
                out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
        _fsync_dir(final.parent)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise AssetError(f"Could not write asset file {final}: {exc}.",
                             hint="Check free disk space and permissions of the asset root.") from exc
        raise
    return StoredFile(rel, sha, size, created=True)


def verify(root: Path, rel_path: str, sha256: str) -> Path:
    """Absolute path of a stored file after checking its SHA-256; AssetError if missing or changed."""
    path = root / rel_path
    if not path.is_file():
        raise AssetError(f"Asset file {path} is missing.",
                         hint="Restore the asset root from backup, or delete the asset and store it again.")
    actual, _ = sha256_of_file(path)
    if actual != sha256:
        raise AssetError(f"Asset file {path} is corrupt: SHA-256 {actual[:12]}... does not match the "
                         f"stored {sha256[:12]}...",
                         hint="Restore the file from backup, or delete the asset and store it again.")
    return path


def remove_blob(root: Path, rel_path: str) -> None:
    """Delete a stored file (the caller checked no row still points at it)."""
    (root / rel_path).unlink(missing_ok=True)


def stored_files(root: Path, older_than_s: float = 0.0) -> dict[str, Path]:
    """Finished asset files (relative path -> absolute) untouched for ``older_than_s`` seconds."""
    found: dict[str, Path] = {}
    if root.is_dir():
        now = time.time()
        for path in root.glob("*/*/*"):
            try:
                if path.name.startswith(PARTIAL_PREFIX) or not path.is_file() \
                        or now - path.stat().st_mtime < older_than_s:
                    continue
            except FileNotFoundError:
                continue
            found[path.relative_to(root).as_posix()] = path
    return found


def partial_files(root: Path) -> list[Path]:
    """Every ``.partial-*`` temp file under ``root`` (writes in progress or killed mid-way)."""
    return sorted(root.rglob(PARTIAL_PREFIX + "*")) if root.is_dir() else []


def sweep_partials(root: Path, older_than_s: float = 3600.0) -> list[Path]:
    """Delete ``.partial-*`` files left by writes that died mid-way; returns what was removed.

    Only files untouched for ``older_than_s`` seconds go, so a write still in
    progress in another process keeps its temp file.
    """
    removed = []
    if root.is_dir():
        now = time.time()
        for path in root.rglob(PARTIAL_PREFIX + "*"):
            try:
                if now - path.stat().st_mtime >= older_than_s:
                    path.unlink()
                    removed.append(path)
            except FileNotFoundError:
                continue
    return removed


def read_yaml_mapping(path: str | Path, what: str, error: type, hint: str) -> dict:
    """A user's YAML (or JSON) file that must hold a mapping: rates, constraints, call sheet fields.

    Missing file, bad YAML and a non-mapping top level each raise ``error`` (a StudioError
    subclass) naming ``what`` and the file, with ``hint`` as the fix. An empty file is ``{}``.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise error(f"{what} {path} does not exist.", hint=hint)
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise error(f"{what} {path} is not valid YAML: {exc}", hint=hint) from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise error(f"{what} {path} must hold a mapping at the top level, not {type(loaded).__name__}.", hint=hint)
    return loaded
