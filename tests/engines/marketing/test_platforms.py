"""Platform presets as data; every export decoded and QC'd against its preset; a failed QC keeps nothing."""
from __future__ import annotations

import pytest

from studio_kit.exceptions import MarketingError


@pytest.fixture(scope="module")
def source(tmp_path_factory):
    """A 6 s 640×360 24 fps clip with moving picture and a tone (the 'trailer')."""
    from studio_kit import media

    path = tmp_path_factory.mktemp("src") / "source.mp4"
    media.run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24:duration=6", "-f", "lavfi",
                      "-i", "sine=frequency=440:sample_rate=48000:duration=6", "-c:v", "libx264", "-pix_fmt",
                      "yuv420p", "-c:a", "aac", "-shortest", str(path)], "test source")
    return path


def test_presets_are_data_with_the_standard_figures():
    from studio_kit.engines.marketing import platforms as P

    known = P.presets()
    assert {"youtube", "tiktok", "instagram-reels", "instagram-feed", "instagram-square", "youtube-shorts", "x",
            "master", "screener"} <= set(known)
    assert (known["tiktok"].width, known["tiktok"].height, known["tiktok"].max_seconds) == (1080, 1920, 60)
    assert (known["instagram-feed"].width, known["instagram-feed"].height) == (1080, 1350)
    assert known["youtube"].video_bitrate_kbps == 8000 and known["youtube"].loudness == "streaming"
    s = known["screener"]
    assert (s.container, s.video_codec, s.profile, s.pix_fmt, s.audio_codec) == \
        ("mov", "prores", "HQ", "yuv422p10le", "pcm_s24le")
    left, top, right, bottom = known["tiktok"].safe_box()
    assert 0 < left < right < 1080 and 0 < top < bottom < 1920 and bottom <= 1920 * 0.8 + 1


def test_unknown_platform_lists_the_known_ones():
    from studio_kit.engines.marketing import platforms as P

    with pytest.raises(MarketingError, match="Unknown platform 'myspace'") as err:
        P.select("youtube,myspace")
    assert "tiktok" in err.value.hint and "screener" in err.value.hint


@pytest.mark.slow
def test_one_decode_encodes_every_full_frame_preset_and_each_passes_its_qc(source, tmp_path):
    from studio_kit import media
    from studio_kit.engines.marketing import service
    from studio_kit.engines.post.service import measure_loudness

    d = service.export_platforms(source, "youtube,x,master,screener", tmp_path, scale=1 / 6, stem="t")
    assert d.passed and len(d.qc) == 4
    expect = {"youtube": ((320, 180), "h264", "mp4", -14), "x": ((214, 120), "h264", "mp4", -14),
              "master": ((320, 180), "h264", "mp4", -14), "screener": ((320, 180), "prores", "mov", -23)}
    for key, (size, codec, ext, lufs) in expect.items():
        path = d.files[key]
        assert path.suffix == f".{ext}"
        info = media.probe(path)
        assert (info.width, info.height, info.video_codec, info.sample_rate) == (*size, codec, 48000)
        assert abs(media.video_frames(path) / info.fps - 6) < 0.1
        assert abs(measure_loudness(path, "streaming").measured_lufs - lufs) <= 1
    q = {x.preset: x for x in d.qc}
    assert q["screener"].figures["profile"] == "HQ" and q["screener"].figures["pix_fmt"] == "yuv422p10le"
    assert q["youtube"].figures["profile"] == "High" and q["x"].figures["fps"] == 30
    assert d.report.is_file() and "PASS" in q["master"].line()


def test_a_failed_qc_is_an_error_and_leaves_no_file(source, tmp_path):
    from studio_kit.engines.marketing import platforms as P

    tiktok = P.scaled(P.get_preset("tiktok"), 1 / 6)
    with pytest.raises(MarketingError, match="failed QC") as err:
        P.export(source, [(tiktok, tmp_path / "clip-tiktok.mp4", "crop=ih*9/16:ih")], seconds=3)
    assert "shorter than 5" in str(err.value)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.slow
def test_a_peaky_source_reaches_the_platform_loudness_under_the_true_peak_ceiling(tmp_path):
    """Short loud bursts over a quiet bed (crest ~16 dB): gain alone cannot reach −14 LUFS under −1 dBTP,
    so each output is limited (the post engine's true-peak limiter), not left quiet."""
    from studio_kit import media
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.post.service import measure_loudness

    src = tmp_path / "peaky.mp4"
    media.run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=6", "-f", "lavfi", "-i",
                      "aevalsrc='(0.06+0.9*lt(mod(t\\,0.2)\\,0.01))*sin(2*PI*1000*t)':s=48000:d=6",
                      "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "256k", "-shortest", str(src)],
                     "peaky source")
    before = measure_loudness(src, "streaming")
    assert before.loudness.true_peak_dbtp - before.measured_lufs > 14     # too peaky for gain alone
    tiktok = P.scaled(P.get_preset("tiktok"), 1 / 6)
    [line] = P.export(src, [(tiktok, tmp_path / "out" / "clip-tiktok.mp4", None)], seconds=6)
    assert line.passed, line.line()
    assert abs(line.figures["lufs"] + 14) <= 1 and line.figures["true_peak"] <= -1.0
