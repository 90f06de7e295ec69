"""`studio voice|score|mix|dub|loudness`: the film's sound, offline."""
from __future__ import annotations

from pathlib import Path

import typer

from studio_kit.cli.progress import ProgressBar
from studio_kit.cli.progress import console as _console

_SPEC_HELP = "Delivery spec: streaming (−14 LUFS), ebu-r128 (−23 LUFS), netflix (−27 LKFS dialogue-gated) or apple."
_OUT_HELP = "Folder for the WAV masters, stems, subtitles and reports."


def register(app: typer.Typer) -> None:
    app.command("voice")(voice)
    app.command("score")(score)
    app.command("mix")(mix)
    app.command("dub")(dub)
    app.command("loudness")(loudness)


_LABELS = {"voice": "Voicing lines", "score": "Rendering cues", "dub": "Dubbing lines"}


class _Bar(ProgressBar):
    """Fed by the post service's (what, done, total) callbacks."""

    def __call__(self, what: str, done: int, total: int) -> None:
        self.step(what, done, total, _LABELS.get(what, what))


def _ctx(save: bool):
    if not save:
        return None
    from studio_kit.engines.characters.service import project_context

    return project_context()


def voice(script: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
          output: Path = typer.Option(Path("post"), "-o", "--output", help=_OUT_HELP),
          language: str = typer.Option("en", help="Language of the dialogue (ISO 639-1)."),
          save: bool = typer.Option(True, "--save/--no-save", help="Store lines, timeline and files in the project."),
          no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Voice every dialogue line with its character's voice; writes the dialogue stems, timeline and subtitles."""
    from studio_kit.engines.post import service
    from studio_kit.engines.post.audio import write_wav
    from studio_kit.engines.post.subtitles import export_srt, export_vtt
    from studio_kit.store.files import atomic_open

    ctx = _ctx(save)
    with _Bar(not no_progress) as bar:
        track = service.voice(script, language=language, ctx=ctx, progress=bar)
    output.mkdir(parents=True, exist_ok=True)
    files = {"dialogue": write_wav(output / "dialogue.wav", track.dialogue)}
    for name, stem in track.characters.items():
        safe = "".join(c if c.isalnum() else "_" for c in name.lower())
        files[name] = write_wav(output / f"dialogue_{safe}.wav", stem)
    for ext, fn in (("srt", export_srt), ("vtt", export_vtt)):
        with atomic_open(output / f"subtitles_{language}.{ext}", "w") as fh:
            fh.write(fn(track.timeline, None, language))
    with atomic_open(output / "timeline.json", "w") as fh:
        fh.write(track.timeline.model_dump_json(indent=1))
    if ctx is not None:
        service.store_lines(ctx, track)
        service.store_timeline(ctx, track.timeline)
    voiced = sum(len(a) for a in track.lines.values()) / 48000
    _console().print(f"Voiced {len(track.lines)} lines for {len(track.characters)} characters "
                     f"({voiced:.1f} s of speech) on a {track.timeline.duration_seconds:.1f} s timeline → {output}")


def score(script: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
          output: Path = typer.Option(Path("post"), "-o", "--output", help=_OUT_HELP),
          genre: str | None = typer.Option(None, help="Genre palette (drama, thriller, comedy, …); default: the script's."),
          no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """A scene-aware score: one cue per mood, on scene boundaries; music stem and cue sheet (CSV + PDF)."""
    from studio_kit.engines.post import service
    from studio_kit.engines.post.audio import write_wav
    from studio_kit.engines.post.music import export_cue_sheet_pdf
    from studio_kit.engines.post.timeline_build import build_timeline
    from studio_kit.store.files import atomic_open

    parsed = service.load_script(script)
    if not parsed.scenes:
        service.score(parsed)  # raises the clear "no scenes" error
    timeline = build_timeline(parsed)
    with _Bar(not no_progress) as bar:
        result = service.score(parsed, timeline, genre=genre, progress=bar)
    output.mkdir(parents=True, exist_ok=True)
    write_wav(output / "music.wav", result.stem)
    with atomic_open(output / "cue_sheet.csv", "w") as fh:
        fh.write(result.cue_sheet_csv(timeline))
    export_cue_sheet_pdf(result.cues, timeline, output / "cue_sheet.pdf")
    _console().print(f"Scored {len(timeline.scenes)} scenes in {len(result.cues)} cues "
                     f"({timeline.duration_seconds:.1f} s) → {output / 'music.wav'}, cue_sheet.csv/.pdf")


def mix(script: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
        spec: str = typer.Option("streaming", help=_SPEC_HELP),
        output: Path = typer.Option(Path("post"), "-o", "--output", help=_OUT_HELP),
        duck_depth: float = typer.Option(12.0, min=0.0, max=40.0, help="How far music and effects dip under dialogue (dB)."),
        music_db: float = typer.Option(0.0, help="Music fader (dB)."),
        effects_db: float = typer.Option(0.0, help="Effects fader (dB)."),
        save: bool = typer.Option(True, "--save/--no-save", help="Store the masters and reports in the project."),
        no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Voice, score, effects and mix to a loudness spec: 48 kHz 24-bit masters, stems, M&E, QC report."""
    from studio_kit.engines.post import service
    from studio_kit.engines.post.loudness import get_spec
    from studio_kit.engines.post.mix import DuckSettings, MixSettings

    get_spec(spec)
    settings = MixSettings(faders={"dialogue": 0.0, "music": music_db, "effects": effects_db},
                           duck=DuckSettings(depth_db=duck_depth), spec=spec)
    with _Bar(not no_progress) as bar:
        result = service.produce(script, spec=spec, out_dir=output, ctx=_ctx(save), settings=settings, progress=bar)
    console = _console()
    console.print(result.qc_line)
    console.print(f"Wrote {len(result.files)} files to {output}: mix_{spec}.wav, stems (dialogue, music, effects, "
                  f"M&E), subtitles, cue sheet, timeline")
    if not result.mix.qc.passed:
        raise typer.Exit(1)


def dub(script: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
        lang: str = typer.Option(..., "--lang", help="Target language (ISO 639-1: es, fr, ar, ja, …)."),
        translations: Path | None = typer.Option(None, help="Translators' file: CSV or .po keyed by line id."),
        export_lines: Path | None = typer.Option(None, "--export-lines", help="Write the sheet to translate (CSV or .po) and stop."),
        backend: str = typer.Option("file", help="Translate backend: file, transformers (local folder), openai."),
        spec: str = typer.Option("streaming", help=_SPEC_HELP),
        output: Path = typer.Option(Path("post"), "-o", "--output", help=_OUT_HELP),
        save: bool = typer.Option(True, "--save/--no-save", help="Store the dub in the project."),
        no_progress: bool = typer.Option(False, "--no-progress", help="Hide the progress bar.")) -> None:
    """Dub into another language: translated lines in each character's voice, fitted to the original timing."""
    from studio_kit.engines.post import service

    console = _console()
    if export_lines is not None:
        path = service.export_lines(script, lang, export_lines)
        console.print(f"Wrote the {lang} line sheet to {path}: fill in the translation column, then run "
                      f"`studio dub {script} --lang {lang} --translations {path}`")
        return
    if backend == "file" and translations is None:
        from studio_kit.exceptions import TranslationError

        raise TranslationError("No translations given.",
                               hint=f"Export the sheet with --export-lines {lang}.csv, fill it in, pass --translations.")
    with _Bar(not no_progress) as bar:
        result = service.dub(script, lang, translations=translations, backend=backend, spec=spec, out_dir=output,
                             ctx=_ctx(save), progress=bar)
    flagged = result.plan.flagged
    console.print(result.qc_line)
    console.print(f"Dubbed {len(result.plan.fits)} lines into {lang}; {len(flagged)} flagged for rewriting"
                  + (": " + ", ".join(f"{f.line_id} +{f.overrun_ms} ms" for f in flagged) if flagged else "")
                  + f" → {output}")


def loudness(file: Path = typer.Argument(..., help="Any WAV, FLAC, MP3, MP4 or MOV file."),
             spec: str = typer.Option("ebu-r128", help=_SPEC_HELP),
             as_json: bool = typer.Option(False, "--json", help="Print the QC report as JSON.")) -> None:
    """Integrated loudness, loudness range and true peak (ITU-R BS.1770) against a delivery spec."""
    import json

    from studio_kit.engines.post import service

    report = service.measure_loudness(file, spec)
    if as_json:
        _console().print_json(json.dumps(report.to_dict()))
    else:
        _console().print(report.line())
    if not report.passed:
        raise typer.Exit(1)
