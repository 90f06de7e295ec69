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
    # a one-day stint before the gap: start-work-drop; the gap is blank; pickup-work on the return
    assert carl.labels[0] == "SWD" and carl.codes[0] == C.START_WORK
    assert carl.codes[1:13] == [C.OFF] * 12                # no holds while dropped
    assert carl.labels[13] == "PW" and carl.labels[14] == "WF"
    assert (carl.work, carl.hold, carl.drop_pickups, carl.total) == (3, 0, 1, 3)
    # with a longer allowance the same gap is held
    held = day_out_of_days(sched, drop_after=20).row(3)
    assert held.hold == 12 and held.drop_pickups == 0 and not held.drop_days
    assert held.labels == ["SW"] + ["H"] * 12 + ["W", "WF"]


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


def test_drop_and_pickup_marks_sit_on_the_adjoining_work_days_like_movie_magic(strip, tmp_path):
    """WD on the last day worked before the gap, PW on the return day; SW/WF are never hidden."""
    import csv

    from openpyxl import load_workbook

    from studio_kit.engines.preproduction import exports

    sched = _schedule(strip, {1: [1, 2, 14, 15], 2: [1, 13], 3: [2, 3]}, 15)
    dood = day_out_of_days(sched, drop_after=10)
    ana, bea = dood.row(1), dood.row(2)
    assert ana.labels[:3] == ["SW", "WD", ""] and ana.labels[13:] == ["PW", "WF"]
    assert ana.codes[1] == C.WORK and ana.drop_days == [2] and ana.pickup_days == [14]
    assert (ana.work, ana.hold, ana.drop_pickups, ana.total) == (4, 0, 1, 4)
    # a one-day stint on each side of the gap: start-work-drop, pickup-work-finish
    assert bea.labels[0] == "SWD" and bea.labels[12] == "PWF" and set(bea.labels[1:12]) == {""}
    assert (bea.work, bea.hold) == (2, 0)
    assert dood.row(3).labels == ["", "SW", "WF"] + [""] * 12
    # the exports print the same cells and the workbook formulas count them
    rows = {r[1]: r for r in csv.reader(exports.dood_csv(dood, tmp_path / "d.csv").open(encoding="utf-8"))}
    assert rows["BOB"][2:4] == ["SW", "WD"] and rows["ALICE"][2] == "SWD" and rows["ALICE"][14] == "PWF"
    ws = load_workbook(exports.dood_xlsx(dood, tmp_path / "d.xlsx"))["Day out of days"]
    values = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    bob = next(v for v in values if v[1] == "BOB")
    assert bob[2:4] == ["SW", "WD"] and '"PW"' in bob[2 + 15] and '"WD"' in bob[2 + 15 + 4]
    pdf = exports.dood_pdf(dood, tmp_path / "d.pdf")
    from pypdf import PdfReader

    text = PdfReader(str(pdf)).pages[0].extract_text()
    assert "SWD" in text and "PWF" in text and "WD" in text and "PW" in text


def test_dood_xlsx_formulas_recount_to_the_csv_totals(strip, tmp_path):
    """Evaluate the workbook's COUNTIF sums by hand: XLSX, CSV and the model agree, drops included."""
    import csv
    import re

    from openpyxl import load_workbook
    from openpyxl.utils import column_index_from_string

    from studio_kit.engines.preproduction import exports

    dood = day_out_of_days(_schedule(strip, {1: [1, 2, 14, 15], 2: [1, 13], 3: [2, 3, 5]}, 15), drop_after=10)
    ws = load_workbook(exports.dood_xlsx(dood, tmp_path / "d.xlsx"))["Day out of days"]
    header = [c.value for c in ws[1]]
    csv_rows = {r[1]: r for r in csv.reader(exports.dood_csv(dood, tmp_path / "d.csv").open(encoding="utf-8"))}

    def countifs(formula: str, row: int) -> int:
        total = 0
        for a, b, code in re.findall(r'COUNTIF\(([A-Z]+)\d+:([A-Z]+)\d+,"([A-Z]+)"\)', formula):
            cells = [ws.cell(row=row, column=k).value or "" for k in
                     range(column_index_from_string(a), column_index_from_string(b) + 1)]
            total += cells.count(code)
        return total

    for i in range(2, ws.max_row + 1):
        name = ws.cell(row=i, column=2).value
        model = next(r for r in dood.rows if r.name == name)
        got = {h: countifs(ws.cell(row=i, column=k + 1).value, i) for k, h in enumerate(header)
               if h in {"Work", "Hold", "Drop/Pickup"}}
        assert got == {"Work": model.work, "Hold": model.hold, "Drop/Pickup": model.drop_pickups}, name
        assert [str(got["Work"]), str(got["Hold"])] == [csv_rows[name][header.index("Work")],
                                                        csv_rows[name][header.index("Hold")]]
