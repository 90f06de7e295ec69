"""Budget and call sheet commands: ``studio budget`` and ``studio callsheet``.

Both break the script down and schedule it (the pre-production engines), then
price it or print one day's call sheet. Heavy imports stay inside the commands.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer


#: from this many pages up, ``--preset auto`` budgets a feature rather than a short
AUTO_FEATURE_PAGES = 40


def register(app: typer.Typer) -> None:
    app.command("budget")(budget)
    app.command("callsheet")(callsheet)


def _published(path: Path, breakdown):
    """The schedule ``studio schedule`` wrote (schedule.json), checked against this draft's scenes."""
    from studio_kit.domain.preproduction import Schedule
    from studio_kit.exceptions import ScheduleError

    if path.is_dir():
        path = path / "schedule.json"
    if not path.is_file():
        raise ScheduleError(f"Schedule file {path} does not exist.",
                            hint="Pass the schedule.json written by `studio schedule SCRIPT -o DIR`.")
    try:
        sched = Schedule.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ScheduleError(f"{path} is not a studio schedule: {str(exc).splitlines()[0]}.",
                            hint="Pass the schedule.json written by `studio schedule`.") from None
    board = {(s.scene_index, s.scene_number, s.heading) for s in sched.strips}
    draft = {(s.scene_index, s.scene_number, s.heading) for s in breakdown.sheets}
    if board != draft:
        diff = sorted(board ^ draft)[:3]
        raise ScheduleError(f"{path} was scheduled from a different draft (scenes differ, e.g. "
                            + "; ".join(f"{n} {h}" for _, n, h in diff) + ").",
                            hint="Re-run `studio schedule` on this draft, then make the budget and call sheets.")
    return sched


def _boards(script: Path, time_limit: float, start_date: Optional[str] = None, schedule: Optional[Path] = None,
            edits: Optional[Path] = None):
    """(script, breakdown, schedule, dood) for a Fountain file.

    With ``schedule`` (the schedule.json of `studio schedule`) the published board is used as it is,
    so the budget and every call sheet follow the stripboard the crew has; without it the script
    is scheduled afresh.
    """
    from studio_kit.engines.preproduction.breakdown import break_down, load_script
    from studio_kit.engines.preproduction.dood import day_out_of_days
    from studio_kit.engines.preproduction.schedule import schedule_breakdown
    from studio_kit.exceptions import ScheduleError

    if time_limit <= 0:
        raise ScheduleError(f"--time-limit {time_limit} must be positive", hint="e.g. --time-limit 10")
    sc = load_script(script)
    bd = break_down(sc, edits=edits)
    if schedule is not None:
        sched = _published(schedule, bd)
        if start_date:   # new dates only: the published strip order within each day stays as it is
            from studio_kit.engines.preproduction.stripboard import shoot_dates

            cal = shoot_dates(_date(start_date), len(sched.days))
            sched = sched.model_copy(update={"start_date": _date(start_date), "days": [
                d.model_copy(update={"date": date, "week": week}) for d, (date, week) in zip(sched.days, cal)]})
    else:
        sched = schedule_breakdown(bd, time_limit=time_limit, start_date=_date(start_date))
    return sc, bd, sched, day_out_of_days(sched)


def _date(text: Optional[str]):
    import datetime as dt

    from studio_kit.engines.preproduction.callsheet import CallSheetError

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CallSheetError(f"{text!r} is not a date", hint="Use YYYY-MM-DD, e.g. 2026-03-02.") from None


def _time(text: Optional[str], what: str):
    import datetime as dt

    from studio_kit.engines.preproduction.callsheet import CallSheetError

    if text is None:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CallSheetError(f"{what} {text!r} is not a time", hint="Use HH:MM, e.g. 07:00.") from None


def budget(script: Path = typer.Argument(..., help="Fountain screenplay to budget."),
           preset: str = typer.Option("auto", help="Budget preset: micro-short-{low,medium,high}, "
                                      "indie-feature-{low,medium,high} (or indie-medium, micro-low ...); auto = "
                                      "micro-short-medium under 40 pages, else indie-feature-medium."),
           contingency: Optional[float] = typer.Option(None, help="Contingency percent (default: the preset's, 10)."),
           rates: Optional[Path] = typer.Option(None, help="Project YAML deep-merged over the package rate cards, "
                                                "fringes and presets."),
           shots: Optional[int] = typer.Option(None, help="Number of shots for the GPU line (default: scenes × 8)."),
           time_limit: float = typer.Option(10.0, help="Schedule solver time limit in seconds."),
           schedule: Optional[Path] = typer.Option(None, "--schedule", help="schedule.json (or its folder) written by "
                                                   "`studio schedule`: budget that board instead of re-scheduling."),
           edits: Optional[Path] = typer.Option(None, help="JSON edit log of breakdown corrections."),
           out: Path = typer.Option(Path("budget"), "-o", "--out", help="Folder for XLSX, CSV and PDF.")) -> None:
    """Budget a script from its breakdown and schedule: top sheet and detail as XLSX (live formulas), CSV, PDF."""
    from rich.console import Console

    from studio_kit.engines.preproduction.budget import compute, load_budget_data, resolve_preset, summary_line
    from studio_kit.engines.preproduction.budget_derive import derive_budget
    from studio_kit.engines.preproduction.budget_export import export_budget
    from studio_kit.exceptions import BudgetError

    if shots is not None and shots < 0:
        raise BudgetError(f"--shots {shots} must be 0 or more", hint="Pass the number of shots on the shot list.")
    data = load_budget_data(rates)          # bad rates file or preset: fail before the solver runs
    if preset != "auto":
        resolve_preset(preset, data)
    sc, bd, sched, dood = _boards(script, time_limit, schedule=schedule, edits=edits)
    if preset == "auto":   # a line producer does not price a 6-page short like a feature
        preset = "micro-short-medium" if bd.total_eighths < AUTO_FEATURE_PAGES * 8 else "indie-feature-medium"
    b = derive_budget(bd, sched, preset, dood=dood, script=sc, shots=shots, contingency_percent=contingency,
                      data=data)
    files = export_budget(b, out)
    console = Console()
    console.print(summary_line(compute(b)))
    console.print(f"{len(sched.days)} shoot days, {len(dood.rows)} cast, "
                  f"{sum(len(a.lines) for a in b.accounts)} detail lines; wrote {len(files)} files to {out}")


def callsheet(script: Path = typer.Argument(..., help="Fountain screenplay."),
              day: int = typer.Option(..., "--day", help="Shoot day number (1-based)."),
              start_date: Optional[str] = typer.Option(None, help="First shoot day, YYYY-MM-DD (default: next Monday)."),
              lat: Optional[float] = typer.Option(None, help="Location latitude (default: Los Angeles)."),
              lon: Optional[float] = typer.Option(None, help="Location longitude."),
              tz: Optional[str] = typer.Option(None, "--tz", help="IANA time zone, e.g. America/Los_Angeles."),
              location_name: Optional[str] = typer.Option(None, help="Place name printed next to the coordinates."),
              crew_call: Optional[str] = typer.Option(None, help="Crew call HH:MM (default 07:00)."),
              shooting_call: Optional[str] = typer.Option(None, help="Shooting call HH:MM (default 08:00)."),
              hospital: Optional[str] = typer.Option(None, help="Nearest hospital (name, address, phone)."),
              settings: Optional[Path] = typer.Option(None, help="Project call sheet settings YAML (hospital, "
                                                      "office, notes, coordinates ...)."),
              time_limit: float = typer.Option(10.0, help="Schedule solver time limit in seconds."),
              schedule: Optional[Path] = typer.Option(None, "--schedule", help="schedule.json (or its folder) written "
                                                      "by `studio schedule`: the published board, not a fresh solve."),
              edits: Optional[Path] = typer.Option(None, help="JSON edit log of breakdown corrections."),
              out: Path = typer.Option(Path("callsheets"), "-o", "--out", help="Folder for HTML and PDF.")) -> None:
    """Call sheet for one shoot day as HTML and PDF (sunrise/sunset for the location)."""
    from rich.console import Console

    from studio_kit.engines.preproduction.callsheet import (
        CallSheetError, CallSheetSettings, build_call_sheet, write_html, write_pdf,
    )

    from studio_kit.store.files import read_yaml_mapping

    values: dict = {}
    if settings is not None:
        values = read_yaml_mapping(settings, "Call sheet settings file", CallSheetError,
                                   hint="Pass a YAML mapping of call sheet fields (lat, lon, timezone, crew_call ...).")
    given = {"lat": lat, "lon": lon, "timezone": tz, "location_name": location_name, "nearest_hospital": hospital,
             "start_date": _date(start_date), "crew_call": _time(crew_call, "--crew-call"),
             "shooting_call": _time(shooting_call, "--shooting-call")}
    values.update({k: v for k, v in given.items() if v is not None})
    try:
        cs_settings = CallSheetSettings(**values)
    except ValueError as exc:
        raise CallSheetError(f"Call sheet settings are invalid: {exc}",
                             hint="Check the field names and values in --settings.") from None
    _, bd, sched, dood = _boards(script, time_limit, start_date, schedule=schedule, edits=edits)
    sheet = build_call_sheet(sched, bd, day, cs_settings, dood=dood)
    stem = f"callsheet_day{day:02d}"
    html, pdf = write_html(sheet, out / f"{stem}.html"), write_pdf(sheet, out / f"{stem}.pdf")
    Console().print(f"Call sheet day {sheet.day_number} of {sheet.total_days}, {sheet.date.isoformat()}: "
                    f"{len(sheet.scenes)} scenes ({sheet.total_pages} pages), {len(sheet.cast)} cast, crew call "
                    f"{sheet.crew_call:%H:%M}, shooting call {sheet.shooting_call:%H:%M}, sunrise {sheet.sunrise}, "
                    f"sunset {sheet.sunset}; wrote {html.name} and {pdf.name} to {out}")
