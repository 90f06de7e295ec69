"""Social reframing without a face: the crop follows the motion; a shot with nothing to follow is flagged."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest

W, H, FPS = 320, 180, 24
SIDE, X0, SPEED = 36, 20, 42          # the square: size, x at t=0, px/s (left → right, no face anywhere)


def _square_x(n: int) -> float:
    return X0 + SPEED * n / FPS


def _lavfi(path, video: str, seconds: float) -> None:
    """Encode a lavfi filter graph (with a sine for the loudness QC) with the package's ffmpeg."""
    from studio_kit import media

    subprocess.run([media.ffmpeg_exe(), "-v", "error", "-y", "-filter_complex", video, "-f", "lavfi", "-i",
                    f"sine=frequency=330:sample_rate=48000:duration={seconds}", "-map", "[v]", "-map", "0:a",
                    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-t", str(seconds), str(path)],
                   check=True)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    folder = tmp_path_factory.mktemp("motion")
    square = (f"color=c=black:s={W}x{H}:r={FPS}:d={{d}}[bg];color=c=white:s={SIDE}x{SIDE}:r={FPS}:d={{d}}[sq];"
              f"[bg][sq]overlay=x='{X0}+t*{SPEED}':y={(H - SIDE) // 2}:shortest=1")
    _lavfi(folder / "moving.mp4", square.format(d=6) + "[v]", 6)   # the TikTok preset asks for 5 s or more
    _lavfi(folder / "black.mp4", f"color=c=black:s={W}x{H}:r={FPS}:d=2[v]", 2)
    # two shots: the moving square for 2 s, then 1 s of black
    _lavfi(folder / "two-shots.mp4", square.format(d=2) + f"[a];color=c=black:s={W}x{H}:r={FPS}:d=1[b];"
           "[a][b]concat=n=2:v=1:a=0[v]", 3)
    return folder


def test_without_a_face_the_crop_follows_the_moving_square_and_keeps_it_in_the_vertical_cut(clips, tmp_path):
    from studio_kit import media
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.marketing import social as S

    track = S.track_subject(clips / "moving.mp4", fps=FPS)
    assert track.detections == 0 and track.methods == ["motion"] and track.centre_held() == []
    assert track.moving >= 0.9 * (track.analysed - 1)
    cw = round(H * 9 / 16 / 2) * 2
    xs = np.clip(np.array(track.centres) * W - cw / 2, 0, W - cw)
    assert np.all(np.diff(xs) >= -0.5), "the crop never swings back against the motion"
    assert xs[-1] - xs[0] > 120, f"the crop pans with the square ({xs[0]:.0f} → {xs[-1]:.0f} px)"
    truth = np.array([(_square_x(n) + SIDE / 2) / W for n in track.frames])
    lag = np.abs(np.array(track.centres) - truth)
    assert lag.max() < 0.06, f"the crop centre stays on the square (worst {lag.max() * W:.1f} px off)"
    assert not (W - cw) / 2 <= X0 + SIDE / 2, "a centre crop would miss the square at the start"

    tiktok = P.scaled(P.get_preset("tiktok"), 1 / 6)   # 180×320
    out = tmp_path / "square-tiktok.mp4"
    (q,) = P.export(clips / "moving.mp4", [(tiktok, out, S.crop_filter(track, tiktok.aspect, W, H))])
    assert q.passed, q.line()
    seen = list(media.read_frames(out, tiktok.width, tiktok.height, fps=6))
    assert len(seen) >= 20
    side = SIDE * tiktok.height / H
    for k, frame in enumerate(seen):
        ys, xs_ = np.nonzero(frame.mean(axis=2) > 128)
        assert len(xs_), f"frame {k}: the square left the vertical cut"
        assert xs_.min() > 0 and xs_.max() < tiktok.width - 1, f"frame {k}: the square touches the frame edge"
        assert xs_.max() - xs_.min() + 1 >= 0.9 * side, f"frame {k}: only part of the square is in the cut"


def test_a_static_black_clip_holds_the_centre_and_is_flagged_for_an_editor(clips):
    from studio_kit.engines.marketing import social as S

    track = S.track_subject(clips / "black.mp4", fps=FPS)
    assert track.methods == ["centre"] and track.moving == 0 and track.detections == 0
    assert set(track.centres) == {0.5}
    report = track.report()
    assert report["centre_held"] == [0] and "1 of 1 shots held the centre" in report["review"]


def test_the_method_is_decided_per_shot_between_cuts(clips):
    from studio_kit.engines.marketing import social as S

    track = S.track_subject(clips / "two-shots.mp4", fps=FPS, cuts=[0, 48])
    assert track.shots == [0, 48] and track.methods == ["motion", "centre"]
    assert track.centre_held() == [48]
    k = track.frames.index(48)
    on_square = (_square_x(track.frames[k - 1]) + SIDE / 2) / W
    assert abs(track.centres[k - 1] - on_square) < 0.06 and set(track.centres[k:]) == {0.5}
    # the cut itself is not motion: the black shot never inherits the square's position
    assert [s["method"] for s in track.report()["shots"]] == ["motion", "centre"]



def test_a_long_track_gives_a_crop_ffmpeg_parses_and_follows():
    """A 60 s spot tracked at 6 fps has hundreds of keyframes; ffmpeg refused the flat sum past ~95 terms.
    The source is a left-to-right luma ramp, so each cropped frame's mean brightness says where its window is."""
    from studio_kit import media
    from studio_kit.engines.marketing import social as S

    frames = list(range(0, 1440, 4))                           # 360 keyframes, one every 4 frames
    centres = [0.3 + 0.4 * (k % 2) for k in range(len(frames))]   # zig-zag: every segment has a slope
    track = S.Track(frames, centres, detections=len(frames), analysed=len(frames), seconds=0.0)
    crop = S.crop_filter(track, 9 / 16, W, H)
    assert crop.count("clip(") > 300
    cw = round(H * 9 / 16 / 2) * 2
    run = subprocess.run([media.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                          f"nullsrc=s={W}x{H}:r={FPS}:d=60,format=gray,geq=lum='X*255/W'",
                          "-vf", crop, "-frames:v", "1440", "-f", "rawvideo", "-pix_fmt", "gray", "-"],
                         capture_output=True)
    assert run.returncode == 0, run.stderr[-800:].decode()
    video = np.frombuffer(run.stdout, np.uint8).reshape(-1, H, cw)
    assert len(video) == 1440
    xs = np.clip(np.array(centres) * W - cw / 2, 0, W - cw)
    for n in (0, 2, 6, 13, 700, 1001, 1436):
        want = np.interp(n, frames, xs)
        got = video[n].mean() * W / 255 - (cw - 1) / 2   # the ramp's mean over the window is its centre column
        assert abs(got - want) < 2.0, (n, got, want)
