"""3D previz in production: the 180° line flags stored with the camera plan, mark / orbit / lens nudges stored
on the shot and redrawn deterministically (engine and the dashboards' nudge component), and the animatic
playing the camera moves Blender rendered instead of a crop over a still."""
from __future__ import annotations

import html
import json

import numpy as np
import pytest
from previz3d_scenes import BOOTH

from studio_kit.backends.image.blender3d.backend import bpy_installed

needs_bpy = pytest.mark.skipif(not bpy_installed(), reason="bpy (extra previz3d) is not installed")

SCRIPT = BOOTH


@pytest.fixture
def project(studio_home, tmp_path):
    from studio_kit.engines.characters import service as characters
    from studio_kit.store import open_store

    ctx = open_store().project("acme", "booth", user="ana")
    path = tmp_path / "booth.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    characters.create_from_script(path, "all", ctx=ctx)
    characters.lock("maya", ctx=ctx)
    characters.lock("rafa", ctx=ctx)
    return ctx, path


def _frame(ctx, shot):
    from studio_kit.engines.production import service

    return np.asarray(service.frame_image(shot, ctx=ctx), dtype=np.int16)


def test_line_flags_are_stored_with_the_camera_plan_and_a_crossing_survives_a_reload(project, tmp_path):
    """Staging only (no Blender needed): every shot's side of the line is stored in a versioned camera plan;
    a camera orbited across the line is flagged there, in the diagram and after reopening the store."""
    from studio_kit.engines.production import camera_plan as cp
    from studio_kit.engines.production import shots
    from studio_kit.store import open_store

    ctx, path = project
    plan = shots.plan_from_script(shots.load(path))
    shots.save_plan(ctx, plan)
    first = cp.camera_plan_record(ctx, plan, "1")
    assert first["version"] == 1 and first["crossings"] == []
    flags = first["line_flags"]
    assert [f["shot"] for f in flags] == [s.number for s in plan.active]
    assert {f["between"][0].upper() for f in flags} == {"MAYA"} and all(f["side"] == f["established"] for f in flags)
    assert cp.camera_plan_record(ctx, plan, "1")["version"] == 1          # nothing changed: no new version
    number = plan.active[1].number
    plan.shots[1] = plan.shots[1].model_copy(update={"previz": {"orbit": 120.0}})
    shots.save_plan(ctx, plan, note="nudge")
    second = cp.camera_plan_record(ctx, plan, "1")
    assert second["version"] == 2 and second["crossings"] == [number]
    assert "CROSSES THE LINE" in cp.camera_plan(plan, "1", second["line_flags"]).svg()
    from studio_kit.engines.production import service

    exported = service.export_camera_plan("1", tmp_path / "plans", ctx=ctx)   # what `studio camera-plan` writes
    assert "CROSSES THE LINE" in exported["svg"].read_text() and exported["png"].stat().st_size > 0
    reopened = open_store().project("acme", "booth", user="ana")
    stored = cp.stored_camera_plan(reopened, shots.latest_plan(reopened), "1")
    assert stored["version"] == 2 and stored["crossings"] == [number]
    row = next(s for s in stored["shots"] if s["number"] == number)
    assert row["previz"] == {"orbit": 120.0} and row["line"]["crosses_line"] is True
    assert [v.version for v in reopened.versions(cp.KIND, cp.record_name(plan, "1"))] == [1, 2]


def test_with_the_3d_previz_configured_the_camera_plan_export_adds_its_top_view(project, tmp_path, monkeypatch):
    import numpy as np
    from PIL import Image

    from studio_kit.config import reset_settings
    from studio_kit.engines.production import service, shots

    ctx, path = project
    plan = shots.plan_from_script(shots.load(path))
    shots.save_plan(ctx, plan)
    assert "top_view" not in service.export_camera_plan("1", tmp_path / "2d", ctx=ctx)   # the suite's 2D previz
    monkeypatch.setenv("STUDIO_IMAGE_BACKEND", "auto")                                  # the product default
    reset_settings()
    out = service.export_camera_plan("1", tmp_path / "3d", ctx=ctx)
    assert out["top_view"].name == "camera-plan-scene-1-3d.png"
    with Image.open(out["top_view"]) as im:
        pixels = np.asarray(im.convert("RGB"), dtype=np.int16)
    assert pixels.shape == (720, 1280, 3)
    r, g, b = pixels[..., 0], pixels[..., 1], pixels[..., 2]
    assert ((r > 150) & (g < 90) & (b < 90)).sum() > 500          # the dashed red 180° line
    assert ((b > r + 60) & (b > g + 30)).sum() > 500               # the blue cameras and their frustums
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 100     # the rendered set and figures under them


def test_nudge_steps_are_plain_and_bad_ones_are_refused():
    from studio_kit.backends.image.blender3d import staging as st
    from studio_kit.exceptions import ImageError

    n = st.nudged(None, mark="Maya", direction="left")
    n = st.nudged(n, mark="MAYA", direction="forward")
    n = st.nudged(st.nudged(n, orbit=15), lens=35)
    assert n == {"marks": {"MAYA": [-0.25, -0.25]}, "orbit": 15.0, "lens": 35.0}
    assert "marks" not in st.nudged(st.nudged(n, mark="maya", direction="right"), mark="maya", direction="back")
    shot, scene = st.apply_nudge(n, {"size": "MS"}, {"characters": ["MAYA", "RAFA"]})
    assert shot == {"size": "MS", "camera": {"orbit": 15.0}, "lens": 35.0}
    assert st.stage_scene(["MAYA", "RAFA"], scene).marks["MAYA"].pos() == (-0.9, -0.25)
    with pytest.raises(ImageError, match="direction"):
        st.nudged(n, mark="MAYA", direction="up")
    with pytest.raises(ImageError, match="Lens 2 mm"):
        st.nudged(n, lens=2)


@needs_bpy
def test_nudges_are_stored_on_the_shot_redraw_it_and_are_deterministic(project):
    from studio_kit.engines.production import camera_plan as cp
    from studio_kit.engines.production import shots
    from studio_kit.exceptions import ProductionError

    ctx, path = project
    plan = shots.render_shots(path, ctx, backend="blender3d", width=160, height=90)
    number = plan.active[1].number
    original = _frame(ctx, plan.shot(number))
    plan = cp.nudge_shot(ctx, number, mark="MAYA", direction="left")
    plan = cp.nudge_shot(ctx, number, orbit=15)
    plan = cp.nudge_shot(ctx, number, lens=35)
    nudged = plan.shot(number)
    assert nudged.previz == {"marks": {"MAYA": [-0.25, 0.0]}, "orbit": 15.0, "lens": 35.0}
    assert nudged.backend == "blender3d" and len(nudged.variants) == 4
    picture = _frame(ctx, nudged)
    assert np.abs(picture - original).mean() > 2                       # the nudges changed the picture
    assert ctx.get_asset(nudged.asset_id).meta["previz"] == nudged.previz
    assert shots.latest_plan(ctx).shot(number).previz == nudged.previz  # stored on the shot: a reload has it
    # the same nudges again, from scratch, draw the same pixels; a reset draws the planned picture again
    plan = cp.nudge_shot(ctx, number, reset=True)
    assert plan.shot(number).previz == {} and np.array_equal(_frame(ctx, plan.shot(number)), original)
    for step in ({"mark": "MAYA", "direction": "left"}, {"orbit": 15}, {"lens": 35}):
        plan = cp.nudge_shot(ctx, number, **step)
    assert np.array_equal(_frame(ctx, plan.shot(number)), picture)
    # the other shots keep their frames; a re-plan of the same script keeps the nudge
    assert all(s.previz == {} for s in plan.active if s.number != number)
    again = shots.render_shots(path, ctx, backend="blender3d", width=160, height=90)
    assert again.shot(number).previz == nudged.previz
    with pytest.raises(ProductionError, match="ZED is not in scene"):
        cp.nudge_shot(ctx, number, mark="ZED", direction="left")


@needs_bpy
def test_the_nudge_component_drives_the_engine_and_shows_the_redrawn_shot(project):
    """The Panel component both dashboards mount, driven through its widgets."""
    from studio_kit.engines.production import shots
    from studio_kit.ui.previz_nudges import PrevizNudges

    ctx, path = project
    plan = shots.render_shots(path, ctx, backend="blender3d", width=160, height=90)
    changes = []
    ui = PrevizNudges(ctx, on_change=changes.append)
    number = plan.active[1].number
    ui.show(number)
    assert ui.shot == number and ui.shots.value == number and [m.upper() for m in ui.mark.options] == ["MAYA", "RAFA"]
    before = ui.picture.object
    ui.mark.value = ui.mark.options[1]
    ui.mark_buttons["right"].clicks += 1
    ui.orbit_right.clicks += 1
    ui.lens.value = 85
    assert "redrawn in 3D" in ui.alert.object and ui.alert.alert_type == "success"
    shot = shots.latest_plan(ctx).shot(number)
    assert shot.previz == {"marks": {"RAFA": [0.25, 0.0]}, "orbit": 15.0, "lens": 85.0}
    assert len(changes) == 3 and changes[-1].shot(number).previz == shot.previz
    assert ui.picture.object != before and f"data-asset='{shot.asset_id}'" in ui.picture.object
    assert json.loads(html.unescape(ui.picture.object.split("data-previz='")[1].split("'")[0])) == shot.previz
    assert "line-flag" in ui.flags.object
    # a reload (a new component on the same project) shows the stored nudge and lens
    fresh = PrevizNudges(ctx)
    fresh.show(number)
    assert fresh.lens.value == 85 and f"data-asset='{shot.asset_id}'" in fresh.picture.object
    ui.reset_button.clicks += 1
    assert shots.latest_plan(ctx).shot(number).previz == {}


@needs_bpy
@pytest.mark.slow
def test_the_animatic_plays_the_rendered_push_in_of_a_3d_shot(project, tmp_path):
    """A 2-shot animatic: the push-in is Blender's rendered move (the picture changes through the shot, and it
    is not the crop of the still the 2D path makes), the other shot holds; the film lasts its timeline."""
    from studio_kit import media
    from studio_kit.domain.timeline import SceneSlot, ShotSlot, Timeline
    from studio_kit.engines.production import animatic, shots

    ctx, path = project
    plan = shots.render_shots(path, ctx, backend="blender3d", width=160, height=90)
    first, second = plan.active[0], plan.active[1]
    a, b = 30, 18
    timeline = Timeline(title="Booth", scenes=[SceneSlot(
        scene_number="1", heading=first.heading, start_frame=0, duration_frames=a + b, scene_index=first.scene_index,
        shots=[ShotSlot(shot_id="1-1", scene_number="1", index=1, start_frame=0, duration_frames=a, size=first.size,
                        movement="push in"),
               ShotSlot(shot_id="1-2", scene_number="1", index=2, start_frame=a, duration_frames=b,
                        size=second.size, movement="static")])])
    out = tmp_path / "animatic.mp4"
    result = animatic.render(ctx, plan, timeline, out, title_card=False, end_card=False,
                             cache_dir=tmp_path / "cache")
    assert result.frames == a + b and abs(media.video_frames(out) - (a + b)) <= 1
    assert abs(media.probe(out).duration_s - (a + b) / 24) <= 1 / 24
    frames = [f.astype(np.int16) for f in media.read_frames(out, 1280, 720)]
    push, hold = frames[:a], frames[a:]
    assert np.abs(push[1] - push[-2]).mean() > 3                       # the camera moved through the shot
    steps = [np.abs(push[i + 1] - push[i]).mean() for i in range(a - 1)]
    assert sum(s > 0.05 for s in steps) >= a // 2                      # and kept moving: not a static still
    assert np.abs(hold[1] - hold[-2]).mean() < 1.0                     # the static shot holds
    # a push-in made in 3D, not a crop: its first frame is the 3D frame of the shot, not a zoom of the still
    still = np.asarray(shots.frame_image(ctx, first).resize((1280, 720)), dtype=np.int16)
    assert np.abs(push[0] - still).mean() < 12
    labels = [s.label for s in animatic.build_segments(
        ctx, plan, timeline, (1280, 720), preset="720p", title_card=False, end_card=False,
        overlays=animatic.Overlays((1280, 720), False, False), colour_match=False, choices={}, takes={},
        backend=type("B", (), {"name": "previz", "model_id": None})())]
    assert labels == [f"shot {first.number} (3D push)", f"shot {second.number}"]


def test_character_lab_offers_the_shots_of_the_character_on_screen_to_nudge(project):
    from studio_kit.engines.production import shots
    from studio_kit.ui.character_lab import CharacterLab

    ctx, path = project
    plan = shots.plan_from_script(shots.load(path))
    shots.save_plan(ctx, plan)
    lab = CharacterLab(context=ctx)
    for cid, name in (("maya", "MAYA"), ("rafa", "RAFA")):
        lab.select(cid)
        mine = [s.number for s in plan.active if name in {n.upper() for n in s.subjects}]
        assert list(lab.nudges.shots.options.values()) == mine and lab.nudges.shot == mine[0]
        assert "line-flag" in lab.nudges.flags.object and f"data-shot='{mine[0]}'" in lab.nudges.picture.object
