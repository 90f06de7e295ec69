"""`studio batch`: a template over a parameter grid on Dask distributed."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("batch")(batch)


def batch(template: str = typer.Argument(..., help="Template name (see `studio templates`)."),
          grid: Path = typer.Option(..., "--grid", help="YAML grid: `name: [v1, v2]` (every combination) or "
                                                         "`runs:` with a list of mappings."),
          scheduler: str | None = typer.Option(None, "--scheduler",
                                                  help="Dask scheduler address (tcp://host:8786); default a LocalCluster."),
          workers: int = typer.Option(2, "--workers", min=1, max=256, help="LocalCluster worker processes."),
          gpus_per_task: int = typer.Option(0, "--gpus-per-task", min=0, max=16,
                                            help="GPUs each run needs (workers advertise resources GPU=N)."),
          retries: int = typer.Option(2, "--retries", min=0, max=10,
                                      help="Re-submissions of a run that crashed outside its notebook."),
          no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Run a template once per grid point on Dask; every run is stored with its executed notebook."""
    from rich.console import Console
    from rich.table import Table

    from studio_kit.runs.batch import load_grid, run_batch, summary_rows

    result = run_batch(template, load_grid(grid), scheduler=scheduler, workers=workers,
                       gpus_per_task=gpus_per_task, retries=retries, progress=not no_progress)
    table = Table(title=f"{result.template}: {len(result.runs)} runs on {result.scheduler} "
                        f"({result.workers} workers) in {result.wall_s:.1f} s")
    for col in ("run", "status", "seconds", "parameters", "error"):
        table.add_column(col, overflow="fold")
    for row in summary_rows(result):
        table.add_row(*row)
    console = Console()
    console.print(table)
    console.print(f"{result.succeeded} succeeded, {result.failed} failed")
    if result.failed:
        raise typer.Exit(1)
