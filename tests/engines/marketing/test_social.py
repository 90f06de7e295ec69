"""Social clips: complete lines with a hook, subject-tracked reframing, captions inside the safe zone."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.exceptions import MarketingError

W, H, FPS, SECONDS = 640, 360, 24, 6


def _face_x(n: int) -> int:
    return int(10 + (W - 170) * n / (FPS * SECONDS - 1))


@pytest.fixture(scope="module")
def moving_face(tmp_path_factory):
    """A 6 s clip: a real face (scikit-image's astronaut) moving from the left edge to the right edge."""
    import subprocess

    from PIL import Image
    from skimage import data

    from studio_kit import media

    face = np.asarray(Image.fromarray(data.astronaut()[20:210, 130:320]).resize((160, 160)))
    path = tmp_path_factory.mktemp("face") / "face.mp4"
    proc = subprocess.Popen([media.ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s",
                             f"{W}x{H}", "-r", str(FPS), "-i", "-", "-f", "lavfi", "-i",
                             f"sine=frequency=330:sample_rate=48000:duration={SECONDS}", "-c:v", "libx264",
                             "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)], stdin=subprocess.PIPE)
    for n in range(FPS * SECONDS):
        frame = np.full((H, W, 3), 70, np.uint8)
        x = _face_x(n)
        frame[100:260, x:x + 160] = face
        proc.stdin.write(frame.tobytes())
    proc.stdin.close()
    assert proc.wait() == 0
    return path


def test_tracked_crop_keeps_the_moving_face_inside_a_vertical_frame(moving_face, tmp_path):
    import cv2

    from studio_kit import media
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.marketing import social as S

    track = S.track_subject(moving_face, fps=FPS)
    assert track.detections >= 0.8 * track.analysed and track.fps > 0
    cw = round(H * 9 / 16 / 2) * 2
    assert not (W - cw) / 2 <= _face_x(0) + 40   # a centre crop would miss the face at the start
    tiktok = P.scaled(P.get_preset("tiktok"), 1 / 6)
    (q,) = P.export(moving_face, [(tiktok, tmp_path / "face-tiktok.mp4", S.crop_filter(track, tiktok.aspect, W, H))])
    assert q.passed, q.line()
    cascade = cv2.CascadeClassifier(cv2.data.haarcascades + "haarcascade_frontalface_default.xml")
    seen = 0
    frames = list(media.read_frames(tmp_path / "face-tiktok.mp4", 180, 320, fps=4))
    for frame in frames:
        faces = cascade.detectMultiScale(cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY), 1.1, 4, minSize=(30, 30))
        if len(faces):
            x, _y, w, _h = faces[0]
            assert x >= 0 and x + w <= 180
            seen += 1
    assert seen >= 0.8 * len(frames), f"face kept in {seen}/{len(frames)} frames"


def test_a_cut_resets_the_track_instead_of_panning_across_it(moving_face):
    from studio_kit.engines.marketing import social as S

    track = S.track_subject(moving_face, fps=FPS, cuts=[0, 72])
    k = track.frames.index(72)
    # right after the cut the track jumps to the face; a smoothed pan would still lag behind it
    face_centre = (_face_x(72) + 80) / W
    assert abs(track.centres[k] - face_centre) < 0.06


def test_clips_open_on_a_line_and_keep_every_line_whole():
    from studio_kit.engines.marketing.social import pick_clips
    from studio_kit.engines.post.service import load_script
    from studio_kit.engines.post.timeline_build import build_timeline

    from .conftest import FILM

    tl = build_timeline(load_script(FILM))
    clips = pick_clips(tl, count=2, min_seconds=10, max_seconds=20)
    assert clips
    final = tl.scenes[-1].start_frame
    for clip in clips:
        assert 10 <= clip.duration_seconds <= 20
        first = tl.event(next(lid for e in clip.entries for lid in e.line_ids))
        assert (first.start_frame - clip.entries[0].source_in) / 24 < 3
        for e in clip.entries:
            assert e.source_out <= final
            for lid in e.line_ids:
                ev = tl.event(lid)
                assert e.source_in <= ev.start_frame and ev.end_frame <= e.source_out
    with pytest.raises(MarketingError, match="cannot be cut"):
        pick_clips(tl, min_seconds=59, max_seconds=60)


def test_captions_are_word_highlighted_inside_the_safe_zone_text():
    from studio_kit.domain.timeline import SceneSlot, ShotSlot, Timeline, TimelineEvent
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.marketing.social import captions_ass

    line = TimelineEvent(kind="dialogue", start_frame=0, duration_frames=48, line_id="s1-l1", character="MARA",
                         text="Who left this here?")
    tl = Timeline(scenes=[SceneSlot(scene_number="1", heading="X", start_frame=0, duration_frames=48,
                                    shots=[ShotSlot(shot_id="1-1", scene_number="1", index=1, start_frame=0,
                                                    duration_frames=48, events=[line])])])
    ass = captions_ass(tl, P.get_preset("tiktok"))
    events = [r for r in ass.splitlines() if r.startswith("Dialogue:")]
    assert len(events) == 4 and "\\c&H0000D7FF&}left" in events[1]
    style = next(r for r in ass.splitlines() if r.startswith("Style:")).split(",")
    margin_l, margin_r, margin_v = map(int, style[19:22])
    left, _top, right, bottom = P.get_preset("tiktok").safe_box()
    assert margin_l >= left and 1080 - margin_r <= right and 1920 - margin_v <= bottom


@pytest.mark.slow
def test_social_clips_for_three_platforms_with_burned_captions_in_the_safe_zone(film_ctx, home):
    from studio_kit import media
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.marketing import service as mk
    from studio_kit.engines.marketing.social import frame_at
    from studio_kit.engines.post.subtitles import parse_srt

    ctx, script = film_ctx
    (clip,) = mk.social(script, "tiktok,instagram-feed,youtube", home / "social", ctx=ctx, scale=1 / 6,
                        min_seconds=15, max_seconds=25)
    sizes = {"tiktok": (180, 320), "instagram-feed": (180, 224), "youtube": (320, 180)}
    for key, size in sizes.items():
        q = next(x for x in clip.qc if x.preset == key)
        assert q.passed, q.line()
        info = media.probe(clip.files[key])
        assert (info.width, info.height) == size
        assert 15 <= q.figures["duration_s"] <= 25
    cues = parse_srt(clip.files["srt"].read_text(encoding="utf-8"))
    assert cues and cues[0][0] < 3000
    (plain,) = mk.social(script, "tiktok", home / "social-plain", ctx=ctx, scale=1 / 6, min_seconds=15,
                         max_seconds=25, captions=False)
    t = (cues[0][0] + cues[0][1]) / 2000
    a = frame_at(clip.files["tiktok"], t, (180, 320)).astype(int)
    b = frame_at(plain.files["tiktok"], t, (180, 320)).astype(int)
    ys, xs = np.nonzero(np.abs(a - b).max(axis=2) > 60)
    assert len(xs) > 50, "captions are burned in"
    left, top, right, bottom = P.scaled(P.get_preset("tiktok"), 1 / 6).safe_box()
    assert xs.min() >= left - 1 and xs.max() <= right + 1 and ys.min() >= top - 1 and ys.max() <= bottom + 1
