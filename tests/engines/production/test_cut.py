"""The hybrid cut: one OTIO clip per shot slot, real takes and AI shots side by side, exported and rendered."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from studio_kit import media
from studio_kit.engines.production import animatic, service
from studio_kit.exceptions import ProductionError

sys.path.insert(0, str(Path(__file__).parent))
from clips import make_clip


@pytest.fixture
def hybrid(plan, cast, tmp_path, script_path):
    service.ingest_footage([make_clip(tmp_path / "S1_SH2_T1.mov")], ctx=cast)
    service.cut_choice("1.2", source="take", take="S1_SH2_T1", in_frame=10, note="use the wave", ctx=cast)
    return cast


@pytest.mark.slow
def test_the_cut_is_an_otio_timeline_with_one_clip_per_shot(hybrid, plan, script_path, tmp_path):
    import opentimelineio as otio

    out = service.export_cut(tmp_path / "cut.otio", script=script_path, ctx=hybrid)
    cut = otio.adapters.read_from_file(str(out))
    timeline = service.film_timeline(script_path, ctx=hybrid)
    clips = list(cut.tracks[0].find_clips())
    assert len(clips) == len(list(timeline.shots())) == len(plan.shots)
    sources = {c.metadata["studio_kit"]["shot"]: c.metadata["studio_kit"]["source"] for c in clips}
    assert sources["1.2"] == "take" and sources["1.1"] == "ai"
    take_clip = next(c for c in clips if c.metadata["studio_kit"]["shot"] == "1.2")
    assert take_clip.source_range.start_time.value == 10 and take_clip.media_reference.target_url.endswith(".mp4")
    assert [m.name for m in take_clip.markers] == ["use the wave"]
    assert any(m.name.startswith("Sc 2:") for c in clips for m in c.markers)
    assert cut.tracks[0].duration().to_frames() == timeline.duration_frames
    assert cut.global_start_time.to_timecode() == "01:00:00:00"


@pytest.mark.slow
@pytest.mark.parametrize("fmt,needle", [("fcpxml", "<fcpxml"), ("xml", "<xmeml"), ("edl", "TITLE:")])
def test_the_cut_exports_through_otio_adapters(hybrid, script_path, tmp_path, fmt, needle):
    out = service.export_cut(tmp_path / "cut", fmt=fmt, script=script_path, ctx=hybrid)
    text = out.read_text()
    assert out.suffix == f".{fmt}" and needle in text
    if fmt == "edl":
        assert "\n001  AI1_1 " in text and "\n002  S1_SH2_T " in text and "FROM CLIP NAME" in text
        assert "\nFCM: NON-DROP FRAME\n" in text
        events = [line.split() for line in text.splitlines() if line[:3].isdigit()]
        assert events[0][-2] == "01:00:00:00"                        # record side starts at the program start
        assert all(a[-1] == b[-2] for a, b in zip(events, events[1:]))   # and runs on without gaps


@pytest.mark.slow
def test_the_cut_exports_to_avid_aaf_and_reads_back_with_its_clips(hybrid, script_path, tmp_path):
    import opentimelineio as otio

    cut = service.build_cut(script_path, ctx=hybrid)
    out = service.export_cut(tmp_path / "cut.aaf", script=script_path, ctx=hybrid)
    assert out.suffix == ".aaf" and out.read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")   # a structured-storage file
    back = otio.adapters.read_from_file(str(out))
    clips = list(back.find_clips())
    video = [t for t in back.tracks if t.kind == otio.schema.TrackKind.Video]
    assert video and len(clips) >= 2
    picture = list(video[0].find_clips())
    assert [c.name for c in picture] == [c.name for c in cut.tracks[0].find_clips()]
    assert sum(c.duration().to_frames() for c in picture) == cut.tracks[0].duration().to_frames()


def test_choosing_a_take_is_checked(plan, cast):
    with pytest.raises(ProductionError, match="No ingested take"):
        service.cut_choice("1.1", source="take", take="nope", ctx=cast)
    with pytest.raises(ProductionError, match="'ai' or 'take'"):
        service.cut_choice("1.1", source="stock", ctx=cast)


@pytest.mark.slow
def test_the_cut_renders_with_the_take_in_its_slot(hybrid, plan, script_path, tmp_path):
    out = tmp_path / "cut.mp4"
    result = service.render_cut(out, script=script_path, ctx=hybrid)
    timeline = service.film_timeline(script_path, ctx=hybrid)
    assert abs(media.video_frames(out) - result.frames) <= 1
    assert result.frames == timeline.duration_frames + animatic.TITLE_FRAMES + animatic.END_FRAMES
    slot = list(timeline.shots())[1]
    frame_no = animatic.TITLE_FRAMES + slot.start_frame + 2
    got = next(f for i, f in enumerate(media.read_frames(out, 1280, 720)) if i == frame_no)
    take = next(media.read_frames(service.list_takes(ctx=hybrid)[0].source, 1280, 720, start_s=12 / 24, fit=True))
    assert np.abs(got.astype(int) - take.astype(int)).mean() < 12           # the take plays in its slot
