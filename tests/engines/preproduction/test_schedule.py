"""Stripboard optimisation with CP-SAT: beats the baselines, keeps every constraint, explains infeasibility."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import ScheduleLimits
from studio_kit.engines.preproduction import stripboard as sb
from studio_kit.engines.preproduction.schedule import (
    ScheduleConstraints,
    optimise,
    reschedule,
    schedule_breakdown,
    violations,
)
from studio_kit.exceptions import ScheduleError

FAST = {"time_limit": 3.0, "num_workers": 2}


def _interleaved(strip):
    """12 one-page scenes cycling through three sites: A B C A B C ...

    Known best order: one site per day, 3 days, 0 company moves. Script order
    packs 5 pages a day across all three sites; greedy by location fills days
    to 5 pages and so spills each site over a day break (2 moves).
    """
    sites = ["WAREHOUSE", "DINER", "PARK"]
    return [strip(i, sites[i % 3], 8, cast=[1 + i % 3]) for i in range(12)]


def test_optimiser_beats_script_order_and_greedy_on_a_known_case(strip):
    strips = _interleaved(strip)
    sched = optimise(strips, **FAST)
    script = sched.baseline("script order")
    greedy = sched.baseline("greedy by location")
    assert script.company_moves >= 6 and greedy.company_moves == 2
    assert sched.company_moves == 0 < greedy.company_moves
    assert len(sched.days) == 3 and all(len(d.sites) == 1 for d in sched.days)
    assert sched.objective <= min(script.objective, greedy.objective)
    assert sched.cast_days <= greedy.cast_days
    assert sched.lower_bound <= sched.objective and sched.solve_seconds > 0
    assert sched.status in {"OPTIMAL", "FEASIBLE"}
    if sched.status == "OPTIMAL":
        assert sched.gap == pytest.approx(0.0)
    # every strip is on the board exactly once
    assert sorted(s.scene_index for s in sched.strips) == list(range(12))


def test_pages_per_day_limit_holds_and_day_breaks_follow_it(strip):
    strips = [strip(i, f"SITE {i % 4}", 3 + (i * 5) % 14) for i in range(16)]
    limits = ScheduleLimits(eighths_per_day=24)            # 3 pages a day
    sched = optimise(strips, limits=limits, **FAST)
    assert all(d.eighths <= 24 for d in sched.days)
    assert sum(d.eighths for d in sched.days) == sum(s.eighths for s in strips)
    assert violations(sched) == []


def test_constraints_hold_in_the_optimised_schedule(strip):
    strips = _interleaved(strip)
    c = ScheduleConstraints(
        cast_available={2: [2, 3]},          # cast 2 (the DINER scenes) only on days 2-3
        cast_unavailable={3: [1]},           # cast 3 cannot work day 1
        location_available={"WAREHOUSE": [1, 2, 4]},
        before=[(9, 0), (5, 3)],             # a late warehouse scene must shoot before the first one
        fixed={4: 3},                        # scene index 4 (DINER) is fixed to day 3
    )
    sched = optimise(strips, constraints=c, **FAST)
    assert violations(sched, c) == []
    day = {s.scene_index: d.number for d in sched.days for s in d.strips}
    assert day[4] == 3
    assert all(day[i] in (2, 3) for i in range(1, 12, 3))
    assert all(day[i] != 1 for i in range(2, 12, 3))
    assert all(day[i] in (1, 2, 4) for i in range(0, 12, 3))
    assert day[9] <= day[0] and day[5] <= day[3]
    # within a day the earlier-must-shoot scene comes first
    for d in sched.days:
        order = [s.scene_index for s in d.strips]
        if 9 in order and 0 in order:
            assert order.index(9) < order.index(0)


def test_day_night_flips_are_avoided_when_possible(strip):
    strips = [strip(i, "HOUSE", 8, cast=[1], night=i % 2 == 1) for i in range(8)]
    sched = optimise(strips, limits=ScheduleLimits(eighths_per_day=32), **FAST)
    assert sched.day_night_flips <= 1                      # at most the one day->night change of days
    assert sched.baseline("script order").day_night_flips > sched.day_night_flips
    assert all(len({s.night for s in d.strips}) == 1 for d in sched.days)


def test_cast_unavailable_on_every_day_is_named(strip):
    strips = _interleaved(strip)
    c = ScheduleConstraints(cast_unavailable={3: list(range(1, 40))}, days=12)
    with pytest.raises(ScheduleError, match=r"cast member 3 BOB is unavailable on every day of the 12-day"):
        optimise(strips, constraints=c, cast_names={3: "BOB"}, **FAST)
    # without a fixed length the board could grow, so the message says why it cannot
    c = ScheduleConstraints(cast_unavailable={3: list(range(1, 40))})
    with pytest.raises(ScheduleError, match=r"cast member 3 BOB is unavailable on shoot days 1-39, but only \d+ "
                                            r"scene\(s\) can be shot without them"):
        optimise(strips, constraints=c, cast_names={3: "BOB"}, **FAST)


def test_cast_unavailable_on_the_first_days_is_shot_later_not_refused(strip):
    """An actor barred from days 1-4 of an auto-length board (7 4/8 pages: 2 days unconstrained)
    is shot from day 5, after BEA's scenes fill days 1-4, instead of being refused."""
    strips = [strip(i, "STAGE", 10, cast=[1] if i < 2 else [2]) for i in range(6)]
    c = ScheduleConstraints(cast_unavailable={1: [1, 2, 3, 4]})
    sched = optimise(strips, constraints=c, cast_names={1: "ANA", 2: "BEA"}, **FAST)
    assert not violations(sched, c)
    assert min(sched.day_of(0), sched.day_of(1)) >= 5
    assert all(d.strips for d in sched.days)          # no empty shoot day was left in the board


def test_infeasible_availability_names_the_cast_member(strip):
    """Probing each actor's window names who makes the board impossible, not just the family."""
    strips = [strip(i, "STAGE", 40, cast=[1 + i % 2]) for i in range(4)]
    c = ScheduleConstraints(cast_available={1: [1], 2: [1, 2, 3, 4]}, days=4)
    with pytest.raises(ScheduleError, match=r"cast member 1 ANA's availability") as err:
        optimise(strips, constraints=c, cast_names={1: "ANA", 2: "BEA"}, **FAST)
    assert "BEA's availability" not in str(err.value)


def test_scene_longer_than_a_day_is_named(strip):
    strips = [strip(0, "A", 8), strip(11, "B", 72)]
    with pytest.raises(ScheduleError, match=r"scene 12 .* alone is 9 pages > 5 4/8 per day"):
        optimise(strips, **FAST)


def test_zero_length_scene_and_empty_board_are_errors(strip):
    with pytest.raises(ScheduleError, match="zero length"):
        optimise([strip(0, "A", 0)], **FAST)
    with pytest.raises(ScheduleError, match="no scenes"):
        optimise([], **FAST)


def test_conflicting_windows_and_cycles_are_named(strip):
    strips = _interleaved(strip)
    c = ScheduleConstraints(cast_available={1: [1]}, location_available={"WAREHOUSE": [2]})
    with pytest.raises(ScheduleError, match=r"scene 1 .*no possible shoot day.*cast member 1.*location WAREHOUSE"):
        optimise(strips, constraints=c, **FAST)
    with pytest.raises(ScheduleError, match="cycle"):
        optimise(strips, constraints=ScheduleConstraints(before=[(0, 1), (1, 2), (2, 0)]), **FAST)


def test_infeasible_combination_names_the_relaxable_family(strip):
    strips = [strip(i, "A", 8) for i in range(7)]
    # seven one-page scenes fixed to day 1 cannot fit 5 4/8 pages
    c = ScheduleConstraints(fixed={i: 1 for i in range(7)})
    with pytest.raises(ScheduleError, match="fixed strips") as err:
        optimise(strips, constraints=c, time_limit=2.0, num_workers=2)
    assert "cast availability" not in str(err.value)


def test_reordering_by_hand_changes_the_day_totals(strip):
    strips = _interleaved(strip)
    sched = optimise(strips, **FAST)
    plan = [[s.scene_index for s in d.strips] for d in sched.days]
    moved = plan[0].pop()
    plan[1].append(moved)
    manual = reschedule(sched, plan)
    assert manual.days[0].eighths == sched.days[0].eighths - 8
    assert manual.days[1].eighths == sched.days[1].eighths + 8
    assert manual.company_moves == 1 and manual.status == "MANUAL"
    assert manual.days[1].eighths == 40 and violations(manual) == []
    plan[1] += plan[2][:1]
    plan[2] = plan[2][1:]
    over = reschedule(sched, plan)
    # 6 one-page strips at 2 h a page plus 2 company moves at 1 h each
    assert violations(over) == ["day 2: 6 pages > 5 4/8", "day 2: 14 h > 12 h"]


def test_schedule_from_a_parsed_script_with_dates(reel_script):
    import datetime as dt

    from studio_kit.engines.preproduction.breakdown import break_down

    bd = break_down(reel_script)
    sched = schedule_breakdown(bd, start_date=dt.date(2026, 3, 6), **FAST)   # a Friday
    assert sum(len(d.strips) for d in sched.days) == 4
    assert sched.days[0].date == dt.date(2026, 3, 6)
    if len(sched.days) > 1:
        assert sched.days[1].date == dt.date(2026, 3, 9) and sched.days[1].week == 2   # weekend skipped
    assert sched.cast_names[1] == "BOB"
    # strips of one site (BOB'S APARTMENT kitchen + bedroom) are not a company move
    assert sb.site_of("BOB'S APARTMENT - KITCHEN") == sb.site_of("BOB'S APARTMENT - BEDROOM")
    colours = {s.scene_index: s.colour_name for s in sched.strips}
    assert colours == {0: "blue", 1: "yellow", 2: "blue", 3: "yellow"}


def test_zero_length_scene_from_a_script_is_named_not_scheduled(reel_script):
    from studio_kit.engines.preproduction.breakdown import break_down

    for scene in reel_script.scenes:
        scene.eighths = 0 if scene.index == 2 else 4
    bd = break_down(reel_script)
    assert any("scene 3" in w and "zero length" in w for w in bd.warnings)
    with pytest.raises(ScheduleError, match=r"zero length: scene 3 \(INT. BOB'S APARTMENT - BEDROOM - NIGHT\)"):
        schedule_breakdown(bd, **FAST)


def test_optimiser_keeps_an_actor_on_consecutive_days_to_cut_holds(strip):
    # one full day per site; the lead works only at ALPHA and CHARLIE. Greedy by location
    # shoots ALPHA, BRAVO, CHARLIE (lead held on BRAVO day); the better order puts BRAVO last.
    strips = []
    for site, cast in (("ALPHA", [1, 2]), ("BRAVO", [2]), ("CHARLIE", [1, 2])):
        strips += [strip(len(strips) + k, site, 22, cast=cast) for k in range(2)]
    sched = optimise(strips, **FAST)
    greedy = sched.baseline("greedy by location")
    assert greedy.cast_days == 3 + 3 and sched.cast_days == 2 + 3
    assert sched.company_moves == greedy.company_moves == 0
    lead_days = sorted({d.number for d in sched.days for s in d.strips if 1 in s.cast_ids})
    assert lead_days[-1] - lead_days[0] == 1
    from studio_kit.engines.preproduction.dood import day_out_of_days

    assert day_out_of_days(sched).row(1).hold == 0


def test_constraints_file_errors_name_the_bad_entry(reel_script, tmp_path):
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.preproduction.schedule import load_constraints

    bd = break_down(reel_script)
    rules = tmp_path / "rules.yaml"
    rules.write_text("cast_available: {ZED: [1]}\n", encoding="utf-8")
    with pytest.raises(ScheduleError, match="no cast member 'ZED'"):
        load_constraints(rules, bd)
    rules.write_text('before: [["1", "9"]]\n', encoding="utf-8")
    with pytest.raises(ScheduleError, match="no scene numbered '9'"):
        load_constraints(rules, bd)
    rules.write_text("cast_available: {BOB: [1, 2]}\nbefore: [[\"4\", \"1\"]]\nfixed: {\"2\": 2}\n", encoding="utf-8")
    c = load_constraints(rules, bd)
    assert c.cast_available == {1: [1, 2]} and c.before == [(3, 0)] and c.fixed == {1: 2}


def test_long_scene_is_split_into_ordered_parts_that_keep_its_breakdown(strip):
    """Scene 2 is 12 pages: three parts of 4 pages, shot in order; call sheets still find its elements."""
    import datetime as dt

    from studio_kit.domain.preproduction import Breakdown, BreakdownSheet, CastMember, Tag
    from studio_kit.domain.preproduction import BreakdownCategory as Cat
    from studio_kit.engines.preproduction.callsheet import CallSheetSettings, build_call_sheet

    sheets = [BreakdownSheet(scene_index=0, scene_number="1", heading="INT. BANK - DAY", int_ext="INT",
                             time_of_day="DAY", location="BANK", eighths=16,
                             tags=[Tag(category=Cat.CAST, name="ANA", element_id="cast:1", cast_id=1)]),
              BreakdownSheet(scene_index=1, scene_number="2", heading="INT. VAULT - NIGHT", int_ext="INT",
                             time_of_day="NIGHT", location="VAULT", eighths=96,
                             tags=[Tag(category=Cat.CAST, name="ANA", element_id="cast:1", cast_id=1),
                                   Tag(category=Cat.PROPS, name="DRILL", element_id="props:drill")])]
    bd = Breakdown(title="Heist", sheets=sheets, cast=[CastMember(id=1, name="ANA")])
    limits = ScheduleLimits(eighths_per_day=40, hours_per_day=24)
    parts, before, notes = sb.split_long_strips(sb.strips_from_breakdown(bd, limits), limits)
    assert [(p.scene_number, p.eighths, p.sheet_index) for p in parts] == [
        ("1", 16, 0), ("2 pt 1", 32, 1), ("2 pt 2", 32, 1), ("2 pt 3", 32, 1)]
    assert before == [(1, 200_001), (200_001, 300_001)] and "split into 3 parts" in notes[0]
    sched = schedule_breakdown(bd, limits=limits, **FAST)
    days = {s.scene_number: d.number for d in sched.days for s in d.strips}
    assert days["2 pt 1"] < days["2 pt 2"] < days["2 pt 3"] and not violations(sched)
    assert any("split into 3 parts" in w for w in sched.warnings)
    cs = build_call_sheet(sched, bd, days["2 pt 3"], CallSheetSettings(start_date=dt.date(2026, 6, 22)))
    assert ("Props", "DRILL") in {(r.category, r.item) for r in cs.requirements}
    # the optimiser itself still refuses a strip that cannot fit a day (it never splits silently)
    with pytest.raises(ScheduleError, match="alone is"):
        optimise(sb.strips_from_breakdown(bd, limits), limits=limits, **FAST)
