"""Batches of template runs on Dask distributed: a parameter grid, run exactly once per point.

``studio batch TEMPLATE --grid params.yaml`` and :func:`run_batch` expand a grid, validate every
point against the template before anything executes, record one queued Run per point, and hand
the points to Dask workers (a ``LocalCluster`` by default, ``scheduler="tcp://…"`` for a cluster).
Each task executes its own run row with :func:`studio_kit.runs.runner.run_template`, so a task
that Dask re-schedules after its worker died re-runs the same row: one Run and one executed
notebook per point, however often a worker is lost. Kernels talk over local IPC sockets, so two
runs on one machine never clash on ports.

A grid file is either a mapping of parameter → list of values (the cartesian product) or
``runs: [{…}, {…}]`` (explicit points); a scalar value is a fixed parameter.
"""
from __future__ import annotations

import itertools
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings, reset_settings
from studio_kit.exceptions import ParameterError, RunError
from studio_kit.runs.parameters import validate_parameters
from studio_kit.runs.runner import run_template
from studio_kit.runs.templates import find_template
from studio_kit.store import open_store
from studio_kit.store.files import read_yaml_mapping

DEFAULT_RETRIES = 2


@dataclass
class BatchRun:
    """One grid point: its run row, parameters, final status and timings (seconds)."""

    index: int
    run_id: int
    parameters: dict[str, Any]
    status: str = "queued"
    duration_s: float | None = None
    error: str | None = None
    output_path: str | None = None
    worker: str | None = None


@dataclass
class BatchResult:
    template: str
    runs: list[BatchRun]
    wall_s: float
    scheduler: str
    workers: int
    outputs: dict[int, dict[str, Any]] = field(default_factory=dict)

    @property
    def succeeded(self) -> int:
        return sum(r.status == "succeeded" for r in self.runs)

    @property
    def failed(self) -> int:
        return sum(r.status != "succeeded" for r in self.runs)


def expand_grid(grid: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Grid points from a mapping of lists (cartesian product, in key order) or a list of points."""
    if isinstance(grid, list):
        points = grid
    elif isinstance(grid, dict) and "runs" in grid and len(grid) == 1:
        points = grid["runs"]
    elif isinstance(grid, dict):
        keys = list(grid)
        values = [v if isinstance(v, list) else [v] for v in grid.values()]
        if any(not v for v in values):
            empty = ", ".join(k for k, v in zip(keys, values) if not v)
            raise ParameterError(f"Grid parameter(s) {empty} have an empty list of values.",
                                 hint="Give each parameter at least one value.")
        points = [dict(zip(keys, combo)) for combo in itertools.product(*values)]
    else:
        raise ParameterError(f"A batch grid must be a mapping or a list of runs, not {type(grid).__name__}.",
                             hint="Write `name: [v1, v2]` lines, or `runs:` followed by a list of mappings.")
    if not isinstance(points, list) or not all(isinstance(p, dict) for p in points):
        raise ParameterError("`runs:` must be a list of mappings (one per run).",
                             hint="Example:\nruns:\n  - {logline: 'A heist', pages: 3}\n  - {logline: 'A romance'}")
    if not points:
        raise ParameterError("The batch grid has no runs.", hint="Add at least one point to the grid.")
    return [dict(p) for p in points]


def load_grid(path: str | Path) -> list[dict[str, Any]]:
    """Grid points from a YAML (or JSON) file."""
    data = read_yaml_mapping(path, what="Batch grid", error=ParameterError,
                             hint="Write `name: [v1, v2]` lines (every combination runs) or `runs:` with a list of "
                                  "mappings, one per run.")
    return expand_grid(data)


def _execute(template: str, run_id: int, parameters: dict[str, Any], org: str, project: str,
             env: dict[str, str]) -> dict[str, Any]:
    """One Dask task: execute the pre-recorded run ``run_id`` (runs in the worker process)."""
    os.environ.update(env)           # the worker's own settings: store, home, org (worker processes only)

    reset_settings()
    result = run_template(template, parameters, org=org, project=project, progress=False,
                          raise_on_error=False, run_id=run_id)
    return {"run_id": run_id, "status": result.status, "duration_s": result.duration_s, "error": result.error,
            "output_path": str(result.output_path), "outputs": result.outputs,
            "worker": f"{socket.gethostname()}:{os.getpid()}"}


def local_gpus() -> int:
    """NVIDIA GPUs on this machine (``nvidia-smi -L``), 0 when there are none."""
    smi = shutil.which("nvidia-smi")
    if not smi:
        return 0
    try:
        out = subprocess.run([smi, "-L"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(line.startswith("GPU ") for line in out.splitlines())


def dask_client(scheduler: str | None, workers: int | None, gpus: int):
    """A Dask client of the cluster at ``scheduler``, or of a new LocalCluster (returned too, to close)."""
    from dask.distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler, timeout="20s"), None
    found = local_gpus() if gpus else 0
    workers = min(workers or 2, found) if found else workers
    # each local worker advertises its share of this machine's GPUs; none are invented
    resources = {"GPU": max(1, found // (workers or 1))} if found else None
    cluster = LocalCluster(n_workers=workers or 2, threads_per_worker=1, processes=True, dashboard_address=None,
                           resources=resources, silence_logs=40)
    return Client(cluster), cluster


def run_batch(template: str, grid: dict[str, Any] | list[dict[str, Any]], *, scheduler: str | None = None,
              workers: int | None = None, gpus_per_task: int = 0, retries: int = DEFAULT_RETRIES,
              org: str | None = None, project: str | None = None, progress: bool = True,
              on_done: Any = None) -> BatchResult:
    """Run ``template`` once per grid point on Dask; returns every point's run and status.

    ``gpus_per_task`` asks the scheduler for ``resources={"GPU": n}`` per task (workers of a GPU
    cluster advertise ``--resources GPU=1``); ``retries`` re-submits a task whose run raised
    outside the notebook (a failing cell is a result, not retried). Raises
    :class:`~studio_kit.exceptions.ParameterError` before anything runs if a point is invalid."""
    settings = get_settings()
    tmpl = find_template(template)
    points = expand_grid(grid)
    checked: list[dict[str, Any]] = []
    for i, point in enumerate(points):
        try:
            checked.append(validate_parameters(tmpl, point))
        except ParameterError as exc:
            raise ParameterError(f"Batch point {i + 1} of {len(points)}: {exc.message}", hint=exc.hint) from exc
    org, project = org or settings.org, project or settings.project
    ctx = open_store().project(org, project, user=settings.user)
    runs = [BatchRun(i, ctx.create_run(tmpl.name, params), params) for i, params in enumerate(checked)]
    env = {"STUDIO_HOME": str(settings.home.resolve()), "STUDIO_USER": settings.user,
           "STUDIO_TEMPLATES_DIR": str(tmpl.path.parent)}
    if settings.database_url:
        env["STUDIO_DATABASE_URL"] = settings.database_url

    t0 = time.perf_counter()
    client, cluster = dask_client(scheduler, workers, gpus_per_task)
    try:
        if gpus_per_task:
            have = [w for w in client.scheduler_info()["workers"].values()
                    if w.get("resources", {}).get("GPU", 0) >= gpus_per_task]
            if not have:
                raise RunError(f"No Dask worker offers {gpus_per_task} GPU(s); the batch would wait forever.",
                               hint="Start GPU workers with `dask worker SCHEDULER --resources GPU=1`, "
                                    "or run without --gpus-per-task.")
        from dask.distributed import as_completed

        kwargs: dict[str, Any] = {"retries": retries, "pure": False}
        if gpus_per_task:
            kwargs["resources"] = {"GPU": gpus_per_task}
        futures = {client.submit(_execute, tmpl.name, r.run_id, r.parameters, org, project, env,
                                 key=f"studio-run-{r.run_id}", **kwargs): r for r in runs}
        outputs: dict[int, dict[str, Any]] = {}
        bar = _progress(progress, len(runs), tmpl.name)
        for fut in as_completed(futures):
            run = futures[fut]
            try:
                done = fut.result()
            except Exception as exc:  # every retry failed: the point is failed, the others go on
                run.status, run.error = "failed", f"{type(exc).__name__}: {exc}"
                ctx.update_run(run.run_id, status="failed", error=run.error[:2000])
            else:
                run.status, run.duration_s, run.error = done["status"], done["duration_s"], done["error"]
                run.output_path, run.worker = done["output_path"], done["worker"]
                outputs[run.run_id] = done["outputs"]
            if on_done is not None:
                on_done(run)
            bar(run)
        n_workers = len(client.scheduler_info()["workers"])
        address = client.scheduler.address if scheduler else "LocalCluster"
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return BatchResult(tmpl.name, runs, time.perf_counter() - t0, address, n_workers, outputs)


def _progress(enabled: bool, total: int, name: str):
    """A rich progress bar advanced once per finished run (a no-op when disabled)."""
    if not enabled:
        return lambda run: None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    bar = Progress(TextColumn(f"[bold]{name}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   transient=True)
    task = bar.add_task(name, total=total)
    bar.start()
    state = {"left": total}

    def advance(run: BatchRun) -> None:
        bar.advance(task)
        state["left"] -= 1
        if state["left"] == 0:
            bar.stop()

    return advance


def summary_rows(result: BatchResult) -> Iterable[tuple[str, ...]]:
    """Table rows (run, status, seconds, parameters, error) for the CLI summary."""
    for r in sorted(result.runs, key=lambda r: r.index):
        params = ", ".join(f"{k}={v!r}" for k, v in r.parameters.items())
        yield (str(r.run_id), r.status, "" if r.duration_s is None else f"{r.duration_s:.1f}",
               params[:80], (r.error or "")[:60])
