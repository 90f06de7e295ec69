"""Loudness figures agree with ffmpeg's ebur128 filter, and every delivery spec is met."""
from __future__ import annotations

import subprocess

import imageio_ffmpeg
import numpy as np
import pytest

from studio_kit.engines.post.audio import SR, write_wav
from studio_kit.engines.post.loudness import (
    SPECS,
    ffmpeg_ebur128,
    get_spec,
    measure,
    measure_file,
    normalize,
    qc,
    true_peak,
)
from studio_kit.exceptions import AudioError


def programme(seconds: float = 12.0, seed: int = 1) -> np.ndarray:
    """Speech-like bursts over a quiet pad: a loudness range and peaks like a real mix."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(seconds * SR)) / SR
    pad = 0.02 * np.sin(2 * np.pi * 220 * t)[:, None] * np.array([1.0, 0.8])
    bursts = (np.sin(2 * np.pi * 1.3 * t) > 0.2) * rng.standard_normal(len(t)) * 0.15
    bursts = np.convolve(bursts, np.ones(8) / 8, mode="same")
    return (pad + bursts[:, None] * np.array([0.9, 1.0])).astype(np.float32)


@pytest.mark.parametrize("seed", [1, 2])
def test_integrated_loudness_range_and_true_peak_agree_with_ffmpeg(tmp_path, seed):
    x = programme(seed=seed) * (0.5 if seed == 2 else 1.0)
    path = write_wav(tmp_path / "p.wav", x)
    ours = measure(x, SR)
    ref = ffmpeg_ebur128(path)
    assert abs(ours.integrated_lufs - ref["integrated_lufs"]) <= 0.2
    assert abs(ours.loudness_range_lu - ref["loudness_range_lu"]) <= 1.0
    assert abs(ours.true_peak_dbtp - ref["true_peak_dbtp"]) <= 0.5


def test_true_peak_finds_the_peak_between_samples():
    t = np.arange(SR) / SR
    x = (0.5 * np.sin(2 * np.pi * 12000 * t + np.pi / 4)).astype(np.float32)   # samples at ±0.354
    assert 20 * np.log10(np.abs(x).max()) == pytest.approx(-9.03, abs=0.05)
    assert true_peak(x, SR) == pytest.approx(-6.02, abs=0.3)


@pytest.mark.parametrize("spec", ["ebu-r128", "streaming", "netflix"])
def test_normalising_meets_each_spec_within_half_a_lu_under_the_ceiling(tmp_path, spec):
    x = programme(seed=3)
    dialogue = [(k / 1.3, k / 1.3 + 0.3) for k in range(15)]
    y, lo = normalize(x, SR, spec, dialogue)
    s = get_spec(spec)
    measured = lo.dialogue_lufs if s.dialogue_gated else lo.integrated_lufs
    assert abs(measured - s.target_lufs) <= 0.5
    assert lo.true_peak_dbtp <= s.true_peak_dbtp
    report = qc(lo, spec, "p.wav")
    assert report.passed and "PASS" in report.line()
    path = write_wav(tmp_path / "out.wav", y)
    ref = ffmpeg_ebur128(path)                                   # an independent meter agrees
    if not s.dialogue_gated:
        assert abs(ref["integrated_lufs"] - s.target_lufs) <= 0.5
    assert ref["true_peak_dbtp"] <= s.true_peak_dbtp + 0.2


def test_a_loud_file_fails_qc_with_its_figures(tmp_path):
    x = programme() * 3.0
    report = measure_file(write_wav(tmp_path / "hot.wav", np.clip(x, -1, 1)), "ebu-r128")
    assert not report.passed
    assert any("outside -23" in p for p in report.problems)
    assert "FAIL" in report.line()


def test_mp4_sound_tracks_are_measured_too(tmp_path):
    wav = write_wav(tmp_path / "p.wav", programme(seconds=4))
    mp4 = tmp_path / "clip.mp4"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-loglevel", "error", "-f", "lavfi", "-i",
                    "color=c=black:s=64x64:r=24:d=4", "-i", str(wav), "-shortest", "-c:v", "libx264",
                    "-c:a", "aac", "-b:a", "192k", str(mp4)], check=True)
    report = measure_file(mp4, "streaming")
    assert abs(report.loudness.integrated_lufs - measure_file(wav).loudness.integrated_lufs) < 1.0


def test_bad_input_is_named(tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("not audio")
    with pytest.raises(AudioError, match="notes.txt"):
        measure_file(text)
    with pytest.raises(AudioError, match="No such audio file"):
        measure_file(tmp_path / "missing.wav")
    with pytest.raises(AudioError, match="Unknown loudness spec 'cinema'"):
        get_spec("cinema")
    assert set(SPECS) >= {"ebu-r128", "netflix", "streaming"}
