"""`studio demo`: the main job on the offline defaults, one papermill template per step.

Each step is a template run (stored with its executed notebook); the demo
prints where every output went. Steps are added as engines land.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

DEFAULT_LOGLINE = ("A night-shift projectionist finds the missing last reel of a lost silent film "
                   "and must finish the screening before the cinema is torn down at dawn.")


@dataclass
class DemoStep:
    template: str
    title: str
    parameters: Callable[[Path, str, int, dict[str, Any]], dict[str, Any]]


def _steps() -> list[DemoStep]:
    return [
        DemoStep("hello_project", "Project card",
                 lambda out, logline, seed, prev: {"project_title": "The Last Reel", "logline": logline}),
    ]


def run_demo(output: Path, logline: str | None = None, seed: int = 7, console: Any = None) -> dict[str, Any]:
    """Run every demo step in order; returns the published outputs of each step by template name."""
    from rich.console import Console

    from studio_kit.config import get_settings
    from studio_kit.runs.runner import run_template
    from studio_kit.runs.templates import templates_dir

    console = console or Console()
    logline = logline or DEFAULT_LOGLINE
    output = Path(output).resolve()
    output.mkdir(parents=True, exist_ok=True)
    settings = get_settings()
    available = {p.stem for p in templates_dir().glob("*.ipynb")}
    results: dict[str, Any] = {}
    steps = [s for s in _steps() if s.template in available]
    console.print(f"[bold]studio demo[/]: {len(steps)} steps into {output}\nLogline: {logline}")
    for number, step in enumerate(steps, 1):
        params = step.parameters(output, logline, seed, results)
        console.print(f"[cyan]{number}/{len(steps)}[/] {step.title} ({step.template}) …")
        result = run_template(step.template, params, output / "notebooks" / f"{number:02d}-{step.template}.ipynb",
                              progress=False)
        results[step.template] = result.outputs
        for key, value in result.outputs.items():
            console.print(f"    {key}: {value}")
    console.print(f"[green]Demo finished.[/] Executed notebooks: {output / 'notebooks'}; "
                  f"store: {settings.home.resolve()} (see `studio runs`).")
    return results
