"""`studio shots|storyboard|camera-plan|animatic|footage|cut …`: the production engine's commands.

Heavy modules (Pillow, ffmpeg helpers, OpenTimelineIO, the store) are imported
inside the commands so `studio --help` stays fast.
"""
from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TypedDict

import typer

shots_app = typer.Typer(name="shots", help="Shot frames from the shot list: render, re-render one, pick variants.",
                        no_args_is_help=True)
footage_app = typer.Typer(name="footage", help="Real footage: ingest, assign takes, coverage, continuity.",
                          no_args_is_help=True)
cut_app = typer.Typer(name="cut", help="The hybrid cut (takes + AI shots): choose, export (OTIO/FCPXML/EDL), render.",
                      no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(shots_app, name="shots")
    app.add_typer(footage_app, name="footage")
    app.add_typer(cut_app, name="cut")
    app.command("storyboard")(storyboard)
    app.command("camera-plan")(camera_plan)
    app.command("animatic")(animatic)


def _console():
    from rich.console import Console

    return Console()


@contextlib.contextmanager
def _progress(label: str):
    """A rich progress bar; yields the (done, total, what) callback the engine calls."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=_console(), transient=True) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int, what: str) -> None:
            bar.update(task, completed=done, total=total, description=f"{label} {what}".strip())
        yield update


def _size(size: str) -> tuple[int, int]:
    from studio_kit.exceptions import ProductionError

    try:
        w, h = (int(x) for x in size.lower().split("x"))
    except ValueError:
        raise ProductionError(f"Size {size!r} is not WIDTHxHEIGHT.", hint="e.g. --size 1280x720") from None
    return w, h


# -- shots ---------------------------------------------------------------------------

@shots_app.command("render")
def shots_render(script: Path = typer.Argument(..., help="Fountain / FDX screenplay."),
                 backend: str | None = typer.Option(None, help="Image backend: previz (default) or diffusers."),
                 size: str = typer.Option("1280x720", help="Frame size WIDTHxHEIGHT."),
                 only: list[str] | None = typer.Option(None, "--only", help="Re-render just these shots (4.2).")
                 ) -> None:
    """Draw every shot that has no frame yet (a revised script re-flows: new shots drawn, omitted marked)."""
    from studio_kit.engines.production import service

    w, h = _size(size)
    with _progress("shots") as update:
        plan = service.render_shots(script, backend=backend, width=w, height=h, only=only, progress=update)
    _print_plan(plan)


def _print_plan(plan) -> None:
    from rich.table import Table

    table = Table(title=f"{plan.title} — shots (revision {plan.revision})")
    for col in ("shot", "size", "angle", "move", "subjects", "status", "frame", "score", "variants"):
        table.add_column(col)
    for s in plan.shots:
        score = ", ".join(f"{k} {v:.2f}" for k, v in s.consistency.items()) or "—"
        table.add_row(s.number, s.size, s.angle, s.movement, ", ".join(s.subjects)[:30], s.status,
                      str(s.asset_id or "—"), score + (" [red]flagged[/]" if s.flagged else ""), str(len(s.variants)))
    console = _console()
    console.print(table)
    console.print(f"{len(plan.active)} shots, {sum(1 for s in plan.shots if s.status == 'new')} new, "
                  f"{sum(1 for s in plan.shots if s.status == 'omitted')} omitted.")


@shots_app.command("list")
def shots_list() -> None:
    """The stored shot plan with frames, scores and variants."""
    from studio_kit.engines.production import service

    _print_plan(service.shot_plan())


@shots_app.command("rerender")
def shots_rerender(number: str = typer.Argument(..., help="Shot number, e.g. 4.2."),
                   seed: int | None = typer.Option(None, help="Render with this seed."),
                   new_seed: bool = typer.Option(False, "--new-seed", help="Pick a new seed."),
                   prompt: str | None = typer.Option(None, "--prompt", help="Prompt tweak added to the shot."),
                   backend: str | None = typer.Option(None, help="Image backend.")) -> None:
    """Redraw one shot as a new variant; the others keep their frames."""
    from studio_kit.engines.production import service

    shot = service.rerender_shot(number, seed=seed, new_seed=new_seed, prompt_tweak=prompt, backend=backend
                                 ).shot(number)
    note = service.project_context().get_asset(shot.asset_id).meta.get("note")
    _console().print(f"shot {number}: frame {shot.asset_id} (variant {len(shot.variants)}, seed {shot.seed})"
                     + (f"\n[yellow]note:[/] {note}" if note else ""))


@shots_app.command("pick")
def shots_pick(number: str = typer.Argument(..., help="Shot number."),
               frame: int = typer.Argument(..., help="Frame asset id of one of its variants.")) -> None:
    """Choose which variant a shot uses."""
    from studio_kit.engines.production import service

    service.pick_variant(number, frame)
    _console().print(f"shot {number} now uses frame {frame}")


@shots_app.command("video")
def shots_video(script: Path = typer.Argument(..., help="The screenplay."),
                number: str = typer.Argument(..., help="Shot number."),
                backend: str | None = typer.Option(None, help="Video backend: previz (default) or diffusers."),
                steps: int | None = typer.Option(None, min=1, help="Denoising steps (model backends).")) -> None:
    """Make a moving AI shot (as long as the timeline says) that the animatic then plays."""
    from studio_kit.engines.production import service

    shot = service.render_shot_video(script, number, backend=backend, steps=steps).shot(number)
    _console().print(f"shot {number}: video asset {shot.video_asset_id}")


# -- boards, plans, animatic -----------------------------------------------------------

def storyboard(script: Path = typer.Argument(..., help="The screenplay."),
               output: Path = typer.Option(Path("storyboard.pdf"), "-o", "--output", help="PDF to write."),
               paper: str = typer.Option("letter", help="letter or a4."),
               panels: int = typer.Option(6, help="Panels a page: 6 or 9."),
               contact_sheet: Path | None = typer.Option(None, "--contact-sheet", help="Also write a PNG sheet."),
               backend: str | None = typer.Option(None, help="Image backend for shots not drawn yet.")) -> None:
    """Storyboard PDF (drawing any shot still missing a frame first)."""
    from studio_kit.engines.production import service

    with _progress("shots") as update:
        plan = service.render_shots(script, backend=backend, progress=update,
                                    **_stored_size(script))
    out = service.export_storyboard(output, plan=plan, paper=paper, panels=panels, contact_sheet=contact_sheet)
    for kind, path in out.items():
        _console().print(f"{kind}: {path}")


class _Size(TypedDict, total=False):
    """A stored shot plan's frame size, as render_shots takes it (empty: its defaults)."""

    width: int
    height: int


def _stored_size(script: Path) -> _Size:
    from studio_kit.engines.production import service
    from studio_kit.engines.production.shots import load, plan_name

    stored = service.shot_plan_or_none(plan_name(load(script)))
    return {"width": stored.width, "height": stored.height} if stored else {}


def camera_plan(script: Path = typer.Argument(..., help="The screenplay."),
                scene: str = typer.Option(..., "--scene", help="Scene number."),
                output: Path = typer.Option(Path("."), "-o", "--output", help="Folder for the SVG and PNG.")) -> None:
    """Top-down camera plan of one scene (SVG + PNG)."""
    from studio_kit.engines.production import service

    with _progress("shots") as update:
        plan = service.render_shots(script, progress=update, **_stored_size(script))
    for kind, path in service.export_camera_plan(scene, output, plan=plan).items():
        _console().print(f"{kind}: {path}")


def animatic(script: Path = typer.Argument(..., help="The screenplay."),
             output: Path = typer.Option(Path("animatic.mp4"), "-o", "--output", help="MP4 to write."),
             preset: str = typer.Option("720p", help="720p (1280×720) or 1080p (1920×1080), 24 fps."),
             mix: Path | None = typer.Option(None, help="Soundtrack WAV (default: the project's latest mix)."),
             timecode: bool = typer.Option(False, "--timecode", help="Burn in timecode (01:00:00:00 at picture start)."),
             labels: bool = typer.Option(False, "--labels", help="Burn in scene/shot labels."),
             cards: bool = typer.Option(True, "--cards/--no-cards", help="Title and end cards."),
             colour_match: bool = typer.Option(False, "--colour-match", help="Match each shot's colour to its "
                                               "scene's first shot.")) -> None:
    """The animatic: every shot for as long as the film's timeline says, with the mix."""
    from studio_kit.engines.production import service

    with _progress("animatic") as update:
        result = service.render_animatic(script, output, preset=preset, mix=mix, burn_timecode=timecode,
                                         labels=labels, title_card=cards, end_card=cards,
                                         colour_match=colour_match, progress=update)
    console = _console()
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")
    console.print(f"{result.path}: {result.width}×{result.height}, {result.frames} frames "
                  f"({result.duration_s:.2f} s), {result.rendered} segments encoded, {result.cached} from cache, "
                  f"{result.seconds:.1f} s")


# -- footage -----------------------------------------------------------------------------

@footage_app.command("ingest")
def footage_ingest(files: list[Path] = typer.Argument(..., help="Clips to ingest.")) -> None:
    """Probe, proxy, thumbnail and detect shots in each clip (stored only when all of it worked)."""
    from studio_kit.engines.production import service

    with _progress("ingest") as update:
        takes = service.ingest_footage(files, progress=update)
    for t in takes:
        m = t.media
        _console().print(f"{t.name}: {m.video_codec} {m.width}×{m.height} {m.fps:g} fps {m.duration_s:.2f} s, "
                         f"TC {m.timecode or '—'}, audio {m.audio_channels} ch; {len(t.cuts) + 1} shots; "
                         f"scene {t.scene or '?'} shot {t.shot or '?'} take {t.take or '?'} ({t.matched_by or 'unmatched'})")


@footage_app.command("assign")
def footage_assign(take: str = typer.Argument(..., help="Take name (the clip's file name without extension)."),
                   shot: str | None = typer.Option(None, help="Shot number, e.g. 12.3."),
                   scene: str | None = typer.Option(None, help="Scene number."),
                   number: int | None = typer.Option(None, "--take-number", help="Take number.")) -> None:
    """Assign a take to a shot or scene by hand (overrides its name and slate)."""
    from studio_kit.engines.production import service

    t = service.assign_take(take, shot=shot, scene=scene, take=number)
    _console().print(f"{t.name} → scene {t.scene}, shot {t.shot or '—'}, take {t.take or '—'}")


@footage_app.command("coverage")
def footage_coverage() -> None:
    """Scripted shots with their takes and AI frames; lists what has neither."""
    from rich.table import Table

    from studio_kit.engines.production import service

    report = service.coverage_report()
    table = Table(title="Coverage")
    for col in ("shot", "takes", "AI frame", "description"):
        table.add_column(col)
    for r in report.rows:
        table.add_row(r.number, ", ".join(r.takes) or "—", "yes" if r.ai_frame else "—", r.description[:50],
                      style=None if r.covered else "red")
    console = _console()
    console.print(table)
    console.print(f"{len(report.missing)} shots with neither footage nor an AI shot"
                  + (f": {', '.join(r.number for r in report.missing)}" if report.missing else "."))
    if report.unmatched_takes:
        console.print(f"[yellow]unmatched takes:[/] {', '.join(report.unmatched_takes)} (use `studio footage assign`)")


@footage_app.command("continuity")
def footage_continuity() -> None:
    """Compare consecutive shots of each scene (exposure, white balance, colour, faces)."""
    from studio_kit.engines.production import service

    console = _console()
    checks = service.continuity_report()
    for c in checks:
        mark = "[red]✗[/]" if c.flags else "[green]✓[/]"
        console.print(f"{mark} sc {c.scene} {c.a} → {c.b}: exposure Δ {c.exposure_delta:.2f}, WB Δ "
                      f"{c.white_balance_delta:.2f}, histogram {c.histogram_distance:.2f}")
        for flag in c.flags:
            console.print(f"    {flag}")
    console.print(f"{sum(1 for c in checks if c.flags)} of {len(checks)} cuts flagged "
                  "(render with --colour-match to apply the proposed colour match).")


# -- cut ---------------------------------------------------------------------------------

@cut_app.command("choose")
def cut_choose(number: str = typer.Argument(..., help="Shot number."),
               take: str | None = typer.Option(None, help="Cut to this take."),
               ai: bool = typer.Option(False, "--ai", help="Cut back to the AI shot."),
               in_frame: int = typer.Option(0, "--in", help="In-frame in the take."),
               note: str = typer.Option("", help="Editor's note (a marker on the clip)."),
               colour_match: bool = typer.Option(False, "--colour-match",
                                                 help="Match the take's colour to the neighbouring shot "
                                                      "(applied when the cut renders).")) -> None:
    """Choose a real take or the AI shot for one shot slot."""
    from studio_kit.engines.production import service
    from studio_kit.exceptions import ProductionError

    if bool(take) == ai:
        raise ProductionError("Choose either --take NAME or --ai.", hint="studio cut choose 4.2 --take S4_T2")
    choices = service.cut_choice(number, source="ai" if ai else "take", take=take, in_frame=in_frame, note=note,
                                 colour_match=colour_match)
    _console().print(f"shot {number} → {'AI shot' if ai else f'take {take} from frame {in_frame}'}")
    match = next((c.extra.get("colour_match") for k, c in choices.items() if k.upper() == number.upper()), None)
    if match:
        _console().print(f"colour matched to {match['reference']}: RGB means {match['means_before']} → "
                         f"{match['means_after']} (reference {match['means_reference']})")


@cut_app.command("export")
def cut_export(output: Path = typer.Option(Path("cut.otio"), "-o", "--output", help="File to write."),
               fmt: str | None = typer.Option(None, "--format", help="otio, fcpxml, xml (FCP 7), edl or aaf (Avid)."),
               script: Path | None = typer.Option(None, help="The screenplay (default: the one shots came from).")
               ) -> None:
    """Export the hybrid cut through OpenTimelineIO's adapters."""
    from studio_kit.engines.production import service

    _console().print(f"cut: {service.export_cut(output, fmt=fmt, script=script)}")


@cut_app.command("render")
def cut_render(output: Path = typer.Option(Path("cut.mp4"), "-o", "--output", help="MP4 to write."),
               preset: str = typer.Option("720p", help="720p or 1080p."),
               script: Path | None = typer.Option(None, help="The screenplay (default: the one shots came from."),
               timecode: bool = typer.Option(False, "--timecode", help="Burn in timecode."),
               colour_match: bool = typer.Option(False, "--colour-match", help="Apply the proposed colour match.")
               ) -> None:
    """Render the hybrid cut to MP4 with the animatic renderer."""
    from studio_kit.engines.production import service

    with _progress("cut") as update:
        result = service.render_cut(output, script=script, preset=preset, burn_timecode=timecode,
                                    colour_match=colour_match, progress=update)
    _console().print(f"{result.path}: {result.frames} frames ({result.duration_s:.2f} s)")
