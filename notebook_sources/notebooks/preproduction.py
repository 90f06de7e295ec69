# ---
# jupyter:
#   jupytext:
#     formats: notebooks///ipynb,notebook_sources/notebooks///py:percent
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
# # Pre-production with studio_kit
# From a Fountain screenplay to a shooting plan: breakdown sheets, manual tag corrections, an optimised
# stripboard, day-out-of-days, a budget and a call sheet. Everything runs offline on a laptop CPU in a few
# seconds, on the sample short shipped with the package (*The Last Reel*, 12 scenes).

# %%
import os, tempfile
# A scratch studio home so this tutorial never touches your real one.
os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="studio-home-"))
from studio_kit.config import reset_settings
reset_settings()
from studio_kit.ui.board_state import SAMPLE_SCRIPT
print(SAMPLE_SCRIPT.name)

# %% [markdown]
# ## 1. Breakdown
# One sheet per scene: heading, INT/EXT, day/night, length in eighths and the tagged elements in the standard
# categories, each with its colour and Universal Category ID. Cast is numbered like a cast list (1 = most scenes).
# Each sheet also carries the script page the scene starts on.

# %%
from studio_kit.domain.preproduction import format_eighths
from studio_kit.engines.preproduction.breakdown import break_down
from studio_kit.engines.writing.io import load_script

script = load_script(SAMPLE_SCRIPT)
bd = break_down(script)
print(f"{len(bd.sheets)} scenes, {format_eighths(bd.total_eighths)} pages")
print("cast:", ", ".join(f"{c.id}. {c.name} ({c.scenes} scenes)" for c in bd.cast))
sheet = bd.sheets[2]
print(f"\nscene {sheet.scene_number} (script page {sheet.page}): {sheet.heading} - {sheet.pages} pages - {sheet.synopsis}")
for tag in sheet.tags:
    print(f"  {tag.category.label:22} {tag.uci} {tag.colour}  {tag.name!r:16} line {tag.line}, confidence {tag.confidence:.2f}")

# %% [markdown]
# ## 2. Manual corrections that survive a new draft
# The art department wants the cinema's projector handled as set dressing, and "REEL" and "FILM REEL" are
# the same prop. Corrections go into an edit log which is replayed after every automatic re-tag, so they
# survive revised drafts (the Breakdown & Budget Board writes the same log).

# %%
from studio_kit.engines.preproduction.edits import EditLog

log = EditLog()
log.recategorise("props", "PROJECTOR", "set_dressing")     # in every scene
log.merge("props", ["REEL"], into="FILM REEL")
log.add("sound_music", "Silent-film score (live piano)", 10, breakdown=bd)
bd = break_down(script, edits=log)
print("set dressing:", sorted(bd.elements("set_dressing")))
print("FILM REEL in scenes (0-based):", bd.elements("props").get("FILM REEL"), "| plain REEL left:", "REEL" in bd.elements("props"))
print("sound/music:", bd.elements("sound_music"))
log.save(os.path.join(os.environ["STUDIO_HOME"], "the_last_reel.edits.json"))   # the log is plain JSON

# %% [markdown]
# Once the stripboard is out, cast numbers must not move: a revision in which OTTO outgrows MAYA would
# otherwise renumber everyone on every strip, DOOD and call sheet. Locking writes the cast list into the same
# edit log; later drafts keep those numbers, new characters are numbered after them and a cut character's
# number is retired (the board's **Lock cast numbers** button, or `studio breakdown --lock-cast --edits`).

# %%
locked = log.lock_cast(bd)
print("locked:", locked)
revision = script.model_copy(deep=True)
revision.scenes = [s for s in revision.scenes if "OTTO" not in s.characters]     # a draft that cuts Otto
print("revision, numbered afresh:", [(c.id, c.name) for c in break_down(revision).cast])
print("revision, locked numbers: ", [(c.id, c.name) for c in break_down(revision, edits=log).cast])

# %% [markdown]
# ## 3. Optimised stripboard
# CP-SAT assigns strips to shoot days under the day limits (pages, hours, company moves) and minimises
# company moves, cast days and day/night flips. The result is compared with script order and a greedy sort
# by location. Short films shoot fewer pages a day, so we allow 3 pages.

# %%
import datetime as dt
from studio_kit.domain.preproduction import ScheduleLimits, parse_eighths
from studio_kit.engines.preproduction.schedule import schedule_breakdown

limits = ScheduleLimits(eighths_per_day=parse_eighths("3"))
sched = schedule_breakdown(bd, limits=limits, time_limit=5, num_workers=2, start_date=dt.date(2027, 3, 1))
print(f"{sched.status} in {sched.solve_seconds:.2f} s: objective {sched.objective:g}, lower bound {sched.lower_bound:g}")
for b in sched.baselines:
    print(f"  {b.name:20} {b.days} days, {b.company_moves} company moves, {b.cast_days} cast days")
print(f"  {'optimised':20} {len(sched.days)} days, {sched.company_moves} company moves, {sched.cast_days} cast days")
for warning in sched.warnings:                   # e.g. a scene longer than a shoot day, split into parts
    print("warning:", warning)
for day in sched.days:
    print(f"day {day.number} {day.date:%a %d %b}: " + ", ".join(f"{s.scene_number} {s.colour_name}" for s in day.strips)
          + f" | {day.pages} pages, {day.company_moves} company move(s)")

# %% [markdown]
# A scene longer than a shoot day is split into parts shot in order ("12 pt 1", "12 pt 2"), as a 1st AD
# splits a sheet; `schedule_breakdown` (and the board) do it for you and tell the solver the parts' order. With
# a deliberately tight half-page day, the sample's longer scenes split like this:

# %%
from studio_kit.engines.preproduction import stripboard as sb

tight = ScheduleLimits(eighths_per_day=4)
parts, keep_order, notes = sb.split_long_strips(sb.strips_from_breakdown(bd, tight), tight)
print(len(bd.sheets), "scenes ->", len(parts), "strips;", len(keep_order), "must-shoot-before pairs")
print(notes[0])

# %% [markdown]
# ## 4. Reordering by hand
# A first AD moves strips; day totals and moves follow. `violations` lists whatever the new order breaks.

# %%
from studio_kit.engines.preproduction.schedule import reschedule, violations

plan = [[s.scene_index for s in d.strips] for d in sched.days]
plan[0].append(plan[-1].pop())          # pull the last strip of the last day onto day 1
manual = reschedule(sched, plan)
print([d.pages for d in sched.days], "->", [d.pages for d in manual.days])
print(violations(manual) or "no limit broken")

# %% [markdown]
# ## 5. Day-out-of-days
# SW start work, W work, WF work finish, SWF a one-day player, H hold, T travel, R rehearsal. An actor idle for
# more than 10 days is dropped and picked up instead of held, printed the Movie Magic way on the adjoining work
# days: "WD" (or "SWD") on the last day worked before the gap, "PW" (or "PWF") on the day they return.
# `row.codes` keeps the plain work codes; `row.labels` is the row as printed.

# %%
import pandas as pd
from studio_kit.engines.preproduction.dood import day_out_of_days

dood = day_out_of_days(sched)
pd.DataFrame({f"Day {n}": [r.labels[i] for r in dood.rows] for i, n in enumerate(dood.day_numbers)}
             | {"work": [r.work for r in dood.rows], "hold": [r.hold for r in dood.rows]},
             index=[f"{r.cast_id}. {r.name}" for r in dood.rows])

# %% [markdown]
# ## 6. Budget
# Derived from the breakdown and the schedule, priced with a preset; editing a line updates the totals.

# %%
from studio_kit.engines.preproduction.budget import compute, format_money, summary_line, update_line
from studio_kit.engines.preproduction.budget_derive import derive_budget

budget = derive_budget(bd, sched, "micro-short-medium", dood=dood, script=script)
print(summary_line(compute(budget)))
cast = budget.account("1400")
print("cast line:", cast.lines[0].description, cast.lines[0].units, cast.lines[0].unit_label, "at", cast.lines[0].rate)
update_line(budget, "1400", 0, rate=cast.lines[0].rate + 250)
print("after a $250/day raise:", format_money(compute(budget).grand_total))

# %% [markdown]
# ## 7. Call sheet
# Sunrise and sunset are computed for the location (here London). Call sheets and the budget follow whichever
# board they are given: here the hand-reordered one, so "day X of Y" matches that stripboard (on the command
# line, `studio callsheet` and `studio budget` take `--schedule schedule.json` for the same reason).

# %%
from studio_kit.engines.preproduction.callsheet import build_call_sheet

manual_dood = day_out_of_days(manual)
cs = build_call_sheet(manual, bd, 1, {"lat": 51.5074, "lon": -0.1278, "timezone": "Europe/London",
                                      "location_name": "London"}, dood=manual_dood)
assert [s.scene_number for s in cs.scenes] == [s.scene_number for s in manual.days[0].strips]
print(f"{cs.title}: day {cs.day_number} of {cs.total_days}, {cs.weekday} {cs.date}, crew call {cs.crew_call:%H:%M}, "
      f"sunrise {cs.sunrise}, sunset {cs.sunset}")
for c in cs.cast:
    print(f"  {c.cast_id}. {c.character:8} {c.status:4} pickup {c.pickup:%H:%M}, makeup {c.makeup:%H:%M}, on set {c.on_set:%H:%M}")

# %% [markdown]
# ## Next
# * The whole package in one run: `studio run preproduction_package -p script_path my.fountain`
#   (files and stored assets).
# * The interactive board: `panel serve dashboards/breakdown_board.py` — drag strips, re-optimise, edit tags,
#   lock cast numbers, edit the budget, download call sheets (budget and call sheets follow the board as dragged).
