"""Drawing one stylised character the way a storyboard artist sketches it.

The previz backend (``previz.py``) decides framing and backdrop; this module turns
an identity dict into a :class:`FigureSpec` (every drawing parameter, derived
deterministically from the descriptors and the seed) and draws it with Pillow
vector primitives: ink outlines drawn twice with a small wobble, a marker-like
wash of the wardrobe colours, a grey shadow side, hair shape, build, expression
and view. Lengths are in pixels; ``head`` is the head height that sets the scale
(an adult is about 7.5 heads tall).
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from studio_kit.backends.image.previz_creatures import FORM_HEIGHT, draw_creature, form_of
from studio_kit.backends.image.previz_ink import INK, PAPER, Pen, _ellipse_pts, _limb, _mix  # noqa: F401 - re-exported

HAIR_COLOURS = {
    "black": (30, 28, 30), "jet": (20, 20, 24), "dark brown": (70, 45, 30), "brown": (110, 72, 42),
    "chestnut": (125, 60, 35), "auburn": (150, 60, 30), "red": (180, 70, 35), "ginger": (200, 100, 40),
    "copper": (185, 95, 50), "strawberry": (215, 140, 90), "blonde": (225, 195, 120), "blond": (225, 195, 120),
    "sandy": (200, 170, 120), "platinum": (235, 230, 210), "grey": (150, 150, 150), "gray": (150, 150, 150),
    "silver": (190, 190, 195), "white": (235, 235, 235), "salt-and-pepper": (120, 120, 118),
    "blue": (60, 90, 200), "pink": (230, 120, 170), "green": (60, 150, 80), "purple": (120, 60, 160),
}
SKIN_TONES = {
    "pale": (247, 226, 210), "porcelain": (250, 232, 220), "fair": (242, 214, 190), "white": (238, 208, 182),
    "light": (236, 204, 176), "freckled": (236, 200, 170), "rosy": (240, 196, 180), "olive": (200, 165, 120),
    "tan": (205, 160, 115), "tanned": (205, 160, 115), "golden": (214, 170, 120), "weathered": (196, 150, 115),
    "brown": (160, 110, 75), "dark": (110, 72, 48), "black": (95, 62, 42), "deep": (85, 55, 38),
    "ebony": (70, 45, 32), "green": (150, 200, 140), "blue": (130, 160, 220), "grey": (170, 170, 170),
}
EYE_COLOURS = {"blue": (60, 110, 190), "green": (60, 140, 80), "brown": (95, 60, 35), "hazel": (130, 100, 50),
               "grey": (120, 125, 135), "gray": (120, 125, 135), "amber": (190, 130, 40), "black": (30, 30, 30),
               "red": (190, 40, 40), "violet": (130, 80, 180)}
NATURAL_EYES = ("blue", "green", "brown", "hazel", "grey", "amber", "black")
#: most specific first: "long wavy" is long, "short curly" is curly
HAIR_STYLES = ("bald", "afro", "ponytail", "bun", "long", "bob", "curly", "wavy", "spiky", "buzz", "short")
#: what the previz draws where the script says nothing: neutral, not invented (no blond spiky hair for a
#: character whose hair is never described). A storyboard artist's plain placeholder: short neutral hair,
#: an even mid skin tone, dark eyes. People still differ through costume colours and build.
NEUTRAL_HAIR_STYLE = "short"
NEUTRAL_HAIR = (92, 84, 78)
NEUTRAL_SKIN = (222, 196, 172)
NEUTRAL_EYES = (70, 66, 64)
_DEFAULT_PALETTES = (("#3b5b92", "#2f2f38", "#c8a165"), ("#8c2f39", "#3d3d3d", "#e0c48b"),
                     ("#2e7d5b", "#5a4632", "#f1e3c6"), ("#6b4c9a", "#23262e", "#d9a441"),
                     ("#c0612b", "#2a3d52", "#efe6d2"), ("#1f6f8b", "#4b3b2f", "#f4d35e"),
                     ("#a23e48", "#1e2a3a", "#b8c4bb"), ("#556b2f", "#3a3a44", "#deb887"))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    h = hex_colour.lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _mixbits(seed: int, salt: int) -> int:
    """A well-mixed number from (seed, salt): small or similar seeds still pick different defaults."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{salt}".encode()).digest()[:4], "big")


def _first_word_match(text: str, table: dict[str, Any]) -> Any:
    text = (text or "").lower()
    for key in sorted(table, key=len, reverse=True):  # "dark brown" before "brown"
        if key in text:
            return table[key]
    return None


@dataclass(frozen=True)
class FigureSpec:
    """Every drawing parameter of one character, derived from its identity (no randomness at draw time)."""

    name: str
    seed: int
    skin: tuple[int, int, int]
    hair: tuple[int, int, int]
    hair_style: str
    eyes: tuple[int, int, int]
    head_ratio: float        # head width / head height
    jaw: float               # 0 round … 1 square
    shoulders: float         # shoulder width in heads
    waist: float             # waist width in heads
    height: float            # body height in heads
    top: tuple[int, int, int]
    bottom: tuple[int, int, int]
    accent: tuple[int, int, int]
    beard: bool
    moustache: bool
    glasses: bool
    scar: bool
    freckles: bool
    eyepatch: bool
    skirt: bool
    logo: tuple[str, str, tuple[int, int, int]] | None   # (text, position, rgb)
    parting: int             # -1 / +1: side the hair parts and the ponytail falls
    species: str = "human"   # the bible's species word ("dog", "cloud")
    form: str = "human"      # body drawn: human, quadruped, cloud (previz_creatures.py)
    faceless: bool = False   # the script says it has no face (a cloud that only transmits)

    def as_params(self) -> dict[str, Any]:
        """JSON-able parameters (stored with previz renders for exact consistency checks)."""
        return json.loads(json.dumps(asdict(self)))


def figure_spec(identity: dict[str, Any], look: str | None = None) -> FigureSpec:
    """The figure of ``identity`` wearing ``look`` (a wardrobe name); cached, so pure and cheap."""
    key = json.dumps({k: v for k, v in identity.items() if k not in ("embedding", "reference_hashes")},
                     sort_keys=True, default=str)
    return _figure_spec(key, look)


@lru_cache(maxsize=512)
def _figure_spec(identity_json: str, look: str | None) -> FigureSpec:
    ident = json.loads(identity_json)
    seed = int(ident.get("seed") or int(hashlib.sha256(ident.get("name", "").encode()).hexdigest()[:8], 16))
    app = ident.get("appearance") or {}
    hair_text = f"{app.get('hair', '')} {app.get('hair_color', '')}".lower()
    marks = f"{app.get('marks', '')} {app.get('face', '')} {app.get('eyes', '')} {app.get('hair', '')}".lower()
    build = (app.get("build") or "").lower()
    face = (app.get("face") or "").lower()
    age = ident.get("age")

    style = next((s for s in HAIR_STYLES if s in hair_text), None)
    if style is None:
        style = {"crew": "buzz", "shaved": "buzz", "mohawk": "spiky", "braid": "long", "dreadlock": "long",
                 "shoulder": "bob", "pixie": "short", "receding": "short", "balding": "bald", "crop": "buzz",
                 "cornrow": "buzz", "messy": "spiky", "tousled": "wavy", "straight": "short"}.get(
            next((w for w in ("crew", "shaved", "mohawk", "braid", "dreadlock", "shoulder", "pixie",
                              "receding", "balding", "crop", "cornrow", "messy", "tousled", "straight")
                  if w in hair_text), ""), None) or NEUTRAL_HAIR_STYLE
    hair = _first_word_match(app.get("hair_color") or app.get("hair") or "", HAIR_COLOURS)
    if hair is None:
        hair = HAIR_COLOURS["grey"] if isinstance(age, int) and age >= 62 else NEUTRAL_HAIR
    skin = _first_word_match(app.get("skin") or "", SKIN_TONES) or NEUTRAL_SKIN
    # undescribed eyes are drawn dark and plain; a colour only when the bible gives one
    eyes = _first_word_match(app.get("eyes") or "", EYE_COLOURS) or NEUTRAL_EYES

    species = str(ident.get("species") or "human").lower()
    form = form_of(species)
    faceless = "faceless" in f"{ident.get('description', '')} {face} {marks}".lower()

    shoulders, waist, height = 1.55, 1.05, 7.4
    for words, (ds, dw) in (
        (("slim", "thin", "skinny", "lanky", "wiry", "slight", "petite", "gaunt", "willowy"), (-0.22, -0.2)),
        (("stocky", "heavy", "heavyset", "portly", "burly", "stout", "large", "big", "round", "chubby"), (0.3, 0.55)),
        (("muscular", "broad", "athletic", "strong", "brawny"), (0.4, 0.0)),
    ):
        if any(w in build for w in words):
            shoulders, waist = shoulders + ds, waist + dw
    if "tall" in build or "lanky" in build:
        height += 0.6
    if any(w in build for w in ("short", "petite", "small", "tiny")):
        height -= 0.6
    if isinstance(age, int) and age < 13:
        height, shoulders, waist = 5.2, shoulders * 0.8, waist * 0.85
    if form != "human":
        height = FORM_HEIGHT[form]
    shoulders += (_mixbits(seed, 17) % 5 - 2) * 0.04  # tiny per-person variation keeps crowds from cloning

    head_ratio = 0.78
    jaw = 0.45
    if any(w in face for w in ("round", "chubby", "moon")):
        head_ratio, jaw = 0.9, 0.15
    elif any(w in face for w in ("long", "narrow", "gaunt", "thin", "angular")):
        head_ratio, jaw = 0.68, 0.55
    elif any(w in face for w in ("square", "chiseled", "chiselled", "strong jaw", "jawline")):
        head_ratio, jaw = 0.84, 0.95
    else:
        head_ratio += (_mixbits(seed, 19) % 5 - 2) * 0.02

    palette = [c for c in (ident.get("palette") or []) if isinstance(c, str)]
    wardrobe = ident.get("wardrobe") or {}
    chosen = wardrobe.get(look) if look else None
    if chosen is None and wardrobe and not palette:
        chosen = next(iter(wardrobe.values()))
    colours = list(dict.fromkeys(list((chosen or {}).get("colors") or []) + palette))
    locked = [c for c in ((ident.get("brand") or {}).get("locked_palette") or []) if isinstance(c, str)]
    if locked:  # a brand mascot never borrows a stock colour: fill from its locked palette
        colours += [c for c in locked if c not in colours]
        colours = (colours * 3)[:3] if colours else locked
    else:
        default = _DEFAULT_PALETTES[_mixbits(seed, 5) % len(_DEFAULT_PALETTES)]
        colours += [c for c in default if c not in colours]
    top, bottom, accent = (_rgb(c) for c in colours[:3])
    look_text = ((chosen or {}).get("description") or "").lower()
    skirt = any(w in look_text for w in ("dress", "skirt", "gown", "robe"))

    logo = None
    brand = ident.get("brand") or {}
    if brand and brand.get("logo"):
        lg = brand["logo"]
        logo = (str(lg.get("text") or "LOGO")[:6], str(lg.get("position") or "chest"),
                _rgb(lg.get("color") or "#ffffff"))
    return FigureSpec(
        name=str(ident.get("name", "")), seed=seed, skin=skin, hair=hair, hair_style=style, eyes=eyes,
        head_ratio=round(head_ratio, 3), jaw=jaw, shoulders=round(max(shoulders, 1.1), 3),
        waist=round(max(waist, 0.75), 3), height=height, top=top, bottom=bottom, accent=accent,
        beard="beard" in marks, moustache=any(w in marks for w in ("moustache", "mustache")),
        glasses=any(w in marks for w in ("glasses", "spectacles", "specs")), scar="scar" in marks,
        freckles="freckle" in marks, eyepatch="eyepatch" in marks or "eye patch" in marks,
        skirt=skirt, logo=logo, parting=1 if _mixbits(seed, 23) % 2 else -1,
        species=species, form=form, faceless=faceless,
    )


# -- drawing -------------------------------------------------------------------

def draw_figure(draw: Any, spec: FigureSpec, cx: float, top: float, head: float, *, view: str = "front",
                expression: str = "neutral", facing: int = 1, light: float = 1.0, back: bool = False) -> None:
    """Draw ``spec`` with its head top at (cx, top), head height ``head`` px.

    ``view``: front, three-quarter, profile; ``facing`` +1 looks screen-right, -1 left;
    ``back`` draws the figure from behind (over-the-shoulder foregrounds).
    """
    pen = Pen(draw, spec.seed, max(1.5, head / 22), light)
    if view == "back":        # the turnaround's back view: the figure seen from behind
        view, back = "front", True
    if spec.form != "human":  # animals and clouds have their own bodies
        draw_creature(pen, spec, cx, top, head, view=view, expression=expression, facing=facing, back=back)
        return
    turn = {"front": 0.0, "three-quarter": 0.55, "profile": 1.0}.get(view, 0.0) * (0 if back else 1)
    hw = head * spec.head_ratio / 2
    hx, hy = cx + facing * turn * hw * 0.12, top + head / 2
    body_w = 1 - 0.42 * turn
    sh = spec.shoulders * head / 2 * body_w
    wa = spec.waist * head / 2 * body_w
    neck_y, sh_y = top + head * 0.98, top + head * 1.22
    hip_y = top + head * (3.55 if spec.height > 6 else 2.7)
    foot_y = top + head * spec.height
    knee_y = (hip_y + foot_y) / 2
    shade = (130, 130, 138)

    waist_y = top + head * (2.75 if spec.height > 6 else 2.2)
    hp = wa * 1.18  # hips a little wider than the waist
    # ground shadow: a grey wash pool, offset away from the key light
    draw.ellipse((cx - sh * 1.1, foot_y - head * 0.1, cx + sh * 1.6, foot_y + head * 0.12),
                 fill=pen.wash(_mix(PAPER, shade, 0.5)))
    # legs / skirt
    leg = hp * 0.46
    legs = (-1, 1) if turn < 0.9 else (1,)
    gap = hp * 0.5 * (1 - 0.8 * turn)
    if spec.skirt:
        for s in legs:
            x = cx + s * gap * 0.6
            pen.shape(_limb([(x, knee_y), (x, foot_y - head * 0.12)], leg * 0.45, leg * 0.35), spec.skin)
        pen.shape([(cx - wa, waist_y), (cx + wa, waist_y), (cx + hp * 1.45, knee_y + head * 0.35),
                   (cx - hp * 1.45, knee_y + head * 0.35)], spec.bottom)
    else:
        for s in legs:
            x = cx + s * gap
            pen.shape(_limb([(x, hip_y - head * 0.2), (x + s * leg * 0.05, knee_y), (x, foot_y - head * 0.12)],
                            leg * 0.55, leg * 0.38), spec.bottom)
    for s in legs:  # shoes point the way the figure faces
        x = cx + s * (gap * 0.6 if spec.skirt else gap)
        toe = facing * turn * leg * 1.0
        pen.shape([(x - leg * 0.55 + min(toe, 0), foot_y - head * 0.16), (x + leg * 0.55 + max(toe, 0), foot_y - head * 0.16),
                   (x + leg * 0.62 + max(toe, 0) * 1.2, foot_y), (x - leg * 0.62 + min(toe, 0) * 1.2, foot_y)], (45, 42, 40))

    def arm(side: int) -> None:
        ax = cx + side * sh * 0.86
        elbow = (cx + side * (sh * 1.02 + head * 0.06) + facing * turn * head * 0.1, waist_y - head * 0.15)
        hand = (cx + side * (sh * 0.98 + head * 0.02) + facing * turn * head * 0.45, hip_y + head * 0.05)
        pen.shape(_limb([(ax, sh_y + head * 0.12), elbow, hand], head * 0.2, head * 0.13), spec.top)
        r = head * 0.12
        pen.shape(_ellipse_pts(hand[0], hand[1] + r * 0.7, r, r * 1.1, 12), spec.skin)

    # torso: sloping shoulders, waist, hips
    torso = [(cx - sh * 0.55, sh_y - head * 0.08), (cx - sh * 0.92, sh_y), (cx - sh, sh_y + head * 0.2),
             (cx - wa, waist_y), (cx - hp, hip_y), (cx + hp, hip_y), (cx + wa, waist_y), (cx + sh, sh_y + head * 0.2),
             (cx + sh * 0.92, sh_y), (cx + sh * 0.55, sh_y - head * 0.08)]
    if turn >= 0.9:
        # a real profile: the torso turns side-on (chest forward, back straight) and the far arm is hidden
        depth = spec.shoulders * head / 2 * 0.62
        f = facing
        torso = [(cx - f * depth * 0.55, sh_y - head * 0.05), (cx + f * depth * 0.45, sh_y - head * 0.02),
                 (cx + f * depth * 0.9, sh_y + head * 0.45), (cx + f * depth * 0.75, waist_y),
                 (cx + f * hp * 0.62, hip_y), (cx - f * hp * 0.7, hip_y), (cx - f * depth * 0.62, waist_y),
                 (cx - f * depth * 0.8, sh_y + head * 0.35)]
    pen.shape(torso, spec.top)
    if turn >= 0.9:      # side-on, the shading and the belt follow the turned torso's depth
        sh = wa = hp = spec.shoulders * head / 2 * 0.62 * 0.8
    # shadow side of the torso: the key light comes from screen-left
    draw.polygon([(cx + sh * 0.4, sh_y + head * 0.05), (cx + sh * 0.95, sh_y + head * 0.22), (cx + wa * 0.97, waist_y),
                  (cx + hp * 0.97, hip_y - 2), (cx + hp * 0.45, hip_y - 2), (cx + wa * 0.35, waist_y)],
                 fill=pen.wash(_mix(spec.top, shade, 0.5)))
    # pencil hatching over the shadow side, the storyboard artist's quick modelling
    hatch_ink = _mix(INK, PAPER, 0.45)
    for k in range(6):
        x0 = cx + wa * (0.42 + 0.09 * k)
        y0 = waist_y - head * 0.05
        draw.line([(x0, y0), (x0 + wa * 0.12, y0 - head * 0.65)], fill=hatch_ink, width=max(1, pen.w // 2))
    # accent: collar / tie / belt in the third colour
    tx = cx + facing * turn * head * 0.2
    if turn < 0.9 and not back:     # the collar/tie faces the camera; in profile and from behind it is hidden
        pen.shape([(tx - head * 0.14, sh_y - head * 0.06), (tx + head * 0.14, sh_y - head * 0.06),
                   (tx, sh_y + head * 0.75)], spec.accent)
    pen.shape([(cx - wa * 1.02, waist_y + head * 0.35), (cx + wa * 1.02, waist_y + head * 0.35),
               (cx + wa * 1.06, waist_y + head * 0.5), (cx - wa * 1.06, waist_y + head * 0.5)], spec.accent)
    # the logo goes where the brand guidelines place it: chest / left-chest seen from the front,
    # a back logo only when we see the back (over-the-shoulder foreground); a hat logo is drawn with the head
    position = spec.logo[1] if spec.logo else ""
    if spec.logo and turn < 0.9 and (back if position == "back" else (not back and position != "hat")):
        text, _, colour = spec.logo
        lx = cx + (sh * 0.45 if position == "left-chest" else 0) - facing * turn * head * 0.2
        ly = sh_y + head * (0.75 if position == "back" else 0.55)
        r = max(sh * 0.28, head * 0.18)
        draw.ellipse((lx - r, ly - r, lx + r, ly + r), fill=colour, outline=INK, width=pen.w)
        draw.text((lx, ly), text[:4], fill=INK if sum(colour) > 380 else PAPER, anchor="mm")
    if turn < 0.9:
        arm(-1)
        arm(1)
    else:
        arm(facing)

    # neck
    nw = head * 0.17
    pen.shape([(hx - nw, neck_y - head * 0.2), (hx + nw, neck_y - head * 0.2), (hx + nw * 1.15, sh_y),
               (hx - nw * 1.15, sh_y)], spec.skin)
    _draw_head(pen, spec, hx, hy, hw, head, turn, facing, expression, back)
    if spec.logo and position == "hat":  # a cap in the accent colour carrying the logo
        text, _, colour = spec.logo
        cap_y = hy - head * 0.32
        pen.shape(_ellipse_pts(hx, cap_y, hw * 1.08, head * 0.26, 24, math.pi, 2 * math.pi), spec.accent)
        pen.shape([(hx - hw * 1.08, cap_y), (hx + hw * 1.08, cap_y), (hx + facing * hw * (1.5 if turn else 1.2), cap_y + head * 0.06),
                   (hx - hw * (1.2 if not turn else 1.0), cap_y + head * 0.06)], spec.accent)
        r = head * 0.11
        lx = hx + facing * turn * hw * 0.3
        pen.draw.ellipse((lx - r, cap_y - head * 0.15 - r, lx + r, cap_y - head * 0.15 + r), fill=colour, outline=INK,
                         width=pen.w)


def _draw_head(pen: Pen, spec: FigureSpec, hx: float, hy: float, hw: float, head: float, turn: float,
               facing: int, expression: str, back: bool) -> None:
    hh = head / 2
    style = spec.hair_style
    _draw_back_hair(pen, spec, hx, hy, hw, hh, turn, facing)

    face_pts = _ellipse_pts(hx, hy, hw, hh, 32, jaw=spec.jaw)
    if turn > 0.3 and not back:  # three-quarter/profile: nose breaks the outline on the facing side
        nose_y = hy + hh * 0.15
        face_pts = [(x + facing * hw * 0.22 * turn * max(0.0, 1 - abs(y - nose_y) / (hh * 0.28)) if (x - hx) * facing > 0
                     else x, y) for x, y in face_pts]
    if not back and turn > 0.2:  # the ear shows on the side turned away from the camera
        ex_ = hx - facing * hw * (0.9 - 0.75 * turn) * (1 if turn < 0.9 else 0.15)
        pen.shape(_ellipse_pts(ex_, hy + hh * 0.05, hw * 0.14, hh * 0.2, 12), spec.skin)
    pen.shape(face_pts, spec.hair if back else spec.skin)
    if not back and turn > 0.2:
        ex_ = hx - facing * hw * (0.9 - 0.75 * turn) * (1 if turn < 0.9 else 0.15)
        pen.shape(_ellipse_pts(ex_, hy + hh * 0.05, hw * 0.14, hh * 0.2, 12), spec.skin)
    if back:
        return
    if style != "bald":  # hair cap on top of the head
        _draw_hair_cap(pen, spec, hx, hy, hw, hh, turn, facing)

    # features move towards the facing side as the head turns
    fx = hx + facing * turn * hw * 0.45
    ey = hy - hh * 0.02
    eye_dx = hw * 0.42 * (1 - 0.35 * turn)
    _draw_eyes(pen, spec, hx, fx, ey, eye_dx, hw, hh, head, turn, facing, expression)
    _draw_nose_and_mouth(pen, spec, hx, hy, fx, ey, hw, hh, turn, facing, expression)
    _draw_marks(pen, spec, fx, ey, hy, eye_dx, hw, hh)


def _draw_back_hair(pen: Pen, spec: FigureSpec, hx: float, hy: float, hw: float, hh: float, turn: float,
                    facing: int) -> None:
    """Hair behind the face: long, bob, ponytail, afro, curly volume."""
    style = spec.hair_style
    if style in ("long", "bob", "wavy"):  # hair that hangs: a curtain behind the face down to jaw/shoulders
        drop = {"long": 1.9, "bob": 0.95, "wavy": 1.25}[style]
        spread = {"long": 1.25, "bob": 1.12, "wavy": 1.18}[style]
        bx = hx - facing * turn * hw * 0.25
        pts = _ellipse_pts(bx, hy - hh * 0.05, hw * 1.08, hh * 1.05, 14, math.pi, 2 * math.pi)
        pts += [(bx + hw * spread, hy + hh * drop * 0.6), (bx + hw * spread * 0.95, hy + hh * drop),
                (bx, hy + hh * drop * (0.92 if style == "wavy" else 1.0)),
                (bx - hw * spread * 0.95, hy + hh * drop), (bx - hw * spread, hy + hh * drop * 0.6)]
        pen.shape(pts, spec.hair)
    if style in ("afro", "curly"):
        widen = 1.45 if style == "afro" else 1.2
        pen.shape(_ellipse_pts(hx - facing * turn * hw * 0.15, hy - hh * 0.15, hw * widen, hh * widen * 0.92, 26),
                  spec.hair)
    if style == "ponytail":
        tx = hx - facing * max(turn, 0.35) * hw * 1.15
        pen.shape([(tx - hw * 0.18, hy - hh * 0.2), (tx + hw * 0.18, hy - hh * 0.2), (tx + hw * 0.05 - facing * hw * 0.2,
                   hy + hh * 1.5), (tx - hw * 0.2 - facing * hw * 0.2, hy + hh * 1.3)], spec.hair)
    if style == "bun":
        pen.shape(_ellipse_pts(hx - facing * turn * hw * 0.4, hy - hh * 1.05, hw * 0.42, hh * 0.32, 16), spec.hair)


def _draw_hair_cap(pen: Pen, spec: FigureSpec, hx: float, hy: float, hw: float, hh: float, turn: float,
                   facing: int) -> None:
    """The hair on top of the head (not bald): a cap with a fringe or a parting, spikes or curls."""
    draw = pen.draw
    style = spec.hair_style
    cap_depth = {"buzz": 0.35, "short": 0.5, "spiky": 0.45}.get(style, 0.62)
    a0, a1 = math.pi * 1.02, math.pi * 1.98
    cap = _ellipse_pts(hx - facing * turn * hw * 0.12, hy - hh * 0.06, hw * 1.06, hh * 1.04, 18, a0, a1)
    fringe_y = hy - hh * (1 - cap_depth * 1.1)
    part = hx + spec.parting * hw * 0.35
    if turn > 0.3:  # turned away: the hair covers the back of the skull down to the nape
        back_x = hx - facing * hw * 1.02
        tail = [(hx + facing * hw * 0.7, fringe_y + hh * 0.1), (hx - facing * hw * 0.1, fringe_y + hh * 0.25),
                (back_x, hy + hh * 0.45)]
        cap += tail if facing > 0 else tail[::-1]  # the arc ends screen-right: walk back from there
    else:
        cap += [(hx + hw * 1.0, fringe_y + hh * 0.15), (part, fringe_y), (hx - hw * 1.0, fringe_y + hh * 0.15)]
    pen.shape(cap, spec.hair)
    if style == "spiky":
        for i in range(5):
            x = hx - hw * 0.8 + i * hw * 0.4
            pen.shape([(x - hw * 0.2, hy - hh * 0.8), (x + hw * 0.05, hy - hh * 1.45), (x + hw * 0.2, hy - hh * 0.8)],
                      spec.hair)
    if style in ("curly", "afro"):  # bumps break the top of the silhouette into curls
        for i in range(7):
            a = math.pi * (1.08 + i * 0.14)
            r = hw * (0.3 if style == "curly" else 0.38)
            x, y = hx + math.cos(a) * hw * 1.0, hy - hh * 0.06 + math.sin(a) * hh * 0.98
            draw.ellipse((x - r, y - r, x + r, y + r), fill=pen.wash(spec.hair))
            draw.arc((x - r, y - r, x + r, y + r), 180 + i * 8 - 40, 180 + i * 8 + 120, fill=INK,
                     width=max(1, pen.w - 1))


def _draw_eyes(pen: Pen, spec: FigureSpec, hx: float, fx: float, ey: float, eye_dx: float, hw: float, hh: float,
               head: float, turn: float, facing: int, expression: str) -> None:
    """Eyes (one in profile, the far one foreshortened), an eyepatch, brows that carry the expression, glasses."""
    draw = pen.draw
    eyes = [fx - eye_dx, fx + eye_dx] if turn < 0.9 else [hx + facing * hw * 0.55]
    if 0.3 < turn < 0.9:  # far eye is foreshortened
        eyes = [fx - facing * eye_dx * 0.7, fx + facing * eye_dx * 0.9]
    er = max(1.5, head * 0.045)
    surprised = expression == "surprised"
    for i, ex in enumerate(eyes):
        if spec.eyepatch and i == 0:
            pen.stroke([(hx - hw, ey - hh * 0.35), (hx + hw, ey - hh * 0.1)], pen.w)
            draw.ellipse((ex - er * 1.6, ey - er * 1.3, ex + er * 1.6, ey + er * 1.3), fill=INK)
            continue
        ry = er * (1.6 if surprised else 0.7 if expression == "happy" else 1.1)
        draw.ellipse((ex - er * 1.3, ey - ry, ex + er * 1.3, ey + ry), fill=PAPER, outline=INK, width=max(1, pen.w // 2))
        ir = er * 0.75
        draw.ellipse((ex - ir + facing * turn * er * 0.4, ey - ir, ex + ir + facing * turn * er * 0.4, ey + ir),
                     fill=spec.eyes)
        # brows carry most of the expression
        by = ey - hh * (0.3 if surprised else 0.22)
        inner = 1 if ex > fx or (turn >= 0.9) else -1
        tilt = {"angry": 0.12, "sad": -0.1}.get(expression, 0.0) * hh
        bl, br = (ex - er * 2, by), (ex + er * 2, by)
        if inner < 0:  # left eye: inner end is on the right
            br = (br[0], br[1] + tilt)
        else:
            bl = (bl[0], bl[1] + tilt)
        if expression in ("happy", "surprised"):
            bl, br = (bl[0], bl[1] + hh * 0.03), (br[0], br[1] + hh * 0.03)
            pen.stroke([bl, (ex, by - hh * 0.06), br], max(2, pen.w * 1.4))
        else:
            pen.stroke([bl, br], max(2, pen.w * 1.4))
        if spec.glasses:
            draw.rectangle((ex - er * 2.1, ey - er * 1.8, ex + er * 2.1, ey + er * 1.8), outline=INK, width=pen.w)
    if spec.glasses and len(eyes) == 2:
        pen.stroke([(eyes[0] + er * 2.1, ey), (eyes[1] - er * 2.1, ey)], pen.w)


def _draw_nose_and_mouth(pen: Pen, spec: FigureSpec, hx: float, hy: float, fx: float, ey: float, hw: float,
                         hh: float, turn: float, facing: int, expression: str) -> None:
    """Nose, beard, the mouth of the expression, and a moustache over the lip."""
    draw = pen.draw
    # nose
    nx = fx + facing * turn * hw * 0.35
    pen.stroke([(nx, ey + hh * 0.05), (nx + facing * hw * 0.12 * (0.4 + turn), hy + hh * 0.3),
                (nx - facing * hw * 0.02, hy + hh * 0.33)], max(1, pen.w * 0.8))
    my, mw = hy + hh * 0.55, hw * (0.38 - 0.12 * turn)
    mx = fx + facing * turn * hw * 0.2
    if spec.beard:
        pen.shape([(hx - hw * 0.85, hy + hh * 0.2), (mx - mw * 1.2, my + hh * 0.12), (mx + mw * 1.2, my + hh * 0.12),
                   (hx + hw * 0.85, hy + hh * 0.2), (hx + hw * 0.5, hy + hh * 0.95), (hx - hw * 0.5, hy + hh * 0.95)],
                  spec.hair)
    # mouth
    if expression == "happy":
        draw.chord((mx - mw, my - hh * 0.16, mx + mw, my + hh * 0.26), 0, 180, fill=(252, 250, 246), outline=INK,
                   width=max(1, pen.w // 2))
    elif expression == "sad":
        draw.arc((mx - mw * 0.8, my, mx + mw * 0.8, my + hh * 0.25), 200, 340, fill=INK, width=pen.w)
    elif expression == "surprised":
        draw.ellipse((mx - mw * 0.35, my - hh * 0.1, mx + mw * 0.35, my + hh * 0.15), fill=INK)
    elif expression == "angry":
        pen.stroke([(mx - mw, my + hh * 0.04), (mx, my - hh * 0.02), (mx + mw, my + hh * 0.04)], pen.w * 1.3)
    else:
        pen.stroke([(mx - mw * 0.8, my), (mx + mw * 0.8, my)], pen.w)
    if spec.moustache or spec.beard:  # after the mouth: a moustache sits over the lip
        pen.shape([(mx - mw, my - hh * 0.06), (mx, my - hh * 0.16), (mx + mw, my - hh * 0.06), (mx, my - hh * 0.09)],
                  spec.hair)


def _draw_marks(pen: Pen, spec: FigureSpec, fx: float, ey: float, hy: float, eye_dx: float, hw: float,
                hh: float) -> None:
    """A scar across the cheek, freckles."""
    draw = pen.draw
    if spec.scar:
        sx = fx + eye_dx * 0.9
        pen.stroke([(sx - hw * 0.1, ey + hh * 0.1), (sx + hw * 0.15, ey + hh * 0.45)], pen.w)
        for t in (0.3, 0.6):
            x, y = sx - hw * 0.1 + hw * 0.25 * t, ey + hh * (0.1 + 0.35 * t)
            pen.stroke([(x - hw * 0.06, y + hh * 0.03), (x + hw * 0.06, y - hh * 0.03)], 1)
    if spec.freckles:
        for i in range(6):
            x = fx + (i % 3 - 1) * hw * 0.14 + (hw * 0.35 if i > 2 else -hw * 0.35)
            y = hy + hh * (0.18 + (i % 2) * 0.06)
            draw.ellipse((x - 1.5, y - 1.5, x + 1.5, y + 1.5), fill=(150, 90, 60))
