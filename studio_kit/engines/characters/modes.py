"""Actor, avatar and brand rules, checked before every render.

* ``actor`` — a cast character. Unlocked renders are concept art; once locked,
  renders use the identity record and an edited bible only earns a warning
  (the render still shows the locked look).
* ``avatar`` — a presenter that must look identical in every output: it must be
  locked to render, its bible may not drift from the lock, and only its locked
  wardrobe looks may be worn.
* ``brand`` — a mascot under brand guidelines: every colour a render would use
  must be in the locked palette, forbidden changes (appearance fields,
  ``palette``, ``wardrobe``, ``expression:<name>``, ``view:<name>``) are refused,
  and the logo must be placed (and visible from the requested view).

:func:`check_render` lists violations; :func:`enforce` raises
:class:`CharacterError` for the errors and returns the warnings (stored with the render).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from studio_kit.domain.character import CharacterBible, CharacterMode, normalize_hex
from studio_kit.engines.characters.identity import look_changes
from studio_kit.exceptions import CharacterError

#: max distance in RGB units for a colour to count as "on palette" (JPEG/marker tolerance)
PALETTE_TOLERANCE = 12.0
#: views from which a logo at that position cannot be seen
_LOGO_HIDDEN = {"chest": {"profile", "back"}, "left-chest": {"profile", "back"}, "back": {"front", "three-quarter"}}


@dataclass(frozen=True)
class Violation:
    """One broken rule: which, what happened, and whether it blocks the render."""

    rule: str            # "avatar.locked", "brand.palette", "brand.forbidden", "brand.logo", "actor.drift" ...
    message: str
    severity: str = "error"   # "error" blocks the render; "warning" is stored with it

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def _rgb(c: str) -> tuple[int, int, int]:
    h = normalize_hex(c).lstrip("#")
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def off_palette(colours: list[str], palette: list[str] | tuple[str, ...], tolerance: float = PALETTE_TOLERANCE) -> list[str]:
    """The colours not within ``tolerance`` RGB units of any palette colour."""
    allowed = [_rgb(c) for c in palette]
    bad = []
    for colour in colours:
        r, g, b = _rgb(colour)
        if not any(((r - x) ** 2 + (g - y) ** 2 + (b - z) ** 2) ** 0.5 <= tolerance for x, y, z in allowed):
            bad.append(normalize_hex(colour))
    return bad


def check_render(bible: CharacterBible, *, view: str = "front", expression: str = "neutral",
                 wardrobe: str | None = None, palette_override: list[str] | None = None) -> list[Violation]:
    """Every rule of the character's mode that this render would break."""
    out: list[Violation] = []
    identity = bible.identity
    drift = look_changes(bible, identity) if identity is not None else []
    looks = {w.name for w in (identity.wardrobe if identity else bible.wardrobe.values())}
    if wardrobe and wardrobe not in looks:
        out.append(Violation("wardrobe.unknown", f"{bible.name} has no wardrobe look {wardrobe!r} "
                                                 f"(looks: {', '.join(sorted(looks)) or 'none'})."))

    if bible.mode == CharacterMode.AVATAR:
        if identity is None:
            out.append(Violation("avatar.locked", f"{bible.name} is an avatar and is not locked; avatars must look "
                                                  "identical in every output, so they render only from a locked identity."))
        elif drift:
            out.append(Violation("avatar.drift", f"{bible.name}'s bible differs from its locked identity "
                                                 f"({', '.join(drift)}); an avatar may not drift."))
        if palette_override:
            out.append(Violation("avatar.palette", f"{bible.name} is an avatar: its palette cannot be overridden."))
    elif bible.mode == CharacterMode.ACTOR:
        if identity is not None and drift:
            out.append(Violation("actor.drift", f"{bible.name}'s bible was edited since the lock ({', '.join(drift)}); "
                                                "the render uses the locked identity.", "warning"))
    elif bible.mode == CharacterMode.BRAND:
        out.extend(_brand_rules(bible, view, expression, wardrobe, palette_override, drift))
    return out


def _brand_rules(bible: CharacterBible, view: str, expression: str, wardrobe: str | None,
                 palette_override: list[str] | None, drift: list[str]) -> list[Violation]:
    out: list[Violation] = []
    brand = bible.identity.brand if bible.identity is not None else bible.brand
    if brand is None or not brand.locked_palette:
        return [Violation("brand.guidelines", f"{bible.name} is a brand mascot without brand guidelines "
                                              "(a locked palette is required).")]
    source = bible.identity if bible.identity is not None else bible
    palette = list(palette_override) if palette_override else list(source.palette)
    look_name = wardrobe or source.default_look
    look = None
    if bible.identity is not None:
        look = bible.identity.look(look_name)
    elif look_name:
        look = bible.wardrobe.get(look_name)
    used = palette + list(look.colors if look else ())
    bad = off_palette(used, brand.locked_palette)
    if bad:
        out.append(Violation("brand.palette", f"{bible.name} would render off-brand colours {', '.join(bad)}; "
                                              f"the locked palette is {', '.join(brand.locked_palette)}."))
    forbidden = set(brand.forbidden)
    if f"expression:{expression}" in forbidden:
        out.append(Violation("brand.forbidden", f"{bible.name} may not be shown {expression} (brand guidelines)."))
    if f"view:{view}" in forbidden:
        out.append(Violation("brand.forbidden", f"{bible.name} may not be drawn in {view} view (brand guidelines)."))
    if "palette" in forbidden and palette_override:
        out.append(Violation("brand.forbidden", f"{bible.name}'s palette may not be changed (brand guidelines)."))
    if "wardrobe" in forbidden and wardrobe and wardrobe != source.default_look:
        out.append(Violation("brand.forbidden", f"{bible.name} may only wear its default look (brand guidelines)."))
    for name in drift:
        field = name.split(".", 1)[-1]
        if field in forbidden or name in forbidden:
            out.append(Violation("brand.forbidden", f"{bible.name}'s {field} was changed, which the brand forbids."))
    if brand.logo is None:
        out.append(Violation("brand.logo", f"{bible.name}'s guidelines name no logo placement.", "warning"))
    elif view in _LOGO_HIDDEN.get(brand.logo.position, set()):
        out.append(Violation("brand.logo", f"The {brand.logo.position} logo of {bible.name} is not visible "
                                           f"in {view} view.", "warning"))
    return out


def enforce(bible: CharacterBible, **render: Any) -> list[Violation]:
    """Raise :class:`CharacterError` if the render breaks a rule; return the warnings to store."""
    violations = check_render(bible, **render)
    errors = [v for v in violations if v.severity == "error"]
    if errors:
        first = errors[0]
        more = f" (+{len(errors) - 1} more: {'; '.join(v.message for v in errors[1:])})" if len(errors) > 1 else ""
        hints = {"avatar.locked": f"Lock it first: `studio character lock {bible.character_id}`.",
                 "avatar.drift": f"Start a new version to change an avatar's look: "
                                 f"`studio character version {bible.character_id}`.",
                 "brand.palette": "Use only the brand's locked palette colours (or update the brand guidelines).",
                 "brand.guidelines": "Add brand guidelines with a locked palette to the character bible.",
                 "brand.forbidden": "Keep to the brand guidelines' allowed changes.",
                 "wardrobe.unknown": "Pick one of the listed wardrobe looks or add the look to the bible."}
        raise CharacterError(first.message + more, hint=hints.get(first.rule))
    return [v for v in violations if v.severity != "error"]
