"""`studio demo`: the main job on the offline defaults, one papermill template per step.

logline → script (Fountain + PDF) → cast (bibles, locked identities, character
sheets) → pre-production package (breakdown, schedule + DOOD, budget, call
sheets) → the film's sound (voices, score, mix to the streaming spec, with its QC
line) → storyboard PDF and animatic MP4 carrying that mix → trailer, poster and social
clips with their QC lines. Each step is a stored template run with its executed notebook; the
demo prints where every output went.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from studio_kit.config import get_settings
from studio_kit.engines.characters.cast import cast_list
from studio_kit.engines.writing.io import load_script
from studio_kit.runs.runner import run_template

DEFAULT_LOGLINE = ("A night-shift projectionist finds the missing last reel of a lost silent film "
                   "and must finish the screening before the cinema is torn down at dawn.")
#: the demo's cast is capped so a laptop finishes it in minutes
MAX_CAST = 4
#: the demo film's length: a four-page short is about four minutes of voiced, scored, animated film
DEFAULT_PAGES = 4


@dataclass
class DemoStep:
    template: str
    title: str
    #: (output folder, logline, seed, outputs so far) -> one parameter dict per run of the template
    runs: Callable[[Path, str, int, dict[str, list[dict[str, Any]]]], list[dict[str, Any]]]


def _cast(prev: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One character_sheet run per part of the demo script's cast list (aliases merged), leads first."""
    fountain = prev["script_from_logline"][0]["fountain"]
    parts = cast_list(load_script(fountain))[:MAX_CAST]
    return [{"name": part.name, "script_path": fountain, "lock": True} for part in parts]


def _steps(pages: int = DEFAULT_PAGES) -> list[DemoStep]:
    return [
        DemoStep("hello_project", "Project card",
                 lambda out, logline, seed, prev: [{"project_title": "The Last Reel", "logline": logline}]),
        DemoStep("script_from_logline", "Short film script and PDF",
                 lambda out, logline, seed, prev: [{"logline": logline, "format": "short", "pages": pages,
                                                    "seed": seed, "output_dir": str(out / "script")}]),
        DemoStep("character_sheet", "Cast: bibles, locked identities, character sheets",
                 lambda out, logline, seed, prev: [dict(p, output_dir=str(out / "characters" / p["name"].lower()
                                                                              .replace(" ", "-")))
                                                   for p in _cast(prev)]),
        DemoStep("preproduction_package", "Pre-production package",
                 lambda out, logline, seed, prev: [{"script_path": prev["script_from_logline"][0]["fountain"],
                                                    "output_dir": str(out / "preproduction"),
                                                    "preset": "micro-short-medium", "time_limit": 5.0}]),
        DemoStep("audio_post", "Voices, score and mix to the streaming spec",
                 lambda out, logline, seed, prev: [{"script_path": prev["script_from_logline"][0]["fountain"],
                                                    "output_dir": str(out / "post"), "spec": "streaming"}]),
        DemoStep("storyboard_animatic", "Storyboard PDF and animatic MP4 with the mix",
                 lambda out, logline, seed, prev: [{"script_path": prev["script_from_logline"][0]["fountain"],
                                                    "output_dir": str(out / "production"),
                                                    "mix_path": (prev.get("audio_post") or [{}])[0].get("mix", "")}]),
        DemoStep("marketing_kit", "Trailer, poster and social clips, each QC'd against its platform",
                 lambda out, logline, seed, prev: [{"script_path": prev["script_from_logline"][0]["fountain"],
                                                    "output_dir": str(out / "marketing"), "trailer_length": 0,
                                                    "poster_dpi": 100, "scale": 0.5,
                                                    "platforms": "tiktok,instagram-feed,youtube"}]),
    ]


def run_demo(output: Path | None = None, logline: str | None = None, seed: int = 7, pages: int = DEFAULT_PAGES,
             console: Any = None) -> dict[str, Any]:
    """Run every demo step in order; returns the published outputs of each run, by template name.

    ``output`` defaults to STUDIO_HOME/outputs/demo (never a folder relative to where the command runs)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


    console = console or Console()
    logline = logline or DEFAULT_LOGLINE
    output = Path(output or Path(get_settings().home) / "outputs" / "demo").resolve()
    output.mkdir(parents=True, exist_ok=True)
    settings = get_settings()
    results: dict[str, list[dict[str, Any]]] = {}
    steps = _steps(pages)
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
    _summary(console, results)
    console.print(f"[green]Demo finished.[/] Outputs: {output}; executed notebooks: {output / 'notebooks'}; "
                  f"store: {settings.home.resolve()} (see `studio runs`).")
    return results


def _summary(console: Any, results: dict[str, list[dict[str, Any]]]) -> None:
    """One summary of everything the demo made: each step's files, then every QC line."""
    console.print("[bold]Summary[/]")
    qc: list[str] = []
    for template, runs in results.items():
        for outputs in runs:
            files = [str(v) for v in outputs.values() if isinstance(v, str) and Path(v).suffix and Path(v).is_file()]
            console.print(f"  {template}: {len(files)} file(s)" + (f" — {', '.join(Path(f).name for f in files)}"
                                                                     if files else ""))
            lines = outputs.get("qc_lines") or ([outputs["qc"]] if isinstance(outputs.get("qc"), str) else [])
            qc += [str(x) for x in lines]
    for line in qc:
        console.print(f"  {line}")


def _headline(outputs: dict[str, Any]) -> dict[str, Any]:
    """The printable part of a step's published outputs (no long lists)."""
    return {k: v for k, v in outputs.items() if not isinstance(v, (list, dict)) and len(str(v)) < 160}
