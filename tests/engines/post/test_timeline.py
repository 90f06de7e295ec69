"""The film's timing: built from the script and the voiced lines, the only source of timing."""
from __future__ import annotations

import opentimelineio as otio
import pytest

from studio_kit.domain.timeline import FPS, Timeline
from studio_kit.engines.post.timeline_build import build_timeline
from studio_kit.exceptions import TimelineError

SCRIPT = """Title: Night Shift

INT. DINER - NIGHT

MARA, 30s, wipes the counter. Rain streaks the window behind her.

MARA
(whispering)
We close in five minutes.

JONAS
Then pour me one more coffee, and I promise I will leave quietly.

MARA
Fine.

JONAS
Thank you.

MARA ^
(beat)
Go home.

CUT TO:

EXT. STREET - NIGHT

Jonas walks into the rain.

JONAS
(shouting)
Taxi!
"""


@pytest.fixture
def timeline() -> Timeline:
    return build_timeline(SCRIPT, {"s1-l1": 1.5, "s1-l2": 3.2, "s1-l3": 0.6, "s2-l1": 0.9})


def test_every_speech_gets_a_stable_line_id_and_its_voiced_length(timeline):
    lines = timeline.dialogue()
    assert [e.line_id for e in lines] == ["s1-l1", "s1-l2", "s1-l3", "s1-l4", "s1-l5", "s2-l1"]
    assert timeline.event("s1-l1").duration_frames == 36          # 1.5 s at 24 fps
    assert timeline.event("s1-l2").duration_frames == 77          # 3.2 s rounded up to whole frames
    assert timeline.event("s1-l1").parenthetical == "(whispering)"
    assert timeline.event("s1-l1").character == "MARA"
    assert timeline.fps == FPS == 24


def test_lines_follow_each_other_with_pauses_and_dual_dialogue_overlaps(timeline):
    a, b = timeline.event("s1-l1"), timeline.event("s1-l2")
    assert b.start_frame >= a.end_frame + 1                       # a natural pause between speeches
    jonas, mara = timeline.event("s1-l4"), timeline.event("s1-l5")
    assert mara.dual and mara.start_frame == jonas.start_frame    # dual dialogue plays at once


def test_action_beats_last_about_a_second_per_twelve_words_clamped(timeline):
    walks = next(e for e in timeline.events("action") if e.text.startswith("Jonas walks"))
    assert walks.duration_frames == FPS                           # 5 words: clamped to 1 s
    opening = timeline.events("action")[0]
    assert opening.duration_frames == FPS * 1                    # 11 words → 1 s


def test_scenes_and_shots_tile_the_film_without_gaps(timeline):
    cursor = 0
    for scene in timeline.scenes:
        assert scene.start_frame == cursor
        shot_cursor = scene.start_frame
        for shot in scene.shots:
            assert shot.start_frame == shot_cursor
            for e in shot.events:
                assert shot.start_frame <= e.start_frame and e.end_frame <= shot.end_frame
            shot_cursor = shot.end_frame
        assert shot_cursor == scene.end_frame
        cursor = scene.end_frame
    assert timeline.duration_frames == cursor
    assert timeline.duration_seconds == pytest.approx(cursor / 24)
    assert timeline.shot("2-1").scene_number == "2"


def test_changing_one_line_shifts_what_follows_and_nothing_else(timeline):
    longer = timeline.with_line_duration("s1-l2", timeline.event("s1-l2").duration_frames + 30)
    assert longer.duration_frames == timeline.duration_frames + 30
    before = {e.line_id: e.start_frame for e in timeline.dialogue()}
    after = {e.line_id: e.start_frame for e in longer.dialogue()}
    assert after["s1-l1"] == before["s1-l1"] and after["s1-l2"] == before["s1-l2"]
    for later in ("s1-l3", "s1-l4", "s1-l5", "s2-l1"):
        assert after[later] == before[later] + 30
    assert longer.scenes[0].start_frame == 0 and longer.scenes[1].start_frame == timeline.scenes[1].start_frame + 30
    assert timeline.event("s1-l2").duration_frames == 77          # the original is untouched


def test_a_longer_dual_line_only_shifts_by_what_outlasts_its_partner(timeline):
    jonas = timeline.event("s1-l4")
    shorter = timeline.with_line_duration("s1-l5", 1)             # still inside Jonas' line: nothing moves
    assert shorter.duration_frames == timeline.duration_frames
    longer = timeline.with_line_duration("s1-l5", jonas.duration_frames + 12)
    assert longer.duration_frames == timeline.duration_frames + 12 - max(
        0, timeline.event("s1-l5").duration_frames - jonas.duration_frames)


def test_round_trips_through_opentimelineio_json(timeline, tmp_path):
    path = tmp_path / "film.otio"
    otio.adapters.write_to_file(timeline.to_otio(), str(path))
    back = Timeline.from_otio(str(path))
    assert back == timeline
    raw = otio.adapters.read_from_file(str(path))
    shots = [c for c in raw.tracks[0] if isinstance(c, otio.schema.Clip)]
    assert len(shots) == len(list(timeline.shots()))
    assert raw.tracks[0].duration().to_frames() == timeline.duration_frames   # editors see the same cut
    dialogue = [c for c in raw.tracks[1] if isinstance(c, otio.schema.Clip)]
    assert [c.metadata["studio_kit"]["line_id"] for c in dialogue] == ["s1-l1", "s1-l2", "s1-l3", "s1-l4", "s2-l1"]
    assert raw.tracks[1].range_of_child_at_index(1).start_time.to_frames() == timeline.event("s1-l1").start_frame


def test_unknown_shots_and_lines_are_named_in_the_error(timeline):
    with pytest.raises(TimelineError, match="9-9"):
        timeline.shot("9-9")
    with pytest.raises(TimelineError, match="s7-l1"):
        timeline.with_line_duration("s7-l1", 10)
    with pytest.raises(TimelineError, match="not written by studio_kit"):
        Timeline.from_otio(otio.schema.Timeline(name="foreign"))


def test_timecode_is_smpte_non_drop(timeline):
    assert timeline.timecode(24 * 3661 + 5) == "01:01:01:05"
