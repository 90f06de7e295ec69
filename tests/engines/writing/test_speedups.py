"""The compiled layout modules (mypyc, ``make speedups``): the same pages as the source, and the source
runs whenever the compiled build does not match it."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from studio_kit.engines.writing import speedups
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.pagination import paginate

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples" / "fountain"

# prints, for every sample, each page's lines (kind, text, x, row) and the scene eighths, as JSON
_DUMP = r"""
import json, sys
from pathlib import Path
from studio_kit.engines.writing import speedups
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.incremental import ScriptLayout
from studio_kit.engines.writing.pagination import page_lines, paginate
out = {"active": speedups.active()}
for path in sorted(Path(sys.argv[1]).glob("*.fountain")):
    text = path.read_text(encoding="utf-8")
    pag = paginate(parse_fountain(text))
    edited = ScriptLayout(text)
    edited.edit(text.replace("\n\n", "\n\nA NEW LINE of action.\n\n", 3))
    out[path.name] = {
        "pages": [[[ln.type, ln.text, round(ln.x, 3), ln.row] for ln in page_lines(p)] for p in pag.pages],
        "eighths": pag.scene_eighths, "more": pag.more_splits,
        "edited": [[ln.text for ln in page_lines(p)] for p in edited.pagination.pages],
    }
print(json.dumps(out))
"""


def _dump(pure: bool) -> dict:
    env = {**os.environ, speedups.PURE_ENV: "1" if pure else "0"}
    run = subprocess.run([sys.executable, "-c", _DUMP, str(SAMPLES)], capture_output=True, text=True, env=env,
                         timeout=300, check=True)
    return json.loads(run.stdout)


def test_compiled_and_source_lay_out_the_same_pages():
    pure, default = _dump(pure=True), _dump(pure=False)
    assert pure.pop("active") is False              # STUDIO_PURE_PYTHON=1: the .py files ran
    assert default.pop("active") is (speedups.state() == "compiled")
    assert len(pure) >= 5
    for name in pure:
        assert default[name] == pure[name], name


def test_this_process_runs_what_state_says():
    assert speedups.active() is (speedups.state() == "compiled")
    import studio_kit.engines.writing.pagination as pagination_module

    assert pagination_module.__file__.endswith(".py") is (speedups.state() != "compiled")
    # and both ways give a real layout
    pag = paginate(parse_fountain("INT. HOUSE - DAY\n\nShe waits.\n\nBOB\nHello.\n"))
    assert [ln.text for ln in pag.pages[0]] == ["INT. HOUSE - DAY", "", "She waits.", "", "BOB", "Hello."]


def _fake_build(tmp: Path, *, compiled: bool = True) -> Path:
    """A folder shaped like a built package: the sources, a file per extension module, the manifest."""
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for name in speedups.MODULES:
        shutil.copy(speedups.HERE / f"{name}.py", tmp / f"{name}.py")
        (tmp / f"{name}{suffix}").write_bytes(b"")
    (tmp / f"_native__mypyc{suffix}").write_bytes(b"")
    sources = {m: speedups._digest(m, tmp) for m in speedups.MODULES}
    (tmp / speedups.MANIFEST.name).write_text(json.dumps({"compiled": compiled, "abi": speedups._abi(),
                                                          "sources": sources}), encoding="utf-8")
    return tmp


def test_state_follows_the_source_the_python_and_the_switch(tmp_path, monkeypatch):
    monkeypatch.delenv(speedups.PURE_ENV, raising=False)
    assert speedups.state(tmp_path) == "pure"                 # nothing built
    here = _fake_build(tmp_path)
    assert speedups.state(here) == "compiled"
    monkeypatch.setenv(speedups.PURE_ENV, "1")
    assert speedups.state(here) == "off"
    monkeypatch.setenv(speedups.PURE_ENV, "0")
    assert speedups.state(here) == "compiled"
    # an edit to one source after the build: the compiled modules would run old code, so the source runs
    (here / "pagination.py").write_text((here / "pagination.py").read_text() + "\n# edited\n")
    assert speedups.state(here) == "stale"
    # built by another Python
    here = _fake_build(tmp_path)
    manifest = json.loads((here / speedups.MANIFEST.name).read_text())
    (here / speedups.MANIFEST.name).write_text(json.dumps({**manifest, "abi": "cpython-310 .so"}))
    assert speedups.state(here) == "stale"
    (here / speedups.MANIFEST.name).write_text("{not json")
    assert speedups.state(here) == "stale"
    (here / speedups.MANIFEST.name).unlink()
    assert speedups.state(here) == "stale"
    # a failed build leaves the source running
    assert speedups.state(_fake_build(tmp_path, compiled=False)) == "pure"


@pytest.mark.parametrize("env", ["1", "yes"])
def test_the_switch_loads_every_module_of_the_group_from_source(env):
    code = ("import sys, studio_kit.engines.writing.incremental, studio_kit.engines.writing.fountain;"
            "from studio_kit.engines.writing import speedups;"
            "print(all(sys.modules[f'{speedups.PACKAGE}.{m}'].__file__.endswith('.py') for m in speedups.MODULES))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, speedups.PURE_ENV: env})
    assert run.stdout.strip() == "True"


def test_a_build_that_matches_its_source_is_not_redone(capsys):
    if speedups.state() != "compiled":
        pytest.skip("the layout is not compiled here (make speedups)")
    built = {p: p.stat().st_mtime_ns for p in speedups._built_files()}
    assert speedups.build() is True
    assert {p: p.stat().st_mtime_ns for p in speedups._built_files()} == built
    assert "compiled" in capsys.readouterr().out
    assert speedups.describe() == "script layout: compiled with mypyc (make speedups)"
