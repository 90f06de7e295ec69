"""The block-wise mix and loudness meter: the same figures and samples as the whole-film algorithm, and ffmpeg's."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.engines.post import loudness as L
from studio_kit.engines.post import mix as M
from studio_kit.engines.post.audio import SR, db_to_gain, write_wav
from studio_kit.engines.post.mix import MixSettings, apply_curve, duck_curve


def _whole_film_mix(dialogue, music, effects, timeline, settings):
    """The mix as it was before it went block-wise: every stem a film-length array (the reference)."""
    def level(x, target):
        if not np.any(x) or len(x) < int(0.4 * SR):
            return x
        lo = L.measure(x, SR, full=False)
        return x * np.float32(db_to_gain(target - lo.integrated_lufs)) if np.isfinite(lo.integrated_lufs) else x

    n = max(len(dialogue), len(music), len(effects))
    stems = {"dialogue": M._stereo(dialogue), "music": M._stereo(music), "effects": M._stereo(effects)}
    for k, raw in list(stems.items()):
        s = raw.astype(np.float32)
        if len(s) < n:
            s = np.pad(s, ((0, n - len(s)), (0, 0)))
        s = level(s, M.REFERENCE_LUFS[k])
        stems[k] = s * np.float32(db_to_gain(settings.faders.get(k, 0.0)))
        if not settings.audible(k):
            stems[k] = np.zeros_like(s)
    curve = duck_curve(stems["dialogue"], timeline, settings)
    me = stems["music"] + stems["effects"]
    apply_curve(stems["music"], curve, in_place=True)
    apply_curve(stems["effects"], curve, in_place=True)
    full = stems["dialogue"] + stems["music"] + stems["effects"]
    spans = [(timeline.seconds(e.start_frame), timeline.seconds(e.end_frame)) for e in timeline.dialogue()]
    normalised, lo, gain = L.normalize(full, SR, settings.spec, spans, return_gain=True)
    g = gain[:, None]
    return normalised, {**{k: v * g for k, v in stems.items()}, "m&e": me * g}, curve, lo


@pytest.fixture(scope="module")
def stems(voiced):
    """The voiced short film's dialogue with a loud, peaky music bed and room tone, 40 s long."""
    from studio_kit.engines.post.service import effects

    n = len(voiced.dialogue)
    t = np.arange(n) / SR
    rng = np.random.default_rng(3)
    music = np.stack([np.sin(2 * np.pi * 220 * t) + 0.5 * np.sign(np.sin(2 * np.pi * 3 * t)),
                      np.sin(2 * np.pi * 330 * t + 1)], axis=1).astype(np.float32) * 0.3
    music += rng.standard_normal(music.shape).astype(np.float32) * 0.05
    fx, _ = effects(voiced.script, voiced.timeline)
    return voiced.dialogue, music, fx[:n]


@pytest.mark.parametrize("spec", ["streaming", "netflix"])
def test_the_block_wise_mix_equals_the_whole_film_mix(voiced, stems, spec, monkeypatch):
    monkeypatch.setattr(M, "BLOCK", 12 * 12_288 + 100)        # 3.1 s blocks (rounded down to whole steps): several edges
    dialogue, music, fx = stems
    assert len(dialogue) > 5 * M.BLOCK
    settings = MixSettings(spec=spec, faders={"dialogue": 1.0, "music": 3.0, "effects": -2.0})
    result = M.mix(dialogue, music, fx, voiced.timeline, settings)
    ref_mix, ref_stems, ref_curve, ref_lo = _whole_film_mix(dialogue, music, fx, voiced.timeline, settings)
    assert result.mix.dtype == np.float32 and result.mix.shape == ref_mix.shape
    np.testing.assert_array_equal(result.duck_gain_db, ref_curve)
    np.testing.assert_allclose(result.mix, ref_mix, atol=1e-6)
    for k, v in ref_stems.items():
        assert result.stems[k].dtype == np.float32
        np.testing.assert_allclose(result.stems[k], v, atol=1e-6)
    for field in ("integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "sample_peak_dbfs"):
        assert getattr(result.loudness, field) == pytest.approx(getattr(ref_lo, field), abs=1e-3)
    if spec == "netflix":
        assert result.loudness.dialogue_lufs == pytest.approx(ref_lo.dialogue_lufs, abs=1e-3)
    assert result.qc.passed


def test_the_meter_fed_in_odd_blocks_measures_what_measure_does():
    rng = np.random.default_rng(11)
    t = np.arange(int(17.3 * SR)) / SR
    x = np.stack([np.sin(2 * np.pi * 997 * t) * (0.2 + 0.7 * (t % 5 > 2.5)), rng.standard_normal(len(t)) * 0.1],
                 axis=1).astype(np.float32)
    x[int(6.02 * SR)] = 0.99                                    # a lone peak for the true-peak search
    meter = L.LoudnessMeter(SR, 2)
    for a in range(0, len(x), 12_345):                           # no block lines up with a step or a peak block
        meter.add(x[a: a + 12_345])
    dialogue = [(1.0, 3.5), (9.2, 12.0)]
    got, ref = meter.result(dialogue, audio=x), L.measure(x, SR, dialogue)
    for field in ("integrated_lufs", "loudness_range_lu", "true_peak_dbtp", "sample_peak_dbfs", "dialogue_lufs"):
        assert getattr(got, field) == pytest.approx(getattr(ref, field), abs=1e-4), field
    assert got.seconds == ref.seconds
    assert meter.result(full=False).loudness_range_lu == 0.0
    with pytest.raises(Exception, match="samples"):
        meter.result(audio=x[:-1])


def test_the_meter_refuses_bad_input():
    from studio_kit.exceptions import AudioError

    with pytest.raises(AudioError, match="too short"):
        meter = L.LoudnessMeter(SR, 2)
        meter.add(np.zeros((1000, 2), dtype=np.float32))
        meter.result()
    with pytest.raises(AudioError, match="channel"):
        L.LoudnessMeter(SR, 2).add(np.zeros(1000, dtype=np.float32))
    with pytest.raises(AudioError, match="100 ms"):
        L.LoudnessMeter(44_101, 2)


@pytest.mark.slow
def test_a_real_mix_measures_as_ffmpeg_ebur128_measures_it(voiced, stems, tmp_path):
    """Integrated loudness and true peak of a real mix against ffmpeg's own ``ebur128`` (the independent reference)."""
    import pyloudnorm

    dialogue, music, fx = stems
    result = M.mix(dialogue, music, fx, voiced.timeline, MixSettings(spec="ebu-r128"))
    path = write_wav(tmp_path / "mix.wav", result.mix)
    ref = L.ffmpeg_ebur128(path)
    assert abs(result.loudness.integrated_lufs - ref["integrated_lufs"]) <= 0.3
    assert abs(result.loudness.true_peak_dbtp - ref["true_peak_dbtp"]) <= 0.5
    assert abs(result.loudness.integrated_lufs - (-23.0)) <= 0.5 and result.loudness.true_peak_dbtp <= -1.0
    # pyloudnorm (BS.1770 in float64, whole-file) agrees too
    assert pyloudnorm.Meter(SR).integrated_loudness(result.mix.astype(np.float64)) == \
        pytest.approx(result.loudness.integrated_lufs, abs=0.1)


def test_wav_masters_are_written_block_by_block_as_one_write_would(tmp_path, monkeypatch):
    import soundfile as sf

    from studio_kit.engines.post import audio

    monkeypatch.setattr(audio, "WRITE_BLOCK", 1000)
    x = (np.random.default_rng(5).standard_normal((4321, 2)) * 0.6).astype(np.float32)   # some samples clip
    path = write_wav(tmp_path / "blocks.wav", x)
    sf.write(str(tmp_path / "whole.wav"), np.clip(x, -1.0, 1.0), SR, subtype="PCM_24", format="WAV")
    assert path.read_bytes() == (tmp_path / "whole.wav").read_bytes()
    mono = write_wav(tmp_path / "mono.wav", x[:, 0])
    assert sf.info(str(mono)).channels == 1 and sf.info(str(mono)).frames == 4321


def test_mixing_straight_to_files_writes_what_the_mix_holds(voiced, stems, tmp_path, monkeypatch):
    import soundfile as sf

    from studio_kit.exceptions import AudioError

    monkeypatch.setattr(M, "BLOCK", 12 * 12_288)
    dialogue, music, fx = stems
    settings = MixSettings(spec="netflix")
    result = M.mix(dialogue, music, fx, voiced.timeline, settings)
    paths = {"mix": tmp_path / "mix.wav", "dialogue": tmp_path / "dx.wav", "m&e": tmp_path / "me.wav"}
    lo, report, curve = M.mix_to_files(dialogue, music, fx, voiced.timeline, paths, settings)
    for key, path in paths.items():
        expected = write_wav(tmp_path / f"ref_{path.name}", result.mix if key == "mix" else result.stems[key])
        assert path.read_bytes() == expected.read_bytes(), key
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("ref_")) == ["dx.wav", "me.wav", "mix.wav"]
    np.testing.assert_array_equal(curve, result.duck_gain_db)
    assert lo.integrated_lufs == result.loudness.integrated_lufs and lo.dialogue_lufs == result.loudness.dialogue_lufs
    assert lo.true_peak_dbtp == pytest.approx(result.loudness.true_peak_dbtp, abs=1e-3)   # searched in the 24-bit file
    assert report.passed and report.file == str(paths["mix"]) and sf.info(str(paths["mix"])).subtype == "PCM_24"
    with pytest.raises(AudioError, match="not voice"):
        M.mix_to_files(dialogue, music, fx, voiced.timeline, {"mix": tmp_path / "x.wav", "voice": tmp_path / "v.wav"})
