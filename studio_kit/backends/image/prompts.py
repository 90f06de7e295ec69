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

CLIP text encoders read at most 77 tokens and silently cut the rest, so the prompt
is assembled from prioritised :class:`Part` s and fitted to a token budget
(:func:`fit_prompt`): the identity (name-free appearance, species, wardrobe look
colours, brand lock) is kept first, shot/view/expression/scene next, description
and palette after, style and quality terms last. What was left out is returned so
the render can say so. Negative prompts get the same budget.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from studio_kit.domain.requests import ImageRequest

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


#: part priorities, most important first: what is dropped last when a prompt is too long
IDENTITY = 0   # name-free appearance, species, wardrobe look colours, brand lock: who this is
FRAMING = 1    # shot size, angle, view, expression, action, scene and light: what the shot is
CHARACTER = 2  # free-text description, palette phrase, mode wording: helpful, not identifying
STYLE = 3      # style and quality terms: the first to go

#: CLIP text encoders read 77 tokens, two of them the start/end markers
CLIP_MAX_TOKENS = 75


@dataclass(frozen=True)
class Part:
    """One comma-separated phrase of a prompt with its priority (lower = kept longer).

    ``short`` is a shorter wording tried when the full one does not fit; ``lead`` is the text
    that joins it to the phrase before (", " normally, "; " between two subjects).
    """

    text: str
    priority: int
    label: str = ""
    short: str = ""
    lead: str = ", "


@dataclass
class PromptFit:
    """A prompt pair fitted to a token budget, with what had to be left out (for the render notes)."""

    prompt: str
    negative: str
    dropped: list[str] = field(default_factory=list)
    dropped_negative: list[str] = field(default_factory=list)
    tokens: int = 0
    negative_tokens: int = 0
    max_tokens: int | None = CLIP_MAX_TOKENS

    def notes(self) -> list[str]:
        """Human-readable lines naming every dropped or shortened phrase (empty when all fitted)."""
        out = []
        for what, dropped in (("prompt", self.dropped), ("negative prompt", self.dropped_negative)):
            if dropped:
                out.append(f"{what}: left out to fit {self.max_tokens} text-encoder tokens: "
                           + "; ".join(dropped))
        return out


_WORD_RE = re.compile(r"[^\W\d_]+|\d|\S")


def estimate_clip_tokens(text: str) -> int:
    """A deliberately high estimate of CLIP BPE tokens in ``text`` (start/end markers excluded).

    CLIP splits digits one by one and punctuation apart from words; common words up to five
    letters are single tokens, longer or rarer ones split into pieces of roughly four letters,
    so a word counts ``ceil(letters / 4)`` tokens (at least one). Non-ASCII letters count one
    token per UTF-8 byte (byte-level BPE). Real CLIP counts are at or below this.
    """
    count = 0
    for match in _WORD_RE.finditer(text):
        run = match.group()
        if not run.isascii():
            count += len(run.encode())
        elif run.isalpha():
            count += 1 if len(run) <= 5 else math.ceil(len(run) / 4)
        else:
            count += 1
    return count


def join_parts(parts: Iterable[Part]) -> str:
    """The prompt text of ``parts`` in order, each after its ``lead`` (none before the first)."""
    out = ""
    for part in parts:
        if part.text:
            out += (part.lead if out else "") + part.text
    return out


def _unique_parts(parts: Iterable[Part]) -> list[Part]:
    """Parts with tidy text, empty and repeated phrases (case-insensitive) removed, first kept."""
    seen, out = set(), []
    for part in parts:
        text = " ".join(str(part.text).split()).strip(" ,")
        if text and text.lower() not in seen:
            seen.add(text.lower())
            out.append(replace(part, text=text))
    return out


def fit_parts(parts: list[Part], counter: Callable[[str], int],
              max_tokens: int | None) -> tuple[str, list[str], int]:
    """(text, dropped phrases, tokens): the most important parts that fit ``max_tokens``.

    Parts are tried by priority (then reading order) and kept when the whole text still fits,
    else their ``short`` wording is tried; kept parts stay in reading order. Counting the
    whole text each time (not summing parts) keeps the comma tokens and BPE merges honest.
    """
    if max_tokens is None or counter(join_parts(parts)) <= max_tokens:
        text = join_parts(parts)
        return text, [], counter(text)
    chosen: dict[int, Part] = {}
    dropped: list[str] = []
    for i in sorted(range(len(parts)), key=lambda k: (parts[k].priority, k)):
        part = parts[i]
        for text in (part.text, part.short):
            trial = {**chosen, i: replace(part, text=text)}
            if text and counter(join_parts(trial[k] for k in sorted(trial))) <= max_tokens:
                chosen = trial
                if text != part.text:
                    dropped.append(f"{part.text!r} shortened to {text!r}")
                break
        else:
            dropped.append(repr(part.text))
    text = join_parts(chosen[k] for k in sorted(chosen))
    return text, dropped, counter(text)


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


def identity_parts(identity: dict[str, Any], wardrobe: str | None = None, *,
                   palette: bool = True) -> list[Part]:
    """The subject phrase of one identity as prioritised parts, in reading order.

    Name-free appearance (species/age noun, face, hair and its colour, eyes, skin, build, marks)
    and the wardrobe look with its colours are :data:`IDENTITY`; the free-text description and
    the palette phrase are :data:`CHARACTER` and give way first when the prompt is too long.
    """
    age = identity.get("age")
    years = _age_years(age)
    noun = _subject_noun(identity)
    head = f"{years}-year-old {noun}" if years is not None else (f"{noun} in their {age}" if age else noun)
    app = identity.get("appearance") or {}
    parts = [Part(head, IDENTITY, "species"), Part(identity.get("description") or "", CHARACTER, "description")]
    if app.get("face"):
        parts.append(Part(f"{app['face']} face", IDENTITY, "face"))
    hair = " ".join(str(app[k]) for k in ("hair_color", "hair") if app.get(k))
    if hair:
        parts.append(Part(hair if "hair" in hair.lower() else f"{hair} hair", IDENTITY, "hair"))
    for key in ("eyes", "skin", "build"):
        value = app.get(key)
        if value:
            word = "eye" if key == "eyes" else key
            parts.append(Part(value if word in str(value).lower() else f"{value} {key}", IDENTITY, key))
    marks = app.get("marks")
    if marks:
        parts.extend(Part(m, IDENTITY, "marks") for m in (marks if isinstance(marks, (list, tuple)) else [marks]))
    # a per-subject "look" (a storyboard frame's scene wardrobe) beats the request-wide one
    look = pick_look(identity, identity.get("look") or wardrobe)
    if look:
        colours = colour_names(look.get("colors") or look.get("colours"))
        wear = f"wearing {look.get('description') or 'an outfit'}"
        # when the whole look does not fit, its colours alone still keep the character recognisable
        short = f"{' and '.join(colours)} outfit" if colours else ""
        parts.append(Part(f"{wear} in {' and '.join(colours)}" if colours else wear, IDENTITY, "wardrobe",
                          short))
    colours = colour_names(identity.get("palette")) if palette else []
    if colours:
        parts.append(Part(f"colour palette of {', '.join(colours)}", CHARACTER, "palette"))
    return parts


def describe_identity(identity: dict[str, Any], wardrobe: str | None = None, *, palette: bool = True) -> str:
    """One subject phrase: '34-year-old woman, oval face, short black hair, ... wearing a navy suit'."""
    return join_parts(_unique_parts(identity_parts(identity, wardrobe, palette=palette)))


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
    terms: list[str] = []
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


def _prompt_parts(request: ImageRequest) -> tuple[list[Part], list[Part]]:
    """(positive parts, negative parts) of ``request`` in reading order, each with its priority."""
    positive: list[Part] = []
    negative: list[Part] = [Part(t, STYLE, "quality") for t in BASE_NEGATIVE]
    identities = [i for i in request.identities if isinstance(i, dict)]
    shot = request.shot or {}
    scene = request.scene or {}

    frame = request.kind == "frame"
    size = str(getattr(shot.get("size"), "value", shot.get("size")) or "").lower()
    if size:
        positive.append(Part(SHOT_TERMS.get(size, f"{size} shot"), FRAMING, "shot size"))
    elif not frame:
        positive.append(Part("character portrait", FRAMING, "shot size"))
    angle = str(shot.get("angle") or "").lower()
    if frame and angle and angle != "eye level":
        positive.append(Part(ANGLE_TERMS.get(angle, f"{angle} angle"), FRAMING, "angle"))
    subjects = identities
    wanted = {str(s).lower() for s in shot.get("subjects") or []}
    if frame and wanted:
        subjects = [i for i in identities if str(i.get("name", "")).lower() in wanted] or identities
    # the request's own words are the subject when no character is cast, else the action
    free = IDENTITY if not subjects else FRAMING
    positive.extend(Part(t, free, "prompt") for t in request.prompt.split(","))

    scene_parts: list[Part] = []
    if shot.get("description"):
        scene_parts.append(Part(str(shot["description"]), FRAMING, "action"))
    if scene:
        int_ext = str(getattr(scene.get("int_ext"), "value", scene.get("int_ext")) or "").upper()
        place = str(scene.get("location") or "").lower()
        if place:
            where = {"INT": "interior", "EXT": "exterior", "INT/EXT": "interior and exterior",
                     "INT-EXT": "interior and exterior", "EST": "establishing shot of"}.get(int_ext, "at")
            scene_parts.append(Part(f"{where} {place}", FRAMING, "location"))
        tod = str(getattr(scene.get("time_of_day"), "value", scene.get("time_of_day")) or "").upper()
        if tod:
            scene_parts.append(Part(TIME_TERMS.get(tod, tod.lower()), FRAMING, "time of day"))
    if frame:  # storyboard: the action and the place read before the cast
        positive.extend(scene_parts)

    # frames show wardrobe colours; the palette phrase is for portraits and sheets
    described = [identity_parts(i, request.wardrobe, palette=not frame) for i in subjects]
    if len(described) > 1:
        positive.append(Part(f"{len(described)} people:", IDENTITY, "cast"))
    for n, parts in enumerate(described):
        if len(described) > 1 and parts:
            parts[0] = replace(parts[0], lead=" " if n == 0 else "; ")
        positive.extend(parts)
    for identity in subjects:
        positive.append(Part(MODE_TERMS.get(str(identity.get("mode") or ""), ""), CHARACTER, "mode"))
        positive.extend(Part(t, IDENTITY, "brand") for t in _brand_positives(identity.get("brand")))
        negative.extend(Part(t, IDENTITY, "brand") for t in _brand_negatives(identity.get("brand")))

    if subjects:
        if not (frame and request.view == "front"):
            positive.append(Part(VIEW_TERMS.get(request.view, f"{request.view} view"), FRAMING, "view"))
        if not (frame and request.expression == "neutral"):
            positive.append(Part(EXPRESSION_TERMS.get(request.expression, f"{request.expression} expression"),
                                 FRAMING, "expression"))
    if not frame:
        positive.extend(scene_parts)

    style = request.style
    if not frame and subjects and subjects[0].get("style"):
        style = str(subjects[0]["style"])
    pos_style, neg_style = STYLE_TERMS.get(style, ((style,), ()))
    positive.extend(Part(t, STYLE, "style") for t in pos_style)
    negative.extend(Part(t, FRAMING, "style") for t in neg_style)
    negative.extend(Part(t, IDENTITY, "request") for t in request.negative_prompt.split(","))
    return _unique_parts(positive), _unique_parts(negative)


def fit_prompt(request: ImageRequest, token_counter: Callable[[str], int] | None = None,
               max_tokens: int | None = CLIP_MAX_TOKENS) -> PromptFit:
    """The prompt pair for ``request`` fitted to ``max_tokens`` text-encoder tokens, with what was dropped.

    ``token_counter`` counts a text's tokens without start/end markers (a pipeline passes its own
    tokenizer); without one :func:`estimate_clip_tokens` over-counts so the result still fits CLIP.
    ``max_tokens=None`` keeps everything (for long-window encoders such as T5). Identity parts are
    kept first, framing and scene next, description/palette after, style and quality terms last.
    """
    counter = token_counter or estimate_clip_tokens
    positive, negative = _prompt_parts(request)
    prompt, dropped, tokens = fit_parts(positive, counter, max_tokens)
    neg, neg_dropped, neg_tokens = fit_parts(negative, counter, max_tokens)
    return PromptFit(prompt, neg, dropped, neg_dropped, tokens, neg_tokens, max_tokens)


def build_prompt(request: ImageRequest, token_counter: Callable[[str], int] | None = None,
                 max_tokens: int | None = CLIP_MAX_TOKENS) -> tuple[str, str]:
    """(prompt, negative prompt) for ``request``: framing, subjects, look, scene, style.

    Both fit ``max_tokens`` tokens as counted by ``token_counter`` (see :func:`fit_prompt`, which
    also says what was left out). A locked character's own style wins over ``request.style`` for
    character renders so every portrait of it looks alike; storyboard frames use ``request.style``.
    """
    fitted = fit_prompt(request, token_counter, max_tokens)
    return fitted.prompt, fitted.negative
