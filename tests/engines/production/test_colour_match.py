"""Colour match of real takes: a blue-tinted take matched to a neutral reference through scikit-image's
histogram match, kept as tone curves with the cut choice and applied by ffmpeg's `curves` filter at
conform; measured on decoded frames, before and after."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from studio_kit import media
from studio_kit.engines.production import continuity, cut, service
from studio_kit.exceptions import ProductionError

sys.path.insert(0, str(Path(__file__).parent))
from clips import make_clip  # noqa: E402

TINT = "lutrgb=r=val*0.55:g=val*0.8:b=min(255\\,val*1.1+40)"     # a cold, blue cast (a wrong white balance)


def _clip(path: Path, vf: str | None = None, seconds: float = 2) -> Path:
    args = [media.ffmpeg_exe(), "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=s=320x240:r=24", "-t", str(seconds)]
    if vf:
        args += ["-vf", vf]
    subprocess.run([*args, "-c:v", "libx264", "-pix_fmt", "yuv420p", str(path)], check=True)
    return path


def _error(means, reference):
    return float(np.abs(np.subtract(means, reference)).sum())


def test_the_curves_filter_moves_a_blue_take_toward_a_neutral_reference(tmp_path):
    neutral, blue = _clip(tmp_path / "neutral.mp4"), _clip(tmp_path / "blue.mp4", TINT)
    reference = next(media.read_frames(neutral, 320, 240, count=1))
    frame = next(media.read_frames(blue, 320, 240, count=1))
    curves = continuity.colour_curves(frame, reference)
    assert set(curves) == {"r", "g", "b"} and all(len(c) == continuity.CURVE_POINTS for c in curves.values())
    for points in curves.values():                                   # tone curves: monotone, in 0..1
        ys = [y for _, y in points]
        assert ys == sorted(ys) and 0 <= ys[0] and ys[-1] <= 1
    vf = continuity.curves_filter(curves)
    assert vf.startswith("curves=interp=pchip:r='0.0000/")
    ref_means = continuity.channel_means(reference)
    before = [continuity.channel_means(f) for f in media.read_frames(blue, 320, 240, count=24)]
    after = [continuity.channel_means(f) for f in media.read_frames(blue, 320, 240, count=24, filters=vf)]
    assert before[0][2] > ref_means[2] + 20 and before[0][0] < ref_means[0] - 30   # the cast is real
    err_before = np.mean([_error(m, ref_means) for m in before])
    err_after = np.mean([_error(m, ref_means) for m in after])
    assert err_after < 0.25 * err_before, (err_before, err_after)  # every frame of the take, not just the first
    assert after[0][2] < before[0][2] and after[0][0] > before[0][0]       # less blue, more red


@pytest.fixture
def blue_take(plan, cast, tmp_path):
    """Shot 1.2 cut to a blue-cast take; its neighbour 1.1 stays the (neutral) AI frame."""
    clip = make_clip(tmp_path / "S1_SH2_T1.mov")
    tinted = tmp_path / "tinted" / "S1_SH2_T1.mov"
    tinted.parent.mkdir()
    subprocess.run([media.ffmpeg_exe(), "-v", "error", "-y", "-i", str(clip), "-vf", TINT, "-c:v", "libx264",
                    "-pix_fmt", "yuv420p", "-c:a", "copy", str(tinted)], check=True)
    service.ingest_footage([tinted], ctx=cast)
    return cast


def test_a_take_next_to_an_ai_shot_is_offered_and_stores_its_colour_match(blue_take, plan):
    takes = {t.name: t for t in service.list_takes(ctx=blue_take)}
    assert cut.colour_reference(plan, {}, "1.2", "S1_SH2_T1") == ("1.1", None)   # the AI shot before it
    choices = service.cut_choice("1.2", source="take", take="S1_SH2_T1", in_frame=4, colour_match=True,
                                 ctx=blue_take)
    match = cut.load_choices(blue_take, plan.script_name)["1.2"].extra["colour_match"]   # stored, reloadable
    assert match == choices["1.2"].extra["colour_match"]
    assert match["reference"] == "AI shot 1.1" and match["filter"].startswith("curves=")
    assert _error(match["means_after"], match["means_reference"]) < 0.5 * _error(match["means_before"],
                                                                                   match["means_reference"])
    # two real takes side by side (two cameras): 1.1 cut to another take is 1.2's reference now
    other = cut.colour_reference(plan, {"1.1": cut.CutChoice(number="1.1", source="take", take="B_CAM")},
                                 "1.2", "S1_SH2_T1")
    assert other[0] == "1.1" and other[1].take == "B_CAM"
    assert cut.colour_reference(plan, {"1.1": cut.CutChoice(number="1.1", source="take", take="S1_SH2_T1")},
                                "1.2", "S1_SH2_T1") != ("1.1", None)          # the same take is no reference
    with pytest.raises(ProductionError, match="only a real take is colour-matched"):
        service.cut_choice("1.2", source="ai", colour_match=True, ctx=blue_take)
    assert takes["S1_SH2_T1"].media.frames == 144


@pytest.mark.slow
def test_the_cut_conforms_the_take_with_its_colour_match(blue_take, plan, script_path, tmp_path):
    import opentimelineio as otio

    service.cut_choice("1.2", source="take", take="S1_SH2_T1", in_frame=4, colour_match=True, ctx=blue_take)
    match = cut.load_choices(blue_take, plan.script_name)["1.2"].extra["colour_match"]
    out = service.export_cut(tmp_path / "cut.otio", script=script_path, ctx=blue_take)
    clip = next(c for c in otio.adapters.read_from_file(str(out)).tracks[0].find_clips()
                if c.metadata["studio_kit"]["shot"] == "1.2")
    assert clip.metadata["studio_kit"]["colour_match"]["filter"] == match["filter"]

    result = service.render_cut(tmp_path / "cut.mp4", script=script_path, ctx=blue_take, preset="720p")
    timeline = service.film_timeline(script_path, ctx=blue_take)
    from studio_kit.engines.production import animatic

    slot = next(s for s, shot in animatic.slots(plan, timeline) if shot.number == "1.2")
    start = (result.title_frames + slot.start_frame + 2) / animatic.FPS
    frames = media.read_frames(result.path, 320, 180, start_s=start, count=6)
    conformed = [continuity.channel_means(f[:, 46:274]) for f in frames]   # the 4:3 take, pillarboxed in 16:9
    proxy = cut.take_frame(blue_take, {t.name: t for t in service.list_takes(ctx=blue_take)}["S1_SH2_T1"], 6)
    reference = match["means_reference"]
    assert np.mean([_error(m, reference) for m in conformed]) < 0.5 * _error(continuity.channel_means(proxy),
                                                                               reference)


def test_studio_cut_choose_colour_match(blue_take, plan, monkeypatch):
    from typer.testing import CliRunner

    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    for key, value in {"STUDIO_ORG": "acme", "STUDIO_PROJECT": "harbour", "STUDIO_USER": "ana"}.items():
        monkeypatch.setenv(key, value)
    reset_settings()
    result = CliRunner().invoke(app, ["cut", "choose", "1.2", "--take", "S1_SH2_T1", "--colour-match"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "colour matched to AI shot 1.1" in " ".join(result.output.split())
    assert cut.load_choices(blue_take, plan.script_name)["1.2"].extra["colour_match"]["filter"].startswith("curves=")
