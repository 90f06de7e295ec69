"""`studio demo`: the main job on the offline defaults, one papermill template per step.

logline → script (Fountain + PDF) → cast (bibles, locked identities, character
sheets) → pre-production package (breakdown, schedule + DOOD, budget, call
sheets). Each step is a stored template run with its executed notebook; the
demo prints where every output went.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_LOGLINE = ("A night-shift projectionist finds the missing last reel of a lost silent film "
                   "and must finish the screening before the cinema is torn down at dawn.")
#: the demo's cast is capped so a laptop finishes it in about a minute
MAX_CAST = 4


@dataclass
class DemoStep:
    template: str
    title: str
    #: (output folder, logline, seed, outputs so far) -> one parameter dict per run of the template
    runs: Callable[[Path, str, int, dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]


def _cast(prev: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One character_sheet run per part of the demo script's cast list (aliases merged), leads first."""
    from studio_kit.engines.characters.cast import cast_list
    from studio_kit.engines.writing.io import load_script

    fountain = prev["script_from_logline"][0]["fountain"]
    parts = cast_list(load_script(fountain))[:MAX_CAST]
    return [{"name": part.name, "script_path": fountain, "lock": True} for part in parts]


def _steps() -> list[DemoStep]:
    return [
        DemoStep("hello_project", "Project card",
                 lambda out, logline, seed, prev: [{"project_title": "The Last Reel", "logline": logline}]),
        DemoStep("script_from_logline", "Short film script and PDF",
                 lambda out, logline, seed, prev: [{"logline": logline, "format": "short", "pages": 10,
                                                    "seed": seed, "output_dir": str(out / "script")}]),
        DemoStep("character_sheet", "Cast: bibles, locked identities, character sheets",
                 lambda out, logline, seed, prev: [dict(p, output_dir=str(out / "characters" / p["name"].lower()
                                                                              .replace(" ", "-")))
                                                   for p in _cast(prev)]),
        DemoStep("preproduction_package", "Pre-production package",
                 lambda out, logline, seed, prev: [{"script_path": prev["script_from_logline"][0]["fountain"],
                                                    "output_dir": str(out / "preproduction"),
                                                    "preset": "micro-short-medium", "time_limit": 5.0}]),
    ]


def run_demo(output: Path, logline: str | None = None, seed: int = 7, console: Any = None) -> dict[str, Any]:
    """Run every demo step in order; returns the published outputs of each run, by template name."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from studio_kit.config import get_settings
    from studio_kit.runs.runner import run_template

    console = console or Console()
    logline = logline or DEFAULT_LOGLINE
    output = Path(output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    settings = get_settings()
    results: dict[str, list[dict[str, Any]]] = {}
    steps = _steps()
    console.print(f"[bold]studio demo[/]: {len(steps)} steps into {output}\nLogline: {logline}")
    number = 0
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("demo", total=len(steps))
        for step in steps:
            runs = step.runs(output, logline, seed, results)
            progress.update(task, description=f"{step.title} ({len(runs)} run{'s' * (len(runs) != 1)})")
            for params in runs:
                number += 1
                notebook = output / "notebooks" / f"{number:02d}-{step.template}.ipynb"
                result = run_template(step.template, params, notebook, progress=False)
                results.setdefault(step.template, []).append(result.outputs)
                progress.console.print(f"[cyan]{step.title}[/] → {notebook.name}")
                for key, value in _headline(result.outputs).items():
                    progress.console.print(f"    {key}: {value}")
            progress.advance(task)
    console.print(f"[green]Demo finished.[/] Outputs: {output}; executed notebooks: {output / 'notebooks'}; "
                  f"store: {settings.home.resolve()} (see `studio runs`).")
    return results


def _headline(outputs: dict[str, Any]) -> dict[str, Any]:
    """The printable part of a step's published outputs (no long lists)."""
    return {k: v for k, v in outputs.items() if not isinstance(v, (list, dict)) and len(str(v)) < 160}
