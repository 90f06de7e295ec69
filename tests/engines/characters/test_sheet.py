"""Character sheet: turnaround + expressions on one PNG, plus each panel alone."""
from __future__ import annotations

import numpy as np
from PIL import Image

from studio_kit.engines.characters import service
from studio_kit.engines.characters.sheet import EXPR_SIZE, EXPRESSIONS, SHEET_WIDTH, TURN_SIZE, TURNAROUND


def test_sheet_png_and_panels(ctx, harbour_path, tmp_path):
    service.create_from_script(harbour_path, "mara", ctx=ctx)
    service.lock("mara", ctx=ctx)
    paths = service.sheet("Mara", tmp_path / "sheet", ctx=ctx)
    assert set(paths) == {"sheet", *TURNAROUND, *(f"expression-{e}" for e in EXPRESSIONS)}
    sheet = Image.open(paths["sheet"])
    assert sheet.format == "PNG" and sheet.width == SHEET_WIDTH and sheet.height > TURN_SIZE[1] + 200
    panels = {k: np.asarray(Image.open(p).convert("RGB"), dtype=np.int16) for k, p in paths.items() if k != "sheet"}
    for view in TURNAROUND:
        assert panels[view].shape == (TURN_SIZE[1], TURN_SIZE[0], 3)
    for expr in EXPRESSIONS:
        assert panels[f"expression-{expr}"].shape == (EXPR_SIZE[1], EXPR_SIZE[0], 3)
    keys = sorted(panels)
    for i, a in enumerate(keys):            # every panel is a different drawing
        for b in keys[i + 1:]:
            if panels[a].shape == panels[b].shape:
                assert np.abs(panels[a] - panels[b]).sum() > 1000, (a, b)
    # the sheet holds the panels: the front view sits under the title band
    # (issue 14: four turnaround views share the sheet's width now, so the front panel sits there scaled)
    pw = SHEET_WIDTH // len(TURNAROUND)
    ph = pw * TURN_SIZE[1] // TURN_SIZE[0]
    front_on_sheet = np.asarray(sheet.convert("RGB"), dtype=np.int16)[72:72 + ph, :pw]
    front = np.asarray(Image.open(paths["front"]).convert("RGB").resize((pw, ph)), dtype=np.int16)
    assert np.abs(front_on_sheet - front).mean() < 1
    # every panel was stored as a render of the locked version, all on identity
    renders = ctx.list_assets(kind="character_render")
    # issue 14: the turnaround has a back view too (4 views + 5 expressions; was 3 + 5)
    assert len(renders) == len(TURNAROUND) + len(EXPRESSIONS) == 9 and all(r.meta["score"] == 1.0 for r in renders)
    assert len(ctx.list_assets(kind="character_sheet")) == 1
