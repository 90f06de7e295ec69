"""Storyboard exports: a PDF of 6 or 9 panels a page (US Letter or A4, landscape) and a contact sheet PNG.

Each panel carries the scene and shot number, size / angle / movement, the frame
with the camera move drawn over it as arrows (push in: corners inward; pull out:
outward; pan and tracking: across; tilt and crane: up or down; handheld: a
wavy line), then the action and the dialogue it covers. Shots inserted after a
revision are badged NEW; omitted shots keep their place, crossed through and
marked OMITTED, as storyboard artists and script supervisors do.
"""
from __future__ import annotations

import io
import math
import textwrap
from pathlib import Path
from typing import Any

from studio_kit.domain.production import ShotFrame, ShotPlan
from studio_kit.engines.production.shots import frame_image
from studio_kit.exceptions import ProductionError
from studio_kit.fonts import font
from studio_kit.store.files import atomic_path

LAYOUTS = {6: (3, 2), 9: (3, 3)}   # panels a page -> (columns, rows)
ARROW_RGB = (214, 40, 40)


def move_arrows(movement: str) -> list[tuple[float, float, float, float]]:
    """Camera-move arrows in frame-relative coordinates (x0, y0, x1, y1; 0..1, y down)."""
    m = (movement or "static").lower()
    if m in ("push in", "dolly in", "zoom in", "ken burns"):
        arrows = [(0.08, 0.1, 0.3, 0.3), (0.92, 0.1, 0.7, 0.3), (0.08, 0.9, 0.3, 0.7), (0.92, 0.9, 0.7, 0.7)]
        return arrows[:2] if m == "ken burns" else arrows
    if m in ("pull out", "dolly out", "zoom out"):
        return [(0.3, 0.3, 0.08, 0.1), (0.7, 0.3, 0.92, 0.1), (0.3, 0.7, 0.08, 0.9), (0.7, 0.7, 0.92, 0.9)]
    if m in ("pan right", "pan", "tracking"):
        return [(0.2, 0.5, 0.8, 0.5)]
    if m == "pan left":
        return [(0.8, 0.5, 0.2, 0.5)]
    if m in ("tilt up", "crane"):
        return [(0.5, 0.8, 0.5, 0.2)]
    if m in ("tilt down", "tilt"):
        return [(0.5, 0.2, 0.5, 0.8)]
    return []


def _arrow_head(x0: float, y0: float, x1: float, y1: float, size: float) -> list[tuple[float, float]]:
    a = math.atan2(y1 - y0, x1 - x0)
    return [(x1, y1), (x1 - size * math.cos(a - 0.45), y1 - size * math.sin(a - 0.45)),
            (x1 - size * math.cos(a + 0.45), y1 - size * math.sin(a + 0.45))]


def draw_moves(image: Any, movement: str) -> Any:
    """``image`` (PIL) with the camera-move arrows drawn on a copy."""
    from PIL import ImageDraw

    out = image.convert("RGB").copy()
    d = ImageDraw.Draw(out)
    w, h = out.size
    lw = max(2, w // 160)
    for x0, y0, x1, y1 in move_arrows(movement):
        p0, p1 = (x0 * w, y0 * h), (x1 * w, y1 * h)
        d.line([p0, p1], fill=ARROW_RGB, width=lw)
        d.polygon(_arrow_head(*p0, *p1, size=lw * 5), fill=ARROW_RGB)
    if (movement or "").lower() == "handheld":
        pts = [(w * (0.2 + 0.6 * i / 12), h * (0.5 + (0.04 if i % 2 else -0.04))) for i in range(13)]
        d.line(pts, fill=ARROW_RGB, width=lw)
    return out


def panel_caption(shot: ShotFrame) -> tuple[str, str]:
    """(header, body) of a panel: numbers and camera, then action and dialogue."""
    scene = shot.scene_number or str(shot.scene_index + 1)
    badge = {"new": "  [NEW]", "omitted": "  [OMITTED]", "revised": "  [REVISED]"}.get(shot.status, "")
    header = f"SC {scene} · SHOT {shot.number} · {shot.size.upper()} · {shot.angle} · {shot.movement}{badge}"
    body = shot.action or shot.description
    if shot.dialogue:
        body = (body + "\n" if body else "") + "\n".join(shot.dialogue)
    return header, body


def _frames(ctx: Any, plan: ShotPlan) -> dict[str, Any]:
    return {s.number: frame_image(ctx, s) for s in plan.shots if s.asset_id is not None}


def _font(size: int):
    return font(size)


def export_storyboard_pdf(ctx: Any, plan: ShotPlan, out: str | Path, *, paper: str = "letter",
                          panels: int = 6) -> Path:
    """Write the storyboard PDF; returns its path."""
    from reportlab.lib.pagesizes import A4, LETTER, landscape
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas


    if panels not in LAYOUTS:
        raise ProductionError(f"A storyboard page holds 6 or 9 panels, not {panels}.", hint="Use --panels 6 or 9.")
    if paper.lower() not in ("letter", "a4"):
        raise ProductionError(f"Unknown paper {paper!r}.", hint="Use letter or a4.")
    if not plan.shots:
        raise ProductionError("The shot plan is empty.", hint="Render shots first: `studio shots render SCRIPT`.")
    page_w, page_h = landscape(LETTER if paper.lower() == "letter" else A4)
    cols, rows = LAYOUTS[panels]
    margin, gutter, top = 30.0, 14.0, 44.0
    cell_w = (page_w - 2 * margin - (cols - 1) * gutter) / cols
    cell_h = (page_h - margin - top - (rows - 1) * gutter) / rows
    frames = _frames(ctx, plan)
    pages = (len(plan.shots) + panels - 1) // panels
    out = Path(out)
    with atomic_path(out) as tmp:
        c = canvas.Canvas(str(tmp), pagesize=(page_w, page_h))
        c.setTitle(f"{plan.title} — storyboard")
        for p in range(pages):
            c.setFont("Helvetica-Bold", 13)
            c.drawString(margin, page_h - 28, f"{plan.title} — Storyboard")
            c.setFont("Helvetica", 9)
            c.drawRightString(page_w - margin, page_h - 28,
                              f"Revision {plan.revision} · page {p + 1} of {pages}")
            for k, shot in enumerate(plan.shots[p * panels:(p + 1) * panels]):
                col, row = k % cols, k // cols
                x = margin + col * (cell_w + gutter)
                y_top = page_h - top - row * (cell_h + gutter)
                _pdf_panel(c, shot, frames.get(shot.number), x, y_top, cell_w, cell_h, ImageReader)
            c.showPage()
        c.save()
    return out


def _pdf_panel(c: Any, shot: ShotFrame, frame: Any, x: float, y_top: float, w: float, h: float,
               reader: Any) -> None:
    header, body = panel_caption(shot)
    c.setFont("Helvetica-Bold", 7.5)
    c.setFillColorRGB(0, 0, 0)
    c.drawString(x, y_top - 9, header[:95])
    img_h = min(w * 9 / 16, h * 0.6)
    img_w = img_h * 16 / 9
    iy = y_top - 13 - img_h
    if frame is not None:
        buf = io.BytesIO()
        thumb = draw_moves(frame, shot.movement)
        thumb.thumbnail((int(img_w * 2), int(img_h * 2)))
        thumb.save(buf, format="JPEG", quality=85)
        c.drawImage(reader(io.BytesIO(buf.getvalue())), x, iy, img_w, img_h)
    c.setLineWidth(0.8)
    c.rect(x, iy, img_w, img_h)
    if shot.status == "omitted":
        c.setStrokeColorRGB(0.8, 0.1, 0.1)
        c.line(x, iy, x + img_w, iy + img_h)
        c.line(x, iy + img_h, x + img_w, iy)
        c.setStrokeColorRGB(0, 0, 0)
    c.setFont("Helvetica", 7)
    chars = max(20, int(w / 3.6))
    y = iy - 9
    for para in body.split("\n"):
        for line in textwrap.wrap(para, chars) or [""]:
            if y < y_top - h:
                return
            c.drawString(x, y, line)
            y -= 8.5


def export_contact_sheet(ctx: Any, plan: ShotPlan, out: str | Path, *, columns: int = 4,
                         thumb_width: int = 320) -> Path:
    """Write a contact sheet PNG: every shot's frame with its number, camera and move arrows."""
    from PIL import Image, ImageDraw


    if not plan.shots:
        raise ProductionError("The shot plan is empty.", hint="Render shots first: `studio shots render SCRIPT`.")
    frames = _frames(ctx, plan)
    tw, th = thumb_width, thumb_width * 9 // 16
    cap = 46
    rows = (len(plan.shots) + columns - 1) // columns
    pad, head = 12, 40
    sheet = Image.new("RGB", (pad + columns * (tw + pad), head + rows * (th + cap + pad)), (250, 250, 247))
    d = ImageDraw.Draw(sheet)
    d.text((pad, 10), f"{plan.title} — contact sheet · revision {plan.revision} · {len(plan.active)} shots",
           fill=(0, 0, 0), font=_font(18))
    for k, shot in enumerate(plan.shots):
        x = pad + (k % columns) * (tw + pad)
        y = head + (k // columns) * (th + cap + pad)
        frame = frames.get(shot.number)
        if frame is not None:
            sheet.paste(draw_moves(frame, shot.movement).resize((tw, th)), (x, y))
        d.rectangle((x, y, x + tw - 1, y + th - 1), outline=(0, 0, 0))
        if shot.status == "omitted":
            d.line((x, y, x + tw, y + th), fill=ARROW_RGB, width=3)
            d.line((x, y + th, x + tw, y), fill=ARROW_RGB, width=3)
        header, body = panel_caption(shot)
        d.text((x, y + th + 4), header[:60], fill=(0, 0, 0), font=_font(11))
        d.text((x, y + th + 20), body.replace("\n", " / ")[:52], fill=(60, 60, 60), font=_font(11))
    out = Path(out)
    with atomic_path(out) as tmp:
        sheet.save(tmp, format="PNG")
    return out
