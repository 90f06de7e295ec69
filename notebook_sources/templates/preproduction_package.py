# ---
# jupyter:
#   jupytext:
#     formats: templates///ipynb,notebook_sources/templates///py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Pre-production package
# Script in, pre-production package out: breakdown, optimised stripboard schedule, day-out-of-days, budget and call sheets.
#
# Every file is written to `output_dir` and stored as an asset of the project (kinds `breakdown`, `schedule`,
# `budget`, `callsheet`). Corrections made on the Breakdown & Budget Board (its edit log in
# `STUDIO_HOME/boards/`) are applied to the breakdown first, including cast numbers locked there. Scenes longer
# than a shoot day are split into parts shot in order; the run lists each split. Fountain and Final Draft (.fdx)
# scripts are both read.

# %% tags=["parameters"]
script_path: str = None  # required: Fountain or Final Draft screenplay to plan (absolute, relative to where you run studio, or to STUDIO_HOME); run directly without it, the notebook uses the built-in sample short
output_dir: str = ""  # folder for the files (blank: STUDIO_HOME/outputs/preproduction/<script name>)
pages_per_day: str = "5 4/8"  # page limit per shoot day, in eighths ("5 4/8") or decimal ("5.5")
time_limit: float = 10.0  # CP-SAT solver time limit in seconds
preset: str = "auto"  # budget preset: micro-short-{low,medium,high}, indie-feature-{low,medium,high}, or auto (micro-short-medium under 40 pages, else indie-feature-medium)
start_date: str = ""  # first shoot day YYYY-MM-DD (blank: next Monday)
lat: float = 34.0522  # latitude of the shooting location for sunrise/sunset (decimal degrees)
lon: float = -118.2437  # longitude of the shooting location (decimal degrees)
timezone: str = "America/Los_Angeles"  # IANA time zone of the location

# %%
import os
from pathlib import Path

from studio_kit.config import get_settings
from studio_kit.engines.preproduction.service import plan_package, resolve_script_path
from studio_kit.exceptions import ParameterError
from studio_kit.store import open_store

settings = get_settings()
script = resolve_script_path(script_path, settings.home)
if script_path is None:
    print("script_path not given: planning the built-in sample short")
if not script.is_file():
    raise ParameterError(f"script_path {script_path!r} is not a file (looked for {script}).",
                         hint="Pass an absolute path to a .fountain or .fdx file.")
out = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "preproduction" / script.stem
out = out if out.is_absolute() else settings.home / out
ctx = open_store().project(settings.org, settings.project, user=settings.user)
pkg = plan_package(script, board_edits=True, pages_per_day=pages_per_day, time_limit=float(time_limit),
                   preset=preset, start_date=start_date or None,
                   callsheet={"lat": float(lat), "lon": float(lon), "timezone": timezone}, out_dir=out, ctx=ctx,
                   provenance={"template": "preproduction_package", "script": str(script), "preset": preset,
                               "pages_per_day": pages_per_day, "time_limit": time_limit,
                               "run_id": os.environ.get("STUDIO_RUN_ID")},
                   progress=lambda step: print("…", step))
print(pkg.summary)

# %% [markdown]
# ## Schedule
# CP-SAT stripboard under the day limits, compared with script order and a greedy sort by location.

# %%
sched = pkg.schedule
script_order = sched.baseline("script order").company_moves
greedy = sched.baseline("greedy by location").company_moves
print(f"{len(sched.days)} shoot days, {sched.company_moves} company moves (script order: {script_order}, "
      f"greedy by location: {greedy}); solver {sched.status} in {sched.solve_seconds:.2f} s, gap {sched.gap:.1%}")
for day in sched.days:
    print(f"  day {day.number} {day.date}: scenes {', '.join(s.scene_number for s in day.strips)} - {day.pages} pages")
for warning in pkg.warnings:
    print("warning:", warning)

# %% [markdown]
# ## Budget and call sheets

# %%
from studio_kit.domain.preproduction import format_eighths
from studio_kit.engines.preproduction.budget import summary_line
from studio_kit.runs import publish

top = pkg.top_sheet
print(summary_line(top))
print(f"{len(pkg.call_sheets)} call sheets; stored {len(pkg.assets)} files as assets of {ctx.org_slug}/{ctx.project_slug}")
files = pkg.files
publish(scenes=len(pkg.breakdown.sheets), pages=format_eighths(pkg.breakdown.total_eighths), cast=len(pkg.breakdown.cast),
        shoot_days=len(sched.days), company_moves=sched.company_moves, script_order_moves=script_order,
        greedy_moves=greedy, solver_status=sched.status, gap=round(sched.gap, 4),
        budget_total=str(top.grand_total), currency=top.currency, preset=pkg.preset,
        output_dir=str(out), assets=len(pkg.assets),
        breakdown_xlsx=str(files["breakdown"]["xlsx"]), stripboard_pdf=str(files["schedule"]["stripboard_pdf"]),
        dood_xlsx=str(files["schedule"]["dood_xlsx"]), schedule_ics=str(files["schedule"]["ics"]),
        budget_xlsx=str(files["budget"]["xlsx"]), budget_pdf=str(files["budget"]["pdf"]),
        callsheets=[str(p) for p in files["callsheets"] if str(p).endswith(".pdf")])
