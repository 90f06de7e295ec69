"""Day-out-of-days codes, holds, drop/pickup rule and totals."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import DoodCode as C
from studio_kit.domain.preproduction import Schedule, ScheduleLimits
from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.stripboard import build_days
from studio_kit.exceptions import ScheduleError


def _schedule(strip, work: dict[int, list[int]], n_days: int) -> Schedule:
    """One strip per day; cast members work on the days listed."""
    plan = []
    for d in range(1, n_days + 1):
        cast = [cid for cid, days in work.items() if d in days]
        plan.append([strip(d - 1, "STAGE", 8, cast=cast)])
    return Schedule(days=build_days(plan, ScheduleLimits()), cast_names={1: "BOB", 2: "ALICE", 3: "CARL"})


def test_codes_for_start_work_hold_finish_and_one_day_players(strip):
    dood = day_out_of_days(_schedule(strip, {1: [1, 2, 5], 2: [3]}, 6))
    bob, alice = dood.row(1), dood.row(2)
    assert bob.codes == [C.START_WORK, C.WORK, C.HOLD, C.HOLD, C.WORK_FINISH, C.OFF]
    assert (bob.work, bob.hold, bob.total, bob.start_day, bob.finish_day) == (3, 2, 5, 1, 5)
    assert alice.codes == [C.OFF, C.OFF, C.START_WORK_FINISH, C.OFF, C.OFF, C.OFF]
    assert (alice.work, alice.hold) == (1, 0)
    assert bob.name == "BOB" and dood.day_numbers == [1, 2, 3, 4, 5, 6]


def test_long_idle_gap_is_dropped_and_picked_up_instead_of_held(strip):
    sched = _schedule(strip, {3: [1, 14, 15]}, 15)
    carl = day_out_of_days(sched, drop_after=10).row(3)
    assert carl.codes[0] == C.START_WORK and carl.codes[1] == C.DROP
    assert carl.codes[2:13] == [C.OFF] * 11                # no holds while dropped
    assert carl.codes[13] == C.PICKUP and carl.codes[14] == C.WORK_FINISH
    assert (carl.work, carl.hold, carl.drop_pickups, carl.total) == (3, 0, 1, 3)
    # with a longer allowance the same gap is held
    held = day_out_of_days(sched, drop_after=20).row(3)
    assert held.hold == 12 and held.drop_pickups == 0 and C.DROP not in held.codes


def test_a_gap_of_exactly_n_days_is_held(strip):
    row = day_out_of_days(_schedule(strip, {1: [1, 12]}, 12), drop_after=10).row(1)
    assert row.hold == 10 and row.drop_pickups == 0


def test_holds_only_between_first_and_last_work_day_and_travel_rehearsal(strip):
    sched = _schedule(strip, {1: [3, 4]}, 6)
    row = day_out_of_days(sched, travel={1: [2, 6]}, rehearsal={1: [1]}).row(1)
    assert row.codes == [C.REHEARSAL, C.TRAVEL, C.START_WORK, C.WORK_FINISH, C.OFF, C.TRAVEL]
    assert (row.work, row.travel, row.rehearsal, row.hold, row.total) == (2, 2, 1, 0, 5)


def test_bad_drop_rule_is_an_error(strip):
    with pytest.raises(ScheduleError, match="drop_after"):
        day_out_of_days(_schedule(strip, {1: [1]}, 1), drop_after=0)
