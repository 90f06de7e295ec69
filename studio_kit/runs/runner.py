"""Run a papermill template: validate parameters, execute, store the run and its notebook.

One run = one executed notebook = the run's record. A failing run keeps the
partial executed notebook, is stored as ``failed`` with the failing cell's
index and error, and raises :class:`~studio_kit.exceptions.RunError`.
"""
from __future__ import annotations

import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.exceptions import RunError
from studio_kit.runs.heartbeat import beating
from studio_kit.runs.parameters import validate_parameters
from studio_kit.runs.templates import Template, find_template
from studio_kit.store import AssetKind, open_store

log = logging.getLogger(__name__)


@dataclass
class RunResult:
    run_id: int | None
    template: str
    status: str                 # succeeded | failed
    parameters: dict[str, Any]
    output_path: Path
    duration_s: float
    output_asset_id: int | None = None
    error: str | None = None
    cell_index: int | None = None
    outputs: dict[str, Any] = field(default_factory=dict)


def run_template(name: str, parameters: dict[str, Any] | None = None, output: str | Path | None = None, *,
                 org: str | None = None, project: str | None = None, progress: bool = True,
                 store: Any = None, raise_on_error: bool = True, run_id: int | None = None) -> RunResult:
    """Execute template ``name`` with ``parameters`` (strings are converted to declared types).

    The run is recorded in the project store of ``org``/``project`` (default: settings).
    Returns a :class:`RunResult`; on a failing cell raises RunError unless ``raise_on_error=False``.
    ``run_id`` executes a run already recorded as queued (the batch runner and job queue create the
    row first, so a retry after a worker died re-runs the same row instead of adding one).
    """
    import papermill
    from papermill.exceptions import PapermillExecutionError


    settings = get_settings()
    template: Template = find_template(name)
    params = validate_parameters(template, dict(parameters or {}))
    store = store or open_store()
    ctx = store.project(org or settings.org, project or settings.project, user=settings.user)
    ctx.reap_stale_runs()  # a run killed earlier does not stay "running" once another starts
    if run_id is None:
        run_id = ctx.create_run(template.name, params)
    out_path = Path(output) if output else settings.home / "runs" / f"{run_id:05d}-{template.name}.ipynb"
    out_path.parent.mkdir(parents=True, exist_ok=True)
    ctx.start_run(run_id)
    t0 = time.perf_counter()
    env = {"STUDIO_HOME": str(settings.home.resolve()), "STUDIO_ORG": ctx.org_slug,
           "STUDIO_PROJECT": ctx.project_slug, "STUDIO_RUN_ID": str(run_id)}
    if settings.database_url:
        env["STUDIO_DATABASE_URL"] = settings.database_url
    error: PapermillExecutionError | None = None
    try:
        # a run whose beats stop and whose process is gone is marked interrupted by the next command
        # that lists or starts runs (ProjectContext.reap_stale_runs)
        with beating(lambda: ctx.beat_run(run_id), settings.run_heartbeat_s, f"studio-run-{run_id}"):
            papermill.execute_notebook(str(template.path), str(out_path), parameters=params,
                                       kernel_name=settings.kernel_name, progress_bar=progress,
                                       cwd=str(template.path.parent), kernel_manager_class=_local_kernel_manager(env))
    except PapermillExecutionError as exc:
        error = exc
    except Exception as exc:  # kernel died, bad notebook ... still a failed run, not a corrupt one
        ctx.update_run(run_id, status="failed", finished_at=_now(), duration_s=time.perf_counter() - t0,
                       error=f"{type(exc).__name__}: {exc}")
        raise RunError(f"Run {run_id} of '{template.name}' could not execute: {exc}",
                       output_path=str(out_path), hint="Check the kernel (`jupyter kernelspec list`).") from exc
    duration = time.perf_counter() - t0
    asset_id = None
    if out_path.exists():
        asset = ctx.put_asset(out_path, kind=AssetKind.RUN_NOTEBOOK, name=f"{template.name}.ipynb",
                              provenance={"template": template.name, "params": params, "run_id": run_id,
                                          "duration_s": round(duration, 3)},
                              meta={"status": "failed" if error else "succeeded"})
        asset_id = asset.id
    if error is None:
        ctx.update_run(run_id, status="succeeded", finished_at=_now(), duration_s=duration, output_asset_id=asset_id)
        return RunResult(run_id, template.name, "succeeded", params, out_path, duration, asset_id,
                         outputs=_scrap_outputs(out_path))
    message = f"{error.ename}: {error.evalue}"
    cell_index = _failing_cell(out_path, error.cell_index)
    ctx.update_run(run_id, status="failed", finished_at=_now(), duration_s=duration, output_asset_id=asset_id,
                   error=message, error_cell_index=cell_index)
    result = RunResult(run_id, template.name, "failed", params, out_path, duration, asset_id, message, cell_index)
    if raise_on_error:
        raise RunError(f"Run {run_id} of '{template.name}' failed in cell {cell_index} of {out_path.name}: {message}",
                       cell_index=cell_index, ename=error.ename, evalue=error.evalue,
                       output_path=str(out_path),
                       hint=f"Open the partial notebook {out_path} to see the failing cell.")
    return result


def _local_kernel_manager(env: dict[str, str]):
    """Kernels talk over local IPC sockets in a temp folder, not TCP ports: nothing listens on the
    network and ipykernel's "running over TCP without encryption" warning stays out of the output.

    ``env`` (the run's store, org, project and run id) goes to the kernel process only: this
    process's ``os.environ`` is never changed, so two runs in one process (threads, a dashboard)
    cannot see each other's settings."""
    from jupyter_client.manager import KernelManager

    class LocalKernelManager(KernelManager):
        def __init__(self, **kwargs: Any):
            kwargs.setdefault("transport", "ipc")
            kwargs.setdefault("ip", os.path.join(tempfile.mkdtemp(prefix="studio-kernel-"), "kernel"))
            super().__init__(**kwargs)

        async def _async_start_kernel(self, **kw: Any) -> None:
            kw["env"] = {**os.environ, **kw.get("env", {}), **env}  # the launcher's Popen env
            await super()._async_start_kernel(**kw)

    return LocalKernelManager


def _failing_cell(path: Path, fallback: int) -> int:
    """Index of the failing cell in the saved notebook (papermill adds banner and parameter cells)."""
    import nbformat

    if path.exists():
        nb = nbformat.read(path, as_version=4)
        for i, cell in enumerate(nb.cells):
            if any(o.get("output_type") == "error" for o in cell.get("outputs", [])):
                return i
    return fallback


def _scrap_outputs(path: Path) -> dict[str, Any]:
    """Values a template published with ``studio_kit.runs.publish`` (a JSON display in a cell tagged 'outputs')."""
    import nbformat

    nb = nbformat.read(path, as_version=4)
    found: dict[str, Any] = {}
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {}) if isinstance(out, dict) else {}
            payload = data.get("application/vnd.studio-kit+json")
            if payload:
                found.update(payload if isinstance(payload, dict) else json.loads(payload))
    return found


def _now():
    return datetime.now(UTC)
