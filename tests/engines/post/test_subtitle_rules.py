"""Subtitle timed-text rules (Netflix English): 42 characters × 2 lines, 20 characters/s, 5/6 s to 7 s, 2-frame gaps.

The files are written, parsed back (SRT and WebVTT) and checked against the rules on their own
figures, not the module's."""
from __future__ import annotations

import pytest

from studio_kit.domain.timeline import SceneSlot, ShotSlot, Timeline, TimelineEvent
from studio_kit.engines.post.subtitles import (
    Cue,
    break_lines,
    check,
    events,
    export_srt,
    export_vtt,
    frame_ms,
    parse_srt,
    parse_vtt,
    split_text,
)

FPS = 24


def _timeline(lines: list[tuple[int, int, str]], end: int | None = None) -> Timeline:
    """One scene, one shot, these dialogue lines (start frame, duration frames, text)."""
    evs = [TimelineEvent(kind="dialogue", start_frame=a, duration_frames=d, line_id=f"s1-l{k}", character="ANNA",
                         text=t) for k, (a, d, t) in enumerate(lines, start=1)]
    total = end or max(a + d for a, d, _ in lines) + 10 * FPS
    shot = ShotSlot(shot_id="1-1", scene_number="1", index=1, start_frame=0, duration_frames=total, events=evs)
    return Timeline(fps=FPS, title="rules", scenes=[SceneSlot(scene_number="1", heading="INT. ROOM - DAY",
                                                              start_frame=0, duration_frames=total, shots=[shot])])


def _read_back(timeline: Timeline) -> list[tuple[int, int, str]]:
    """The SRT parsed back; the WebVTT must say the same."""
    srt = parse_srt(export_srt(timeline))
    assert [(a, b, t) for a, b, t in parse_vtt(export_vtt(timeline))] == srt
    return srt


def _rule_breaks(cues: list[tuple[int, int, str]]) -> list[str]:
    """The rules a parsed file breaks, measured on the file's own times and text."""
    frame = 1000 / FPS
    out = []
    for k, (a, b, text) in enumerate(cues):
        rows = text.split("\n")
        seconds = (b - a) / 1000
        if len(rows) > 2 or any(len(r) > 42 for r in rows):
            out.append(f"{k}: layout {rows}")
        if len(" ".join(rows)) / seconds > 20 + 1e-9:
            out.append(f"{k}: {len(' '.join(rows)) / seconds:.1f} cps")
        if seconds < 5 / 6 - 1e-3 or seconds > 7 + 1e-3:
            out.append(f"{k}: {seconds:.3f} s")
        if k + 1 < len(cues) and cues[k + 1][0] - b < 2 * frame - 1:
            out.append(f"{k}: gap {cues[k + 1][0] - b} ms")
    return out


def test_the_voiced_films_subtitles_keep_the_timelines_times_and_break_no_rule(voiced):
    cues = _read_back(voiced.timeline)
    lines = voiced.timeline.dialogue()
    assert [(a, b) for a, b, _ in cues] == [(frame_ms(voiced.timeline, e.start_frame),
                                             frame_ms(voiced.timeline, e.end_frame)) for e in lines]
    assert _rule_breaks(cues) == []
    assert check(events(voiced.timeline), FPS) == []


def test_a_long_line_spoken_in_two_seconds_is_split_at_clauses_and_its_speed_reported():
    text = ("Listen to me, because I am only going to say this once: the paper goes out tonight, "
            "with or without the mayor, and nobody in this room goes home before it does, understood?")
    assert len(text) > 150
    tl = _timeline([(48, 48, text), (48 + 48 + 12, 30, "Understood.")])
    cues = _read_back(tl)
    first = [c for c in cues if c[0] < frame_ms(tl, 48 + 48 + 12)]
    assert len(first) >= 2                                              # split into several events …
    assert " ".join(c[2].replace("\n", " ") for c in first) == text    # … every word kept, in order
    assert all(len(c[2].split("\n")) <= 2 and max(map(len, c[2].split("\n"))) <= 42 for c in first)
    assert all(c[2].replace("\n", " ").rstrip()[-1] in ",:;?." for c in first)   # cut at clause ends
    assert first[0][0] == frame_ms(tl, 48)
    for (_, b, _), (a, _, _) in zip(cues, cues[1:], strict=False):
        assert a - b >= round(2000 / FPS) - 1                          # 2 frames apart, never overlapping
    # 150 characters cannot be read in 2 s and the next line leaves no room: reported, with figures
    found = check(events(tl), FPS)
    speed = [v for v in found if v.rule == "reading_speed"]
    assert speed and all(v.value > 20 and v.limit == 20 and v.unit == "characters/s" for v in speed)
    assert {v.event for v in speed} <= set(range(1, len(first) + 1))
    assert not [v for v in found if v.rule in ("chars_per_line", "lines", "gap", "max_duration")]


def test_two_lines_one_frame_apart_are_parted_by_two_frames():
    tl = _timeline([(24, 48, "Where were you last night?"), (24 + 48 + 1, 48, "Out.")])
    cues = _read_back(tl)
    assert len(cues) == 2
    assert cues[1][0] == frame_ms(tl, 73) and cues[0][0] == frame_ms(tl, 24)    # starts stay on the speech
    assert cues[0][1] == frame_ms(tl, 73 - 2)                                  # the first ends 2 frames before
    assert _rule_breaks(cues) == [] and check(events(tl), FPS) == []


def test_a_one_word_line_of_a_third_of_a_second_is_extended_into_the_gap_after_it():
    tl = _timeline([(24, 8, "No."), (24 + 8 + 30, 40, "Then we wait.")])
    cues = _read_back(tl)
    assert cues[0][0] == frame_ms(tl, 24)
    assert cues[0][1] == frame_ms(tl, 24 + 20)                   # 20 frames: 5/6 s at 24 fps
    assert cues[1][0] == frame_ms(tl, 62)
    assert _rule_breaks(cues) == []
    # with only 10 frames before the next line it stops 2 frames short of it, and QC says so
    tight = _timeline([(24, 8, "No."), (24 + 10, 40, "Then we wait.")])
    cues = _read_back(tight)
    assert cues[0][1] == frame_ms(tight, 24 + 8)
    found = check(events(tight), FPS)
    assert [(v.event, v.rule, v.value, v.limit) for v in found] == [(1, "min_duration", round(8 / FPS, 3),
                                                                     round(20 / FPS, 3))]


def test_a_line_longer_than_seven_seconds_is_split_and_the_last_event_ends_with_the_speech():
    text = "Take the long road home, past the mill and the old church, and do not stop for anyone at all."
    tl = _timeline([(0, 10 * FPS, text)])
    cues = _read_back(tl)
    assert len(cues) == 2 and cues[-1][1] == frame_ms(tl, 10 * FPS)
    assert _rule_breaks(cues) == []


def test_lines_spoken_together_become_one_two_speaker_event():
    tl = _timeline([(24, 40, "Now!"), (24, 36, "Not yet!")])
    cues = _read_back(tl)
    assert [c[2] for c in cues] == ["-Now!\n-Not yet!"]
    assert _rule_breaks(cues) == []


def test_two_lines_are_balanced_and_not_broken_after_an_article():
    lines = break_lines("I never said that the letter was in the drawer by the window.")
    assert len(lines) == 2 and all(len(x) <= 42 for x in lines)
    assert abs(len(lines[0]) - len(lines[1])) <= 12
    assert lines[0].rsplit(" ", 1)[-1].lower() not in ("the", "a", "an", "by", "in", "that")
    assert break_lines("Well, I told him twice, and he still left the gate open.") == \
        ["Well, I told him twice,", "and he still left the gate open."]
    assert break_lines("Short line.") == ["Short line."]
    assert split_text("One. Two. Three.", 3) == ["One.", "Two.", "Three."]


def test_check_reports_every_rule_with_its_figures():
    bad = [Cue(0, 5, ["x" * 50, "two", "three"], "a"), Cue(6, 6 + 8 * FPS, ["fine"], "b"), Cue(0, 24, ["ok"], "c")]
    found = {(v.event, v.rule): (v.value, v.limit) for v in check(bad, FPS)}
    assert found[(1, "chars_per_line")] == (50, 42)
    assert found[(1, "lines")] == (3, 2)
    assert found[(1, "reading_speed")][1] == 20 and found[(1, "reading_speed")][0] > 20
    assert found[(1, "min_duration")] == (round(5 / FPS, 3), round(20 / FPS, 3))
    assert found[(1, "gap")] == (1, 2)
    assert found[(2, "max_duration")] == (8.0, 7.0)
    assert found[(2, "gap")][0] < 0                                  # overlap: a negative gap
    assert (3, "gap") not in found


@pytest.mark.slow
def test_produce_writes_the_subtitle_qc_into_the_export_qc(film_text, tmp_path):
    import json

    from studio_kit.engines.post.service import produce

    result = produce(film_text, spec="streaming", out_dir=tmp_path, music=False)
    report = json.loads(result.files["qc"].read_text(encoding="utf-8"))["subtitles"]
    assert report["passed"] and report["violations"] == [] and report["events"] == report["lines"] == 7
    assert report["rules"]["max_chars"] == 42 and report["rules"]["max_cps"] == 20
