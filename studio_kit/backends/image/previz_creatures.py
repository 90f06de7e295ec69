"""Previz figures that are not people: four-legged animals and clouds / spirits.

Scripts cast dogs, cats and disembodied things (``CYBER BOSS ... a world-roaming
cloud``) as speaking characters; a storyboard artist draws them as what they are.
:func:`draw_creature` takes the same arguments as
:func:`studio_kit.backends.image.previz_figure.draw_figure` and draws from the same
:class:`FigureSpec` (``form`` says which body): fur/body colour is the spec's hair
colour, collar/trim the accent, the cloud body the top colour. Sizes are in
"heads" like people: a dog stands :data:`FORM_HEIGHT` ["quadruped"] heads tall.
"""
from __future__ import annotations

import math
from typing import Any

from studio_kit.backends.image.previz_ink import INK, PAPER, _limb, _mix
from studio_kit.domain.character import SPECIES_FORMS

#: body height and width in heads per form (people use FigureSpec.height and are narrower than tall)
FORM_HEIGHT = {"quadruped": 2.6, "cloud": 3.0}
FORM_WIDTH = {"quadruped": 3.6, "cloud": 3.8}


def fit_head(spec: Any, width: float, height: float, fill: float = 0.78) -> float:
    """Head size (px) that fits the whole figure in ``fill`` of a width × height panel."""
    head = height * fill / spec.height
    if spec.form in FORM_WIDTH:
        head = min(head, width * 0.86 / FORM_WIDTH[spec.form])
    return head

#: which quadrupeds get pointed ears (the rest get a dog's flop)
_POINTY = {"cat", "kitten", "fox", "wolf", "chihuahua", "lion", "tiger", "deer", "horse", "pony", "donkey", "rabbit"}


def form_of(species: str | None) -> str:
    """The previz form for a species word: "human", "quadruped" or "cloud"."""
    return SPECIES_FORMS.get((species or "human").strip().lower(), "human")


def draw_creature(pen: Any, spec: Any, cx: float, top: float, head: float, *, view: str = "front",
                  expression: str = "neutral", facing: int = 1, back: bool = False) -> None:
    """Draw a non-human ``spec`` (``spec.form``) with its top at (cx, top), ``head`` px per head unit."""
    if spec.form == "cloud":
        _cloud(pen, spec, cx, top, head, expression)
    else:
        _quadruped(pen, spec, cx, top, head, view, expression, facing, back)


def _ellipse(cx: float, cy: float, rx: float, ry: float, n: int = 24) -> list[tuple[float, float]]:
    return [(cx + rx * math.cos(2 * math.pi * i / n), cy + ry * math.sin(2 * math.pi * i / n)) for i in range(n)]


def _face(pen: Any, spec: Any, fx: float, fy: float, r: float, expression: str, eyes: int = 2) -> None:
    """Eyes, brows and mouth of an animal or cloud face centred at (fx, fy), face radius ``r``."""
    er = r * (0.2 if expression == "surprised" else 0.14)
    xs = [fx - r * 0.38, fx + r * 0.38] if eyes == 2 else [fx]
    for ex in xs:
        if expression == "happy":  # closed, smiling eyes
            pen.draw.arc((ex - er, fy - er, ex + er, fy + er), 200, 340, fill=INK, width=pen.w)
        else:
            pen.draw.ellipse((ex - er, fy - er, ex + er, fy + er), fill=spec.eyes, outline=INK, width=pen.w)
            pen.draw.ellipse((ex - er * 0.4, fy - er * 0.4, ex + er * 0.4, fy + er * 0.4), fill=INK)
        tilt = {"angry": 0.35, "sad": -0.3}.get(expression, 0.0) * r
        side = 1 if ex > fx else -1
        if expression in ("angry", "sad"):
            pen.stroke([(ex - er * 1.4, fy - er * 2 - side * tilt * 0.5), (ex + er * 1.4, fy - er * 2 + side * tilt * 0.5)])
    my = fy + r * 0.5
    if expression == "happy":
        pen.draw.arc((fx - r * 0.35, my - r * 0.3, fx + r * 0.35, my + r * 0.2), 10, 170, fill=INK, width=pen.w)
    elif expression == "sad":
        pen.draw.arc((fx - r * 0.3, my, fx + r * 0.3, my + r * 0.35), 200, 340, fill=INK, width=pen.w)
    elif expression == "surprised":
        pen.draw.ellipse((fx - r * 0.12, my - r * 0.1, fx + r * 0.12, my + r * 0.2), fill=INK)
    elif expression == "angry":
        pen.stroke([(fx - r * 0.3, my + r * 0.08), (fx, my), (fx + r * 0.3, my + r * 0.08)])
    else:
        pen.stroke([(fx - r * 0.22, my), (fx + r * 0.22, my)])


def _quadruped(pen: Any, spec: Any, cx: float, top: float, head: float, view: str, expression: str,
               facing: int, back: bool) -> None:
    """A dog/cat-like animal: side-on body for three-quarter/profile, sitting and facing us from the front."""
    fur, trim = spec.hair, spec.accent
    pointy = spec.species in _POINTY
    foot = top + head * FORM_HEIGHT["quadruped"]
    pen.draw.ellipse((cx - head * 1.3, foot - head * 0.1, cx + head * 1.5, foot + head * 0.1),
                     fill=pen.wash(_mix(PAPER, (130, 130, 138), 0.5)))
    r = head * 0.5
    if view == "front" or back:
        # sitting, facing the camera: haunches, chest, two front legs, head on top
        pen.shape(_ellipse(cx, foot - head * 0.55, head * 0.95, head * 0.55), fur)
        pen.shape(_ellipse(cx, foot - head * 1.05, head * 0.6, head * 0.75), fur)
        for s in (-1, 1):
            x = cx + s * head * 0.28
            pen.shape(_limb([(x, foot - head * 1.1), (x + s * head * 0.03, foot - head * 0.55), (x, foot - head * 0.1)],
                            head * 0.14, head * 0.11), fur)
            pen.shape(_ellipse(x + s * head * 0.02, foot - head * 0.08, head * 0.17, head * 0.09, 14), fur)
        hx, hy = cx, top + r * 1.1
        tail = [(cx + head * 0.8, foot - head * 0.3), (cx + head * 1.25, foot - head * 0.6), (cx + head * 1.35, foot - head)]
        pen.shape(tail, None, closed=False)
    else:
        # standing side-on, looking the way it faces; three-quarter turns the head to camera
        body_y = foot - head * 1.25
        pen.shape(_ellipse(cx, body_y, head * 1.15, head * 0.5), fur)
        for k, dx in enumerate((-0.85, -0.55, 0.55, 0.85)):
            x = cx + facing * dx * head
            shade = fur if k % 2 else _mix(fur, INK, 0.2)
            knee = (x - facing * head * (0.06 if dx > 0 else -0.08), (body_y + foot) / 2 + head * 0.15)
            pen.shape(_limb([(x, body_y + head * 0.15), knee, (x, foot - head * 0.08)], head * 0.14, head * 0.09),
                      shade)
            pen.shape(_ellipse(x + facing * head * 0.06, foot - head * 0.06, head * 0.15, head * 0.07, 14), shade)
        tail_x = cx - facing * head * 1.1
        pen.shape([(tail_x, body_y - head * 0.1), (tail_x - facing * head * 0.45, body_y - head * 0.7),
                   (tail_x - facing * head * 0.55, body_y - head * 0.9)], None, closed=False)
        hx, hy = cx + facing * head * 1.2, body_y - head * 0.75
        pen.shape([(hx - facing * head * 0.35, body_y - head * 0.3), (hx + facing * head * 0.05, hy),
                   (hx + facing * head * 0.25, hy + r * 0.4), (cx + facing * head * 0.7, body_y)], fur)
    # collar in the accent colour
    pen.shape(_ellipse(hx, hy + r * 0.95, r * 0.75, r * 0.2, 16), trim)
    # ears behind the head
    for s in (-1, 1):
        ex = hx + s * r * 0.62
        if pointy:
            pen.shape([(ex - r * 0.3, hy - r * 0.45), (ex + s * r * 0.15, hy - r * 1.35), (ex + r * 0.3, hy - r * 0.5)],
                      fur)
        else:
            droop = 1.3 if expression == "sad" else 1.0
            pen.shape(_ellipse(ex + s * r * 0.25, hy + r * 0.1 * droop, r * 0.28, r * 0.62 * droop, 14),
                      _mix(fur, INK, 0.25))
    pen.shape(_ellipse(hx, hy, r, r * 0.9), fur)
    turned = view == "profile" and not back
    snout_x = hx + (facing * r * 0.55 if turned else 0)
    pen.shape(_ellipse(snout_x, hy + r * 0.42, r * 0.45, r * 0.32, 16), _mix(fur, PAPER, 0.45))
    pen.draw.ellipse((snout_x - r * 0.13, hy + r * 0.22, snout_x + r * 0.13, hy + r * 0.38), fill=INK)
    if back:
        return
    if turned:
        _face_profile(pen, spec, hx, hy, r, expression, facing)
    else:
        _face(pen, spec, hx, hy - r * 0.15, r * 0.9, expression)
    if expression == "happy" and not pointy:  # tongue out
        pen.shape(_ellipse(snout_x, hy + r * 0.78, r * 0.13, r * 0.18, 12), (210, 110, 120))


def _face_profile(pen: Any, spec: Any, hx: float, hy: float, r: float, expression: str, facing: int) -> None:
    ex, ey = hx + facing * r * 0.25, hy - r * 0.2
    er = r * (0.18 if expression == "surprised" else 0.12)
    pen.draw.ellipse((ex - er, ey - er, ex + er, ey + er), fill=spec.eyes, outline=INK, width=pen.w)
    if expression in ("angry", "sad"):
        lift = r * (0.12 if expression == "angry" else -0.12)
        pen.stroke([(ex - facing * er * 1.5, ey - er * 2 - lift), (ex + facing * er * 1.5, ey - er * 2 + lift)])


def _cloud(pen: Any, spec: Any, cx: float, top: float, head: float, expression: str) -> None:
    """A puffy cloud hovering above its shadow; a face unless the bible calls it faceless (then radio waves)."""
    height = head * FORM_HEIGHT["cloud"]
    cy = top + height * 0.42
    body = spec.top
    puffs = [(-1.0, 0.15, 0.62), (-0.45, -0.2, 0.8), (0.2, -0.3, 0.9), (0.85, 0.0, 0.7), (0.3, 0.3, 0.75),
             (-0.5, 0.35, 0.6)]
    for dx, dy, rr in puffs:
        pen.shape(_ellipse(cx + dx * head, cy + dy * head, rr * head, rr * head * 0.85, 20), _mix(body, PAPER, 0.35))
    pen.draw.ellipse((cx - head * 1.2, top + height - head * 0.12, cx + head * 1.2, top + height + head * 0.08),
                     fill=pen.wash(_mix(PAPER, (130, 130, 138), 0.35)))
    if spec.faceless:
        for k in range(3):  # transmission waves: the cloud talks to phones, it has no face
            rr = head * (0.35 + 0.3 * k)
            pen.draw.arc((cx - rr, cy + head * 0.9 - rr, cx + rr, cy + head * 0.9 + rr), 60, 120,
                         fill=_mix(spec.accent, INK, 0.3), width=pen.w)
        return
    _face(pen, spec, cx, cy, head * 0.7, expression)
