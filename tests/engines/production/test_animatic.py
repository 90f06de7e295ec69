"""The animatic: decoded and checked — length from the timeline, size, rate, soundtrack, moves, cache."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit import media
from studio_kit.engines.production import animatic, service
from studio_kit.exceptions import ProductionError

pytestmark = pytest.mark.slow  # each test encodes a film


def frames_at(path, wanted, size=(1280, 720)):
    wanted = sorted(set(wanted))
    out = {}
    for i, frame in enumerate(media.read_frames(path, *size)):
        if i in wanted:
            out[i] = frame.astype(np.int16)
        if i >= wanted[-1]:
            break
    return out


@pytest.fixture
def timeline(plan, cast, script_path):
    tl = service.film_timeline(script_path, ctx=cast)
    tl.scenes[0].shots[0].movement = "push in"
    return tl


def write_mix(path, seconds, rate=48000):
    import soundfile as sf

    t = np.arange(int(seconds * rate)) / rate
    sf.write(path, (0.3 * np.sin(2 * np.pi * 220 * t))[:, None].repeat(2, axis=1), rate)
    return path


def test_animatic_lasts_the_timeline_plus_cards_and_carries_the_mix(plan, cast, script_path, timeline, tmp_path):
    mix = write_mix(tmp_path / "mix.wav", timeline.duration_seconds)
    out = tmp_path / "animatic.mp4"
    result = service.render_animatic(script_path, out, ctx=cast, mix=mix, timeline=timeline)
    info = media.probe(out)
    assert (info.video_codec, info.audio_codec, info.width, info.height, info.fps) == ("h264", "aac", 1280, 720, 24)
    expected = timeline.duration_frames + animatic.TITLE_FRAMES + animatic.END_FRAMES
    assert abs(media.video_frames(out) - expected) <= 1 and result.frames == expected
    assert abs(media.audio_seconds(out) - expected / 24) <= 1 / 24           # audio as long as the picture
    assert result.warnings == [] and result.has_mix
    assert cast.get_asset(result.asset.id).kind == "animatic"
    # sound starts with the first shot, not under the title card
    import subprocess

    pcm = subprocess.run([media.ffmpeg_exe(), "-v", "error", "-i", str(out), "-ac", "1", "-ar", "8000", "-f",
                          "s16le", "-"], capture_output=True, check=True).stdout
    audio = np.frombuffer(pcm, np.int16).astype(np.float32)
    assert np.abs(audio[: 8000 * 2]).max() < 50 and np.abs(audio[8000 * 4: 8000 * 5]).max() > 3000
    # frames of different shots differ; the push-in changes over its shot
    slots = list(timeline.shots())
    t0 = animatic.TITLE_FRAMES
    first, second = slots[0], slots[1]
    got = frames_at(out, [t0 + 1, t0 + first.duration_frames - 2, t0 + second.start_frame + 2, 10])
    assert np.abs(got[t0 + 1] - got[t0 + second.start_frame + 2]).mean() > 5
    assert np.abs(got[t0 + 1] - got[t0 + first.duration_frames - 2]).mean() > 3     # the camera moved
    assert np.abs(got[10] - got[t0 + 1]).mean() > 20                                 # title card ≠ shot


def test_without_a_mix_the_soundtrack_is_silent_of_the_right_length_with_a_warning(plan, cast, script_path,
                                                                                  timeline, tmp_path):
    out = tmp_path / "silent.mp4"
    result = service.render_animatic(script_path, out, ctx=cast, timeline=timeline, title_card=False,
                                     end_card=False)
    assert result.frames == timeline.duration_frames and "No post-production mix" in result.warnings[0]
    assert abs(media.audio_seconds(out) - timeline.duration_frames / 24) <= 1 / 24
    assert abs(media.video_frames(out) - timeline.duration_frames) <= 1


def test_changing_one_shot_re_encodes_only_its_segment(plan, cast, script_path, timeline, tmp_path):
    kw = {"ctx": cast, "timeline": timeline, "title_card": False, "end_card": False, "use_stored_mix": False}
    first = service.render_animatic(script_path, tmp_path / "a.mp4", **kw)
    assert first.cached == 0 and first.rendered == len(list(timeline.shots()))
    service.rerender_shot(plan.shots[2].number, prompt_tweak="from lower", ctx=cast)
    second = service.render_animatic(script_path, tmp_path / "b.mp4", **kw)
    assert (second.rendered, second.cached) == (1, first.rendered - 1)
    assert abs(media.video_frames(tmp_path / "b.mp4") - timeline.duration_frames) <= 1


def test_burned_timecode_counts_frames_from_one_hour(plan, cast, script_path, timeline, tmp_path):
    assert animatic.timecode(animatic.PROGRAM_START) == "01:00:00:00"
    assert animatic.timecode(animatic.PROGRAM_START - 72) == "00:59:57:00"
    still = next(s for s in timeline.shots() if s.movement == "static")
    out = tmp_path / "tc.mp4"
    service.render_animatic(script_path, out, ctx=cast, timeline=timeline, burn_timecode=True, labels=True,
                            title_card=False, end_card=False, use_stored_mix=False)
    a, b = still.start_frame + 3, still.start_frame + 4
    got = frames_at(out, [a, b])
    corner = (slice(0, 60), slice(1280 - 260, 1280))
    assert np.abs(got[a][corner] - got[b][corner]).sum() > 0          # the frame counter ticks
    body = (slice(200, 600), slice(200, 1000))
    assert np.abs(got[a][body] - got[b][body]).mean() < 1             # the static picture does not


def test_bad_requests_are_refused_cleanly(plan, cast, script_path, timeline, tmp_path):
    with pytest.raises(ProductionError, match="Unknown animatic preset"):
        service.render_animatic(script_path, tmp_path / "x.mp4", ctx=cast, preset="4k", timeline=timeline)
    with pytest.raises(ProductionError, match="does not exist"):
        service.render_animatic(script_path, tmp_path / "x.mp4", ctx=cast, mix=tmp_path / "none.wav",
                                timeline=timeline)
    assert not (tmp_path / "x.mp4").exists()


def test_1080p_preset(plan, cast, script_path, timeline, tmp_path):
    out = tmp_path / "hd.mp4"
    service.render_animatic(script_path, out, ctx=cast, preset="1080p", timeline=timeline, title_card=False,
                            end_card=False, use_stored_mix=False)
    info = media.probe(out)
    assert (info.width, info.height, info.fps) == (1920, 1080, 24.0)


def test_a_shot_video_from_the_video_backend_plays_in_the_animatic(plan, cast, script_path, timeline, tmp_path):
    number = plan.shots[0].number
    updated = service.render_shot_video(script_path, number, ctx=cast, backend="previz")
    video = cast.get_asset(updated.shot(number).video_asset_id)
    slot = next(timeline.shots())
    assert video.kind == "shot_video" and video.provenance["backend"] == "video.previz"
    assert media.video_frames(cast.asset_path(video.id)) == slot.duration_frames
    result = service.render_animatic(script_path, tmp_path / "v.mp4", ctx=cast, timeline=timeline,
                                     title_card=False, end_card=False, use_stored_mix=False)
    assert abs(media.video_frames(tmp_path / "v.mp4") - timeline.duration_frames) <= 1 and result.rendered >= 1
