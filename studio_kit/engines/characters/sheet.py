"""Character sheet: a turnaround and an expression set on one PNG, plus each panel alone.

Layout (pixels): a title band, then the turnaround — front, three-quarter,
profile and back, full figure, 512 × 768 each (scaled to share the width) — and below it the five expressions
(neutral, happy, angry, sad, surprised) as head-and-shoulders panels of
384 × 384, scaled to fit the sheet's 1536 px width.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from studio_kit.fonts import font as _font
from studio_kit.store.files import atomic_path

TURNAROUND = ("front", "three-quarter", "profile", "back")
EXPRESSIONS = ("neutral", "happy", "angry", "sad", "surprised")
TURN_SIZE = (512, 768)
EXPR_SIZE = (384, 384)
SHEET_WIDTH = 3 * TURN_SIZE[0]
TITLE_H = 72
GAP = 8

#: render_panel(view, expression, close_up, (width, height)) -> PIL image
PanelRenderer = Callable[[str, str, bool, tuple[int, int]], Image.Image]


@dataclass
class CharacterSheet:
    sheet: Image.Image
    panels: dict[str, Image.Image] = field(default_factory=dict)   # "front", "expression-happy", ...

    def save(self, out_dir: str | Path, stem: str) -> dict[str, Path]:
        """Write ``<stem>_sheet.png`` and ``<stem>_<panel>.png`` into ``out_dir``; returns the paths."""
        out = Path(out_dir).expanduser()
        out.mkdir(parents=True, exist_ok=True)
        paths = {"sheet": out / f"{stem}_sheet.png"}
        _atomic_png(self.sheet, paths["sheet"])
        for key, img in self.panels.items():
            paths[key] = out / f"{stem}_{key}.png"
            _atomic_png(img, paths[key])
        return paths


def _atomic_png(img: Image.Image, path: Path) -> None:
    with atomic_path(path) as tmp:
        img.save(tmp, format="PNG")


def build_sheet(render_panel: PanelRenderer, title: str, subtitle: str = "",
                views: tuple[str, ...] = TURNAROUND) -> CharacterSheet:
    """Render the panels with ``render_panel`` and lay them out on one sheet (a 3D backend adds "back")."""
    panels: dict[str, Image.Image] = {}
    turn = (SHEET_WIDTH // len(views), SHEET_WIDTH // len(views) * TURN_SIZE[1] // TURN_SIZE[0])
    for view in views:
        panels[view] = render_panel(view, "neutral", False, TURN_SIZE).convert("RGB")
    for expr in EXPRESSIONS:
        panels[f"expression-{expr}"] = render_panel("front", expr, True, EXPR_SIZE).convert("RGB")

    cell = (SHEET_WIDTH - GAP * 4) // 5
    height = TITLE_H + turn[1] + GAP * 3 + cell
    sheet = Image.new("RGB", (SHEET_WIDTH, height), (255, 255, 255))
    d = ImageDraw.Draw(sheet)
    d.text((16, 12), title, fill=(30, 30, 34), font=_font(30))
    if subtitle:
        d.text((16, 48), subtitle, fill=(90, 90, 96), font=_font(16))
    for i, view in enumerate(views):
        img = panels[view]
        if img.size != turn:
            img = img.resize(turn)
        sheet.paste(img, (i * turn[0], TITLE_H))
    y = TITLE_H + turn[1] + GAP * 2
    for i, expr in enumerate(EXPRESSIONS):
        sheet.paste(panels[f"expression-{expr}"].resize((cell, cell)), (GAP + i * (cell + GAP), y))
    return CharacterSheet(sheet, panels)
