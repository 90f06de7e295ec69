"""`character_sheet` run headless with papermill: a locked character's turnaround + expression sheet."""
from pathlib import Path

import numpy as np
import pytest


def _pixels(path: Path) -> np.ndarray:
    from PIL import Image

    with Image.open(path) as im:
        return np.asarray(im.convert("RGB"), dtype=np.int16)


def _drawn(img: np.ndarray) -> bool:
    """Not a blank panel: many colours and real contrast."""
    return img.std() > 12 and len(np.unique(img.reshape(-1, 3)[::7], axis=0)) > 40


def test_character_sheet_from_the_sample_script_is_locked_scored_and_stored(studio_home):
    from studio_kit.engines.characters import service
    from studio_kit.runs.runner import run_template

    result = run_template("character_sheet", {"name": "Otto"}, progress=False)
    assert result.status == "succeeded"
    out = result.outputs
    assert out["character"] == "Otto" and out["locked"] is True and out["backend"] == "previz"

    sheet = Path(out["sheet"])
    assert sheet.parent == studio_home / "outputs" / "characters" / "otto"
    sheet_px = _pixels(sheet)
    # issue 14: the turnaround has four views (back added), so its row is a little lower than with three
    assert sheet_px.shape[1] == 1536 and sheet_px.shape[0] > 900           # turnaround row + expression row
    assert _drawn(sheet_px)

    panels = {k: _pixels(Path(p)) for k, p in out["panels"].items()}
    assert set(panels) == {"front", "three-quarter", "profile", "back", "expression-neutral", "expression-happy",
                           "expression-angry", "expression-sad", "expression-surprised"}
    assert all(_drawn(px) for px in panels.values())
    assert panels["front"].shape == (768, 512, 3) and panels["expression-happy"].shape == (384, 384, 3)
    # a turnaround turns the figure and expressions change the face: every pair of panels differs
    for a, b in [("front", "three-quarter"), ("front", "profile"), ("three-quarter", "profile")]:
        assert np.abs(panels[a] - panels[b]).mean() > 1.0, (a, b)
    expressions = [k for k in panels if k.startswith("expression-")]
    for i, a in enumerate(expressions):
        for b in expressions[i + 1:]:
            assert np.abs(panels[a] - panels[b]).sum() > 0, (a, b)

    # locked previz renders reproduce the identity exactly: every panel scores 1.0, none flagged
    assert set(out["scores"]) == set(panels) and all(s == pytest.approx(1.0) for s in out["scores"].values())
    assert out["flagged"] == []

    ctx = service.project_context()
    otto = service.get_character("Otto", ctx)
    assert otto.locked and otto.identity.hash == out["identity_hash"]
    assert ctx.read_bytes(out["sheet_asset_id"]) == sheet.read_bytes()


def test_stored_bible_unlocked_sheet_goes_to_output_dir_unscored(studio_home, tmp_path):
    from studio_kit.domain.character import CharacterBible
    from studio_kit.engines.characters import service
    from studio_kit.runs.runner import run_template

    service.create_character(CharacterBible(character_id="ada", name="Ada", seed=42, palette=["#2b4c7e", "#e0a458"],
                                            appearance={"hair": "short curly", "hair_color": "black"}))
    target = tmp_path / "sheets"
    result = run_template("character_sheet", {"name": "Ada", "script_path": "", "lock": "false",
                                              "output_dir": str(target)}, progress=False)
    out = result.outputs
    assert Path(out["sheet"]) == target / "ada_sheet.png" and _drawn(_pixels(target / "ada_sheet.png"))
    assert out["locked"] is False and out["identity_hash"] is None
    assert all(s is None for s in out["scores"].values()) and len(out["scores"]) == 9   # 4 views + 5 expressions
    assert not service.get_character("Ada").locked


def test_an_unknown_character_fails_naming_the_known_ones(studio_home):
    from studio_kit.exceptions import RunError
    from studio_kit.runs.runner import run_template

    with pytest.raises(RunError) as err:
        run_template("character_sheet", {"name": "Nobody"}, progress=False)
    assert "Nobody never speaks" in str(err.value)
