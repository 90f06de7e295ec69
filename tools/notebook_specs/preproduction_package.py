CELLS = [
("md", """# Pre-production package
Script in, pre-production package out: breakdown, optimised stripboard schedule, day-out-of-days, budget and call sheets.

Every file is written to `output_dir` and stored as an asset of the project (kinds `breakdown`, `schedule`,
`budget`, `callsheet`). Corrections made on the Breakdown & Budget Board (its edit log in
`STUDIO_HOME/boards/`) are applied to the breakdown first, including cast numbers locked there. Scenes longer
than a shoot day are split into parts shot in order; the run lists each split."""),
("params", """script_path: str = None  # required: Fountain screenplay to plan (absolute, relative to where you run studio, or to STUDIO_HOME); run directly without it, the notebook uses the built-in sample short
output_dir: str = ""  # folder for the files (blank: STUDIO_HOME/outputs/preproduction/<script name>)
pages_per_day: str = "5 4/8"  # page limit per shoot day, in eighths ("5 4/8") or decimal ("5.5")
time_limit: float = 10.0  # CP-SAT solver time limit in seconds
preset: str = "auto"  # budget preset: micro-short-{low,medium,high}, indie-feature-{low,medium,high}, or auto (micro-short-medium under 40 pages, else indie-feature-medium)
start_date: str = ""  # first shoot day YYYY-MM-DD (blank: next Monday)
lat: float = 34.0522  # latitude of the shooting location for sunrise/sunset (decimal degrees)
lon: float = -118.2437  # longitude of the shooting location (decimal degrees)
timezone: str = "America/Los_Angeles"  # IANA time zone of the location"""),
("code", """import datetime as dt
import os
from pathlib import Path

from studio_kit.config import get_settings
from studio_kit.domain.preproduction import ScheduleLimits, format_eighths, parse_eighths
from studio_kit.exceptions import ParameterError, StudioError
from studio_kit.store import open_store
from studio_kit.ui.board_state import SAMPLE_SCRIPT, edit_log_path

settings = get_settings()
if script_path is None:
    script_path = str(SAMPLE_SCRIPT)
    print("script_path not given: planning the built-in sample short")
script = Path(script_path).expanduser()
if not script.is_absolute():
    # the kernel runs in the templates folder; PWD still names the folder `studio run` was started from
    tried = [Path(os.environ.get("PWD", ".")) / script, Path.cwd() / script, settings.home / script]
    script = next((p for p in tried if p.exists()), tried[0])
if not script.is_file():
    raise ParameterError(f"script_path {script_path!r} is not a file (looked for {script}).",
                         hint="Pass an absolute path to a .fountain file.")
out = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "preproduction" / script.stem
if not out.is_absolute():
    out = settings.home / out
out.mkdir(parents=True, exist_ok=True)
try:
    eighths = parse_eighths(pages_per_day, allow_decimal=True)
except StudioError:
    raise ParameterError(f"pages_per_day {pages_per_day!r} is not a page count.", hint="Use 5.5 or '5 4/8'.") from None
if start_date:
    try:
        first_day = dt.date.fromisoformat(start_date)
    except ValueError:
        raise ParameterError(f"start_date {start_date!r} is not a date.", hint="Use YYYY-MM-DD, e.g. 2026-03-02.") from None
else:
    today = dt.date.today()
    first_day = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
print(f"Script {script.name} -> {out}")"""),
("md", """## Breakdown
One sheet per scene with tagged elements in the standard categories; exports as CSV, XLSX, PDF sheets and
Universal Category JSON."""),
("code", """from studio_kit.engines.preproduction.breakdown import break_down, load_script
from studio_kit.engines.preproduction.exports import export_breakdown

sc = load_script(script)
edits = edit_log_path(settings.home, script)
bd = break_down(sc, edits=edits if edits.exists() else None)
breakdown_files = export_breakdown(bd, out / "breakdown")
print(f"{len(bd.sheets)} scenes, {format_eighths(bd.total_eighths)} pages, {len(bd.cast)} cast"
      + (f", {len(bd.warnings)} warnings" if bd.warnings else "")
      + (f" (edit log {edits.name} applied" + (", cast numbers locked" if bd.metadata.get("cast_locked") else "")
         + ")" if edits.exists() else ""))"""),
("md", """## Schedule and day-out-of-days
CP-SAT stripboard under the day limits, compared with script order and a greedy sort by location."""),
("code", """from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.exports import export_schedule
from studio_kit.engines.preproduction.schedule import schedule_breakdown

limits = ScheduleLimits(eighths_per_day=eighths)
sched = schedule_breakdown(bd, limits=limits, time_limit=time_limit, start_date=first_day)
dood = day_out_of_days(sched)
schedule_files = export_schedule(sched, dood, out / "schedule")
script_order = sched.baseline("script order").company_moves
greedy = sched.baseline("greedy by location").company_moves
print(f"{len(sched.days)} shoot days from {first_day}, {sched.company_moves} company moves "
      f"(script order: {script_order}, greedy by location: {greedy}); solver {sched.status} in "
      f"{sched.solve_seconds:.2f} s, gap {sched.gap:.1%}")
for day in sched.days:
    print(f"  day {day.number} {day.date}: scenes {', '.join(s.scene_number for s in day.strips)} "
          f"- {day.pages} pages, {day.company_moves} moves")
for warning in sched.warnings:            # scenes longer than a shoot day, split into parts
    print("warning:", warning)"""),
("md", """## Budget
Derived from the breakdown and the schedule (cast days from the DOOD, locations from the strips, crew weeks
from prep/shoot/wrap), priced with the preset; XLSX with live formulas, CSV and PDF."""),
("code", """from studio_kit.engines.preproduction.budget import compute, summary_line
from studio_kit.engines.preproduction.budget_derive import derive_budget
from studio_kit.engines.preproduction.budget_export import export_budget

from studio_kit.cli.budget import AUTO_FEATURE_PAGES

if preset == "auto":                      # a line producer does not price a 6-page short like a feature
    preset = "micro-short-medium" if bd.total_eighths < AUTO_FEATURE_PAGES * 8 else "indie-feature-medium"
budget = derive_budget(bd, sched, preset, dood=dood, script=sc)
top = compute(budget)
budget_files = export_budget(budget, out / "budget")
print(summary_line(top))"""),
("md", """## Call sheets
One per shoot day, with sunrise and sunset for the location."""),
("code", """from studio_kit.engines.preproduction.callsheet import write_call_sheets

callsheet_files = write_call_sheets(sched, bd, out / "callsheets",
                                    {"lat": lat, "lon": lon, "timezone": timezone, "start_date": first_day},
                                    dood=dood)
print(f"{len(callsheet_files) // 2} call sheets (HTML + PDF)")"""),
("md", """## Store the package in the project"""),
("code", """ctx = open_store().project(settings.org, settings.project, user=settings.user)
provenance = {"template": "preproduction_package", "script": str(script), "preset": preset,
              "pages_per_day": pages_per_day, "time_limit": time_limit, "run_id": os.environ.get("STUDIO_RUN_ID")}
script_asset = ctx.put_asset(script, kind="script", name=script.name, provenance=provenance)
stored = []
groups = {"breakdown": breakdown_files.values(), "schedule": schedule_files.values(),
          "budget": budget_files.values(), "callsheet": callsheet_files}
for kind, paths in groups.items():
    for path in paths:
        asset = ctx.put_asset(path, kind=kind, name=str(Path(path).relative_to(out)), parent_id=script_asset.id,
                              provenance=provenance)
        stored.append(asset)
ctx.audit("preproduction.package", target=script.name, detail={"assets": len(stored), "output_dir": str(out)})
print(f"Stored {len(stored)} files as assets of {ctx.org_slug}/{ctx.project_slug}")"""),
("code", """print(f"{len(bd.sheets)} scenes, {len(sched.days)} shoot days, {sched.company_moves} company moves "
      f"(script order: {script_order}), DOOD: {len(dood.rows)} cast, budget {top.grand_total:,.2f} {top.currency}")
from studio_kit.runs import publish

publish(scenes=len(bd.sheets), pages=format_eighths(bd.total_eighths), cast=len(bd.cast),
        shoot_days=len(sched.days), company_moves=sched.company_moves, script_order_moves=script_order,
        greedy_moves=greedy, solver_status=sched.status, gap=round(sched.gap, 4),
        budget_total=str(top.grand_total), currency=top.currency, preset=budget.preset,
        output_dir=str(out), assets=len(stored),
        breakdown_xlsx=str(breakdown_files["xlsx"]), stripboard_pdf=str(schedule_files["stripboard_pdf"]),
        dood_xlsx=str(schedule_files["dood_xlsx"]), schedule_ics=str(schedule_files["ics"]),
        budget_xlsx=str(budget_files["xlsx"]), budget_pdf=str(budget_files["pdf"]),
        callsheets=[str(p) for p in callsheet_files if str(p).endswith(".pdf")])"""),
]
