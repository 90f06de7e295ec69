"""``previz``: the offline image backend that sketches characters and storyboard frames.

No model, no network: Pillow vector drawing in the manner of a storyboard
artist's quick frame — ink line work, a grey/marker wash, a perspective floor
or horizon, and a caption strip. Characters come from their identity dicts
(``ImageRequest.identities``) through :mod:`previz_figure`, so the same locked
identity always gives the same pixels and different characters differ in
silhouette, hair, palette and face.

Two request kinds:

* ``"character"`` — one figure on a studio backdrop; ``view`` (front,
  three-quarter, profile), ``expression`` (neutral, happy, angry, sad,
  surprised), ``wardrobe`` (look name), ``shot["size"]`` "close-up" for a head
  and shoulders panel.
* ``"frame"`` — a storyboard panel: ``shot`` {size wide/medium/close-up/
  over-the-shoulder/insert, angle, subjects, description, number} and ``scene``
  {int_ext, location, time_of_day, heading}; subjects are placed by shot size.

Backdrops are cached per (size, setting, light), so a frame costs only its
figures: well over 20 frames/s at 1280×720 on one core (``benchmarks/bench_previz.py``).
The parameters each figure was drawn with are returned in ``image.info["previz"]``
(JSON) for exact consistency checks.

Takes: a frame's ``ImageRequest.seed`` picks the take — the set dressing (prop,
window, door, lamp and sun placement, the skyline), the paper mottling and a
small framing offset within the shot size's tolerance — while the figures are
drawn from each identity's own seed, so a character looks exactly the same in
every take and its consistency score holds. The same seed gives the same
pixels; ``seed`` None or 0 draws the original take (the frames of earlier
releases, pixel for pixel). Character panels ignore the seed: a model sheet is
the lock itself.
"""
from __future__ import annotations

import hashlib
import json
import random
from functools import lru_cache
from typing import Any, ClassVar

from PIL import Image, ImageDraw

from studio_kit.backends.image.base import ImageBackend
from studio_kit.backends.image.previz_creatures import fit_head
from studio_kit.backends.image.previz_figure import INK, PAPER, FigureSpec, _mix, draw_figure, figure_spec
from studio_kit.backends.image.previz_ink import _shade
from studio_kit.domain.requests import ImageRequest
from studio_kit.exceptions import ImageError
from studio_kit.fonts import font

# time of day → (sky top, sky at horizon, light on figures 0..1)
LIGHTING = {
    "DAY": ((212, 222, 230), (238, 238, 232), 1.0),
    "MORNING": ((214, 222, 228), (240, 236, 224), 1.0),
    "AFTERNOON": ((210, 218, 226), (240, 236, 226), 1.0),
    "DAWN": ((150, 156, 180), (238, 196, 170), 0.82),
    "SUNRISE": ((150, 156, 180), (238, 196, 170), 0.82),
    "DUSK": ((96, 96, 128), (226, 160, 120), 0.72),
    "SUNSET": ((96, 96, 128), (226, 160, 120), 0.72),
    "EVENING": ((86, 88, 112), (180, 150, 140), 0.66),
    "NIGHT": ((34, 38, 56), (70, 74, 92), 0.55),
}
SHOT_SIZES = ("wide", "medium", "close-up", "over-the-shoulder", "insert")
SUPERSAMPLE = 2
# how far a take may move the framing, as a fraction of the picture (x, y): within what reads as the same size
FRAMING_TOLERANCE = {"wide": (0.04, 0.015), "medium": (0.035, 0.02), "close-up": (0.03, 0.02),
                     "over-the-shoulder": (0.025, 0.015), "insert": (0.0, 0.0)}


_font = font  # the old private name, kept for callers outside this module for one release


def _lighting(time_of_day: str) -> tuple[tuple[int, int, int], tuple[int, int, int], float]:
    tod = (time_of_day or "DAY").upper()
    for key, value in LIGHTING.items():
        if key in tod:
            return value
    return LIGHTING["DAY"]


def _hash(text: str) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16)


def _take(seed: int | None) -> int:
    """The take a request's seed selects: 0 (the original take) for None or 0, else a 32-bit number."""
    return int(seed) % 2**32 if seed else 0


def _salted(text: str, take: int) -> str:
    """``text`` unchanged for the original take (so its hashes, and its pixels, stay as they were)."""
    return f"{text}#take{take}" if take else text


def _gradient(draw: ImageDraw.ImageDraw, box: tuple[int, int, int, int], c0: tuple[int, int, int],
              c1: tuple[int, int, int], bands: int = 12) -> None:
    """A banded wash from c0 (top) to c1 (bottom): reads as marker strokes, costs a dozen rectangles."""
    x0, y0, x1, y1 = box
    step = max(1, (y1 - y0) / bands)
    for i in range(bands):
        draw.rectangle((x0, int(y0 + i * step), x1, int(y0 + (i + 1) * step) + 1), fill=_mix(c0, c1, i / max(1, bands - 1)))


def _hatch(draw: ImageDraw.ImageDraw, box: tuple[float, float, float, float], gap: int, colour: tuple[int, int, int],
           width: int = 1) -> None:
    """Diagonal pencil hatching inside a box (shadows, night)."""
    x0, y0, x1, y1 = box
    h = y1 - y0
    x = x0 - h
    while x < x1:
        draw.line([(max(x, x0 - 0), y1 if x >= x0 else y1 - (x0 - x)), (min(x + h, x1), y0 if x + h <= x1 else y0 + (x + h - x1))],
                  fill=colour, width=width)
        x += gap


@lru_cache(maxsize=16)  # ~11 MB each at 2× 1280×720: a storyboard run rarely needs more sets
def _backdrop(width: int, height: int, setting: str, time_of_day: str, location: str, angle: str,
              take: int = 0) -> Image.Image:
    """The empty set for a frame or character panel, on grained paper; cached, callers copy it."""
    return _paper_grain(_draw_set(width, height, setting, time_of_day, location, angle, take), take=take)


def _paper_grain(img: Image.Image, strength: float = 5.0, take: int = 0) -> Image.Image:
    """Low-frequency paper/marker mottling (seeded per take: the same set and take always look the same)."""
    import numpy as np

    w, h = img.size
    noise = np.random.default_rng([7, take] if take else 7).normal(0.0, 1.0, (h // 6 + 1, w // 6 + 1)).astype(np.float32)
    grain = Image.fromarray((noise * strength + 128).clip(0, 255).astype(np.uint8), "L").resize((w, h), Image.Resampling.BILINEAR)
    arr = np.asarray(img, dtype=np.int16) + (np.asarray(grain, dtype=np.int16)[..., None] - 128)
    return Image.fromarray(arr.clip(0, 255).astype(np.uint8), "RGB")


def _draw_set(width: int, height: int, setting: str, time_of_day: str, location: str, angle: str,
              take: int = 0) -> Image.Image:
    img = Image.new("RGB", (width, height), PAPER)
    d = ImageDraw.Draw(img)
    sky, haze, light = _lighting(time_of_day)
    horizon = int(height * {"high": 0.32, "overhead": 0.18, "low": 0.68}.get(angle, 0.5))
    vx = width // 2 + (_hash(_salted(location, take)) % 7 - 3) * width // 40
    lw = max(2, width // 500)
    ink_soft = _mix(INK, PAPER, 0.35)
    if setting == "studio":  # character panels: a cyclorama wall with a floor line
        floor = int(height * 0.8)
        _gradient(d, (0, 0, width, floor), (236, 234, 228), (224, 222, 216), 8)
        _gradient(d, (0, floor, width, height), (214, 212, 206), (232, 230, 224), 5)
        d.line([(0, floor), (width, floor)], fill=ink_soft, width=lw)
        for i in range(-6, 7):  # one-point perspective on the floor
            d.line([(width / 2 + i * width / 14, floor), (width / 2 + i * width / 3.2, height)],
                   fill=_mix(INK, PAPER, 0.8), width=1)
        return img
    rng = _hash(_salted(location + setting, take))
    if setting.startswith("EXT"):
        _gradient(d, (0, 0, width, horizon), sky, haze, 10)
        ground = _mix(haze, (150, 150, 140), 0.5 if light > 0.7 else 0.2)
        ground = _shade(ground, 0.6 + 0.4 * light)
        _gradient(d, (0, horizon, width, height), ground, _mix(ground, PAPER, 0.25 * light), 6)
        loc = location.lower()
        if light < 0.9:  # low sun or moon
            sun_x = width * (0.2 + (rng % 60) / 100)
            r = height * (0.05 if light < 0.6 else 0.08)
            sun_y = horizon - (height * 0.35 if light < 0.6 else r * 0.6)
            d.ellipse((sun_x - r, sun_y - r, sun_x + r, sun_y + r),
                      fill=(236, 236, 224) if light < 0.6 else (246, 200, 140), outline=ink_soft, width=lw)
        if any(w in loc for w in ("park", "forest", "wood", "garden", "field", "farm", "yard", "lawn")):
            for i in range(9):
                x = (i + 0.5) * width / 9 + ((rng >> i) % 40 - 20)
                th = height * (0.16 + ((rng >> (i + 3)) % 10) / 60)
                d.line([(x, horizon + 4), (x, horizon - th * 0.4)], fill=INK, width=lw + 1)
                d.ellipse((x - th * 0.35, horizon - th, x + th * 0.35, horizon - th * 0.3),
                          fill=_mix(_mix((110, 140, 100), PAPER, 0.35), (0, 0, 0), 1 - light), outline=INK, width=lw)
        elif any(w in loc for w in ("beach", "sea", "ocean", "lake", "river", "harbor", "harbour", "pier")):
            for i in range(5):
                y = horizon + (i + 1) ** 1.6 * height / 60
                d.line([(0, y), (width, y + (i % 2) * 3)], fill=ink_soft, width=1)
        else:  # street / city / anything else: a skyline block-in
            x = 0
            i = 0
            while x < width:
                bw = width * (0.07 + ((rng >> (i % 24)) % 8) / 100)
                bh = height * (0.12 + ((rng >> ((i + 5) % 24)) % 14) / 50)
                face = _mix((170, 170, 176), (0, 0, 0), 0.75 * (1 - light))
                d.rectangle((x, horizon - bh, x + bw - 3, horizon), fill=face, outline=INK, width=lw)
                for wy in range(int(horizon - bh + 10), int(horizon - 8), max(12, height // 40)):
                    for wx in range(int(x + 8), int(x + bw - 12), max(14, width // 60)):
                        lit = light < 0.7 and ((wx * 7 + wy * 3 + rng) % 5 == 0)
                        d.rectangle((wx, wy, wx + 5, wy + 6), fill=(240, 210, 120) if lit else _mix(face, INK, 0.35))
                x += bw
                i += 1
        d.line([(0, horizon), (width, horizon)], fill=INK, width=lw)
        for i in range(-5, 6):  # road / ground perspective
            d.line([(vx + i * width / 40, horizon), (vx + i * width / 4, height)], fill=_mix(INK, ground, 0.6), width=1)
    else:  # INT: a one-point perspective room, back wall around the vanishing point
        bw, bh = width * 0.56, height * 0.5
        bx0, by0 = vx - bw / 2, horizon - bh * 0.62
        bx1, by1 = bx0 + bw, by0 + bh
        wall = _shade((226, 222, 212), 0.55 + 0.45 * light)
        side = _mix(wall, (120, 120, 125), 0.25)
        d.polygon([(0, 0), (bx0, by0), (bx0, by1), (0, height)], fill=side)
        d.polygon([(width, 0), (bx1, by0), (bx1, by1), (width, height)], fill=side)
        d.polygon([(0, 0), (width, 0), (bx1, by0), (bx0, by0)], fill=_mix(wall, PAPER, 0.3))
        floor_tone = _mix(wall, (140, 130, 120), 0.35)
        d.polygon([(0, height), (bx0, by1), (bx1, by1), (width, height)], fill=floor_tone)
        d.rectangle((bx0, by0, bx1, by1), fill=wall, outline=INK, width=lw)
        for a, b in (((0, 0), (bx0, by0)), ((width, 0), (bx1, by0)), ((0, height), (bx0, by1)), ((width, height), (bx1, by1))):
            d.line([a, b], fill=INK, width=lw)
        for i in range(1, 8):  # floorboards converge on the vanishing point
            t = i / 8
            d.line([(bx0 + bw * t, by1), (width * t * 1.0 - (width * 0.5 - width * t) * 0.8 + 0, height)],
                   fill=_mix(INK, floor_tone, 0.55), width=1)
        # window on the back wall shows the outside light; a door on the other side
        win_x = bx0 + bw * (0.12 if rng % 2 else 0.58)
        ww, wh = bw * 0.3, bh * 0.42
        d.rectangle((win_x, by0 + bh * 0.15, win_x + ww, by0 + bh * 0.15 + wh), fill=_mix(sky, haze, 0.5), outline=INK, width=lw)
        d.line([(win_x + ww / 2, by0 + bh * 0.15), (win_x + ww / 2, by0 + bh * 0.15 + wh)], fill=INK, width=lw)
        d.line([(win_x, by0 + bh * 0.15 + wh / 2), (win_x + ww, by0 + bh * 0.15 + wh / 2)], fill=INK, width=lw)
        door_x = bx0 + bw * (0.72 if rng % 2 else 0.08)
        d.rectangle((door_x, by0 + bh * 0.3, door_x + bw * 0.16, by1), fill=_mix(wall, (110, 90, 70), 0.35),
                    outline=INK, width=lw)
        if take:  # another take redresses the set: a picture on the back wall and a cabinet, placed by the take
            _dress_room(d, take, (bx0, by0, bx1, by1), win_x, ww, door_x, wall, lw)
        if light < 0.7:  # a practical: a floor lamp throwing a pool of warm light at night
            lx = bx0 + bw * (0.45 if rng % 2 else 0.35)
            top_y, shade_h = by0 + bh * 0.3, bh * 0.12
            d.polygon([(lx - bw * 0.02, top_y + shade_h), (lx + bw * 0.02, top_y + shade_h),
                       (lx + bw * 0.09, by1 + bh * 0.06), (lx - bw * 0.09, by1 + bh * 0.06)],
                      fill=_mix(wall, (250, 222, 160), 0.45))
            d.ellipse((lx - bw * 0.09, by1 + bh * 0.02, lx + bw * 0.09, by1 + bh * 0.1), fill=_mix(floor_tone, (250, 222, 160), 0.5))
            d.line([(lx, top_y + shade_h), (lx, by1 + bh * 0.05)], fill=INK, width=lw)
            d.polygon([(lx - bw * 0.03, top_y), (lx + bw * 0.03, top_y), (lx + bw * 0.045, top_y + shade_h),
                       (lx - bw * 0.045, top_y + shade_h)], fill=(238, 214, 150), outline=INK)
    # the artist's construction marks: a small cross on the vanishing point, the horizon overshooting
    vy = horizon if setting.startswith("EXT") else by0 + bh * 0.62
    mark = max(6, width // 160)
    d.line([(vx - mark, vy - mark), (vx + mark, vy + mark)], fill=_mix(INK, PAPER, 0.5), width=1)
    d.line([(vx - mark, vy + mark), (vx + mark, vy - mark)], fill=_mix(INK, PAPER, 0.5), width=1)
    if light < 0.7:
        _hatch(d, (0, 0, width * 0.18, height), max(10, width // 90), _mix(INK, PAPER, 0.55))
        _hatch(d, (width * 0.82, 0, width, height), max(10, width // 90), _mix(INK, PAPER, 0.55))
    return img


def _dress_room(d: ImageDraw.ImageDraw, take: int, back: tuple[float, float, float, float], win_x: float,
                win_w: float, door_x: float, wall: tuple[int, int, int], lw: int) -> None:
    """Background props of a take: a framed picture on the back wall clear of the window and the door, and a
    low cabinet against it. Only set dressing: the figures stand in front and are drawn from their identities."""
    r = random.Random(take)
    bx0, by0, bx1, by1 = back
    bw, bh = bx1 - bx0, by1 - by0
    taken = sorted([(win_x, win_x + win_w), (door_x, door_x + bw * 0.16)])
    gaps = [(a, b) for a, b in zip([bx0] + [e for _, e in taken], [s for s, _ in taken] + [bx1]) if b - a > bw * 0.12]
    if gaps:  # the picture, in the widest gap the take picks
        a, b = gaps[r.randrange(len(gaps))]
        pw = min(b - a - bw * 0.04, bw * r.uniform(0.09, 0.16))
        px = r.uniform(a + bw * 0.02, b - bw * 0.02 - pw)
        py = by0 + bh * r.uniform(0.12, 0.3)
        d.rectangle((px, py, px + pw, py + pw * r.uniform(0.6, 1.1)), fill=_mix(wall, (150, 160, 170), r.random() * 0.6),
                    outline=INK, width=lw)
    cw = bw * r.uniform(0.14, 0.24)  # the cabinet stands on the floor line of the back wall
    cx = r.uniform(bx0, bx1 - cw)
    ch = bh * r.uniform(0.14, 0.26)
    d.rectangle((cx, by1 - ch, cx + cw, by1), fill=_mix(wall, (120, 96, 72), 0.5), outline=INK, width=lw)
    d.line([(cx, by1 - ch * 0.5), (cx + cw, by1 - ch * 0.5)], fill=INK, width=1)


def _framing(take: int, size: str, w: int, h: int) -> tuple[float, float]:
    """A take's framing offset in px: the camera sits a little elsewhere, within the shot size's tolerance."""
    if not take:
        return 0.0, 0.0

    r = random.Random(take ^ 0x5EED)
    fx, fy = FRAMING_TOLERANCE.get(size, (0.0, 0.0))
    return r.uniform(-fx, fx) * w, r.uniform(-fy, fy) * h


def figure_params_of(image: Image.Image) -> dict[str, Any] | None:
    """The previz drawing parameters stored in a rendered image (None for other backends' images)."""
    raw = getattr(image, "info", {}).get("previz")
    return json.loads(raw) if raw else None


class PrevizImageBackend(ImageBackend):
    """Procedural storyboard renderer: the offline default image backend."""

    name: ClassVar[str] = "previz"
    # no "deterministic": that capability means "a new seed gives the same picture", and a frame's seed picks its
    # take (same seed, same pixels)
    capabilities: ClassVar[frozenset[str]] = frozenset({"character", "frame", "turnaround", "expression"})
    #: What the character engine's consistency check reads without drawing, through
    #: ``registry.get_backend_class("image", "previz")``: the drawing parameters a previz image carries, and the
    #: figure an identity should be drawn as.
    figure_params_of = staticmethod(figure_params_of)
    figure_spec = staticmethod(figure_spec)

    @property
    def model_id(self) -> str | None:
        return "previz-v1"

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> PrevizImageBackend:
        return cls(**options)

    def render(self, request: ImageRequest) -> Image.Image:
        """Draw ``request``; returns an RGB image of request.width × request.height."""
        if request.width < 64 or request.height < 64 or request.width * request.height > 4096 * 4096:
            raise ImageError(f"Previz cannot render {request.width}×{request.height} px.",
                             hint="Use a size between 64×64 and 4096×4096 pixels.")
        if request.kind not in ("frame", "character"):
            raise ImageError(f"Unknown image request kind {request.kind!r}.", hint="Use 'character' or 'frame'.")
        # Pillow draws aliased lines; drawing at 2× and halving gives clean ink lines for ~4× the cost,
        # which still leaves previz far above real time (see benchmarks/NOTES.md).
        ss = SUPERSAMPLE if request.width * request.height <= 2_100_000 else 1
        big = request.model_copy(update={"width": request.width * ss, "height": request.height * ss})
        img, params = (self._frame if request.kind == "frame" else self._character)(big)
        if ss > 1:
            img = img.reduce(ss)
        img.info["previz"] = json.dumps(params, sort_keys=True)
        return img

    # -- character panels ----------------------------------------------------
    def _character(self, request: ImageRequest) -> tuple[Image.Image, dict[str, Any]]:
        if not request.identities:
            raise ImageError("A character render needs the character's identity (ImageRequest.identities).",
                             hint="Render through studio_kit.engines.characters.service.render().")
        w, h = request.width, request.height
        img = _backdrop(w, h, "studio", "DAY", "", "eye level").copy()
        d = ImageDraw.Draw(img)
        spec = figure_spec(request.identities[0], request.wardrobe)
        close = (request.shot or {}).get("size") == "close-up"
        if close:  # head and shoulders
            head = h * 0.42
            top = h * 0.16
        else:
            head = fit_head(spec, w, h)
            top = h * 0.8 - head * spec.height + h * 0.04
        if close and spec.form != "human":  # an animal's or a cloud's close-up: the whole face, feet off frame
            head = min(head, fit_head(spec, w, h, fill=1.1))
        # turned views look screen-right, the convention of a model sheet's turnaround
        draw_figure(d, spec, w / 2, top, head, view=request.view, expression=request.expression, facing=1)
        label = f"{spec.name.upper()}  ·  {request.view}  ·  {request.expression}"
        if request.wardrobe:
            label += f"  ·  {request.wardrobe}"
        self._label(d, w, h, label)
        return img, {"figures": [spec.as_params()], "view": request.view, "expression": request.expression,
                     "wardrobe": request.wardrobe}

    def _label(self, d: ImageDraw.ImageDraw, w: int, h: int, text: str) -> None:
        size = max(10, h // 36)
        d.text((size, h - size * 1.6), text, fill=INK, font=_font(size))
        d.rectangle((0, 0, w - 1, h - 1), outline=INK, width=max(2, w // 400))

    # -- storyboard frames ---------------------------------------------------
    def _frame(self, request: ImageRequest) -> tuple[Image.Image, dict[str, Any]]:
        w, h = request.width, request.height
        shot = request.shot or {}
        scene = request.scene or {}
        size = str(shot.get("size") or "wide").lower()
        if size not in SHOT_SIZES:
            raise ImageError(f"Unknown shot size {size!r}.", hint=f"Use one of: {', '.join(SHOT_SIZES)}.")
        caption_h = max(24, h // 9)
        ph = h - caption_h  # picture area above the caption strip
        setting = str(scene.get("int_ext") or "INT").upper()
        tod = str(scene.get("time_of_day") or "DAY").upper()
        angle = str(shot.get("angle") or "eye level").lower()
        img = Image.new("RGB", (w, h), (255, 255, 255))
        take = _take(request.seed)
        img.paste(_backdrop(w, ph, "EXT" if setting.startswith("EXT") else "INT", tod,
                            str(scene.get("location") or ""), angle, take), (0, 0))
        d = ImageDraw.Draw(img)
        light = _lighting(tod)[2]
        specs = [figure_spec(i, request.wardrobe) for i in request.identities]  # identity seeds, never the take's
        dx, dy = _framing(take, size, w, ph)
        self._place(d, specs, size, w, ph, light, request.expression, dx, dy)
        d.rectangle((0, 0, w - 1, ph), outline=INK, width=max(3, w // 320))
        self._caption(d, request, shot, scene, size, w, h, ph)
        if angle == "dutch":
            picture = img.crop((0, 0, w, ph)).rotate(6, resample=Image.Resampling.BILINEAR, fillcolor=PAPER)
            img.paste(picture, (0, 0))
            d.rectangle((0, 0, w - 1, ph), outline=INK, width=max(3, w // 320))
        params: dict[str, Any] = {"figures": [s.as_params() for s in specs], "size": size, "setting": setting,
                  "time_of_day": tod, "angle": angle}
        if take:
            params["take"] = {"seed": take, "offset": [round(dx / w, 4), round(dy / ph, 4)]}
        return img, params

    def _place(self, d: ImageDraw.ImageDraw, specs: list[FigureSpec], size: str, w: int, h: int, light: float,
               expression: str, dx: float = 0.0, dy: float = 0.0) -> None:
        """Stage the figures for ``size``; (dx, dy) is a take's framing offset in px (0 for the original take)."""
        n = len(specs)
        if size == "insert":
            self._insert(d, specs[0] if specs else None, w, h, light)
            return
        if n == 0:
            return
        if size == "over-the-shoulder" and n >= 1:
            subject = specs[1] if n > 1 else specs[0]
            head = h * 0.22
            draw_figure(d, subject, w * 0.64 + dx, _top(subject, h * 0.16 + dy, head, h), head, view="three-quarter",
                        expression=expression, facing=-1, light=light)
            fg = specs[0]
            draw_figure(d, fg, w * 0.17 + dx, h * 0.3 + dy, h * 0.5, view="front", facing=1, light=light * 0.7,
                        back=True)
            return
        if size == "close-up":
            draw_figure(d, specs[0], w * 0.46 + dx, h * 0.14 + dy, h * 0.52, view="three-quarter" if n > 1 else "front",
                        expression=expression, facing=1, light=light)
            return
        if size == "medium":
            head = h * (0.2 if n <= 2 else 0.15)
            slots = [0.5] if n == 1 else [0.28 + 0.44 * i / (n - 1) for i in range(n)]
            for spec, x in zip(specs, slots):
                view = "front" if n == 1 else "three-quarter"
                facing = 1 if x < 0.5 else -1
                draw_figure(d, spec, w * x + dx, _top(spec, h * 0.12 + dy, head, h), head, view=view, expression=expression,
                            facing=facing, light=light)
            return
        # wide: full figures standing on the floor line, spread across the frame
        floor = h * 0.93 + dy
        for i, spec in enumerate(specs):
            head = h * 0.68 / 7.4
            slot = w * (i + 1) / (n + 1)
            x = slot + dx  # the take moves the camera, not where anyone faces
            view = "front" if n == 1 else "three-quarter"
            # a cloud hangs in the sky over the scene; everyone else stands on the floor
            top = h * 0.04 + dy if spec.form == "cloud" else floor - head * spec.height
            draw_figure(d, spec, x, top, head, view=view, expression=expression,
                        facing=1 if slot < w / 2 else -1, light=light)

    def _insert(self, d: ImageDraw.ImageDraw, spec: FigureSpec | None, w: int, h: int, light: float) -> None:
        """A detail shot: a tabletop in perspective, an object, a hand reaching in."""
        top = h * 0.45
        d.polygon([(0, h), (w * 0.1, top), (w * 0.9, top), (w, h)], fill=_mix((196, 176, 150), (0, 0, 0), 1 - light),
                  outline=INK)
        for i in range(1, 6):
            d.line([(w * 0.1 + w * 0.8 * i / 6, top), (w * i / 6, h)], fill=_mix(INK, PAPER, 0.6), width=1)
        ox, oy = w * 0.48, h * 0.62
        obj = [(ox - w * 0.14, oy - h * 0.1), (ox + w * 0.12, oy - h * 0.13), (ox + w * 0.16, oy + h * 0.12),
               (ox - w * 0.1, oy + h * 0.15)]
        d.polygon(obj, fill=(236, 234, 226), outline=INK)
        d.line(obj + [obj[0]], fill=INK, width=3)
        for k in range(4):
            y = oy - h * 0.05 + k * h * 0.045
            d.line([(ox - w * 0.09, y), (ox + w * 0.09, y - h * 0.01)], fill=_mix(INK, PAPER, 0.45), width=2)
        skin = spec.skin if spec else (220, 190, 160)
        hand = [(w * 0.78, h * 0.95), (w * 0.66, h * 0.62), (w * 0.6, h * 0.6), (w * 0.58, h * 0.66),
                (w * 0.64, h * 0.72), (w * 0.7, h)]
        d.polygon(hand, fill=_mix(skin, PAPER, 0.2))
        d.line(hand, fill=INK, width=3)
        cuff = spec.top if spec else (90, 90, 110)
        d.polygon([(w * 0.7, h), (w * 0.78, h * 0.95), (w * 0.9, h * 0.88), (w, h * 0.9), (w, h)],
                  fill=_mix(cuff, PAPER, 0.3), outline=INK)

    def _caption(self, d: ImageDraw.ImageDraw, request: ImageRequest, shot: dict[str, Any], scene: dict[str, Any],
                 size: str, w: int, h: int, ph: int) -> None:
        d.rectangle((0, ph, w - 1, h - 1), fill=(255, 255, 255), outline=INK, width=max(2, w // 500))
        fs = max(10, (h - ph) // 3)
        number = shot.get("number") or ""
        heading = scene.get("heading") or " ".join(
            x for x in (scene.get("int_ext"), scene.get("location"), scene.get("time_of_day")) if x)
        line1 = "   ".join(x for x in (f"SHOT {number}" if number else "", size.upper(),
                                        str(shot.get("angle") or "").upper() if shot.get("angle") not in (None, "eye level") else "",
                                        heading) if x)
        text = request.caption or shot.get("description") or ""
        d.text((fs * 0.6, ph + fs * 0.35), line1, fill=INK, font=_font(fs))
        if text:
            max_chars = max(20, int(w / (fs * 0.52)))
            d.text((fs * 0.6, ph + fs * 1.55), text[:max_chars] + ("…" if len(text) > max_chars else ""),
                   fill=_mix(INK, PAPER, 0.2), font=_font(int(fs * 0.85)))


def _top(spec: FigureSpec, top: float, head: float, h: float) -> float:
    """Where a figure's top goes in a framed shot: people are cut by the frame edge, but a dog or a
    cloud shorter than the frame stands on (hovers over) the bottom of the picture instead of floating."""
    if spec.form == "human" or top + head * spec.height > h:
        return top
    return h * 0.97 - head * spec.height


__all__ = ["PrevizImageBackend", "figure_params_of"]
