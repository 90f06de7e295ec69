"""Pre-production commands: ``studio breakdown`` and ``studio schedule``.

Heavy imports (OR-Tools, reportlab, openpyxl) happen inside the commands so
``studio --help`` stays fast.
"""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("breakdown")(breakdown)
    app.command("schedule")(schedule)


def _console():
    from rich.console import Console

    return Console()


def _load(script: Path, edits: Path | None, propose: bool):
    from studio_kit.engines.preproduction.service import break_down_script

    backend = None
    if propose:
        from studio_kit.registry import load_backend

        backend = load_backend("text")
        if "complete" not in backend.capabilities:
            raise typer.BadParameter(f"text backend '{backend.name}' cannot complete prompts; set "
                                     "STUDIO_TEXT_BACKEND=transformers or openai to use --propose.")
    return break_down_script(script, edits=edits, backend=backend)[1]


def breakdown(script: Path = typer.Argument(..., help="Screenplay to break down (Fountain or Final Draft .fdx)."),
              out: Path = typer.Option(Path("breakdown"), "-o", "--out", help="Folder for the exports."),
              edits: Path | None = typer.Option(None, help="JSON edit log of manual corrections to re-apply."),
              propose: bool = typer.Option(False, help="Also ask the configured text backend for tags (verified)."),
              lock_cast: bool = typer.Option(False, "--lock-cast", help="Lock the cast numbers into the --edits log "
                                             "(created if missing) so revisions keep them.")) -> None:
    """Break a script down: sheets per scene (PDF), CSV/XLSX by scene and category, UCI JSON."""
    from studio_kit.cli.checks import input_file, output_folder
    from studio_kit.domain.preproduction import BreakdownCategory
    from studio_kit.engines.preproduction.exports import export_breakdown
    from studio_kit.exceptions import ScriptError

    input_file(script, "Screenplay", ScriptError)
    output_folder(out, "-o/--out")
    lock_log: Path | None = None               # the edit log the cast numbers are locked in (--lock-cast)
    if lock_cast:
        from studio_kit.domain.breakdown_edits import EditLog

        if edits is None:
            raise typer.BadParameter("--lock-cast stores the cast list in the edit log: pass --edits FILE.json too.")
        if not edits.exists() and not edits.is_symlink():
            EditLog().save(edits)
        lock_log = edits
    input_file(edits, "Edit log (--edits)")
    bd = _load(script, edits, propose)
    if lock_log is not None:
        log = EditLog.load(lock_log)
        log.lock_cast(bd)
        log.save(lock_log)
        _console().print(f"Cast numbers locked in {edits} ({len(log.cast_numbers)} names)")
    files = export_breakdown(bd, out)
    tags = sum(len(s.tags) for s in bd.sheets)
    props = len(bd.elements(BreakdownCategory.PROPS))
    from studio_kit.domain.preproduction import format_eighths

    _console().print(f"{len(bd.sheets)} scenes, {format_eighths(bd.total_eighths)} pages, {len(bd.cast)} cast, "
                     f"{props} props, {tags} tags")
    for w in bd.warnings[:5]:
        _console().print(f"[yellow]warning:[/] {w}")
    _console().print(f"Wrote {len(files)} files to {out}")


def schedule(script: Path = typer.Argument(..., help="Fountain screenplay to schedule."),
             pages_per_day: str = typer.Option("5 4/8", help="Page limit per day: 5.5 or '5 4/8'."),
             hours_per_day: float = typer.Option(12.0, help="Shooting hours per day."),
             moves_per_day: int = typer.Option(2, min=0, max=50, help="Most company moves in one day."),
             time_limit: float = typer.Option(10.0, help="Solver time limit in seconds (about: the solver stops on "
                                              "a deterministic work budget, so the board reproduces)."),
             start_date: str | None = typer.Option(None, help="First shoot day, YYYY-MM-DD (weekdays follow)."),
             drop_after: int = typer.Option(10, min=1, max=365,
                                            help="Idle days after which a cast member is dropped and picked up."),
             workers: int | None = typer.Option(None, min=1, max=64,
                                                   help="Solver threads, 1-64 (default: 2 whatever the machine, so "
                                                        "the board reproduces; with --wall-clock: CPU count, at most 8)."),
             seed: int = typer.Option(0, min=0, help="Solver seed: the same script, constraints and seed give the "
                                      "same board."),
             wall_clock: bool = typer.Option(False, "--wall-clock", help="Use every core for --time-limit seconds "
                                             "(not reproducible across machines or runs)."),
             keep_board: Path | None = typer.Option(None, "--keep-board", "--from-previous",
                                                       help="Published schedule.json (or its folder) to re-optimise "
                                                            "from: strips keep their day unless moving pays."),
             move_weight: float | None = typer.Option(None, help="With --keep-board: cost of moving one strip "
                                                         "off its published day (default 30; a cast day is 20, a "
                                                         "company move 100)."),
             edits: Path | None = typer.Option(None, help="JSON edit log of breakdown corrections."),
             constraints: Path | None = typer.Option(None, help="YAML/JSON: cast/location availability, "
                                                        "before pairs, fixed strips (see load_constraints)."),
             out: Path = typer.Option(Path("schedule"), "-o", "--out", help="Folder for the exports.")) -> None:
    """Optimise a stripboard with CP-SAT; write stripboard PDF/HTML, DOOD XLSX/CSV/PDF and .ics."""
    from studio_kit.cli.checks import input_file, number, output_folder
    from studio_kit.engines.preproduction.exports import export_schedule
    from studio_kit.engines.preproduction.service import day_limits, plan_package
    from studio_kit.exceptions import ScheduleError

    input_file(script, "Screenplay", ScheduleError)
    number(time_limit, "--time-limit", low=0, high=3600, low_open=True, error=ScheduleError,
           example="--time-limit 10 (seconds)")
    number(hours_per_day, "--hours-per-day", low=0, high=24, low_open=True, error=ScheduleError,
           example="--hours-per-day 12")
    input_file(edits, "Edit log (--edits)", ScheduleError)
    input_file(constraints, "Constraints file (--constraints)", ScheduleError)
    if keep_board is not None and not keep_board.is_dir():
        input_file(keep_board, "Published schedule (--keep-board)", ScheduleError)
    if move_weight is not None:
        number(move_weight, "--move-weight", low=0, high=1e6, error=ScheduleError, example="--move-weight 30")
    output_folder(out, "-o/--out", ScheduleError)
    limits = day_limits(pages_per_day, hours_per_day=hours_per_day, moves_per_day=moves_per_day)
    pkg = plan_package(script, edits=edits, limits=limits, constraints=constraints, time_limit=time_limit,
                       num_workers=workers, start_date=start_date, drop_after=drop_after, preset=None, call_days=[],
                       keep_board=keep_board, move_weight=move_weight, seed=seed, deterministic=not wall_clock)
    sched, dood = pkg.schedule, pkg.dood
    files = export_schedule(sched, dood, out)
    script_order = sched.baseline("script order").company_moves
    greedy = sched.baseline("greedy by location").company_moves
    c = _console()
    c.print(f"{len(sched.strips)} scenes, {len(sched.days)} shoot days, {sched.company_moves} company moves "
            f"(script order: {script_order}, greedy by location: {greedy}), DOOD: {len(dood.rows)} cast")
    c.print(f"solver {sched.status} in {sched.solve_seconds:.2f} s: objective {sched.objective:g}, "
            f"lower bound {sched.lower_bound:g}, gap {sched.gap:.1%}")
    if sched.moved is not None:
        from studio_kit.engines.preproduction.schedule import moves_line

        c.print(moves_line(sched))
    for w in sched.warnings[:5]:
        c.print(f"[yellow]warning:[/] {w}")
    c.print(f"Wrote {len(files)} files to {out}")
