"""Checks the command modules run on paths and numbers before any work starts.

Each raises a :class:`~studio_kit.exceptions.StudioError` subclass (``error``,
default :class:`~studio_kit.exceptions.InputError`) whose message names the
option and the problem and whose hint gives the fix, so the CLI prints one line
and exits 2 instead of failing half-way with a traceback.
"""
from __future__ import annotations

import math
import os
import stat
from pathlib import Path
from typing import overload

from studio_kit.exceptions import InputError, StudioError


@overload
def input_file(path: Path, what: str, error: type[StudioError] = ...) -> Path: ...
@overload
def input_file(path: None, what: str, error: type[StudioError] = ...) -> None: ...
@overload
def input_file(path: Path | None, what: str, error: type[StudioError] = ...) -> Path | None: ...


def input_file(path: Path | None, what: str, error: type[StudioError] = InputError) -> Path | None:
    """``path`` must be an existing regular file (not a folder, device or pipe)."""
    if path is None:
        return None
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise error(f"{what} {path} does not exist.", hint="Check the path (and the current folder).") from None
    except OSError as exc:
        raise error(f"{what} {path} cannot be read: {exc.strerror}.", hint="Check the path and its permissions.") \
            from None
    if stat.S_ISDIR(mode):
        raise error(f"{what} {path} is a folder, not a file.", hint="Give the path of the file inside it.")
    if not stat.S_ISREG(mode):
        raise error(f"{what} {path} is not a regular file (a device, pipe or socket).",
                    hint="Give the path of a file saved on disk.")
    if not os.access(path, os.R_OK):
        raise error(f"{what} {path} cannot be read (permission denied).", hint="Check the file's permissions.")
    return path


def output_file(path: Path, what: str, error: type[StudioError] = InputError) -> Path:
    """``path`` must be writable as a file: not a folder, its folder existing and writable."""
    if path.is_dir():
        raise error(f"{what} {path} is a folder; a file path is needed.",
                    hint=f"Give a file name, e.g. {path / ('out' + (path.suffix or ''))}.")
    parent = path.parent
    if not parent.exists():
        raise error(f"Cannot write {path}: folder {parent} does not exist.",
                    hint="Create the folder or give another -o path.")
    if not parent.is_dir():
        raise error(f"Cannot write {path}: {parent} is a file, not a folder.", hint="Give another -o path.")
    if path.exists() and not path.is_file():
        raise error(f"Cannot write {path}: it is not a regular file.", hint="Give another -o path.")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise error(f"Cannot write {path}: permission denied.", hint="Give a path in a folder you can write to.")
    return path


def output_folder(path: Path, what: str, error: type[StudioError] = InputError) -> Path:
    """``path`` must be a folder or creatable as one (not an existing file)."""
    if path.exists() and not path.is_dir():
        raise error(f"{what} {path} is a file; a folder is needed for the exports.",
                    hint=f"Give a folder path, e.g. -o {path.with_suffix('')}_out.")
    probe = path
    while not probe.exists():
        probe = probe.parent
    if not probe.is_dir() or not os.access(probe, os.W_OK):
        raise error(f"Cannot create the folder {path}: {probe} is not a writable folder.",
                    hint="Give a folder path you can write to.")
    return path


def number(value: float | None, what: str, *, low: float | None = None, high: float | None = None,
           low_open: bool = False, error: type[StudioError] = InputError, example: str = "") -> float | None:
    """A finite number within [low, high] (``low_open``: strictly above ``low``)."""
    if value is None:
        return None
    bad = not math.isfinite(value) or (high is not None and value > high) or \
        (low is not None and (value <= low if low_open else value < low))
    if bad:
        if low is not None and high is not None:
            rng = f"{'more than' if low_open else 'from'} {low:g} {'and at most' if low_open else 'to'} {high:g}"
        elif low is not None:
            rng = f"{'more than' if low_open else 'at least'} {low:g}"
        else:
            rng = f"at most {high:g}"
        raise error(f"{what} {value:g} makes no sense: it must be {rng}.",
                    hint=f"e.g. {example}" if example else f"Give a value {rng}.")
    return value
