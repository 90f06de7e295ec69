"""`studio batch`: a template over a parameter grid on Dask, one stored run per point, even when a worker dies."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from studio_kit.exceptions import ParameterError
from studio_kit.runs.batch import expand_grid, load_grid


def _template(folder: Path) -> Path:
    """A template that waits ``seconds`` and stores a small take note, so runs overlap on workers."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell('label: str = "take"\nseconds: float = 0.5', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell(
            "import time\nfrom studio_kit.config import get_settings\nfrom studio_kit.store import open_store\n"
            "time.sleep(seconds)\ns = get_settings()\nctx = open_store().project(s.org, s.project, user=s.user)\n"
            "ctx.put_asset(label.encode(), kind='note', name=label + '.txt')\n"
            "from studio_kit.runs import publish\npublish(label=label)"),
    ]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "take_note.ipynb"
    nbformat.write(nb, path)
    return path


@pytest.fixture
def batch_home(studio_home, tmp_path, monkeypatch):
    from studio_kit.config import reset_settings

    _template(tmp_path / "templates")
    monkeypatch.setenv("STUDIO_TEMPLATES_DIR", str(tmp_path / "templates"))
    reset_settings()
    return studio_home


def test_a_grid_is_every_combination_of_its_lists():
    points = expand_grid({"logline": ["A heist", "A romance"], "pages": [3, 5], "format": "short"})
    assert points == [{"logline": "A heist", "pages": 3, "format": "short"},
                      {"logline": "A heist", "pages": 5, "format": "short"},
                      {"logline": "A romance", "pages": 3, "format": "short"},
                      {"logline": "A romance", "pages": 5, "format": "short"}]
    assert expand_grid({"runs": [{"a": 1}, {"a": 2}]}) == [{"a": 1}, {"a": 2}]


@pytest.mark.parametrize("grid, words", [({"pages": []}, "empty list"), ({"runs": [1, 2]}, "list of mappings"),
                                         ({"runs": []}, "no runs"), ("text", "mapping or a list")])
def test_a_bad_grid_names_the_problem(grid, words):
    with pytest.raises(ParameterError, match=words):
        expand_grid(grid)


def test_a_grid_file_that_is_not_yaml_is_refused(tmp_path):
    bad = tmp_path / "grid.yaml"
    bad.write_text("pages: [3, 5\n")
    with pytest.raises(ParameterError, match="not valid YAML"):
        load_grid(bad)
    with pytest.raises(ParameterError, match="does not exist"):
        load_grid(tmp_path / "missing.yaml")


def test_an_invalid_point_stops_the_batch_before_anything_runs(batch_home):
    from studio_kit.runs.batch import run_batch
    from studio_kit.store import open_store

    with pytest.raises(ParameterError, match="Batch point 2 of 2"):
        run_batch("take_note", [{"seconds": 0.1}, {"seconds": "soon"}], progress=False)
    ctx = open_store().project("default", "demo")
    assert ctx.list_runs() == []


def test_gpu_tasks_without_gpu_workers_are_refused_instead_of_waiting_forever(batch_home):
    from studio_kit.exceptions import RunError
    from studio_kit.runs.batch import run_batch

    with pytest.raises(RunError, match="GPU"):
        run_batch("take_note", [{"seconds": 0.1}], workers=1, gpus_per_task=1, progress=False)


@pytest.mark.slow
def test_every_point_runs_once_and_is_stored_with_its_notebook(batch_home):
    from studio_kit.runs.batch import run_batch
    from studio_kit.store import open_store

    result = run_batch("take_note", {"label": ["a", "b", "c"], "seconds": [0.2]}, workers=2, progress=False)
    assert (result.succeeded, result.failed) == (3, 0)
    assert sorted(o["label"] for o in result.outputs.values()) == ["a", "b", "c"]
    ctx = open_store().project("default", "demo")
    runs = ctx.list_runs()
    assert len(runs) == 3 and {r.status for r in runs} == {"succeeded"}
    assert all(r.output_asset_id for r in runs)
    assert len({r.worker for r in result.runs}) >= 1
    notes = [a for a in ctx.list_assets() if a.kind == "note"]
    assert sorted(a.name for a in notes) == ["a.txt", "b.txt", "c.txt"]


@pytest.mark.slow
def test_a_worker_killed_mid_batch_leaves_exactly_one_run_per_point(batch_home):
    from dask.distributed import Client, LocalCluster

    from studio_kit.runs.batch import run_batch
    from studio_kit.store import open_store

    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=40)
    client = Client(cluster)
    try:
        pids = client.run(os.getpid)
        done: dict = {}
        t = threading.Thread(target=lambda: done.setdefault("result", run_batch(
            "take_note", {"label": ["p1", "p2", "p3", "p4"], "seconds": [4.0]},
            scheduler=cluster.scheduler_address, progress=False)))
        t.start()
        ctx = open_store().project("default", "demo")
        deadline = time.time() + 120
        while time.time() < deadline and not any(r.status == "running" for r in ctx.list_runs()):
            time.sleep(0.3)
        time.sleep(1.5)                                   # the kernels are inside their sleep
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)                   # the nanny restarts it; Dask re-schedules its task
        t.join(timeout=600)
        result = done["result"]
    finally:
        client.close()
        cluster.close()
    assert (result.succeeded, result.failed) == (4, 0)
    runs = ctx.list_runs()
    assert len(runs) == 4, [(r.id, r.status) for r in runs]
    assert {r.status for r in runs} == {"succeeded"} and all(r.output_asset_id for r in runs)
    time.sleep(2)                                          # an orphaned kernel would have written by now
    notes = sorted(a.name for a in ctx.list_assets() if a.kind == "note")
    assert notes == ["p1.txt", "p2.txt", "p3.txt", "p4.txt"]


@pytest.mark.slow
def test_studio_batch_prints_a_summary_table(batch_home, tmp_path):
    grid = tmp_path / "grid.yaml"
    grid.write_text("label: [x, y]\nseconds: 0.1\n")
    env = dict(os.environ)
    out = subprocess.run([sys.executable, "-m", "studio_kit", "batch", "take_note", "--grid", str(grid),
                          "--workers", "1", "--no-progress"], capture_output=True, text=True, env=env, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "2 succeeded, 0 failed" in out.stdout and "take_note" in out.stdout
