"""The pre-production service: one ``plan_package`` for the CLI, the board and the template."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from studio_kit.engines.preproduction.service import (
    budget_difference,
    day_limits,
    load_published_schedule,
    plan_package,
)
from studio_kit.exceptions import BudgetError, ScheduleError


def _fountain(tmp_path, text):
    path = tmp_path / "reel.fountain"
    path.write_text(text, encoding="utf-8")
    return path


def test_plan_package_runs_script_to_call_sheets_and_writes_every_export(tmp_path, reel_text):
    steps = []
    pkg = plan_package(_fountain(tmp_path, reel_text), time_limit=2, num_workers=2, start_date="2026-03-02",
                       out_dir=tmp_path / "out", progress=steps.append)
    assert steps == ["breakdown", "schedule", "day out of days", "budget", "call sheets", "exports"]
    assert len(pkg.breakdown.sheets) == 4 and pkg.schedule.days
    assert pkg.preset == "micro-short-medium"          # a 2-page short is not priced as a feature
    assert pkg.top_sheet.grand_total > 0
    assert [c.day_number for c in pkg.call_sheets] == [d.number for d in pkg.schedule.days]
    assert pkg.call_sheets[0].date.isoformat() == "2026-03-02"
    assert pkg.files["budget"]["xlsx"].is_file() and pkg.files["schedule"]["stripboard_pdf"].is_file()
    assert len(pkg.files["callsheets"]) == 2 * len(pkg.schedule.days)
    assert all(p.stat().st_size > 0 for p in pkg.files["callsheets"])


def test_a_final_draft_file_breaks_down_like_its_fountain(tmp_path, reel_text, reel_script):
    from studio_kit.engines.writing.fdx import write_fdx

    fdx = tmp_path / "reel.fdx"
    write_fdx(reel_script, fdx)
    a = plan_package(_fountain(tmp_path, reel_text), preset=None, call_days=[], time_limit=2, num_workers=2)
    b = plan_package(fdx, preset=None, call_days=[], time_limit=2, num_workers=2)
    assert [s.heading for s in b.breakdown.sheets] == [s.heading for s in a.breakdown.sheets]
    assert [c.name for c in b.breakdown.cast] == [c.name for c in a.breakdown.cast]


def test_studio_breakdown_reads_an_fdx_file(tmp_path, reel_script):
    from studio_kit.cli import app
    from studio_kit.engines.writing.fdx import write_fdx

    fdx = tmp_path / "reel.fdx"
    write_fdx(reel_script, fdx)
    result = CliRunner().invoke(app, ["breakdown", str(fdx), "-o", str(tmp_path / "bd")])
    assert result.exit_code == 0, result.output
    assert "4 scenes" in result.output
    uci = json.loads(next((tmp_path / "bd").glob("*.json")).read_text())
    assert uci


def test_a_schedule_from_another_draft_is_refused(tmp_path, reel_text):
    pkg = plan_package(_fountain(tmp_path, reel_text), preset=None, call_days=[], time_limit=2, num_workers=2)
    revised = reel_text.replace("EXT. DINER - DAY", "EXT. DINER PARKING LOT - DAY")
    other = plan_package(_fountain(tmp_path, revised), preset=None, call_days=[], time_limit=2, num_workers=2)
    with pytest.raises(ScheduleError, match="different draft"):
        load_published_schedule(pkg.schedule, other.breakdown)
    (tmp_path / "schedule.json").write_text(pkg.schedule.model_dump_json(), encoding="utf-8")
    again = plan_package(_fountain(tmp_path, reel_text), schedule=tmp_path, start_date="2026-04-06",
                         call_days=[1], time_limit=2)
    assert [s.scene_index for s in again.schedule.strips] == [s.scene_index for s in pkg.schedule.strips]
    assert again.call_sheets[0].date.isoformat() == "2026-04-06"


@pytest.mark.parametrize("kwargs, error, words", [
    ({"pages_per_day": "lots"}, ScheduleError, "--pages-per-day"),
    ({"pages_per_day": "0"}, ScheduleError, "positive"),
    ({"time_limit": 0}, ScheduleError, "--time-limit"),
    ({"shots": -1}, BudgetError, "--shots"),
    ({"preset": "blockbuster"}, BudgetError, "blockbuster"),
    ({"start_date": "next week"}, ScheduleError, "not a date"),
])
def test_bad_day_limits_and_budget_inputs_fail_before_the_solver(tmp_path, reel_text, kwargs, error, words):
    with pytest.raises(error, match=words):
        plan_package(_fountain(tmp_path, reel_text), **kwargs)


def test_day_limits_read_eighths_and_decimals():
    assert day_limits("5 4/8").eighths_per_day == 44
    assert day_limits(5.5).eighths_per_day == 44
    assert day_limits("3", hours_per_day=10, moves_per_day=1).company_moves_per_day == 1


def test_budget_difference_prices_a_longer_board_higher(tmp_path, reel_text):
    from studio_kit.engines.preproduction.schedule import reschedule

    pkg = plan_package(_fountain(tmp_path, reel_text), call_days=[], time_limit=2, num_workers=2)
    one_scene_a_day = reschedule(pkg.schedule, [[s.scene_index] for s in pkg.schedule.strips])
    diff = budget_difference(pkg.breakdown, pkg.schedule, one_scene_a_day, script=pkg.script)
    assert diff.shoot_days == (len(pkg.schedule.days), len(pkg.breakdown.sheets))
    assert diff.total > 0 and diff.after_total - diff.before_total == diff.total
    assert diff.accounts and float(sum(diff.accounts.values())) == pytest.approx(float(diff.total), rel=0.2)
    assert "days" in diff.line
    same = budget_difference(pkg.breakdown, pkg.schedule, pkg.schedule, script=pkg.script)
    assert same.total == 0 and not same.accounts
