"""Real footage: ingest finds the cuts, bad files store nothing, takes match the script, coverage and continuity."""
from __future__ import annotations

import itertools
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio_kit import media
from studio_kit.engines.production import footage, service

sys.path.insert(0, str(Path(__file__).parent))
from clips import make_clip

from studio_kit.exceptions import ProductionError


def test_probe_reads_codec_size_rate_duration_timecode_and_audio(tmp_path):
    info = media.probe(make_clip(tmp_path / "A001.mov"))
    assert (info.video_codec, info.width, info.height, info.fps) == ("h264", 320, 240, 24.0)
    assert info.duration_s == pytest.approx(6.0, abs=0.05) and info.frames == 144
    assert info.timecode == "01:00:00:00" and info.audio_codec == "aac" and info.audio_channels == 1


def test_ingest_finds_the_known_cuts_and_stores_proxy_thumbnails_and_the_take(ctx, tmp_path):
    take = service.ingest_footage([make_clip(tmp_path / "S12_T3.mov")], ctx=ctx)[0]
    assert all(abs(found - known) <= 1 for found, known in zip(take.cuts, [48, 96])) and len(take.cuts) == 2
    assert (take.scene, take.take, take.matched_by) == ("12", 3, "name")
    proxy = ctx.asset_path(take.proxy_asset_id)
    assert media.probe(proxy).video_codec == "h264" and media.video_frames(proxy) == 144
    assert len(take.thumbnail_asset_ids) == 3
    thumbs = [np.asarray(Image.open(ctx.asset_path(i)).convert("RGB"), dtype=np.int16)
              for i in take.thumbnail_asset_ids]
    assert np.abs(thumbs[0] - thumbs[1]).mean() > 20                 # one thumbnail per detected shot
    assert service.list_takes(ctx=ctx)[0].media.timecode == "01:00:00:00"


@pytest.mark.parametrize("kind", ["garbage", "truncated", "empty"])
def test_a_broken_file_gets_a_clear_error_and_leaves_nothing_stored(ctx, tmp_path, kind):
    good = make_clip(tmp_path / "good.mov")
    bad = tmp_path / f"S1_T1_{kind}.mov"
    data = good.read_bytes()
    bad.write_bytes({"garbage": b"not a video" * 1000, "truncated": data[: len(data) * 6 // 10],
                     "empty": b""}[kind])
    with pytest.raises(ProductionError, match="S1_T1_" + kind) as err:
        service.ingest_footage([bad], ctx=ctx)
    assert err.value.hint
    assert ctx.list_assets() == []


def test_names_and_slates_match_takes_to_scenes_and_shots():
    assert footage.parse_slate("S12_T3.mov") == {"scene": "12", "shot": None, "take": 3}
    assert footage.parse_slate("SC4-SH2-TK1.mxf") == {"scene": "4", "shot": "4.2", "take": 1}
    assert footage.parse_slate("12A-3.mov") == {"scene": "12", "shot": "12.2", "take": 3}   # US set-up A
    assert footage.parse_slate("12A-3.mov", scenes=["12", "12A"]) == {"scene": "12A", "shot": None, "take": 3}
    assert footage.parse_slate("A001C003_12B_T2.mov")["shot"] == "12.3"
    assert footage.parse_slate("holiday.mov") is None


def test_coverage_lists_shots_without_footage_or_frames_and_overrides_win(plan, cast, tmp_path):
    service.ingest_footage([make_clip(tmp_path / "S1_SH2_T1.mov"), make_clip(tmp_path / "mystery.mov")], ctx=cast)
    report = service.coverage_report(ctx=cast)
    row = next(r for r in report.rows if r.number == "1.2")
    assert row.takes == ["S1_SH2_T1"] and report.unmatched_takes == ["mystery"]
    assert report.missing == []                                        # every shot has an AI frame
    service.assign_take("mystery", shot="2.1", ctx=cast)
    report = service.coverage_report(ctx=cast)
    assert next(r for r in report.rows if r.number == "2.1").takes == ["mystery"] and not report.unmatched_takes
    bare = plan.model_copy(update={"shots": [s.model_copy(update={"asset_id": None}) for s in plan.shots]})
    missing = {r.number for r in service.coverage_report(ctx=cast, plan=bare).missing}
    assert "1.2" not in missing and "2.1" not in missing and "1.1" in missing
    with pytest.raises(ProductionError, match="No take named"):
        service.assign_take("nope", shot="1.1", ctx=cast)


def test_continuity_flags_an_exposure_and_colour_jump_and_match_histograms_fixes_it():
    from studio_kit.engines.production.continuity import compare, match_colour

    rng = np.random.default_rng(1)
    base = rng.integers(60, 200, (180, 320, 3)).astype(np.uint8)
    a = Image.fromarray(base)
    warm_dark = base.astype(np.float32) * [0.55, 0.45, 0.3]
    b = Image.fromarray(warm_dark.clip(0, 255).astype(np.uint8))
    same = compare("1", "1.1", a, "1.2", a)
    assert same.flags == [] and same.histogram_distance < 0.01
    jump = compare("1", "1.1", a, "1.2", b)
    assert any(f.startswith("exposure jump") for f in jump.flags) and any("white balance" in f for f in jump.flags)
    fixed = compare("1", "1.1", a, "1.2", match_colour(b, a))
    assert fixed.exposure_delta < 0.02 and not any(f.startswith("exposure") for f in fixed.flags)


def test_continuity_report_compares_consecutive_shots_of_each_scene(plan, cast):
    checks = service.continuity_report(ctx=cast)
    scene1 = [s.number for s in plan.shots if s.scene_index == 0]
    assert [(c.a, c.b) for c in checks if c.scene == "1"] == list(itertools.pairwise(scene1))
    assert all(len(c.dominant_a) == 3 for c in checks)


def test_a_face_that_changes_between_two_shots_is_flagged():
    from studio_kit.engines.production.continuity import compare

    img = Image.fromarray(np.full((90, 160, 3), 120, np.uint8))
    same = np.zeros(128)
    other = np.full(128, 0.07)                                  # dlib distance ≈ 0.79: another person
    check = compare("3", "3.1", img, "3.2", img, faces={"mara": (same, same + 0.01), "jonah": (same, other)})
    assert check.face_distance["mara"] < 0.2 and check.face_distance["jonah"] > 0.6
    assert check.flags == ["face: jonah does not look like the same person in 3.1 and 3.2"]
