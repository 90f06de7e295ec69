"""A character's 3D mannequin parameters, derived from its identity (pure Python, no ``bpy``).

The 2D previz already reads the bible into a :class:`~studio_kit.backends.image.previz_figure.FigureSpec`
(hair style and colour, skin, eyes, build in head units, wardrobe colours, facial marks,
species form); the mannequin reuses it and adds what a 3D figure needs: the standing
height in metres (from age, build and species), the head height, a stoop for the
elderly and the body widths in metres. :func:`body_params` is what the identity lock
freezes (``IdentityRecord.mannequin``); :func:`mannequin_for` merges a locked record's
frozen body with the colours of the wardrobe look being worn.
"""
from __future__ import annotations

import hashlib
from typing import Any

from studio_kit.backends.image.previz_figure import figure_spec

#: version of the parameter derivation; a locked record keeps the body it was locked with
MANNEQUIN_VERSION = 1

#: mask colour channel G per mannequin part class (R = 40 + 40 × character index, B = 255 on characters)
PART_CLASS = {"body": 60, "arm": 120, "head": 180, "hair": 240}

#: standing height (m) of the four-legged species by word (withers for animals), default a mid-size dog
QUADRUPED_HEIGHT = {"horse": 1.6, "pony": 1.2, "donkey": 1.2, "cow": 1.4, "deer": 1.1, "bear": 1.2, "lion": 1.1,
                    "tiger": 1.0, "wolf": 0.8, "goat": 0.75, "sheep": 0.75, "pig": 0.8, "fox": 0.45,
                    "cat": 0.3, "kitten": 0.2, "rabbit": 0.25, "rat": 0.12, "mouse": 0.08, "chihuahua": 0.22,
                    "puppy": 0.35, "hound": 0.65, "dog": 0.6}


def _unit(seed: int, salt: str) -> float:
    """A stable number in [0, 1) from the seed (per-person variation that never changes)."""
    return int.from_bytes(hashlib.sha256(f"{seed}:{salt}".encode()).digest()[:4], "big") / 2 ** 32


def adult_height(identity: dict[str, Any]) -> float:
    """Standing height in metres from the bible: age, build words, pronouns, a stable per-person spread."""
    seed = int(identity.get("seed") or 0)
    build = str((identity.get("appearance") or {}).get("build") or "").lower()
    pronouns = str(identity.get("pronouns") or "").lower()
    base = 1.76 if pronouns.startswith("he") else 1.64 if pronouns.startswith("she") else 1.70
    height = base + (_unit(seed, "height") - 0.5) * 0.1
    if any(w in build for w in ("tall", "lanky", "towering", "giant")):
        height += 0.14
    if any(w in build for w in ("short", "petite", "small", "tiny")):
        height -= 0.13
    age = identity.get("age")
    if isinstance(age, int):
        if age < 2:
            height = 0.75
        elif age < 13:  # roughly the growth chart: 0.85 m at 2, 1.5 m at 12
            height = 0.85 + (age - 2) * 0.065
        elif age < 17:
            height = min(height, 1.5 + (age - 12) * 0.05)
        elif age >= 70:
            height -= 0.04  # the spine settles
    return round(height, 3)


def body_params(identity: dict[str, Any]) -> dict[str, Any]:
    """The body of ``identity`` (independent of the wardrobe look): what the identity lock freezes."""
    spec = figure_spec(identity)
    species = spec.species
    age = identity.get("age") if isinstance(identity.get("age"), int) else None
    if spec.form == "quadruped":
        height = QUADRUPED_HEIGHT.get(species, QUADRUPED_HEIGHT["dog"])
    elif spec.form == "cloud":
        height = 1.6
    else:
        height = adult_height(identity)
    heads = spec.height if spec.form == "human" else 3.0
    if spec.form == "human" and age is not None and 13 <= age < 17:
        heads = 6.8
    return {
        "version": MANNEQUIN_VERSION, "form": spec.form, "species": species, "age": age,
        "height_m": height, "heads": heads, "head_m": round(height / heads, 4),
        "head_ratio": spec.head_ratio, "jaw": spec.jaw,
        "shoulders_m": round(spec.shoulders * height / heads, 4), "waist_m": round(spec.waist * height / heads, 4),
        "stoop_deg": 12.0 if (age or 0) >= 70 else 5.0 if (age or 0) >= 60 else 0.0,
        "hair_style": spec.hair_style, "hair": list(spec.hair), "skin": list(spec.skin), "eyes": list(spec.eyes),
        "beard": spec.beard, "moustache": spec.moustache, "glasses": spec.glasses, "eyepatch": spec.eyepatch,
        "parting": spec.parting, "faceless": spec.faceless,
    }


def mannequin_for(identity: dict[str, Any], look: str | None = None) -> dict[str, Any]:
    """Everything the 3D builder needs for ``identity`` wearing ``look``.

    A locked identity carries its frozen body in ``identity["mannequin"]``, used as is; the
    wardrobe colours (top, bottom, accent, skirt) come from the look, which the lock froze too.
    """
    frozen = identity.get("mannequin") or {}
    body = dict(frozen) if frozen else body_params(identity)
    spec = figure_spec(identity, look)
    body.update({"name": spec.name, "seed": spec.seed, "top": list(spec.top), "bottom": list(spec.bottom),
                 "accent": list(spec.accent), "skirt": spec.skirt,
                 "key": hashlib.sha256(repr(sorted((k, repr(v)) for k, v in body.items())).encode()
                                       + repr((spec.top, spec.bottom, spec.accent, spec.skirt)).encode()
                                       ).hexdigest()[:16]})
    return body


__all__ = ["MANNEQUIN_VERSION", "PART_CLASS", "adult_height", "body_params", "mannequin_for"]
