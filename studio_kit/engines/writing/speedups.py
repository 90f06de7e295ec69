"""Compiled builds of the script layout path (parse → tokens → lines → pages), with mypyc.

The Fountain parser, the scene builder, pagination and the incremental layout are plain,
type-checked Python. ``make install`` also compiles them to C extension modules with mypyc
(the compiler mypy and black ship with), which takes parse + paginate of a 120-page feature
from ~23 ms to ~15 ms (``benchmarks/bench_parse.py``). Nothing else changes: same source, same
results, and the Python source is what runs wherever the compiled modules are missing,
built for another Python, or older than their source.

That last case is the one to guard: Python imports ``pagination.cpython-311-….so`` before
``pagination.py``, so an edit to the source would silently not run. The build records a
SHA-256 of every compiled source in ``_native.json``; importing :mod:`studio_kit.engines.writing`
checks it, and when anything differs (or ``STUDIO_PURE_PYTHON=1`` is set) every module of the
group loads from its ``.py`` instead (all or none: compiled modules reach into each other's
classes directly, so they cannot mix with source-loaded ones).

    make speedups       # compile (``make install`` runs it; a no-op while the build matches the source)
    studio config       # its last line says whether the layout runs compiled
"""
from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import json
import os
import shutil
import sys
import sysconfig
from pathlib import Path

PACKAGE = "studio_kit.engines.writing"
HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "_native.json"
# the modules compiled together (one mypyc group: they call each other's functions and classes in C)
MODULES = ("layout", "fountain_markup", "scenes", "fountain", "print_tokens", "pagination", "incremental")
GROUP = f"{PACKAGE}._native"
PURE_ENV = "STUDIO_PURE_PYTHON"


def _digest(name: str, here: Path = HERE) -> str:
    return hashlib.sha256((here / f"{name}.py").read_bytes()).hexdigest()


def _abi() -> str:
    return f"{sys.implementation.cache_tag} {sysconfig.get_config_var('EXT_SUFFIX')}"


def _built_files(here: Path = HERE) -> list[Path]:
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    names = {*MODULES, "_native__mypyc"}
    return sorted(p for p in here.iterdir() if p.name.endswith(suffixes) and p.name.split(".")[0] in names)


def _matches(manifest: dict, here: Path) -> bool:
    """Whether a build manifest was made from the sources in ``here`` for this Python."""
    return manifest.get("abi") == _abi() and manifest.get("sources") == {m: _digest(m, here) for m in MODULES}


def _manifest(here: Path) -> dict | None:
    try:
        return json.loads((here / MANIFEST.name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def state(here: Path = HERE) -> str:
    """``"compiled"`` (built from the current source for this Python), ``"stale"`` (built, but from
    other source or for another Python: the source runs), ``"off"`` (built, but ``STUDIO_PURE_PYTHON``
    is set) or ``"pure"`` (nothing built, or the build failed)."""
    if not _built_files(here):
        return "pure"
    manifest = _manifest(here)
    if manifest is not None and not manifest.get("compiled"):
        return "pure"
    if manifest is None or not _matches(manifest, here):
        return "stale"
    if os.environ.get(PURE_ENV, "").strip() not in ("", "0"):
        return "off"
    return "compiled"


#: what :func:`guard` found when this process imported the package (what runs here)
RUNNING: str | None = None


def describe() -> str:
    """One line for ``studio config``: how the script layout runs in this process."""
    return {
        "compiled": "script layout: compiled with mypyc (make speedups)",
        "stale": "script layout: Python source (the compiled modules are out of date: run `make speedups`)",
        "off": f"script layout: Python source ({PURE_ENV} is set)",
        "pure": "script layout: Python source (not compiled: `make speedups` needs mypy and a C compiler)",
    }[RUNNING or state()]


def active() -> bool:
    """Whether the layout path runs compiled in this process."""
    mod = sys.modules.get(f"{PACKAGE}.pagination")
    if mod is None:
        return state() == "compiled"
    return not (getattr(mod, "__file__", "") or "").endswith(".py")


class _SourceFirst(importlib.abc.MetaPathFinder):
    """Finds the group's modules in their ``.py`` files, ahead of the compiled ones beside them."""

    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        pkg, _, name = fullname.rpartition(".")
        if pkg == PACKAGE and name in MODULES:
            return importlib.util.spec_from_file_location(fullname, HERE / f"{name}.py")
        return None


def guard() -> None:
    """Run the source instead of compiled modules that do not match it (called on package import)."""
    global RUNNING
    RUNNING = state()
    if RUNNING in ("stale", "off") and not any(isinstance(f, _SourceFirst) for f in sys.meta_path):
        sys.meta_path.insert(0, _SourceFirst())
        if RUNNING == "stale":
            print("studio_kit: the compiled writing modules do not match their source; the source runs "
                  "(rebuild them with `make speedups`)", file=sys.stderr)


def clean() -> None:
    for p in _built_files():
        p.unlink()
    MANIFEST.unlink(missing_ok=True)


def build() -> bool:
    """Compile :data:`MODULES` in place (``mypyc`` from the ``test`` extra, a C compiler), unless the last
    build was made from the same sources for this Python (``make install`` calls this every time). On
    failure the modules are left as source and the manifest says so: no retry until the sources change."""
    manifest = _manifest(HERE)
    if manifest is not None and _matches(manifest, HERE) and (_built_files() or not manifest.get("compiled")):
        ok = bool(manifest.get("compiled"))          # up to date
    else:
        ok = _compile()
    print(f"writing layout modules: {'compiled' if ok else 'Python source (compiling failed)'}")
    return ok


def _compile() -> bool:
    root = HERE.parents[2]
    clean()
    sources = {m: _digest(m) for m in MODULES}
    work = root / ".cache" / "mypyc-build"
    ok = False
    cwd = os.getcwd()
    try:
        from mypyc.build import mypycify
        from setuptools import setup

        os.chdir(root)
        paths = [str((HERE / f"{m}.py").relative_to(root)) for m in MODULES]
        modules = mypycify(paths, group_name=GROUP, target_dir=str(work / "c"), opt_level="3")
        args = ["-q", "build_ext", "--inplace", "--build-temp", str(work / "o"), "--build-lib", str(work / "lib")]
        setup(name="studio_kit_speedups", ext_modules=modules, script_args=args)
        ok = len(_built_files()) == len(MODULES) + 1
    except (Exception, SystemExit) as exc:  # no compiler, no mypyc: the source runs
        print(f"studio_kit: compiling the writing modules failed ({exc}); the Python source runs", file=sys.stderr)
        clean()
    finally:
        os.chdir(cwd)
        shutil.rmtree(work, ignore_errors=True)
    MANIFEST.write_text(json.dumps({"compiled": ok, "abi": _abi(), "sources": sources}, indent=1) + "\n",
                        encoding="utf-8")
    return ok
