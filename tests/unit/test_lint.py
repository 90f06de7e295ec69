"""Lint and types (issue 9 item 7): ruff over the whole repository's code, mypy over the packages that are
type-clean. The mypy set is pyproject.toml's ``[tool.mypy] files``; a package joins it once it is clean, so the
set only grows."""
from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINTED = ["studio_kit", "tests", "tools", "benchmarks"]


def _run(*args: str, timeout: int) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=timeout)


def test_ruff_finds_nothing():
    done = _run("ruff", "check", "--no-cache", "--output-format", "concise", *LINTED, timeout=300)
    assert done.returncode == 0, (
        "ruff found problems (fix them, or `# noqa: CODE` with a one-line reason):\n" + done.stdout + done.stderr)


def test_mypy_set_is_declared_and_exists():
    files = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]["files"]
    assert files, "pyproject.toml [tool.mypy] files lists no package"
    missing = [f for f in files if not (ROOT / f).exists()]
    assert not missing, f"pyproject.toml [tool.mypy] files names paths that do not exist: {missing}"
    assert "studio_kit" in files, "mypy checks the whole package (issue 9): list studio_kit, not a part of it"


@pytest.mark.slow
def test_mypy_is_clean_on_the_typed_packages():
    """mypy reads pyproject.toml's [tool.mypy] (files, python_version, ignore_missing_imports)."""
    done = _run("mypy", "--no-incremental", "--config-file", "pyproject.toml", timeout=900)
    assert done.returncode == 0, (
        "mypy found type errors in the packages pyproject.toml [tool.mypy] files declares clean:\n"
        + done.stdout + done.stderr)
