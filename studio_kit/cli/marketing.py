"""`studio trailer|poster|social|press-kit|deliver`: the film's marketing assets, offline."""
from __future__ import annotations

from pathlib import Path

import typer

from studio_kit.cli.progress import ProgressBar
from studio_kit.cli.progress import console as _console


def register(app: typer.Typer) -> None:
    app.command("trailer")(trailer)
    app.command("poster")(poster)
    app.command("social")(social)
    app.command("press-kit")(press_kit)
    app.command("deliver")(deliver)



class _Bar(ProgressBar):
    """Fed by the animatic renderer's (done, total, label) callbacks."""

    def __call__(self, done: int, total: int, label: str = "") -> None:
        self.step("render", done, total, f"Rendering {label}".strip())


def trailer(script: Path = typer.Argument(..., help="The film's .fountain or .fdx screenplay."),
            length: int = typer.Option(60, "--length", help="15, 30 or 60 s spots, a theatrical 90–150 s, or 0 for the longest spot the film gives."),
            output: Path = typer.Option(Path("trailer.mp4"), "-o", "--output", help="The trailer MP4."),
            edl: Path | None = typer.Option(None, "--edl", help="Re-render from an edited EDL (.otio or .json)."),
            edl_out: Path | None = typer.Option(None, "--edl-out", help="Also write the EDL as OpenTimelineIO."),
            no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Cut a trailer from the film's beats (never its ending), with its own score, to the streaming spec."""
    from studio_kit.engines.marketing import service

    stored = None
    if edl is not None:
        stored, warnings = service.update_edl(edl if edl.suffix == ".otio" else edl.read_text(encoding="utf-8"),
                                              script)
        for w in warnings:
            _console().print(f"[yellow]warning:[/] {w}")
    with _Bar(not no_progress) as bar:
        result = service.trailer(script, length, output, edl=stored, otio_out=edl_out, progress=bar)
    moments = result.edl.moments()
    _console().print(f"Trailer {result.edl.length} s: {len(moments)} moments, {len(result.edl.cards())} cards, "
                     f"{sum(len(m.line_ids) for m in moments)} lines → {result.path}\n{result.qc.line()}")


def poster(script: Path = typer.Argument(..., help="The film's .fountain or .fdx screenplay."),
           layout: str = typer.Option("one-sheet", "--layout",
                                      help="one-sheet (27×40 in), square, banner or youtube-thumbnail."),
           output: Path = typer.Option(Path("poster.pdf"), "-o", "--output", help="Poster file (PNG and PDF written)."),
           tagline: str | None = typer.Option(None, help="The tagline (default: the project's credits)."),
           dpi: int = typer.Option(300, min=30, max=600, help="Print resolution of the one-sheet."),
           shot: str | None = typer.Option(None, help="The shot whose frame is the key art (e.g. 3.2).")) -> None:
    """Key art with title treatment, tagline and billing block; PNG + PDF."""
    from studio_kit.engines.marketing import service

    result = service.poster(script, layout, output, tagline=tagline, dpi=dpi, shot=shot)
    for w in result.warnings:
        _console().print(f"[yellow]warning:[/] {w}")
    _console().print(f"Poster {result.layout} {result.size[0]}×{result.size[1]} px at {result.dpi} dpi → "
                     f"{result.png}, {result.pdf}")


def social(script: Path = typer.Argument(..., help="The film's .fountain or .fdx screenplay."),
           platform: str = typer.Option("tiktok,instagram-feed,youtube", "--platform",
                                        help="Comma-separated platform presets (see studio_kit/data/marketing)."),
           output: Path = typer.Option(Path("social"), "-o", "--output", help="Folder for the clips."),
           count: int = typer.Option(1, min=1, max=10, help="How many clips."),
           min_seconds: float = typer.Option(15, help="Shortest clip (s)."),
           max_seconds: float = typer.Option(60, help="Longest clip (s)."),
           captions: bool = typer.Option(True, "--captions/--no-captions", help="Burn in word-highlighted captions."),
           no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """The best moments as social clips: reframed per platform following the subject, captioned, QC'd."""
    from studio_kit.engines.marketing import service

    with _Bar(not no_progress) as bar:
        clips = service.social(script, platform, output, count=count, min_seconds=min_seconds,
                               max_seconds=max_seconds, captions=captions, progress=bar)
    for clip in clips:
        _console().print(f"{clip.edl.title}: {clip.edl.duration_seconds:.1f} s, subject found in "
                         f"{clip.track.detections}/{clip.track.analysed} analysed frames")
        for q in clip.qc:
            _console().print(q.line())
    _console().print(f"{len(clips)} clip(s) × {len(clips[0].qc) if clips else 0} platforms → {output}")


def press_kit(script: Path = typer.Argument(..., help="The film's .fountain or .fdx screenplay."),
              output: Path = typer.Option(Path("press_kit.pdf"), "-o", "--output", help="The press kit PDF."),
              platforms: str = typer.Option("all", "--platforms", help="Platforms to write metadata for.")) -> None:
    """Press kit PDF (synopses, cast with portraits, crew, stills, specs) and per-platform metadata JSON."""
    from studio_kit.engines.marketing import service

    files = service.press_kit(script, output, platforms_=platforms)
    _console().print(f"Press kit → {files['pdf']}; platform titles, descriptions and tags → {files['platforms']}")


def deliver(script: Path = typer.Argument(..., help="The film's .fountain or .fdx screenplay."),
            platforms: str = typer.Option("all", "--platforms", help="Comma-separated presets, or all."),
            output: Path = typer.Option(Path("deliver"), "-o", "--output", help="Folder for every deliverable."),
            length: int = typer.Option(30, "--length", help="Trailer length for the full-frame deliverables (0: the longest spot the film gives)."),
            no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Everything: the trailer on the full-frame presets, social clips on the social ones, a poster; one QC report."""
    from studio_kit.engines.marketing import service

    with _Bar(not no_progress) as bar:
        d = service.deliver(script, platforms, output, length=length, progress=bar)
    for q in d.qc:
        _console().print(q.line())
    _console().print(f"Delivered {len(d.files)} files, all QC passed; report {d.report}")
