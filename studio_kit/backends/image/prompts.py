"""The one place that turns a character identity + shot + style into a text prompt.

Every prompt-taking image backend (``diffusers`` today) calls :func:`build_prompt`
so a locked character is described with the same words in every render: the
identity record decides the subject, the request only adds framing, view,
expression, wardrobe look, scene lighting and style.

Identity dicts (``ImageRequest.identities``) carry the keys agreed with the
character engine: ``name, seed, mode, style, species, age, pronouns, description,
appearance {face, hair, hair_color, build, skin, eyes, marks}, palette [#hex],
wardrobe {look: {description, colors}}, brand {locked_palette, forbidden, logo} | None``,
optionally ``look`` (that subject's wardrobe look in this scene). Missing keys are
simply left out of the prompt.

Order matters: CLIP text encoders read at most 77 tokens, so framing and the
subject come first and style terms last.
"""
from __future__ import annotations

from typing import Any, Iterable

from studio_kit.backends.image.base import ImageRequest

#: defects nobody wants in a render; brand rules and request negatives are added to these
BASE_NEGATIVE = ("blurry", "lowres", "jpeg artifacts", "watermark", "text", "signature",
                 "deformed hands", "extra fingers", "extra limbs", "disfigured face")

STYLE_TERMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # style: (positive terms, negative terms)
    "photorealistic": (("photorealistic", "35mm film still", "natural skin texture", "cinematic lighting"),
                       ("cartoon", "illustration", "anime", "3d render")),
    "stylized": (("stylized concept art", "clean linework", "painterly shading"),
                 ("photograph", "photorealistic")),
    "animated": (("3d animated feature film style", "expressive", "soft global illumination"),
                 ("photograph", "live action")),
    "storyboard": (("storyboard frame", "pencil sketch", "loose grayscale shading"),
                   ("photograph", "full color")),
}

VIEW_TERMS = {"front": "front view, facing the camera", "three-quarter": "three-quarter view",
              "profile": "side profile view", "back": "view from behind"}

EXPRESSION_TERMS = {"neutral": "neutral expression", "happy": "happy, warm smile",
                    "angry": "angry, furrowed brows", "sad": "sad, downcast eyes",
                    "surprised": "surprised, raised eyebrows, open mouth"}

SHOT_TERMS = {"wide": "wide shot, full body, environment visible", "medium": "medium shot, waist up",
              "close-up": "close-up on the face", "over-the-shoulder": "over-the-shoulder shot",
              "insert": "insert shot, detail close-up"}

ANGLE_TERMS = {"high": "high angle", "low": "low angle", "overhead": "overhead shot",
               "dutch": "dutch angle", "eye level": "eye level"}

TIME_TERMS = {"DAY": "daylight", "NIGHT": "night, moonlight and practical lights",
              "DAWN": "dawn, soft pink light", "DUSK": "dusk, golden hour light",
              "MORNING": "morning light", "EVENING": "evening light", "AFTERNOON": "afternoon sun",
              "SUNSET": "sunset, golden hour light", "SUNRISE": "sunrise, soft warm light"}

MODE_TERMS = {"avatar": "consistent presenter character, identical look in every shot",
              "brand": "brand mascot, on-model, exact brand colours"}

# Named colours for hex → words (text encoders know "teal", not "#1f8a8a").
_COLOUR_NAMES: dict[str, tuple[int, int, int]] = {
    "black": (0, 0, 0), "charcoal": (54, 69, 79), "dark grey": (90, 90, 90), "grey": (128, 128, 128),
    "silver": (192, 192, 192), "white": (255, 255, 255), "cream": (255, 240, 200),
    "red": (220, 30, 30), "crimson": (160, 20, 50), "maroon": (110, 20, 30), "burgundy": (128, 0, 32),
    "pink": (255, 160, 190), "hot pink": (255, 50, 150), "coral": (255, 120, 90),
    "orange": (255, 140, 0), "rust": (183, 65, 14), "brown": (120, 70, 30), "tan": (210, 180, 140),
    "beige": (230, 215, 180), "khaki": (195, 176, 120), "gold": (245, 200, 20), "mustard": (205, 160, 30),
    "yellow": (250, 240, 60), "olive": (110, 110, 30), "lime green": (150, 220, 40), "green": (40, 160, 60),
    "forest green": (30, 90, 40), "mint": (170, 240, 200), "teal": (20, 130, 130), "turquoise": (60, 210, 200),
    "cyan": (0, 220, 240), "sky blue": (130, 200, 240), "blue": (30, 80, 220), "royal blue": (65, 90, 225),
    "navy": (20, 30, 90), "indigo": (75, 0, 130), "purple": (130, 50, 170), "violet": (170, 110, 230),
    "lavender": (200, 180, 240), "magenta": (220, 0, 200), "plum": (120, 50, 100),
}


def colour_name(hex_colour: str) -> str:
    """The nearest everyday colour name for ``#rrggbb`` (or ``#rgb``); non-hex text is returned as is."""
    text = str(hex_colour).strip()
    digits = text.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    try:
        r, g, b = (int(digits[i:i + 2], 16) for i in (0, 2, 4))
        if len(digits) != 6:
            raise ValueError
    except ValueError:
        return text
    # "redmean" weighting: closer to perceived difference than plain RGB distance
    def distance(ref: tuple[int, int, int]) -> float:
        rm = (r + ref[0]) / 2
        dr, dg, db = r - ref[0], g - ref[1], b - ref[2]
        return (2 + rm / 256) * dr * dr + 4 * dg * dg + (2 + (255 - rm) / 256) * db * db

    return min(_COLOUR_NAMES, key=lambda name: distance(_COLOUR_NAMES[name]))


def colour_names(colours: Iterable[str] | None) -> list[str]:
    """Colour names for a palette, in order, without repeats."""
    return _unique(colour_name(c) for c in (colours or []) if c)


def _unique(terms: Iterable[str]) -> list[str]:
    seen, out = set(), []
    for term in terms:
        term = " ".join(str(term).split()).strip(" ,")
        if term and term.lower() not in seen:
            seen.add(term.lower())
            out.append(term)
    return out


def _subject_noun(identity: dict[str, Any]) -> str:
    species = str(identity.get("species") or "human").strip().lower()
    if species != "human":  # the script casts an animal or a thing: "a dog", not "a man"
        return species
    pronouns = str(identity.get("pronouns") or "").lower()
    age = _age_years(identity.get("age"))
    young = age is not None and age < 13
    if pronouns.startswith("she"):
        return "girl" if young else "woman"
    if pronouns.startswith("he"):
        return "boy" if young else "man"
    return "child" if young else "person"


def _age_years(age: Any) -> int | None:
    try:
        return int(str(age).strip())
    except (TypeError, ValueError):
        return None


def pick_look(identity: dict[str, Any], wardrobe: str | None) -> dict[str, Any] | None:
    """The wardrobe look named ``wardrobe`` (case-insensitive), else the 'default' look, else the first."""
    looks = identity.get("wardrobe") or {}
    if not isinstance(looks, dict) or not looks:
        return None
    if wardrobe:
        for name, look in looks.items():
            if name.lower() == wardrobe.lower():
                return look if isinstance(look, dict) else {"description": str(look)}
    look = looks.get("default", next(iter(looks.values())))
    return look if isinstance(look, dict) else {"description": str(look)}


def describe_identity(identity: dict[str, Any], wardrobe: str | None = None, *, palette: bool = True) -> str:
    """One subject phrase: '34-year-old woman, oval face, short black hair, ... wearing a navy suit'."""
    age = identity.get("age")
    years = _age_years(age)
    noun = _subject_noun(identity)
    head = f"{years}-year-old {noun}" if years is not None else (f"{noun} in their {age}" if age else noun)
    app = identity.get("appearance") or {}
    parts = [head, identity.get("description") or ""]
    if app.get("face"):
        parts.append(f"{app['face']} face")
    hair = " ".join(str(app[k]) for k in ("hair_color", "hair") if app.get(k))
    if hair:
        parts.append(hair if "hair" in hair.lower() else f"{hair} hair")
    if app.get("eyes"):
        parts.append(app["eyes"] if "eye" in str(app["eyes"]).lower() else f"{app['eyes']} eyes")
    if app.get("skin"):
        parts.append(app["skin"] if "skin" in str(app["skin"]).lower() else f"{app['skin']} skin")
    if app.get("build"):
        parts.append(app["build"] if "build" in str(app["build"]).lower() else f"{app['build']} build")
    marks = app.get("marks")
    if marks:
        parts.extend(marks if isinstance(marks, (list, tuple)) else [marks])
    # a per-subject "look" (a storyboard frame's scene wardrobe) beats the request-wide one
    look = pick_look(identity, identity.get("look") or wardrobe)
    if look:
        colours = colour_names(look.get("colors") or look.get("colours"))
        wear = f"wearing {look.get('description') or 'an outfit'}"
        parts.append(f"{wear} in {' and '.join(colours)}" if colours else wear)
    colours = colour_names(identity.get("palette")) if palette else []
    if colours:
        parts.append(f"colour palette of {', '.join(colours)}")
    return ", ".join(_unique(parts))


#: brand "forbidden" entries that name a *locked field* (a change the render may not make), not a
#: visible thing: they must not become negative-prompt words ("hair" would mean "bald")
_LOCKED_FIELDS = {"face", "hair", "hair_color", "build", "skin", "eyes", "marks", "palette", "wardrobe",
                  "logo", "style", "age"}


def _brand_negatives(brand: dict[str, Any] | None) -> list[str]:
    """Negative terms from brand guidelines: forbidden expressions/views and forbidden items.

    ``forbidden`` uses the character engine's rule tokens: ``expression:angry``, ``view:profile``,
    locked field names (``hair``, ``palette`` ...) or free-text items (``sunglasses``).
    """
    if not isinstance(brand, dict):
        return []
    items: list[Any] = []
    for key in ("forbidden", "forbidden_items", "forbidden_changes"):
        value = brand.get(key)
        if value:
            items.extend(value if isinstance(value, (list, tuple)) else [value])
    out: list[str] = []
    for item in (str(i).strip() for i in items):
        kind, _, what = item.partition(":")
        if what and kind.lower() == "expression":
            out.append(f"{what} expression")
        elif what and kind.lower() == "view":
            out.append(VIEW_TERMS.get(what, f"{what} view").split(",")[0])
        elif item.lower() == "palette":
            out.append("off-brand colours")
        elif item.lower() not in _LOCKED_FIELDS and item:
            out.append(item)
    if brand.get("forbidden") or brand.get("locked_palette"):
        out.append("off-model")
    return out


def _brand_positives(brand: dict[str, Any] | None) -> list[str]:
    """Positive terms from brand guidelines: the logo (text, place, colour) and the locked palette."""
    if not isinstance(brand, dict):
        return []
    terms = []
    logo = brand.get("logo")
    if isinstance(logo, dict) and logo:
        text = logo.get("text") or "brand"
        colour = f" in {colour_name(logo['color'])}" if logo.get("color") else ""
        where = str(logo.get("position") or "chest").replace("-", " ")
        terms.append(f'"{text}" logo on the {where}{colour}')
    elif brand.get("logo_placement"):
        terms.append(f"logo on the {brand['logo_placement']}")
    locked = colour_names(brand.get("locked_palette"))
    if locked:
        terms.append(f"strictly {', '.join(locked)} brand colours")
    return terms


def build_prompt(request: ImageRequest) -> tuple[str, str]:
    """(prompt, negative prompt) for ``request``: framing, subjects, look, scene, style.

    A locked character's own style wins over ``request.style`` for character renders
    so every portrait of it looks alike; storyboard frames use ``request.style``.
    """
    positive: list[str] = []
    negative: list[str] = list(BASE_NEGATIVE)
    identities = [i for i in request.identities if isinstance(i, dict)]
    shot = request.shot or {}
    scene = request.scene or {}

    frame = request.kind == "frame"
    size = str(getattr(shot.get("size"), "value", shot.get("size")) or "").lower()
    if frame:
        positive.append(SHOT_TERMS.get(size, size and f"{size} shot"))
        angle = str(shot.get("angle") or "").lower()
        if angle and angle != "eye level":
            positive.append(ANGLE_TERMS.get(angle, f"{angle} angle"))
    elif size:
        positive.append(SHOT_TERMS.get(size, f"{size} shot"))
    else:
        positive.append("character portrait")
    if request.prompt:
        positive.append(request.prompt)

    scene_terms: list[str] = []
    if shot.get("description"):
        scene_terms.append(str(shot["description"]))
    if scene:
        int_ext = str(getattr(scene.get("int_ext"), "value", scene.get("int_ext")) or "").upper()
        place = str(scene.get("location") or "").lower()
        if place:
            where = {"INT": "interior", "EXT": "exterior", "INT/EXT": "interior and exterior",
                     "INT-EXT": "interior and exterior", "EST": "establishing shot of"}.get(int_ext, "at")
            scene_terms.append(f"{where} {place}")
        tod = str(getattr(scene.get("time_of_day"), "value", scene.get("time_of_day")) or "").upper()
        if tod:
            scene_terms.append(TIME_TERMS.get(tod, tod.lower()))
    if frame:  # storyboard: CLIP reads 77 tokens, so the action and the place come before the cast
        positive.extend(scene_terms)

    subjects = identities
    wanted = {str(s).lower() for s in shot.get("subjects") or []}
    if frame and wanted:
        subjects = [i for i in identities if str(i.get("name", "")).lower() in wanted] or identities
    # frames show wardrobe colours; the palette phrase is for portraits and sheets
    described = [describe_identity(i, request.wardrobe, palette=not frame) for i in subjects]
    if len(described) > 1:
        positive.append(f"{len(described)} people: " + "; ".join(described))
    else:
        positive.extend(described)
    for identity in subjects:
        positive.append(MODE_TERMS.get(str(identity.get("mode") or ""), ""))
        positive.extend(_brand_positives(identity.get("brand")))
        negative.extend(_brand_negatives(identity.get("brand")))

    if subjects:
        if not (frame and request.view == "front"):
            positive.append(VIEW_TERMS.get(request.view, f"{request.view} view"))
        if not (frame and request.expression == "neutral"):
            positive.append(EXPRESSION_TERMS.get(request.expression, f"{request.expression} expression"))
    if not frame:
        positive.extend(scene_terms)

    style = request.style
    if not frame and subjects and subjects[0].get("style"):
        style = str(subjects[0]["style"])
    pos_style, neg_style = STYLE_TERMS.get(style, ((style,), ()))
    positive.extend(pos_style)
    negative.extend(neg_style)
    if request.negative_prompt:
        negative.append(request.negative_prompt)
    return ", ".join(_unique(positive)), ", ".join(_unique(negative))
