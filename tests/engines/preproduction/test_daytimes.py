"""Time of day carries through, dawn/dusk windows, no ext day + ext night days, per-day calls and turnaround."""
from __future__ import annotations

import datetime as dt

import pytest

from studio_kit.domain.preproduction import Schedule, ScheduleLimits, ShootDay, Strip, day_part
from studio_kit.engines.preproduction.breakdown import break_down
from studio_kit.engines.preproduction.callsheet import CallSheetSettings, build_call_sheet
from studio_kit.engines.preproduction.daytimes import day_calls, time_days
from studio_kit.engines.preproduction.schedule import schedule_breakdown, violations
from studio_kit.engines.writing.fountain import parse_fountain

MONDAY = dt.date(2026, 6, 22)

CARRY = """INT. WAREHOUSE - NIGHT

Maya slips inside.

INT. WAREHOUSE OFFICE - CONTINUOUS

She forces the desk drawer.

EXT. WAREHOUSE YARD - MOMENTS LATER

Dogs bark. Maya runs for the fence.

EXT. ROOFTOP - DAWN

Maya watches the sun come up.

INT. DINER - LATER

Maya eats.

EXT. BEACH - MAGIC HOUR

Maya walks into the waves.
"""


@pytest.mark.parametrize("written, part", [("NIGHT", "night"), ("DAY", "day"), ("DAWN", "dawn"), ("DUSK", "dusk"),
                                           ("MAGIC HOUR", "dusk"), ("LATE AFTERNOON", "day"), ("EVENING", "night"),
                                           ("CONTINUOUS", ""), ("MOMENTS LATER", ""), ("SAME", "")])
def test_day_parts_of_heading_times(written, part):
    assert day_part(written) == part


def test_continuous_and_later_inherit_the_previous_scenes_time():
    bd = break_down(parse_fountain(CARRY))
    times = [(s.time_of_day, s.time_written, s.time_from) for s in bd.sheets]
    assert times[1] == ("NIGHT", "CONTINUOUS", "1")          # night after night
    assert times[2] == ("NIGHT", "MOMENTS LATER", "1")
    assert bd.sheets[2].is_night and bd.sheets[2].day_part == "night"
    assert times[4] == ("DAWN", "LATER", "4") and bd.sheets[4].day_part == "dawn"
    assert bd.sheets[5].day_part == "dusk"


def test_dawn_and_dusk_strips_have_their_own_colours_and_shoot_at_the_ends_of_the_day():
    bd = break_down(parse_fountain(CARRY))
    sched = schedule_breakdown(bd, time_limit=3, num_workers=2, start_date=MONDAY,
                               limits=ScheduleLimits(eighths_per_day=40, hours_per_day=14))
    strips = {s.scene_number: s for s in sched.strips}
    assert strips["4"].colour_name == "pink" and strips["6"].colour_name == "orange"
    assert strips["3"].colour_name == "green" and strips["1"].colour_name == "blue"
    for day in sched.days:
        phases = [(0 if s.part == "dawn" else 2 if s.part == "dusk" else 3 if s.exterior and s.part == "night" else 1)
                  for s in day.strips]
        assert phases == sorted(phases), [s.scene_number for s in day.strips]
    assert not violations(sched)


def _strip(i, ie, tod, eighths=4, site=None, cast=(1,)):
    part = day_part(tod)
    return Strip(scene_index=i, scene_number=str(i + 1), heading=f"{ie}. SET{i} - {tod}", int_ext=ie, time_of_day=tod,
                 night=part == "night", day_part=part, location=site or f"SET{i}", site=site or f"SET{i}",
                 eighths=eighths, hours=eighths / 8 * 2, cast_ids=list(cast))


def test_the_optimiser_never_puts_exterior_day_and_exterior_night_on_one_day():
    from studio_kit.engines.preproduction.schedule import optimise

    strips = [_strip(0, "EXT", "DAY", site="PARK"), _strip(1, "EXT", "NIGHT", site="PARK"),
              _strip(2, "EXT", "DAY", site="PARK"), _strip(3, "EXT", "NIGHT", site="PARK")]
    sched = optimise(strips, limits=ScheduleLimits(eighths_per_day=40, hours_per_day=16), time_limit=3, num_workers=2)
    for d in sched.days:
        parts = {s.part for s in d.strips if s.exterior}
        assert parts != {"day", "night"}
    assert len(sched.days) == 2
    mixed = sched.model_copy(update={"days": [ShootDay(number=1, strips=strips, eighths=16, hours=8)]})
    assert any("exterior day" in v and "exterior night" in v for v in violations(mixed))


def _sched(days, limits=None):
    return Schedule(title="T", days=[ShootDay(number=n + 1, strips=d, eighths=sum(s.eighths for s in d),
                                              hours=sum(s.hours for s in d)) for n, d in enumerate(days)],
                    limits=limits or ScheduleLimits(), cast_names={1: "MAYA", 2: "OTTO"})


def test_a_night_day_calls_late_and_a_dawn_day_calls_for_sunrise():
    settings = CallSheetSettings(start_date=MONDAY)            # Los Angeles, June: sunrise ~05:42, sunset ~20:08
    sched = _sched([[_strip(0, "EXT", "NIGHT", 16)], [_strip(1, "INT", "DAY", 8)], [_strip(2, "EXT", "DAWN", 4)]])
    calls = day_calls(sched, settings)
    night, day, dawn = calls
    assert night.shooting_call.time() >= dt.time(19, 30) and night.crew_call.time() >= dt.time(18, 30)
    assert night.shooting_call >= night.sunset                         # exterior night starts when it is dark
    assert night.wrap.date() == MONDAY + dt.timedelta(days=1)         # wraps after midnight
    # day 2 would be called at 07:00, 12 h turnaround after a ~01:00 wrap pushes it
    assert (day.crew_call - night.wrap) >= dt.timedelta(hours=12) and "turnaround" in day.note
    assert not day.forced
    assert dawn.shooting_call <= dawn.sunrise and dawn.shooting_call >= dawn.sunrise - dt.timedelta(hours=1)


def test_a_turnaround_the_light_cannot_absorb_is_reported_as_a_forced_call():
    settings = CallSheetSettings(start_date=MONDAY)
    sched = _sched([[_strip(0, "EXT", "NIGHT", 16)], [_strip(1, "EXT", "DAWN", 4, cast=(1,))]])
    timed = time_days(sched, settings)
    assert timed.days[1].forced_calls and "forced call" in timed.days[1].forced_calls[0]
    assert any(w.startswith("day 2:") and "forced call" in w for w in timed.warnings)
    assert any("cast #1 MAYA" in f for f in timed.days[1].forced_calls)
    sheet = build_call_sheet(timed, _breakdown_for(timed), 2, settings)
    assert sheet.forced_calls and any(n.startswith("FORCED CALL") for n in sheet.notes)


def test_turnaround_is_configurable():
    settings = CallSheetSettings(start_date=MONDAY)
    days = [[_strip(0, "EXT", "NIGHT", 16)], [_strip(1, "EXT", "DAWN", 4, cast=(2,))]]
    strict = day_calls(_sched(days), settings)
    loose = day_calls(_sched(days, ScheduleLimits(crew_turnaround_hours=2, cast_turnaround_hours=2)), settings)
    assert strict[1].forced and not loose[1].forced


def _breakdown_for(sched):
    from studio_kit.domain.preproduction import Breakdown, BreakdownSheet, CastMember

    return Breakdown(title="T", sheets=[BreakdownSheet(scene_index=s.scene_index, scene_number=s.scene_number,
                                                       heading=s.heading, eighths=s.eighths) for s in sched.strips],
                     cast=[CastMember(id=1, name="MAYA"), CastMember(id=2, name="OTTO")])
