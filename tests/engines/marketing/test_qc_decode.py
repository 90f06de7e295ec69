"""Self-QC of an export: one header read and ONE decode give every figure (frames, duration, picture
changes, loudness), and those figures equal the separate measurements they replace."""
from __future__ import annotations

import subprocess

import pytest

from studio_kit import media
from studio_kit.engines.marketing import platforms as P


def _clip(path, video: str, seconds: int = 6):
    media.run_ffmpeg(["-f", "lavfi", "-i", f"{video}{':' if '=' in video else '='}size=320x180:rate=24:duration={seconds}", "-f", "lavfi",
                      "-i", f"sine=frequency=440:sample_rate=48000:duration={seconds}", "-ac", "2", "-c:v",
                      "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(path)], "QC test clip")
    return path


@pytest.fixture(scope="module")
def moving(tmp_path_factory):
    return _clip(tmp_path_factory.mktemp("qc") / "moving.mp4", "testsrc2")


def _preset(seconds=6.0):
    return P.trailer_preset((320, 180), 24, "ebu-r128", seconds)


def test_one_decode_gives_the_figures_of_the_separate_measurements(moving):
    from studio_kit.engines.post.service import measure_loudness

    q = P.check(moving, _preset())
    lo = measure_loudness(moving, "ebu-r128")
    f = q.figures
    assert f["frames"] == media.video_frames(moving) == 144
    assert f["duration_s"] == 6.0 and (f["width"], f["height"]) == (320, 180)
    assert f["picture_changes"] == 143                     # testsrc2 moves every frame
    assert abs(f["lufs"] - lo.measured_lufs) < 0.02 and abs(f["true_peak"] - lo.loudness.true_peak_dbtp) < 0.02


def test_the_qc_decodes_the_file_once(moving, monkeypatch):
    """Every ffmpeg run that decodes (writes an output) is counted; the header read is not a decode."""
    exe = media.ffmpeg_exe()
    decodes: list[list[str]] = []

    class Popen(subprocess.Popen):     # subprocess.run starts its process through Popen too
        def __init__(self, argv, *a, **kw):
            if isinstance(argv, list) and argv and argv[0] == exe and "-f" in argv:
                decodes.append(argv)
            super().__init__(argv, *a, **kw)

    monkeypatch.setattr(subprocess, "Popen", Popen)
    q = P.check(moving, _preset())
    assert q.figures["frames"] == 144 and "lufs" in q.figures
    assert len(decodes) == 1, decodes
    assert "0:v:0" in decodes[0] and "0:a:0" in decodes[0]     # picture and sound in the same pass


def test_a_frozen_picture_fails_qc(tmp_path):
    still = _clip(tmp_path / "still.mp4", "color=c=gray")
    q = P.check(still, _preset())
    assert not q.passed and q.figures["picture_changes"] == 0
    assert any("picture frozen: all 144 frames alike" in p for p in q.problems)


def test_a_file_without_sound_or_with_the_wrong_length_fails_qc(tmp_path, moving):
    silent = tmp_path / "silent.mp4"
    media.run_ffmpeg(["-i", str(moving), "-an", "-c:v", "copy", str(silent)], "strip sound")
    q = P.check(silent, _preset())
    assert not q.passed and "no audio stream" in q.problems and q.figures["frames"] == 144
    q = P.check(moving, _preset(10.0), frames=240)
    assert "144 frames, expected 240" in q.problems and any("shorter than" in p for p in q.problems)


def test_an_undecodable_file_is_a_failed_qc_line(tmp_path):
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(b"not a video at all" * 100)
    q = P.check(bad, _preset())
    assert not q.passed and q.problems[0].startswith("unreadable")
