"""Re-optimising after a small change starts from the published board and moves few strips."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from studio_kit.engines.preproduction.schedule import optimise, summary, violations
from studio_kit.engines.preproduction.service import SAMPLE_SCRIPT, break_down_script, schedule_of
from studio_kit.exceptions import ScheduleError

OPTS = {"time_limit": 2.0}
KITCHEN = "INT. MAYA'S FLAT - KITCHEN - NIGHT\n"


def _with_priya_in_the_kitchen(tmp_path):
    """The sample short with one scene's cast changed: PRIYA now visits Maya's kitchen."""
    text = SAMPLE_SCRIPT.read_text(encoding="utf-8")
    assert KITCHEN in text
    edited = text.replace(KITCHEN, KITCHEN + "\nPRIYA knocks and lets herself in.\n\nPRIYA\nYou left the vault open.\n", 1)
    path = tmp_path / "the_last_reel_v2.fountain"
    path.write_text(edited, encoding="utf-8")
    return path


def _days(sched):
    return {s.scene_number: d.number for d in sched.days for s in d.strips}


def test_one_scene_cast_change_moves_few_strips_and_reports_them(tmp_path):
    _, bd = break_down_script(SAMPLE_SCRIPT)
    published = schedule_of(bd, **OPTS)
    assert published.moved is None
    _, bd2 = break_down_script(_with_priya_in_the_kitchen(tmp_path))
    kitchen = next(s for s in bd2.sheets if s.heading.startswith("INT. MAYA'S FLAT"))
    priya = next(m.id for m in bd2.cast if m.name == "PRIYA")
    assert priya in kitchen.cast_ids and priya not in next(
        s for s in bd.sheets if s.scene_index == kitchen.scene_index).cast_ids

    again = schedule_of(bd2, previous=published, **OPTS)
    before, after = _days(published), _days(again)
    moved_numbers = sorted(n for n in before if before[n] != after[n])
    number = {s.scene_index: s.scene_number for s in again.strips}
    assert sorted(number[i] for i in again.moved) == moved_numbers      # the report names exactly what moved
    assert len(again.moved) <= len(before) // 4                          # most strips keep their day
    assert violations(again) == []
    # cost change against the published board (re-scored with the new cast), and the summary carries it
    assert again.previous_objective is not None and again.objective <= again.previous_objective + 1e-9
    s = summary(again)
    assert s["moved"] == len(again.moved) and s["cost_change"] == pytest.approx(again.objective - again.previous_objective)


def test_a_high_move_weight_keeps_every_strip_and_zero_lets_the_solver_move_freely(strip):
    sites = ["WAREHOUSE", "DINER", "PARK"]
    strips = [strip(i, sites[i % 3], 8, cast=[1 + i % 3]) for i in range(12)]
    best = optimise(strips, **OPTS)
    # a published board in script order: 4 strips a day, three sites each day
    script_order = {i: 1 + i // 4 for i in range(12)}
    kept = optimise(strips, previous=script_order, move_weight=10_000, **OPTS)
    assert kept.moved == [] and _days(kept) == {str(i + 1): script_order[i] for i in range(12)}
    assert kept.objective == pytest.approx(kept.previous_objective)
    free = optimise(strips, previous=script_order, move_weight=0, **OPTS)
    assert free.objective == pytest.approx(best.objective) and free.objective < free.previous_objective
    assert len(free.moved) > 0


def test_strips_whose_published_day_is_now_barred_move_and_bad_previous_boards_are_refused(strip):
    from studio_kit.domain.preproduction import ScheduleConstraints

    strips = [strip(i, "HOUSE", 8, cast=[1 + (i == 0)]) for i in range(6)]
    prev = {i: 1 + i // 3 for i in range(6)}
    c = ScheduleConstraints(cast_unavailable={2: [1]})          # scene 0's actor can no longer work day 1
    again = optimise(strips, constraints=c, previous=prev, **OPTS)
    assert 0 in again.moved and violations(again, c) == []
    with pytest.raises(ScheduleError, match="days are numbers from 1"):
        optimise(strips, previous={0: 0}, **OPTS)
    with pytest.raises(ScheduleError, match="Move weight"):
        optimise(strips, previous=prev, move_weight=-1, **OPTS)


def test_cli_keep_board_re_optimises_from_the_published_schedule(tmp_path):
    from studio_kit.cli import app

    runner = CliRunner()
    first = runner.invoke(app, ["schedule", str(SAMPLE_SCRIPT), "--time-limit", "2", "-o", str(tmp_path / "v1")])
    assert first.exit_code == 0, first.output
    assert (tmp_path / "v1" / "schedule.json").is_file()
    second = runner.invoke(app, ["schedule", str(_with_priya_in_the_kitchen(tmp_path)), "--time-limit", "2",
                                 "--keep-board", str(tmp_path / "v1"), "-o", str(tmp_path / "v2")])
    assert second.exit_code == 0, second.output
    assert "re-optimised from the published board" in second.output and "strips moved" in second.output
    missing = runner.invoke(app, ["schedule", str(SAMPLE_SCRIPT), "--keep-board", str(tmp_path / "nope.json"),
                                  "-o", str(tmp_path / "v3")])
    assert isinstance(missing.exception, ScheduleError) and "nope.json" in str(missing.exception)
