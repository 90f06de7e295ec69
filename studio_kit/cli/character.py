"""`studio character …`: bibles from a script, renders, lock, approvals, sheets, continuity.

Heavy modules (Pillow renderers, the store, torch for diffusers) are imported
inside the commands so `studio --help` stays fast.
"""
from __future__ import annotations

from pathlib import Path

import typer

character_app = typer.Typer(name="character", help="Character bibles, identity lock, versions, renders and "
                            "continuity (current project: STUDIO_ORG / STUDIO_PROJECT).", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(character_app, name="character")


def _console():
    from rich.console import Console

    return Console()


@character_app.command("new")
def new(name: str = typer.Argument(..., help="Character name as it speaks in the script, or 'all'."),
        from_script: Path = typer.Option(..., "--from-script", help="Fountain screenplay to mine descriptions from.")
        ) -> None:
    """Create character bibles from a script (every speaking character with NAME=all)."""
    from studio_kit.cli.checks import input_file
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    input_file(from_script, "Screenplay (--from-script)", CharacterError)
    created, skipped = service.create_from_script(from_script, name)
    console = _console()
    for bible in created:
        app = bible.appearance
        looks = ", ".join(x for x in (app.hair, app.hair_color, app.build, app.eyes, app.marks) if x) or "—"
        console.print(f"[green]created[/] [bold]{bible.name}[/] ({bible.character_id}) {bible.role}, "
                      f"age {bible.age if bible.age is not None else '?'}, {bible.pronouns}; look: {looks}")
    for skipped_name in skipped:
        console.print(f"[yellow]kept[/] {skipped_name} (already in the project)")
    console.print(f"{len(created)} created, {len(skipped)} already existed.")


@character_app.command("list")
def list_() -> None:
    """List the project's characters with version, stage, mode and lock state."""
    from rich.table import Table

    from studio_kit.engines.characters import service

    table = Table(title="Characters")
    for col in ("id", "name", "role", "mode", "version", "stage", "locked", "identity"):
        table.add_column(col)
    for b in service.list_characters():
        table.add_row(b.character_id, b.name, b.role, b.mode.value, str(b.version), b.stage.value,
                      "yes" if b.locked else "no", b.identity.hash[7:19] if b.identity else "")
    _console().print(table)


@character_app.command("render")
def render(name: str = typer.Argument(..., help="Character name or id."),
           backend: str | None = typer.Option(None, help="Image backend: previz (default), blender3d (3D previz) "
                                                 "or diffusers."),
           view: str = typer.Option("front", help="front, three-quarter, profile (or back, blender3d only)."),
           expression: str = typer.Option("neutral", help="neutral, happy, angry, sad or surprised."),
           wardrobe: str | None = typer.Option(None, help="Wardrobe look name (default: the bible's)."),
           steps: int | None = typer.Option(None, min=1, max=1000, help="Denoising steps (model backends only)."),
           output: Path | None = typer.Option(None, "-o", "--output", help="Also write the PNG here.")) -> None:
    """Render a character (stored with its consistency score)."""
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    if view not in ("front", "three-quarter", "profile") and not (view == "back" and backend == "blender3d"):
        raise CharacterError(f"Unknown view {view!r}.", hint="Use front, three-quarter or profile "
                             "(back with --backend blender3d).")
    if expression not in ("neutral", "happy", "angry", "sad", "surprised"):
        raise CharacterError(f"Unknown expression {expression!r}.",
                             hint="Use neutral, happy, angry, sad or surprised.")
    if output:
        from studio_kit.cli.checks import output_file

        output.parent.mkdir(parents=True, exist_ok=True)
        output_file(output, "-o/--output", CharacterError)
    result = service.render(name, backend=backend, view=view, expression=expression, wardrobe=wardrobe, steps=steps)
    console = _console()
    if output:
        result.image.save(output)
    score = result.score
    score_text = (f"score {score.score:.3f} ({score.method}, threshold {score.threshold})"
                  + (" [red]FLAGGED[/]" if score.flagged else "")) if score else "unlocked: no identity score"
    console.print(f"Rendered [bold]{name}[/] {view}/{expression} as asset {result.asset.id}; {score_text}"
                  + (f" → {output}" if output else ""))
    for w in result.warnings:
        console.print(f"[yellow]warning[/] {w.message}")


@character_app.command("frame")
def frame(names: list[str] = typer.Argument(..., help="Characters in the shot (names or ids)."),
          size: str = typer.Option("wide", help="wide, medium, close-up, over-the-shoulder or insert."),
          scene: str = typer.Option("INT. STUDIO - DAY", help="Scene heading: INT/EXT, location, time of day."),
          description: str = typer.Option("", help="What happens in the shot (the caption)."),
          number: str = typer.Option("", help="Shot number, e.g. 12A."),
          expression: str = typer.Option("neutral", help="neutral, happy, angry, sad or surprised."),
          backend: str | None = typer.Option(None, help="Image backend: previz (default) or diffusers."),
          output: Path | None = typer.Option(None, "-o", "--output", help="Also write the PNG here.")) -> None:
    """Render a storyboard frame of characters from their locked identities (stored with scores)."""
    from studio_kit.backends.image.previz import SHOT_SIZES
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    if size not in SHOT_SIZES:
        raise CharacterError(f"Unknown shot size {size!r}.", hint=f"Use one of: {', '.join(SHOT_SIZES)}.")
    if output:
        from studio_kit.cli.checks import output_file

        output.parent.mkdir(parents=True, exist_ok=True)
        output_file(output, "-o/--output", CharacterError)
    result = service.render_frame(names, size=size, scene=scene, description=description, number=number,
                                  expression=expression, backend=backend)
    if output:
        result.image.save(output)
    console = _console()
    scores = ", ".join(f"{k} {v.score:.3f}{' FLAGGED' if v.flagged else ''}" for k, v in result.scores.items())
    console.print(f"Frame {size} of {', '.join(names)} stored as asset {result.asset.id}; "
                  f"scores: {scores or 'no locked characters'}" + (f" → {output}" if output else ""))
    for w in result.warnings:
        console.print(f"[yellow]warning[/] {w.message}")


@character_app.command("lock")
def lock(name: str = typer.Argument(..., help="Character name or id."),
         reference: list[Path] = typer.Option([], "--reference", "-r", help="Approved reference image(s).")) -> None:
    """Freeze the character's identity (descriptors, seed, references, embedding)."""
    from studio_kit.cli.checks import input_file
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    for ref in reference:
        input_file(ref, "Reference image", CharacterError)
    bible = service.lock(name, references=reference)
    ident = bible.identity
    if ident is None:   # lock always returns a bible with a locked identity
        raise CharacterError(f"Character {bible.name!r} has no locked identity after locking.",
                             hint="Run `studio character lock` again; if it persists this is a bug in studio_kit.")
    _console().print(f"Locked [bold]{bible.name}[/] v{bible.version}: identity {ident.hash[:23]}…, "
                     f"{len(ident.reference_hashes)} reference(s), "
                     f"{'embedding ' + str(ident.embedding_model) if ident.embedding else 'perceptual signature'}.")


@character_app.command("approve")
def approve(name: str = typer.Argument(..., help="Character name or id."),
            stage: str = typer.Option(..., help="Stage to approve: casting or final."),
            by: str | None = typer.Option(None, help="Who approves (default: STUDIO_USER)."),
            note: str = typer.Option("", help="Approval note.")) -> None:
    """Approve the next stage (concept → casting → final); records who and when."""
    from studio_kit.engines.characters import service

    bible = service.approve(name, stage, by=by, note=note)
    _console().print(f"[green]{bible.name}[/] v{bible.version} is now at [bold]{bible.stage.value}[/].")


@character_app.command("version")
def version(name: str = typer.Argument(..., help="Character name or id.")) -> None:
    """Start a new version (unlocked, concept) to change a locked look."""
    from studio_kit.engines.characters import service

    bible = service.new_version(name)
    _console().print(f"{bible.name} is now v{bible.version} (concept, unlocked).")


@character_app.command("history")
def history(name: str = typer.Argument(..., help="Character name or id.")) -> None:
    """Stored versions with stage, identity, approvals and render count; descriptor diffs between them."""
    from studio_kit.engines.characters import service
    from studio_kit.engines.characters.versions import diff_bibles

    console = _console()
    prev = None
    for v in service.history(name):
        approvals = ", ".join(f"{a.by} {a.at:%Y-%m-%d %H:%M}" for a in v.approvals) or "—"
        console.print(f"v{v.number} {v.stage.value:8} identity {(v.identity_hash or '—')[:19]}  "
                      f"approved: {approvals}  renders: {len(v.render_ids)}")
        if prev is not None:
            for d in diff_bibles(prev.bible, v.bible):
                if d["field"] not in ("stage", "identity"):
                    console.print(f"    {d['field']}: {d['old']!r} → {d['new']!r}")
        prev = v


@character_app.command("sheet")
def sheet(name: str = typer.Argument(..., help="Character name or id."),
          output: Path = typer.Option(..., "-o", "--output", help="Folder for the sheet and panel PNGs."),
          backend: str | None = typer.Option(None, help="Image backend (default: STUDIO_IMAGE_BACKEND).")) -> None:
    """Turnaround (front, three-quarter, profile) + five expressions: one sheet PNG and each panel."""
    from studio_kit.cli.checks import output_folder
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    output_folder(output, "-o/--output", CharacterError)
    paths = service.sheet(name, output, backend=backend)
    _console().print(f"Sheet written to {paths['sheet']} with {len(paths) - 1} panels.")


@character_app.command("continuity")
def continuity(script: Path = typer.Argument(..., help="Fountain screenplay.")) -> None:
    """Report look changes without a story reason and changes between continuous scenes."""
    from rich.table import Table

    from studio_kit.cli.checks import input_file
    from studio_kit.engines.characters import service
    from studio_kit.exceptions import CharacterError

    report = service.continuity_report(input_file(script, "Screenplay", CharacterError))
    console = _console()
    if report.ok:
        console.print(f"No continuity problems ({len(report.looks)} character-scene looks checked, "
                      f"wardrobe tags from {report.tag_source}).")
        return
    table = Table(title=f"Continuity problems (wardrobe tags from {report.tag_source})")
    for col in ("scene", "character", "kind", "from", "to", "detail"):
        table.add_column(col, overflow="fold")
    for i in report.issues:
        table.add_row(i.scene_number, i.character, i.kind.replace("_", " "), i.previous_look, i.look, i.message)
    console.print(table)
