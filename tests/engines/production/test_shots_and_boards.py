"""Shots drawn from locked identities, re-rendered one at a time, boarded and planned for camera."""
from __future__ import annotations

import subprocess

import numpy as np
import pytest
from PIL import Image

from studio_kit.engines.production import service
from studio_kit.exceptions import CharacterError, ProductionError


def _pixels(ctx, asset_id):
    return np.asarray(Image.open(ctx.asset_path(asset_id)).convert("RGB"), dtype=np.int16)


def test_every_shot_is_a_frame_asset_with_provenance_and_a_score_per_locked_character(plan, cast):
    assert [s.number for s in plan.shots][:2] == ["1.1", "1.2"] and all(s.asset_id for s in plan.shots)
    for shot in plan.shots:
        asset = cast.get_asset(shot.asset_id)
        assert asset.kind == "shot_frame" and asset.provenance["backend"] == "image.previz"
        assert asset.provenance["seed"] == shot.seed and asset.provenance["input_hashes"]
        assert Image.open(cast.asset_path(shot.asset_id)).size == (384, 216)
        assert set(shot.consistency) == set(shot.characters)            # both characters are locked
        assert all(v == 1.0 for v in shot.consistency.values()) and not shot.flagged
    night = next(s for s in plan.shots if s.time_of_day == "NIGHT")
    assert cast.get_asset(night.asset_id).meta["scene"]["time_of_day"] == "NIGHT"
    two = next(s for s in plan.shots if len(s.characters) == 2)
    assert set(cast.get_asset(two.asset_id).meta["identity_hashes"]) == {"mara", "jonah"}


def test_rerendering_one_shot_adds_a_variant_and_leaves_the_others(plan, cast):
    target = plan.shots[1]
    before = {s.number: s.asset_id for s in plan.shots}
    after = service.rerender_shot(target.number, prompt_tweak="tighter on her hands", ctx=cast)
    changed = after.shot(target.number)
    assert changed.asset_id != target.asset_id and changed.variants == [target.asset_id, changed.asset_id]
    assert {s.number: s.asset_id for s in after.shots if s.number != target.number} == \
           {k: v for k, v in before.items() if k != target.number}
    assert np.abs(_pixels(cast, changed.asset_id) - _pixels(cast, target.asset_id)).sum() > 0
    assert cast.get_asset(changed.asset_id).provenance["params"]["prompt_tweak"] == "tighter on her hands"
    seeded = service.rerender_shot(target.number, new_seed=True, ctx=cast).shot(target.number)
    assert seeded.seed != changed.seed and len(seeded.variants) == 3
    assert np.abs(_pixels(cast, seeded.asset_id) - _pixels(cast, changed.asset_id)).mean() > 4   # another take
    assert "note" not in cast.get_asset(seeded.asset_id).meta and not seeded.flagged  # same locked characters
    picked = service.pick_variant(target.number, target.asset_id, ctx=cast).shot(target.number)
    assert picked.asset_id == target.asset_id and picked.prompt_tweak == ""
    with pytest.raises(ProductionError, match="not a variant"):
        service.pick_variant(target.number, plan.shots[0].asset_id, ctx=cast)
    with pytest.raises(ProductionError, match="No shot '9.9'"):
        service.rerender_shot("9.9", ctx=cast)


def test_a_revision_keeps_locked_numbers_marks_new_and_omitted_shots_and_redraws_only_new_ones(
        plan, cast, script_path):
    text = script_path.read_text().replace("Mara shakes off the rain.",
                                           "Mara shakes off the rain.\n\nShe drops the KEYS on the desk.")
    script_path.write_text(text.replace("JONAH\nPlease.\n", ""))
    frames_before = len(cast.list_assets(kind="shot_frame"))
    revised = service.render_shots(script_path, ctx=cast, width=384, height=216)
    status = {s.number: s.status for s in revised.shots}
    new = [n for n, st in status.items() if st == "new"]
    assert new and all(n[-1].isalpha() for n in new)                     # 2.1A, 2.1B: locked numbers kept
    assert "omitted" in status.values() and revised.revision == 2
    assert len(cast.list_assets(kind="shot_frame")) == frames_before + len(new)
    kept = [s for s in revised.shots if s.status == "kept"]
    assert all(s.asset_id == plan.shot(s.number).asset_id for s in kept)


def test_storyboard_pdf_has_the_panels_captions_and_marks(plan, cast, tmp_path, script_path):
    script_path.write_text(script_path.read_text().replace("JONAH\nPlease.\n", ""))
    service.render_shots(script_path, ctx=cast, width=384, height=216)
    out = service.export_storyboard(tmp_path / "board.pdf", ctx=cast, panels=9, paper="a4",
                                    contact_sheet=tmp_path / "sheet.png")
    text = subprocess.run(["pdftotext", "-layout", str(out["pdf"]), "-"], capture_output=True, text=True, check=True).stdout
    assert "Harbour Lights — Storyboard" in text and "SC 1 · SHOT 1.1 · WIDE" in text
    assert "Boat's late." in text and "[OMITTED]" in text and "page 1 of 1" in text
    from pypdf import PdfReader

    page = PdfReader(out["pdf"]).pages[0]
    assert round(float(page.mediabox.width)) == 842                      # A4 landscape, in points
    six = service.export_storyboard(tmp_path / "six.pdf", ctx=cast, panels=6)["pdf"]
    assert len(PdfReader(six).pages) == 2 and round(float(PdfReader(six).pages[0].mediabox.width)) == 792
    sheet = Image.open(out["contact_sheet"])
    assert sheet.size[0] > 4 * 320
    with pytest.raises(ProductionError, match="6 or 9 panels"):
        service.export_storyboard(tmp_path / "x.pdf", ctx=cast, panels=4)
    assert not (tmp_path / "x.pdf").exists()


def test_move_arrows_are_drawn_for_moving_shots_only():
    from studio_kit.engines.production.storyboard import draw_moves, move_arrows

    blank = Image.new("RGB", (320, 180), "white")
    assert move_arrows("static") == [] and len(move_arrows("push in")) == 4
    assert move_arrows("pan left")[0][0] > move_arrows("pan left")[0][2]   # points left
    def red(im):
        return int((np.asarray(im)[..., 0] > 180).sum() - (np.asarray(im)[..., 1] > 180).sum())

    assert red(draw_moves(blank, "static")) == 0 and red(draw_moves(blank, "dolly in")) > 100


def test_camera_plan_draws_every_shot_of_the_scene_with_lens_and_field_of_view(plan, tmp_path):
    from studio_kit.engines.production.camera_plan import horizontal_fov

    out = service.export_camera_plan("1", tmp_path, plan=plan)
    svg = out["svg"].read_text()
    scene1 = [s for s in plan.shots if s.scene_index == 0]
    for k, shot in enumerate(scene1, start=1):
        assert f"{k}  shot {shot.number}" in svg
    assert "24 mm (55°)" in svg and "180° line" in svg and svg.count("<circle") >= 2
    assert round(horizontal_fov(50)) == 28
    png = Image.open(out["png"])
    assert png.size[0] > 600 and len(set(png.convert("L").getdata())) > 20
    with pytest.raises(ProductionError, match="No scene '7'"):
        service.export_camera_plan("7", tmp_path, plan=plan)


def test_shots_refuse_an_unlocked_avatar_before_drawing_anything(cast, script_path):
    from studio_kit.domain.character import CharacterBible, CharacterMode
    from studio_kit.engines.characters import service as characters

    characters.create_character(CharacterBible(character_id="mara", name="Mara", mode=CharacterMode.AVATAR),
                                cast, replace=True)
    with pytest.raises(CharacterError):
        service.render_shots(script_path, ctx=cast, width=384, height=216)
    assert cast.list_assets(kind="shot_frame") == [] and cast.list_assets(kind="shot_plan") == []
