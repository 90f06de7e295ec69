"""`studio script ...`: parse, paginate, print, convert, compare and write screenplays."""
from __future__ import annotations

import json
from pathlib import Path

import typer

script_app = typer.Typer(help="Screenplays: Fountain/FDX parsing, industry pagination and PDF, stats, "
                              "diffs between drafts, and new scripts from a logline.",
                         no_args_is_help=True)

_PAPER_HELP = "Page format: letter (US Letter, 55 lines) or a4 (57 lines)."


def register(app: typer.Typer) -> None:
    app.add_typer(script_app, name="script")


def _console():
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


def _load(path: Path):
    from studio_kit.cli.checks import input_file
    from studio_kit.engines.writing.io import load_script
    from studio_kit.exceptions import ScriptError

    return load_script(input_file(path, "Screenplay", ScriptError))


def _check_out(path: Path) -> Path:
    from studio_kit.cli.checks import output_file
    from studio_kit.exceptions import ScriptError

    return output_file(path, "Output", ScriptError)


def _cast(script) -> list:
    """The character engine's cast list: every part once, aliases folded (what the breakdown counts)."""
    from studio_kit.domain.cast import cast_list

    return cast_list(script)


def _summary(script, pagination) -> dict:
    """The figures `parse` prints: one dict, also the --json output."""
    from studio_kit.domain.cast import find_aliases, part_names, scene_presence
    from studio_kit.engines.writing.pagination import format_eighths

    parts, aliases = part_names(script), find_aliases(script)
    present = scene_presence(script)       # who is in each scene: speakers and parts seen in action

    def folded(i: int, names) -> list[str]:
        return list(dict.fromkeys(parts.get((i, n), aliases.get(n, n)) for n in names))

    def in_scene(i: int, names) -> list[str]:
        seen = [p.name for p in present.get(i, []) if not p.needs_review]
        return list(dict.fromkeys([*folded(i, names), *seen]))

    pages = list(pagination.scene_pages) + [None] * len(script.scenes)
    total = sum(s.eighths or 1 for s in script.scenes)
    return {
        "title": script.title,
        "title_page": dict(script.title_page),
        "source_format": script.source_format,
        "scenes": [
            {"index": i + 1, "number": s.number, "heading": s.heading, "int_ext": s.int_ext,
             "location": s.location, "time": s.time_of_day, "eighths": format_eighths(s.eighths or 1),
             "eighths_count": s.eighths or 1, "page": pages[i], "line": s.line, "characters": in_scene(s.index, s.characters),
             "speaking_characters": folded(s.index, s.speaking_characters),
             "mentioned_characters": folded(s.index, s.mentioned_characters),
             "dialogue_blocks": len(s.dialogue), "synopsis": s.synopsis}
            for i, s in enumerate(script.scenes)
        ],
        "scene_count": len(script.scenes),
        "speaking_characters": script.speaking_characters,
        "cast": [{"part": c.name, "aliases": list(c.aliases), "dialogue_blocks": c.dialogue_blocks, "role": c.role}
                 for c in _cast(script)],
        "dialogue_blocks": script.dialogue_block_count,
        "pages": pagination.page_count,
        "fractional_pages": round(pagination.fractional_pages, 2),
        "total_eighths": format_eighths(total) if script.scenes else "0",
        "more_splits": pagination.more_splits,
        "paper": pagination.paper,
        "warnings": list(script.warnings),
    }


@script_app.command("parse")
def parse(file: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables."),
          paper: str = typer.Option("letter", help=_PAPER_HELP)) -> None:
    """Scenes (heading, INT/EXT, location, time, length in eighths, characters) and page count."""
    from studio_kit.engines.writing.pagination import paginate

    script = _load(file)
    summary = _summary(script, paginate(script, paper))
    if as_json:
        typer.echo(json.dumps(summary, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    console = _console()
    console.print(f"[bold]{summary['title']}[/]  {len(summary['scenes'])} scenes, "
                  f"{summary['fractional_pages']:.2f} pages ({summary['pages']} printed, {summary['paper']}), "
                  f"{summary['dialogue_blocks']} dialogue blocks")
    table = Table(show_lines=False)
    for col in ("#", "heading", "int/ext", "location", "time", "length", "characters"):
        table.add_column(col, overflow="fold")
    for i, s in enumerate(summary["scenes"], start=1):
        table.add_row(s["number"] or str(i), s["heading"], s["int_ext"], s["location"], s["time"], s["eighths"],
                      ", ".join(s["characters"]))
    console.print(table)
    console.print(f"Cast ({len(summary['cast'])} parts): " + ", ".join(
        c["part"] + (f" (also {', '.join(c['aliases'])})" if c["aliases"] else "") for c in summary["cast"]))
    for warning in summary["warnings"]:
        console.print(f"[yellow]warning:[/] {warning}")


@script_app.command("pdf")
def pdf(file: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
        out: Path = typer.Option(..., "-o", "--out", help="PDF file to write."),
        paper: str = typer.Option("letter", help=_PAPER_HELP),
        title_page: bool = typer.Option(True, "--title-page/--no-title-page", help="Print the title page."),
        revised_from: Path | None = typer.Option(None, "--revised-from",
                                                    help="The previous draft: print FILE as a revision of it "
                                                         "(locked scene numbers, asterisks on changed lines, "
                                                         "coloured header)."),
        revision: str = typer.Option("Blue", help="Revision colour or number with --revised-from "
                                                   "(Blue, Pink, Yellow, ... or 1, 2, 3)."),
        date: str | None = typer.Option(None, help="Revision date, YYYY-MM-DD (default: today).")) -> None:
    """Industry-format PDF (Courier Prime 12 pt, standard margins, page numbers, scene numbers)."""
    from studio_kit.engines.writing.pdf import render_pdf

    script = _load(file)
    rev = _revision_of(script, revised_from, revision, date) if revised_from is not None else None
    if rev is not None:
        script, rev = rev
    result = render_pdf(script, _check_out(out), paper=paper, title_page=title_page, revision=rev)
    console = _console()
    console.print(f"Wrote {result.path} ({result.pdf_pages} PDF pages, "
                  f"{result.pagination.fractional_pages:.2f} script pages, {result.pagination.paper})")
    for warning in result.warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def _revision_of(script, previous: Path, revision: str, date: str | None):
    """(the draft with scene numbers locked against ``previous``, its Revision with the changed lines)."""
    import datetime as dt

    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.fountain_writer import write_fountain
    from studio_kit.engines.writing.revisions import Revision, changed_lines, revision_number
    from studio_kit.engines.writing.script_diff import lock_scene_numbers
    from studio_kit.exceptions import ScriptError

    number = int(revision) if revision.strip().isdigit() else revision_number(revision)
    if number < 1:
        raise ScriptError(f"Revision {revision!r} is the White original, not a revision.",
                          hint="Use Blue (1), Pink (2), Yellow (3), ...")
    try:
        when = dt.date.fromisoformat(date) if date else dt.date.today()
    except ValueError:
        raise ScriptError(f"Revision date {date!r} is not a date.", hint="Write it as YYYY-MM-DD.") from None
    old = _load(previous)
    locked, _ = lock_scene_numbers(old, script)
    draft = parse_fountain(write_fountain(locked))       # line numbers of the draft as printed
    return draft, Revision(number=number, date=when, changed_lines=changed_lines(old, draft))


@script_app.command("fdx")
def fdx(file: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
        out: Path = typer.Option(..., "-o", "--out", help="Final Draft .fdx file to write.")) -> None:
    """Convert to Final Draft .fdx."""
    from studio_kit.engines.writing.fdx import write_fdx

    script = _load(file)
    write_fdx(script, _check_out(out))
    _console().print(f"Wrote {out} ({len(script.scenes)} scenes, {len(script.elements)} paragraphs)")


_SCRIPT_SUFFIXES = (".fdx", ".fountain", ".spmd", ".txt")


@script_app.command("number")
def number(file: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
           out: Path | None = typer.Option(None, "-o", "--output",
                                              help="File to write (default: FILE.numbered.fountain/.fdx beside "
                                                   "FILE). A .fdx or .fountain suffix picks the format."),
           in_place: bool = typer.Option(False, "--in-place", help="Rewrite FILE itself."),
           start: int | None = typer.Option(None, "--start",
                                               help="First number when numbering from scratch (default 1)."),
           renumber: bool = typer.Option(False, "--renumber",
                                         help="Number every scene again from --start (refused when locked)."),
           lock: bool = typer.Option(False, "--lock", help="Lock the numbers afterwards: later runs keep them, "
                                                           "give new scenes A/B numbers and cut ones OMITTED."),
           unlock: bool = typer.Option(False, "--unlock", help="Unlock the numbers first (lets --renumber run).")) -> None:
    """Add scene numbers (#12A# in Fountain), as Final Draft does: 1, 2, 3 ... on a fresh script; kept
    numbers stay, new scenes get 12A/12B and, once locked, cut scenes stay as OMITTED."""
    from studio_kit.engines.writing.scenes import number_scenes, numbered_elements, scene_numbers_locked
    from studio_kit.exceptions import ScriptError

    if in_place and out is not None:
        raise ScriptError("--in-place and --output both say where to write.", hint="Give one of them.")
    if lock and unlock:
        raise ScriptError("--lock and --unlock contradict each other.", hint="Give one of them.")
    script = _load(file)
    if not script.scenes:
        raise ScriptError(f"{file} has no scene headings: nothing to number.",
                          hint="Scene headings start with INT., EXT., EST., INT./EXT. or I/E (or a forcing '.').")
    was_locked = scene_numbers_locked(script.elements)
    locked = was_locked and not unlock
    numbers, omitted_before, warnings = number_scenes(script.scenes, locked=locked, start=start, renumber=renumber)
    keep_lock = lock or locked
    keep = file.suffix if file.suffix.lower() in _SCRIPT_SUFFIXES else (
        ".fdx" if script.source_format == "fdx" else ".fountain")
    target = file if in_place else (out or file.with_name(f"{file.stem}.numbered{keep}"))
    _check_out(target)
    suffix = target.suffix.lower()
    if suffix not in _SCRIPT_SUFFIXES and not in_place:
        raise ScriptError(f"Cannot write a screenplay as {target.name}: the suffix {suffix or '(none)'} is neither "
                          "Fountain nor Final Draft.", hint="End the output name in .fountain or .fdx.")
    # the output's suffix picks the format; a file rewritten in place (or beside) keeps its own
    fdx_out = suffix == ".fdx" or (out is None and script.source_format == "fdx")
    if fdx_out:
        from studio_kit.engines.writing.fdx import write_fdx

        elements = numbered_elements(script.elements, script.scenes, numbers, omitted_before, lock=keep_lock)
        text = write_fdx(script.model_copy(update={"elements": elements, "scenes": []}))
    else:
        text = _numbered_fountain_text(file, script, numbers, omitted_before, keep_lock, warnings)
    from studio_kit.store.files import atomic_path

    with atomic_path(target) as tmp:     # never leave half a script behind
        tmp.write_text(text, encoding="utf-8", newline="")
    kept = sum(1 for sc, n in zip(script.scenes, numbers) if sc.number and sc.number == n)
    new = [n for sc, n in zip(script.scenes, numbers) if n and sc.number != n]
    cut = [n for ns in omitted_before.values() for n in ns]
    console = _console()
    console.print(f"Wrote {target}: {len(new)} scenes numbered"
                  + (f" ({', '.join(new[:12])}{' ...' if len(new) > 12 else ''})" if new else "")
                  + f", {kept} kept" + (f", {len(cut)} OMITTED ({', '.join(cut[:12])})" if cut else "")
                  + (f", {sum(1 for n in numbers if n is None)} OMITTED dropped" if None in numbers else "")
                  + ("; numbers locked" if keep_lock else ""))
    for warning in warnings:
        console.print(f"[yellow]warning:[/] {warning}")


def _numbered_fountain_text(file: Path, script, numbers, omitted_before, lock: bool, warnings: list) -> str:
    """FILE's Fountain text with the numbers written in line by line (the rest of the file unchanged);
    the writer's normalised Fountain when the source is FDX or a heading line resists the edit."""
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.fountain_writer import write_fountain
    from studio_kit.engines.writing.scenes import numbered_elements, numbered_fountain, scene_numbers_locked

    elements = numbered_elements(script.elements, script.scenes, numbers, omitted_before, lock=lock)
    expected = [el.scene_number for el in elements if el.type.value == "scene_heading"]
    if script.source_format == "fountain":
        from studio_kit.engines.writing.script_bytes import decode_script_bytes

        source, _ = decode_script_bytes(file.read_bytes(), str(file))
        try:
            text = numbered_fountain(source, script.elements, script.scenes, numbers, omitted_before, lock=lock)
        except ValueError:
            text = None
        if text is not None:
            check = parse_fountain(text)
            if [sc.number for sc in check.scenes] == expected and scene_numbers_locked(check.elements) == lock:
                return text
        warnings.append("a scene heading could not be numbered in place: the script was rewritten in "
                        "normalised Fountain")
    return write_fountain(script.model_copy(update={"elements": elements, "scenes": []}))


@script_app.command("stats")
def stats(file: Path = typer.Argument(..., help="A .fountain or .fdx screenplay."),
          as_json: bool = typer.Option(False, "--json", help="Print JSON instead of tables.")) -> None:
    """Scenes by INT/EXT and day/night, locations, dialogue per character, who speaks to whom."""
    from studio_kit.domain.cast import part_names
    from studio_kit.engines.writing.stats import script_stats

    script = _load(file)
    result = script_stats(script, parts=part_names(script))   # one cast list: aliases folded as the breakdown does
    if as_json:
        typer.echo(result.to_json(indent=2))
        return
    from rich.table import Table

    console = _console()
    console.print(f"[bold]{result.title}[/]  {result.scenes} scenes, {result.words} words "
                  f"({result.dialogue_words} dialogue, {result.action_words} action), "
                  f"{result.dialogue_blocks} dialogue blocks")
    console.print("INT/EXT: " + ", ".join(f"{k} {v}" for k, v in result.int_ext.items()))
    console.print("Day/night: " + ", ".join(f"{k} {v}" for k, v in result.day_night.items()))
    table = Table(title="Characters")
    for col in ("character", "dialogue blocks", "words", "scenes"):
        table.add_column(col)
    for c in result.characters:
        table.add_row(c.name, str(c.dialogue_blocks), str(c.words), str(c.scenes))
    console.print(table)
    locations = Table(title="Locations")
    for col in ("location", "int/ext", "scenes"):
        locations.add_column(col)
    for loc in result.locations:
        locations.add_row(str(loc.get("location", "")), str(loc.get("int_ext", "")), str(loc.get("scenes", "")))
    console.print(locations)
    talking = [i for i in result.interactions if i.exchanges]   # pairs that only share a scene say nothing here
    if talking:
        console.print("Who speaks to whom (replies): " + "; ".join(
            f"{i.speaker} -> {i.listener} ({i.exchanges})" for i in talking[:20]))


@script_app.command("diff")
def diff(old: Path = typer.Argument(..., help="The earlier draft."),
         new: Path = typer.Argument(..., help="The later draft."),
         as_json: bool = typer.Option(False, "--json", help="Print JSON instead of text.")) -> None:
    """Scene-by-scene, line-by-line differences: which scenes were added, omitted or changed."""
    from studio_kit.engines.writing.script_diff import lock_scene_numbers

    # numbers locked against the earlier draft: an inserted scene shows the number it will print with (12A)
    _, result = lock_scene_numbers(_load(old), _load(new))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    console = _console()
    s = result.summary()
    console.print(f"{s['changed']} changed, {s['added']} added, {s['omitted']} omitted, "
                  f"{s['unchanged']} unchanged scenes")
    colour = {"changed": "yellow", "added": "green", "omitted": "red"}
    for change in result.scenes:
        if change.status == "unchanged":
            continue
        number = change.number or "-"
        console.print(f"[{colour[change.status]}]{change.status.upper():8}[/] {number:>4}  {change.heading}",
                      markup=True)
        for op, text in change.lines:
            style = "green" if op == "+" else "red"
            console.print(f"        [{style}]{op} {_escape(text)}[/]")


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


@script_app.command("new")
def new(logline: str = typer.Option(..., help="The story in one sentence."),
        format: str = typer.Option("short", "--format", help="film, episode, short, ad15, ad30 or ad60."),
        genre: str = typer.Option("drama", help="Genre, e.g. drama, comedy, thriller."),
        tone: str = typer.Option("grounded", help="Tone, e.g. grounded, playful, dark."),
        pages: float | None = typer.Option(None, help="Target length in pages (ads: seconds)."),
        cast: str | None = typer.Option(None, help='Cast as "NAME:role,NAME:role".'),
        seed: int = typer.Option(0, min=0, max=2**63 - 1, help="Random seed: same arguments and seed, same script."),
        backend: str | None = typer.Option(None, help="Text backend: procedural, transformers or openai "
                                                         "(default: STUDIO_TEXT_BACKEND)."),
        out: Path = typer.Option(..., "-o", "--out", help="Fountain file to write."),
        pdf_out: Path | None = typer.Option(None, "--pdf", help="Also write the PDF here."),
        paper: str = typer.Option("letter", help=_PAPER_HELP)) -> None:
    """Write a new screenplay from a logline (procedural by default: offline and deterministic)."""
    from studio_kit.cli.checks import number
    from studio_kit.engines.writing.generation import generate_script
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.exceptions import ScriptError

    number(pages, "--pages", low=0, high=500, low_open=True, error=ScriptError, example="--pages 12")
    members = [c.strip() for c in cast.split(",") if c.strip()] if cast else None
    _check_out(out)
    if pdf_out is not None:
        _check_out(pdf_out)
    result = generate_script(logline=logline, format=format, genre=genre, tone=tone, pages=pages, cast=members,
                             seed=seed, backend=backend)
    from studio_kit.store.files import atomic_path

    with atomic_path(out) as tmp:  # never leave half a script behind
        tmp.write_text(result.fountain, encoding="utf-8")
    pagination = paginate(result.script, paper)
    console = _console()
    console.print(f"Wrote {out}: [bold]{result.script.title}[/], {len(result.script.scenes)} scenes, "
                  f"{pagination.fractional_pages:.2f} pages")
    if pdf_out is not None:
        from studio_kit.engines.writing.pdf import render_pdf

        rendered = render_pdf(result.script, pdf_out, paper=paper, pagination=pagination)
        console.print(f"Wrote {rendered.path} ({rendered.pdf_pages} PDF pages)")
