"""Pre-production commands: ``studio breakdown`` and ``studio schedule``.

Heavy imports (OR-Tools, reportlab, openpyxl) happen inside the commands so
``studio --help`` stays fast.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


def register(app: typer.Typer) -> None:
    app.command("breakdown")(breakdown)
    app.command("schedule")(schedule)


def _console():
    from rich.console import Console

    return Console()


def _load(script: Path, edits: Optional[Path], propose: bool):
    from studio_kit.engines.preproduction.breakdown import break_down, load_script

    backend = None
    if propose:
        from studio_kit.registry import load_backend

        backend = load_backend("text")
        if "complete" not in backend.capabilities:
            raise typer.BadParameter(f"text backend '{backend.name}' cannot complete prompts; set "
                                     "STUDIO_TEXT_BACKEND=transformers or openai to use --propose.")
    return break_down(load_script(script), edits=edits, backend=backend)


def breakdown(script: Path = typer.Argument(..., help="Fountain screenplay to break down."),
              out: Path = typer.Option(Path("breakdown"), "-o", "--out", help="Folder for the exports."),
              edits: Optional[Path] = typer.Option(None, help="JSON edit log of manual corrections to re-apply."),
              propose: bool = typer.Option(False, help="Also ask the configured text backend for tags (verified)."),
              lock_cast: bool = typer.Option(False, "--lock-cast", help="Lock the cast numbers into the --edits log "
                                             "(created if missing) so revisions keep them.")) -> None:
    """Break a script down: sheets per scene (PDF), CSV/XLSX by scene and category, UCI JSON."""
    from studio_kit.domain.preproduction import BreakdownCategory
    from studio_kit.engines.preproduction.exports import export_breakdown

    if lock_cast:
        from studio_kit.engines.preproduction.edits import EditLog

        if edits is None:
            raise typer.BadParameter("--lock-cast stores the cast list in the edit log: pass --edits FILE.json too.")
        if not edits.exists():
            EditLog().save(edits)
    bd = _load(script, edits, propose)
    if lock_cast:
        log = EditLog.load(edits)
        log.lock_cast(bd)
        log.save(edits)
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
             moves_per_day: int = typer.Option(2, help="Most company moves in one day."),
             time_limit: float = typer.Option(10.0, help="Solver time limit in seconds."),
             start_date: Optional[str] = typer.Option(None, help="First shoot day, YYYY-MM-DD (weekdays follow)."),
             drop_after: int = typer.Option(10, help="Idle days after which a cast member is dropped and picked up."),
             workers: Optional[int] = typer.Option(None, help="Solver threads (default: CPU count, at most 8)."),
             edits: Optional[Path] = typer.Option(None, help="JSON edit log of breakdown corrections."),
             constraints: Optional[Path] = typer.Option(None, help="YAML/JSON: cast/location availability, "
                                                        "before pairs, fixed strips (see load_constraints)."),
             out: Path = typer.Option(Path("schedule"), "-o", "--out", help="Folder for the exports.")) -> None:
    """Optimise a stripboard with CP-SAT; write stripboard PDF/HTML, DOOD XLSX/CSV/PDF and .ics."""
    import datetime as dt

    from studio_kit.domain.preproduction import ScheduleLimits, parse_eighths
    from studio_kit.engines.preproduction.dood import day_out_of_days
    from studio_kit.engines.preproduction.exports import export_schedule
    from studio_kit.engines.preproduction.schedule import load_constraints, schedule_breakdown
    from studio_kit.exceptions import ScheduleError, StudioError

    try:
        eighths = parse_eighths(pages_per_day, allow_decimal=True)
    except StudioError:
        raise ScheduleError(f"--pages-per-day {pages_per_day!r} is not a page count.", hint="Use 5.5 or '5 4/8'.")
    if eighths < 1 or hours_per_day <= 0 or time_limit <= 0 or moves_per_day < 0:
        raise ScheduleError("Day limits must be positive (pages, hours, time limit) and moves at least 0.",
                            hint="e.g. --pages-per-day 5.5 --hours-per-day 12 --time-limit 10")
    start = None
    if start_date:
        try:
            start = dt.date.fromisoformat(start_date)
        except ValueError:
            raise ScheduleError(f"--start-date {start_date!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-03-02.")
    bd = _load(script, edits, False)
    limits = ScheduleLimits(eighths_per_day=eighths, hours_per_day=hours_per_day, company_moves_per_day=moves_per_day)
    rules = load_constraints(constraints, bd) if constraints else None
    sched = schedule_breakdown(bd, limits=limits, constraints=rules, time_limit=time_limit, num_workers=workers,
                               start_date=start)
    dood = day_out_of_days(sched, drop_after=drop_after)
    files = export_schedule(sched, dood, out)
    script_order = sched.baseline("script order").company_moves
    greedy = sched.baseline("greedy by location").company_moves
    c = _console()
    c.print(f"{len(sched.strips)} scenes, {len(sched.days)} shoot days, {sched.company_moves} company moves "
            f"(script order: {script_order}, greedy by location: {greedy}), DOOD: {len(dood.rows)} cast")
    c.print(f"solver {sched.status} in {sched.solve_seconds:.2f} s: objective {sched.objective:g}, "
            f"lower bound {sched.lower_bound:g}, gap {sched.gap:.1%}")
    for w in sched.warnings[:5]:
        c.print(f"[yellow]warning:[/] {w}")
    c.print(f"Wrote {len(files)} files to {out}")
