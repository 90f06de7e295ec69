"""Budget and call sheet commands: ``studio budget`` and ``studio callsheet``.

Both break the script down and schedule it (the pre-production engines), then
price it or print one day's call sheet. Heavy imports stay inside the commands.
"""
from __future__ import annotations

from pathlib import Path

import typer

#: from this many pages up, ``--preset auto`` budgets a feature rather than a short (the service decides:
#: studio_kit.engines.preproduction.service.AUTO_FEATURE_PAGES; kept here for callers of the old name)
AUTO_FEATURE_PAGES = 40


def register(app: typer.Typer) -> None:
    app.command("budget")(budget)
    app.command("callsheet")(callsheet)


def _date(text: str | None):
    import datetime as dt

    from studio_kit.exceptions import CallSheetError

    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CallSheetError(f"{text!r} is not a date", hint="Use YYYY-MM-DD, e.g. 2026-03-02.") from None


def _time(text: str | None, what: str):
    import datetime as dt

    from studio_kit.exceptions import CallSheetError

    if text is None:
        return None
    try:
        return dt.time.fromisoformat(text)
    except ValueError:
        raise CallSheetError(f"{what} {text!r} is not a time", hint="Use HH:MM, e.g. 07:00.") from None


def _schedule_path(path: Path | None, error) -> None:
    """--schedule takes schedule.json or the folder `studio schedule` wrote it to."""
    from studio_kit.cli.checks import input_file

    if path is not None and path.is_dir():
        input_file(path / "schedule.json", "--schedule folder's schedule.json", error)
    else:
        input_file(path, "Schedule (--schedule)", error)


def budget(script: Path = typer.Argument(..., help="Fountain screenplay to budget."),
           preset: str = typer.Option("auto", help="Budget preset: micro-short-{low,medium,high}, "
                                      "indie-feature-{low,medium,high} (or indie-medium, micro-low ...); auto = "
                                      "micro-short-medium under 40 pages, else indie-feature-medium."),
           contingency: float | None = typer.Option(None, help="Contingency percent (default: the preset's, 10)."),
           rates: Path | None = typer.Option(None, help="Project YAML deep-merged over the package rate cards, "
                                                "fringes and presets."),
           shots: int | None = typer.Option(None, min=1, max=1_000_000,
                                               help="Number of shots for the GPU line (default: scenes × 8)."),
           time_limit: float = typer.Option(10.0, help="Schedule solver time limit in seconds."),
           schedule: Path | None = typer.Option(None, "--schedule", help="schedule.json (or its folder) written by "
                                                   "`studio schedule`: budget that board instead of re-scheduling."),
           edits: Path | None = typer.Option(None, help="JSON edit log of breakdown corrections."),
           out: Path = typer.Option(Path("budget"), "-o", "--out", help="Folder for XLSX, CSV and PDF.")) -> None:
    """Budget a script from its breakdown and schedule: top sheet and detail as XLSX (live formulas), CSV, PDF."""
    from rich.console import Console

    from studio_kit.cli.checks import input_file, number, output_folder
    from studio_kit.engines.preproduction.budget import summary_line
    from studio_kit.engines.preproduction.budget_export import export_budget
    from studio_kit.engines.preproduction.service import plan_package
    from studio_kit.exceptions import BudgetError

    input_file(script, "Screenplay", BudgetError)
    number(contingency, "--contingency", low=0, high=100, error=BudgetError, example="--contingency 10 (percent)")
    number(time_limit, "--time-limit", low=0, high=3600, low_open=True, error=BudgetError, example="--time-limit 10")
    input_file(rates, "Rate card (--rates)", BudgetError)
    input_file(edits, "Edit log (--edits)", BudgetError)
    _schedule_path(schedule, BudgetError)
    output_folder(out, "-o/--out", BudgetError)
    pkg = plan_package(script, edits=edits, schedule=schedule, time_limit=time_limit, preset=preset, rates=rates,
                       shots=shots, contingency=contingency, call_days=[])
    b, sched, dood, top = pkg.budget, pkg.schedule, pkg.dood, pkg.top_sheet
    if b is None or top is None:   # plan_package skips the budget only without a preset, and one is always given
        raise BudgetError(f"No budget was made for {script} (preset {preset!r}).",
                          hint="Give a budget preset with --preset (or auto).")
    files = export_budget(b, out)
    console = Console()
    console.print(summary_line(top))
    console.print(f"{len(sched.days)} shoot days, {len(dood.rows)} cast, "
                  f"{sum(len(a.lines) for a in b.accounts)} detail lines; wrote {len(files)} files to {out}")


def callsheet(script: Path = typer.Argument(..., help="Fountain screenplay."),
              day: int = typer.Option(..., "--day", min=1, max=1000, help="Shoot day number (1-based)."),
              start_date: str | None = typer.Option(None, help="First shoot day, YYYY-MM-DD (default: next Monday)."),
              lat: float | None = typer.Option(None, min=-90, max=90,
                                                  help="Location latitude (default: Los Angeles)."),
              lon: float | None = typer.Option(None, min=-180, max=180, help="Location longitude."),
              tz: str | None = typer.Option(None, "--tz", help="IANA time zone, e.g. America/Los_Angeles."),
              location_name: str | None = typer.Option(None, help="Place name printed next to the coordinates."),
              crew_call: str | None = typer.Option(None, help="Crew call HH:MM (default 07:00)."),
              shooting_call: str | None = typer.Option(None, help="Shooting call HH:MM (default 08:00)."),
              hospital: str | None = typer.Option(None, help="Nearest hospital (name, address, phone)."),
              settings: Path | None = typer.Option(None, help="Project call sheet settings YAML (hospital, "
                                                      "office, notes, coordinates ...)."),
              time_limit: float = typer.Option(10.0, help="Schedule solver time limit in seconds."),
              schedule: Path | None = typer.Option(None, "--schedule", help="schedule.json (or its folder) written "
                                                      "by `studio schedule`: the published board, not a fresh solve."),
              edits: Path | None = typer.Option(None, help="JSON edit log of breakdown corrections."),
              out: Path = typer.Option(Path("callsheets"), "-o", "--out", help="Folder for HTML and PDF.")) -> None:
    """Call sheet for one shoot day as HTML and PDF (sunrise/sunset for the location)."""
    from rich.console import Console

    from studio_kit.cli.checks import input_file, number, output_folder
    from studio_kit.engines.preproduction.callsheet import (
        CallSheetError,
        CallSheetSettings,
        write_html,
        write_pdf,
    )
    from studio_kit.store.files import read_yaml_mapping

    input_file(script, "Screenplay", CallSheetError)
    number(time_limit, "--time-limit", low=0, high=3600, low_open=True, error=CallSheetError,
           example="--time-limit 10")
    input_file(settings, "Call sheet settings (--settings)", CallSheetError)
    input_file(edits, "Edit log (--edits)", CallSheetError)
    _schedule_path(schedule, CallSheetError)
    output_folder(out, "-o/--out", CallSheetError)
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
    from studio_kit.engines.preproduction.service import plan_package

    sheet = plan_package(script, edits=edits, schedule=schedule, time_limit=time_limit, start_date=_date(start_date),
                         preset=None, callsheet=cs_settings, call_days=[day]).call_sheets[0]
    stem = f"callsheet_day{day:02d}"
    html, pdf = write_html(sheet, out / f"{stem}.html"), write_pdf(sheet, out / f"{stem}.pdf")
    Console().print(f"Call sheet day {sheet.day_number} of {sheet.total_days}, {sheet.date.isoformat()}: "
                    f"{len(sheet.scenes)} scenes ({sheet.total_pages} pages), {len(sheet.cast)} cast, crew call "
                    f"{sheet.crew_call:%H:%M}, shooting call {sheet.shooting_call:%H:%M}, sunrise {sheet.sunrise}, "
                    f"sunset {sheet.sunset}; wrote {html.name} and {pdf.name} to {out}")
