"""Storyboard shot lists: coverage rules, the lines each shot covers, and timing."""
from __future__ import annotations

import pytest

from studio_kit.domain.script import ShotSize
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.generation import generate_script
from studio_kit.engines.writing.pagination import paginate
from studio_kit.engines.writing.shots import scene_seconds, shot_list

KITCHEN = """Title: Shots

INT. KITCHEN - NIGHT #7A#

Mara sets the BOTTLE on the table.

MARA
Where did you find this?

JONAH
On the beach.

MARA
(quietly)
I'm sorry.

JONAH
Don't be.

EXT. BEACH - DAY

Jonah runs along the shore.
"""


def _by_scene(shots):
    out: dict[int, list] = {}
    for shot in shots:
        out.setdefault(shot.scene_index, []).append(shot)
    return out


def test_a_dialogue_scene_gets_establishing_insert_two_shot_over_the_shoulders_and_a_close_up():
    script = parse_fountain(KITCHEN)
    shots = shot_list(script)
    scene = _by_scene(shots)[0]
    assert [s.size for s in scene] == [ShotSize.WIDE, ShotSize.INSERT, ShotSize.MEDIUM,
                                       ShotSize.OVER_THE_SHOULDER, ShotSize.CLOSE_UP, ShotSize.OVER_THE_SHOULDER]
    wide, insert, two, ots1, close, ots2 = scene
    assert wide.covers_lines == [3, 5] and "INT. KITCHEN - NIGHT" in wide.description
    assert insert.subjects == ["BOTTLE"] and insert.covers_lines == [5]
    assert two.subjects == ["MARA", "JONAH"] and two.covers_lines == [7, 8]
    assert ots1.subjects == ["JONAH", "MARA"] and ots1.covers_lines == [10, 11]   # on Jonah, over Mara
    assert close.subjects == ["MARA"] and close.covers_lines == [13, 14, 15]     # the parenthetical line
    assert ots2.covers_lines == [17, 18]
    assert [s.number for s in scene] == [f"7A.{k}" for k in range(1, 7)]
    assert all(s.scene_number == "7A" for s in scene)


def test_a_new_exterior_location_opens_on_a_moving_wide_and_names_who_is_in_it():
    shots = _by_scene(shot_list(parse_fountain(KITCHEN)))[1]
    assert len(shots) == 1 and shots[0].size == ShotSize.WIDE
    assert shots[0].movement in {"pan", "crane"} and shots[0].angle == "high"
    assert shots[0].subjects == ["JONAH"] and shots[0].covers_lines == [20, 22]
    assert shots[0].number == "2.1"


def test_without_pagination_seconds_come_from_the_words():
    script = parse_fountain(KITCHEN)
    shots = _by_scene(shot_list(script))
    # 5 + 3 + 2 + 2 dialogue words at 2.5 words/s, 7 action words at 3 words/s, 0.5 s parenthetical
    expected = 12 / 2.5 + 7 / 3 + 0.5
    assert scene_seconds(script.scenes[0], script) == pytest.approx(expected)
    assert sum(s.seconds for s in shots[0]) == pytest.approx(expected, abs=0.011)


def test_after_pagination_each_scene_runs_a_minute_a_page_and_its_shots_add_up():
    result = generate_script("A lighthouse keeper finds a message in a bottle that predicts the next storm.",
                             pages=10, seed=3, genre="thriller", tone="tense")
    script = result.script
    script.metadata.pop("scene_seconds")  # use the paginated eighths, as for any script
    paginate(script, "letter")
    shots = shot_list(script)
    grouped = _by_scene(shots)
    assert set(grouped) == {s.index for s in script.scenes}
    for scene in script.scenes:
        assert scene.eighths
        assert sum(s.seconds for s in grouped[scene.index]) == pytest.approx(scene.eighths / 8 * 60, abs=0.011)
        assert all(s.seconds > 0 for s in grouped[scene.index])
        # every spoken line is covered by a shot of its own scene
        covered = {n for s in grouped[scene.index] for n in s.covers_lines}
        for block in scene.dialogue:
            assert block.line in covered and all(e.line in covered for e in block.lines)
        speakers = set(scene.speaking_characters)
        for shot in grouped[scene.index]:
            if shot.size == ShotSize.OVER_THE_SHOULDER:
                assert len(shot.subjects) == 2 and set(shot.subjects) <= speakers
    sizes = {s.size for s in shots}
    assert {ShotSize.WIDE, ShotSize.MEDIUM, ShotSize.OVER_THE_SHOULDER, ShotSize.CLOSE_UP} <= sizes
    assert grouped[0][0].size == ShotSize.WIDE and grouped[0][0].description.startswith("Establishing")


def test_climax_close_ups_look_up_at_the_characters():
    result = generate_script("A lighthouse keeper finds a message in a bottle that predicts the next storm.",
                             pages=10, seed=1)
    shots = shot_list(result.script)
    climax = {p.index for p in result.plans if p.kind == "climax"}
    close = [s for s in shots if s.scene_index in climax and s.size == ShotSize.CLOSE_UP]
    assert close and all(s.angle == "low" for s in close)


def test_an_ad_is_timed_to_its_planned_seconds():
    result = generate_script("A smart thermos keeps coffee hot all day.", format="ad30", seed=2)
    shots = shot_list(result.script)
    assert sum(s.seconds for s in shots) == pytest.approx(30, abs=0.02)
    for plan, group in zip(result.plans, _by_scene(shots).values()):
        assert sum(s.seconds for s in group) == pytest.approx(plan.seconds, abs=0.011)


def test_every_sample_screenplay_gets_a_consistent_shot_list(samples_dir):
    for path in sorted((samples_dir / "fountain").glob("*.fountain")):
        script = parse_fountain(path.read_text(encoding="utf-8"))
        paginate(script, "letter")
        shots = shot_list(script)
        for scene in script.scenes:
            group = [s for s in shots if s.scene_index == scene.index]
            assert group, (path.name, scene.heading)
            assert sum(s.seconds for s in group) == pytest.approx(scene_seconds(scene, script), abs=0.011)


def test_fountain_text_is_accepted_and_other_input_is_a_clear_error():
    from studio_kit.exceptions import ScriptError

    assert [s.number for s in shot_list(KITCHEN)][:2] == ["7A.1", "7A.2"]
    with pytest.raises(ScriptError, match="needs a Script or Fountain text"):
        shot_list(42)
