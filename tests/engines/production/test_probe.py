"""media.probe reads real files through PyAV (no parsing of ffmpeg's report): exact rational frame rates,
the timecode tag, display rotation, audio layout; every prober of the package goes through it."""
from __future__ import annotations

import subprocess
from fractions import Fraction

import pytest

from studio_kit import media
from studio_kit.exceptions import ProductionError


def _ffmpeg(*args):
    subprocess.run([media.ffmpeg_exe(), "-v", "error", "-y", *map(str, args)], check=True)


@pytest.fixture(scope="module")
def clips(tmp_path_factory):
    d = tmp_path_factory.mktemp("probe")
    ntsc = d / "ntsc_tc_audio.mov"         # 29.97 fps, a timecode tag, stereo 44.1 kHz sound
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=320x240:r=30000/1001", "-f", "lavfi", "-i",
            "sine=f=440:sample_rate=44100", "-t", 2, "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
            "-ac", 2, "-metadata", "timecode=10:00:00:12", ntsc)
    mute = d / "mute.mp4"                   # 25 fps, MPEG-4 Part 2, no sound, no timecode
    _ffmpeg("-f", "lavfi", "-i", "testsrc2=s=640x360:r=25", "-t", 1, "-c:v", "mpeg4", mute)
    phone = d / "phone.mov"                 # the NTSC clip with a 90° display matrix (a portrait phone clip)
    _ffmpeg("-display_rotation", 90, "-i", ntsc, "-c", "copy", phone)
    mono = d / "mono.wav"
    _ffmpeg("-f", "lavfi", "-i", "sine=f=220:sample_rate=48000", "-t", 1, "-ac", 1, mono)
    return {"ntsc": ntsc, "mute": mute, "phone": phone, "mono": mono, "dir": d}


def test_a_clip_with_a_timecode_and_sound(clips):
    info = media.probe(clips["ntsc"])
    assert info.fps_rational == "30000/1001" and Fraction(info.fps_rational) == Fraction(30000, 1001)
    assert info.fps == pytest.approx(29.97, abs=0.001)
    assert (info.width, info.height, info.video_codec, info.pix_fmt) == (320, 240, "h264", "yuv420p")
    assert info.profile == "High" and info.video_kbps and info.video_kbps > 0
    assert info.timecode == "10:00:00:12" and info.rotation == 0
    assert info.duration_s == pytest.approx(2.0, abs=0.05) and info.frames == 60
    assert (info.audio_codec, info.audio_channels, info.sample_rate) == ("aac", 2, 44100)
    assert info.container == "mov" and info.bytes == clips["ntsc"].stat().st_size
    assert media.tags(clips["ntsc"])["timecode"] == "10:00:00:12"


def test_a_clip_without_sound_or_timecode(clips):
    info = media.probe(clips["mute"])
    assert (info.fps_rational, info.frames, info.width, info.height) == ("25/1", 25, 640, 360)
    assert info.video_codec == "mpeg4" and info.audio_codec is None and info.audio_channels == 0
    assert info.timecode is None and info.sample_rate == 0


def test_display_rotation_is_read(clips):
    assert media.probe(clips["phone"]).rotation == 90


def test_bad_input_is_named_with_its_fix(clips):
    junk = clips["dir"] / "junk.mov"
    junk.write_bytes(b"not a movie" * 200)
    with pytest.raises(ProductionError, match="junk.mov is not a readable video file") as bad:
        media.probe(junk)
    assert "copied again from the card" in bad.value.hint
    with pytest.raises(ProductionError, match="does not exist"):
        media.probe(clips["dir"] / "missing.mov")
    with pytest.raises(ProductionError, match="mono.wav has no video stream"):
        media.probe(clips["mono"])
    sound = media.probe(clips["mono"], require_video=False)     # post-production's sound files
    assert (sound.audio_channels, sound.sample_rate, sound.video_codec) == (1, 48000, None)


def test_the_other_engines_probe_through_it(clips):
    """Marketing's QC probe and post's ffmpeg audio fallback read media.probe's fields."""
    from studio_kit.engines.marketing import platforms
    from studio_kit.engines.post.audio import _ffmpeg_decode

    qc = platforms.probe(clips["ntsc"])
    info = media.probe(clips["ntsc"])
    assert (qc["profile"], qc["pix_fmt"], qc["video_kbps"], qc["audio_kbps"]) == (
        info.profile, info.pix_fmt, info.video_kbps, info.audio_kbps)
    data, rate = _ffmpeg_decode(clips["ntsc"])
    assert rate == 44100 and data.shape[1] == 2 and len(data) == pytest.approx(2 * 44100, rel=0.03)


def test_no_stderr_parsing_is_left():
    """One prober: no engine parses ffmpeg's `Duration:` / `Stream #` report any more."""
    from pathlib import Path

    import studio_kit

    root = Path(studio_kit.__file__).parent
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if any(s in p.read_text(encoding="utf-8") for s in ('"Duration: ', 'r"Duration:', "Stream #\\S"))]
    assert offenders == []
