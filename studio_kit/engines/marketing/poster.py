"""Posters and key art: one-sheet 27×40 in, square, landscape banner, YouTube thumbnail.

Key art is composed from a chosen shot's frame (full bleed, cover-cropped) and
the locked character renders (portraits in a row above the title, fading into
the art); without locked renders the poster is made from frames only and says
so in its warnings. Type: a tagline at the top, the title treatment, the release
line, and on the theatrical layouts the **billing block** — condensed type,
credits in the industry order (presenter, production company, "a film by",
stars, title, casting, music, costume, editor, production designer, director
of photography, executive producers, producers, based on, writers, director),
role words set smaller than names — over a logos row. Type is Barlow Condensed
(OFL, shipped), with glyphs it lacks set per run in the fallback faces
(:mod:`~studio_kit.engines.marketing.typography`), so CJK titles are not tofu.

Every text block is set by :func:`~studio_kit.engines.marketing.typography.fit_text`:
it wraps and shrinks until it fits its box inside the safe area, so long and
non-Latin titles never overflow. Output: PNG and PDF (the one-sheet at 300 dpi).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from studio_kit.domain.marketing import Credits
from studio_kit.engines.marketing.typography import fit_text, font, title_font
from studio_kit.exceptions import MarketingError
from studio_kit.store.files import atomic_path


@dataclass(frozen=True)
class Layout:
    key: str
    label: str
    width_in: float | None = None       # print layouts: inches (pixels = inches × dpi)
    height_in: float | None = None
    width_px: int | None = None         # screen layouts: pixels
    height_px: int | None = None
    billing: bool = True
    portraits: bool = True

    def size(self, dpi: int = 300, scale: float = 1.0) -> tuple[int, int]:
        if self.width_in and self.height_in:
            return round(self.width_in * dpi * scale), round(self.height_in * dpi * scale)
        if self.width_px and self.height_px:
            return round(self.width_px * scale), round(self.height_px * scale)
        raise MarketingError(f"Poster layout {self.key!r} has no size.",
                             hint="Give a layout width_in and height_in (print) or width_px and height_px (screen).")


LAYOUTS = {
    "one-sheet": Layout("one-sheet", "One-sheet 27×40 in (2:3)", width_in=27, height_in=40),
    "square": Layout("square", "Square 1:1 (3000×3000)", width_px=3000, height_px=3000),
    "banner": Layout("banner", "Landscape banner 16:9 (2560×1440)", width_px=2560, height_px=1440),
    "youtube-thumbnail": Layout("youtube-thumbnail", "YouTube thumbnail 1280×720", width_px=1280, height_px=720,
                                billing=False, portraits=False),
}

BILLING_ORDER = (("casting", "CASTING BY"), ("music", "MUSIC BY"), ("costume_designer", "COSTUME DESIGNER"),
                 ("editor", "EDITED BY"), ("production_designer", "PRODUCTION DESIGNER"),
                 ("cinematographer", "DIRECTOR OF PHOTOGRAPHY"), ("executive_producers", "EXECUTIVE PRODUCERS"),
                 ("producers", "PRODUCED BY"), ("based_on", "BASED ON"), ("writers", "WRITTEN BY"),
                 ("director", "DIRECTED BY"))


def get_layout(name: str) -> Layout:
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = {"onesheet": "one-sheet", "thumbnail": "youtube-thumbnail", "youtube": "youtube-thumbnail",
           "landscape": "banner"}.get(key, key)
    if key not in LAYOUTS:
        raise MarketingError(f"Unknown poster layout {name!r}.", hint=f"Use one of: {', '.join(LAYOUTS)}.")
    return LAYOUTS[key]


def billing_tokens(credits: Credits, title: str) -> list[tuple[str, bool]]:
    """The billing block as (text, is_role_word) in the industry order."""
    out: list[tuple[str, bool]] = []
    if credits.presenter:
        out += [(credits.presenter.upper(), False), ("PRESENTS", True)]
    if credits.production_company:
        out += [("A", True), (credits.production_company.upper(), False), ("PRODUCTION", True)]
    if credits.director:
        out += [("A FILM BY", True), (credits.director.upper(), False)]
    for name in credits.cast:
        out.append((name.upper(), False))
    out.append((f"\u201c{title.upper()}\u201d", False))
    for key, label in BILLING_ORDER:
        value = getattr(credits, key)
        names = value if isinstance(value, list) else [value] if value else []
        if names:
            out += [(label, True), (" ".join(n.upper() for n in names) if len(names) == 1 else
                                    "  ".join(n.upper() for n in names), False)]
    return out


def _cover(img: Any, size: tuple[int, int]) -> Any:
    from PIL import ImageOps

    return ImageOps.fit(img.convert("RGB"), size, method=3, centering=(0.5, 0.4))


def _shade(img: Any, top: float, bottom: float) -> Any:
    """Darken the top and bottom so type reads (a vertical gradient)."""
    import numpy as np
    from PIL import Image

    w, h = img.size
    y = np.linspace(0, 1, h)[:, None]
    alpha = np.maximum(np.clip((top - y) / max(top, 1e-6), 0, 1) * 0.85,
                       np.clip((y - (1 - bottom)) / max(bottom, 1e-6), 0, 1) * 0.95)
    arr = np.asarray(img).astype(np.float32) * (1 - alpha[..., None] * np.ones((1, w, 1)))
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8))


def _portraits(canvas: Any, portraits: list[Any], box: tuple[int, int, int, int]) -> None:
    import numpy as np
    from PIL import Image, ImageOps

    if not portraits:
        return
    x0, y0, x1, y1 = box
    n = len(portraits)
    pw = (x1 - x0) // n
    for k, img in enumerate(portraits):
        tile = ImageOps.fit(img.convert("RGB"), (pw, y1 - y0), method=3, centering=(0.5, 0.3))
        yy = np.linspace(0, 1, tile.size[1])[:, None]
        xx = np.linspace(0, 1, tile.size[0])[None, :]
        a = np.clip(np.minimum(np.minimum(xx, 1 - xx) * 6, 1) * np.minimum((1 - yy) * 4, 1), 0, 1)
        mask = Image.fromarray((a * 255).astype(np.uint8))
        canvas.paste(tile, (x0 + k * pw, y0), mask)


@dataclass
class PosterResult:
    layout: str
    png: Path | None
    pdf: Path | None
    size: tuple[int, int]
    dpi: int
    boxes: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)   # what → (l, t, r, b) drawn
    safe: tuple[int, int, int, int] = (0, 0, 0, 0)
    warnings: list[str] = field(default_factory=list)
    image: Any = None


def _draw_lines(d: Any, lines: list[str], face: Any, cx: float, y: float, fill: Any, leading: float = 1.1
                ) -> tuple[int, int, int, int]:
    box = [10**9, int(y), 0, int(y)]
    for line in lines:
        tw = d.textlength(line, font=face)
        d.text((cx - tw / 2, y), line, font=face, fill=fill)
        x0, y0, x1, y1 = d.textbbox((cx - tw / 2, y), line, font=face)
        box = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
        y += face.size * leading
    return int(box[0]), int(box[1]), int(box[2]), int(box[3])


def _billing(d: Any, tokens: list[tuple[str, bool]], box: tuple[int, int, int, int], fill: Any
             ) -> tuple[int, int, int, int]:
    """Flow the billing tokens centred into ``box``, shrinking until they fit in at most 4 lines."""
    x0, y0, x1, y1 = box
    width, height = x1 - x0, y1 - y0
    words = [(word, role, k == 0) for text, role in tokens for k, word in enumerate(text.split())]
    size = max(6, int(height / 3.2))
    while True:
        # the condensed face, each glyph it lacks set in the fallback chain (names in any script stay condensed)
        name_f, role_f = font(size, "regular"), font(max(5, int(size * 0.62)), "light")
        small, big = d.textlength(" ", font=name_f), d.textlength(" ", font=name_f) * 1.8
        lines: list[list[tuple[str, bool, float]]] = [[]]
        widths = [0.0]
        for text, role, starts in words:
            w = d.textlength(text, font=role_f if role else name_f)
            sp = (big if starts else small) if lines[-1] else 0.0
            if lines[-1] and widths[-1] + sp + w > width:
                lines.append([])
                widths.append(0.0)
                sp = 0.0
            widths[-1] += sp + w
            lines[-1].append((text, role, sp))
        tall = len(lines) * size * 1.15
        if (len(lines) <= 4 and tall <= height and max(widths) <= width) or size <= 6:
            break
        size = max(6, int(size * 0.93))
    y = y0 + max(0.0, (height - tall) / 2)
    drawn = [10**9, 10**9, 0, 0]
    for line, w in zip(lines, widths, strict=True):
        if y + size * 1.15 > y1 + 1:
            break    # at the smallest type the rest cannot be set inside the block
        x = x0 + (width - w) / 2
        for text, role, sp in line:
            f = role_f if role else name_f
            x += sp
            yy = y + (size - f.size) * 0.8
            d.text((x, yy), text, font=f, fill=fill)
            bx0, by0, bx1, by1 = d.textbbox((x, yy), text, font=f)
            drawn = [min(drawn[0], bx0), min(drawn[1], by0), max(drawn[2], bx1), max(drawn[3], by1)]
            x += d.textlength(text, font=f)
        y += size * 1.15
    return int(drawn[0]), int(drawn[1]), int(drawn[2]), int(drawn[3])


def compose(layout: str, *, title: str, key_art: Any, portraits: list[Any] | None = None, credits: Credits | None = None,
            tagline: str = "", release: str = "COMING SOON", dpi: int = 300, scale: float = 1.0) -> PosterResult:
    """The poster image of one layout (not yet written)."""
    from PIL import Image, ImageDraw

    lay = get_layout(layout)
    credits = credits or Credits()
    w, h = lay.size(dpi, scale)
    if w < 64 or h < 64:
        raise MarketingError(f"A {w}×{h} px poster is too small to set type on.", hint="Use a larger dpi or scale.")
    art = key_art if key_art is not None else Image.new("RGB", (16, 9), (20, 22, 30))
    canvas = _shade(_cover(art, (w, h)), 0.28 if lay.height_px != 720 else 0.0, 0.5 if lay.billing else 0.45)
    d = ImageDraw.Draw(canvas)
    margin_x, margin_y = int(w * 0.06), int(h * 0.05)
    safe = (margin_x, margin_y, w - margin_x, h - margin_y)
    inner_w = safe[2] - safe[0]
    boxes: dict[str, tuple[int, int, int, int]] = {}
    portrait_list = list(portraits or []) if lay.portraits else []
    tall = h >= w
    if tagline and lay.key != "youtube-thumbnail":
        lines, f = fit_text(d, tagline.upper(), inner_w, h * 0.06, start=int(min(w, h) * 0.035),
                            font=title_font(tagline, "light"))
        boxes["tagline"] = _draw_lines(d, lines, f, w / 2, safe[1], (235, 230, 220))
    # bottom up: logos row, billing block, release line, title
    y_bottom = safe[3]
    if lay.billing:
        logo_h = int(h * (0.025 if tall else 0.045))
        logos = credits.logos or [n for n in (credits.production_company, "studio_kit") if n]
        items = [*logos, "NOT YET RATED"]
        gap = logo_h * 0.6
        slot = (inner_w - gap * (len(items) - 1)) / len(items)
        pad = logo_h * 0.4
        sets = [fit_text(d, text, slot - 2 * pad, logo_h * 0.9, start=max(6, int(logo_h * 0.45)),
                         font=title_font(text, "bold"), leading=1.0) for text in items]
        widths = [max(d.textlength(x, font=f) for x in lines) + 2 * pad for lines, f in sets]
        x = w / 2 - (sum(widths) + gap * (len(items) - 1)) / 2
        left = x
        top = y_bottom - logo_h
        for (lines, f), bw in zip(sets, widths, strict=True):
            d.rectangle((x, top, x + bw, y_bottom), outline=(230, 226, 218), width=max(1, logo_h // 14))
            ty = top + (logo_h - len(lines) * f.size) / 2
            for line in lines:
                d.text((x + pad, ty), line, font=f, fill=(230, 226, 218))
                ty += f.size
            x += bw + gap
        boxes["logos"] = (int(left), int(top), int(x - gap), int(y_bottom))
        bill_h = int(h * (0.075 if tall else 0.12))
        bill_box = (safe[0], int(top - gap - bill_h), safe[2], int(top - gap))
        boxes["billing"] = _billing(d, billing_tokens(credits, title), bill_box, (225, 221, 212))
        y_bottom = bill_box[1] - int(h * 0.012)
    if release:
        lines, f = fit_text(d, release.upper(), inner_w, h * 0.035, start=int(min(w, h) * 0.03),
                            font=title_font(release, "regular"))
        y = y_bottom - (len(lines) - 1) * f.size * 1.1 - max(d.textbbox((0, 0), lines[-1], font=f)[3], f.size)
        boxes["release"] = _draw_lines(d, lines, f, w / 2, y, (240, 236, 228))
        y_bottom = int(y - h * 0.012)
    title_h = h * (0.16 if tall else 0.3)
    lines, f = fit_text(d, title.upper(), inner_w, title_h, start=int(title_h / 1.15), font=title_font(title),
                        leading=1.05)
    last_bottom = d.textbbox((0, 0), lines[-1], font=f)[3]
    y = y_bottom - (len(lines) - 1) * f.size * 1.05 - max(last_bottom, f.size)
    boxes["title"] = _draw_lines(d, lines, f, w / 2, y, (250, 248, 242), leading=1.05)
    warnings: list[str] = []
    if portrait_list:
        ptop = boxes.get("tagline", (0, 0, 0, safe[1]))[3] + int(h * 0.03)
        pbottom = int(y - h * 0.02)
        if pbottom - ptop > h * 0.12:
            _portraits(canvas, portrait_list[:4], (safe[0], ptop, safe[2], min(pbottom, ptop + int(h * 0.45))))
            boxes["portraits"] = (safe[0], ptop, safe[2], min(pbottom, ptop + int(h * 0.45)))
            d = ImageDraw.Draw(canvas)
    return PosterResult(lay.key, None, None, (w, h), dpi, boxes, safe, warnings, canvas)


def write(result: PosterResult, out: str | Path, *, formats: tuple[str, ...] = ("png", "pdf")) -> PosterResult:
    """PNG and/or PDF (at the result's dpi) beside ``out`` (its suffix picks the first format)."""
    out = Path(out)
    stem = out.with_suffix("")
    for fmt in formats:
        path = stem.with_suffix(f".{fmt}")
        with atomic_path(path) as tmp:
            if fmt == "pdf":
                result.image.save(tmp, "PDF", resolution=float(result.dpi), title=path.stem)
            else:
                result.image.save(tmp, "PNG", dpi=(result.dpi, result.dpi))
        setattr(result, fmt, path)
    return result
