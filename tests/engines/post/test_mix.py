"""The mix, measured: ducking depth, dialogue in its slots, spec met, stems aligned, subtitles on time."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.engines.post.audio import SR, read_audio, rms_db
from studio_kit.engines.post.loudness import ffmpeg_ebur128, get_spec
from studio_kit.engines.post.mix import (
    DuckSettings,
    MixSettings,
    apply_curve,
    duck_curve,
)
from studio_kit.engines.post.service import (
    effects,
    export_post,
    mix_film,
    produce,
    score,
)
from studio_kit.engines.post.subtitles import (
    export_srt,
    export_vtt,
    frame_ms,
    parse_srt,
)


@pytest.fixture(scope="module")
def sound(voiced):
    return score(voiced.script, voiced.timeline), effects(voiced.script, voiced.timeline)


def _longest_line(timeline):
    return max(timeline.dialogue(), key=lambda e: e.duration_frames)


@pytest.mark.slow
@pytest.mark.parametrize("depth", [6.0, 15.0])
def test_music_drops_by_the_configured_depth_under_dialogue(voiced, depth):
    settings = MixSettings(duck=DuckSettings(depth_db=depth))
    curve = duck_curve(voiced.dialogue, voiced.timeline, settings)
    music = np.full((len(voiced.dialogue), 2), 0.1, dtype=np.float32)   # a steady bed makes the drop plain
    ducked = apply_curve(music, curve)
    line = _longest_line(voiced.timeline)
    mid = (line.start_frame + line.duration_frames // 2) * 2000
    inside = rms_db(ducked[mid - SR // 10: mid + SR // 10]) - rms_db(music[mid - SR // 10: mid + SR // 10])
    assert inside == pytest.approx(-depth, abs=1.0)
    assert rms_db(ducked[: 500]) == pytest.approx(rms_db(music[:500]), abs=0.1)      # no dialogue yet: no duck


def test_close_lines_do_not_pump_between_them(voiced):
    settings = MixSettings(duck=DuckSettings(depth_db=12.0, hold_ms=700.0))
    curve = duck_curve(voiced.dialogue, voiced.timeline, settings)
    for pause in voiced.timeline.events("pause"):                # 1/3 s between speeches
        a, b = int(voiced.timeline.seconds(pause.start_frame) * 1000), int(voiced.timeline.seconds(pause.end_frame) * 1000)
        assert curve[a:b].max() <= -11.0                         # the music stays down through the gap


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["streaming", "ebu-r128", "netflix"])
def test_the_full_mix_meets_the_spec_and_the_stems_add_up_to_it(voiced, sound, spec, tmp_path):
    music, (fx, _log) = sound
    result = mix_film(voiced, music, fx, MixSettings(spec=spec))
    s = get_spec(spec)
    measured = result.loudness.dialogue_lufs if s.dialogue_gated else result.loudness.integrated_lufs
    assert abs(measured - s.target_lufs) <= 0.5
    assert result.loudness.true_peak_dbtp <= s.true_peak_dbtp
    assert result.qc.passed
    n = voiced.timeline.duration_frames * 2000
    assert result.mix.shape == (n, 2)
    assert all(stem.shape == (n, 2) for stem in result.stems.values())         # equal length …
    total = result.stems["dialogue"] + result.stems["music"] + result.stems["effects"]
    assert np.allclose(total, result.mix, atol=2e-4)                          # … and sample-aligned
    if spec == "streaming":
        files = export_post(result, voiced, music, tmp_path)
        data, rate = read_audio(files["mix"])
        assert rate == 48000 and data.shape == (n, 2)
        import soundfile as sf

        assert sf.info(str(files["mix"])).subtype == "PCM_24"
        assert abs(ffmpeg_ebur128(files["mix"])["integrated_lufs"] - measured) <= 0.2
        lengths = {sf.info(str(p)).frames for k, p in files.items() if k.startswith(("stem:", "character:"))}
        assert lengths == {n}


def test_subtitle_times_are_the_timelines(voiced):
    srt = parse_srt(export_srt(voiced.timeline))
    events = voiced.timeline.dialogue()
    assert len(srt) == len(events)
    for (a, b, text), e in zip(srt, events, strict=True):
        assert a == frame_ms(voiced.timeline, e.start_frame) and b == frame_ms(voiced.timeline, e.end_frame)
        assert text.replace("\n", " ") == e.text
    vtt = export_vtt(voiced.timeline)
    assert vtt.startswith("WEBVTT") and "s1-l1\n00:00:" in vtt


@pytest.mark.slow
def test_a_dialogue_free_script_gets_a_score_only_mix(tmp_path):
    silent = "Title: Dawn\n\nEXT. FIELD - DAWN\n\nMist lifts over the wheat. A hare sits up, listens, and bolts.\n"
    result = produce(silent, spec="streaming", out_dir=tmp_path)
    assert result.track is None and result.score is not None
    assert result.mix.qc.passed
    assert "srt" not in result.files and (tmp_path / "mix_streaming.wav").is_file()


def test_an_empty_script_is_refused():
    from studio_kit.exceptions import ScriptError

    with pytest.raises(ScriptError, match="no scenes"):
        produce("Title: Nothing\n\n", spec="streaming")


def test_effects_follow_the_location_and_the_breakdowns_sound_tags(voiced, sound):
    _, (fx, log) = sound
    kinds = {(r["scene"], r["kind"]) for r in log}
    assert ("1", "room tone: interior") in kinds or ("1", "room tone: crowd") in kinds
    assert ("2", "room tone: street") in kinds
    assert ("2", "rain") in kinds
    ring = next(r for r in log if r["kind"] == "phone")         # "The phone rings." is a sound tag …
    beat = next(e for e in voiced.timeline.events("action") if e.text.startswith("The phone rings"))
    assert ring["at_frame"] == beat.start_frame                 # … placed on its action beat
    a = beat.start_frame * 2000
    assert rms_db(fx[a: a + SR]) > rms_db(fx[a - SR: a]) + 10   # the ring is heard over the room tone
    street = voiced.timeline.scenes[1]
    assert rms_db(fx[street.start_frame * 2000: street.end_frame * 2000]) > rms_db(
        fx[: voiced.timeline.scenes[0].end_frame * 2000]) - 20
