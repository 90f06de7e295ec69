"""Wardrobe and look continuity across scenes.

For every character, the look in each scene they appear in comes from, in order:

1. the bible's per-scene assignment (``CharacterBible.scene_looks``, keyed by
   scene number or ``index+1``) — what the costume department planned;
2. a wardrobe tag in the script for that character in that scene — the story
   reason for a change ("BOB, now in a tuxedo");
3. otherwise the look carries over from the character's previous scene.

Wardrobe tags come from the pre-production breakdown (its WARDROBE tags, which
carry a source line) when that engine is importable; otherwise they are mined
from the action lines here with a small clothing vocabulary
(``wearing/in/changes into … <garment>``). Either way a tag belongs to the
character named nearest before it in the same action paragraph, or to the last
character named in the scene (``He changes into …``).

The report lists:

* ``unmotivated_change`` — the look differs from the character's previous
  scene and the script tags no new wardrobe for them there;
* ``continuous_change`` — two consecutive scenes in story time (the second is
  CONTINUOUS / SAME / MOMENTS LATER) show the character in different looks.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from studio_kit.domain.cast import find_aliases
from studio_kit.domain.character import CharacterBible
from studio_kit.domain.script import ElementType, Scene, Script
from studio_kit.engines.characters.bible import CLOTHING_WORDS

#: time-of-day words that put a scene right after the previous one in story time
CONTINUOUS_MARKERS = ("CONTINUOUS", "SAME", "MOMENTS LATER", "SECONDS LATER", "CONT'D", "CONTD", "SAME TIME")
EXTRA_GARMENTS = ("hat", "cap", "scarf", "tie", "bow tie", "boots", "gloves", "sunglasses", "costume", "disguise",
                  "mask", "helmet", "heels", "sneakers", "pajamas", "nightgown", "bathrobe", "wetsuit", "veil")
_GARMENT_RX = "|".join(re.escape(w) for w in sorted(set(CLOTHING_WORDS) | set(EXTRA_GARMENTS), key=len, reverse=True))
_WEAR_RX = re.compile(
    rf"\b(?:wearing|wears|dressed in|changes? into|changed into|now in|puts on|pulls on|slips into|"
    rf"in (?:a|an|his|her|their|the|a pair of))\s+(?:(?:a|an|his|her|their|the)\s+)?((?:[A-Za-z\-]+ ){{0,3}}?(?:{_GARMENT_RX}))s?\b", re.I)


@dataclass(frozen=True)
class WardrobeTag:
    """A garment the script puts on one character in one scene."""

    scene_index: int
    character: str
    item: str
    line: int
    source: str          # "breakdown" or "action-lines"


@dataclass
class SceneLook:
    """One character's look in one scene and where it came from."""

    scene_index: int
    scene_number: str
    heading: str
    character: str
    look: str
    items: tuple[str, ...] = ()
    origin: str = "carried"       # assigned, script, carried, default
    tagged: bool = False          # the script tags wardrobe for the character in this scene


@dataclass
class ContinuityIssue:
    kind: str                     # unmotivated_change, continuous_change
    character: str
    scene_index: int
    scene_number: str
    previous_scene_number: str
    previous_look: str
    look: str
    message: str


@dataclass
class ContinuityReport:
    looks: list[SceneLook] = field(default_factory=list)
    issues: list[ContinuityIssue] = field(default_factory=list)
    tag_source: str = "breakdown"

    @property
    def ok(self) -> bool:
        return not self.issues

    def to_dict(self) -> dict[str, Any]:
        return {"tag_source": self.tag_source, "looks": [asdict(x) for x in self.looks],
                "issues": [asdict(x) for x in self.issues]}

    def issues_for(self, character: str) -> list[ContinuityIssue]:
        return [i for i in self.issues if i.character.upper() == character.upper()]


def is_continuous(scene: Scene) -> bool:
    """Does this scene follow the previous one directly in story time?"""
    tod = (scene.time_of_day or "").upper()
    return any(marker in tod for marker in CONTINUOUS_MARKERS)


def _scene_no(scene: Scene) -> str:
    return scene.number or str(scene.index + 1)


def _paragraphs(scene: Scene) -> list[list[tuple[int, str]]]:
    """Action paragraphs of a scene as lists of (source line, text)."""
    out = []
    for el in scene.elements:
        if el.type == ElementType.ACTION and el.text.strip():
            out.append([(el.line + i, t) for i, t in enumerate(el.text.split("\n"))])
    return out


def _attribute(scene: Scene, names: list[str], line: int, matched: str) -> str | None:
    """The character a garment found at ``line`` belongs to (nearest name before it; else last named)."""
    rx = {n: re.compile(rf"(?<![\w]){re.escape(n)}(?![\w])", re.I) for n in names}
    last_named: str | None = None
    for para in _paragraphs(scene):
        lines = dict(para)
        if line in lines:
            text = " ".join(t for ln, t in para if ln <= line)
            cut = text.lower().rfind(matched.lower()) if matched else -1
            upto = text if cut < 0 else text[:cut]
            best, pos = None, -1
            for n, r in rx.items():
                for m in r.finditer(upto):
                    if m.start() > pos:
                        best, pos = n, m.start()
            return best or last_named
        for _, text in para:
            for n, r in rx.items():
                if r.search(text):
                    last_named = n
    return last_named


def wardrobe_tags(script: Script, *, use_breakdown: bool = True) -> tuple[list[WardrobeTag], str]:
    """Every wardrobe tag of the script, attributed to a character, and the tag source used."""
    raw: list[tuple[Scene, int, str, str]] = []  # scene, line, item, matched
    source = "action-lines"
    if use_breakdown:
        try:
            from studio_kit.domain.preproduction import BreakdownCategory
            from studio_kit.engines.preproduction.breakdown import break_down
        except ImportError:
            pass
        else:
            source = "breakdown"
            by_index = {s.index: s for s in script.scenes}
            for sheet in break_down(script).sheets:
                for tag in sheet.tags_in(BreakdownCategory.WARDROBE):
                    raw.append((by_index[sheet.scene_index], tag.line, tag.name.lower(), tag.matched or tag.name))
    if source == "action-lines":
        for scene in script.scenes:
            for para in _paragraphs(scene):
                for ln, text in para:
                    for m in _WEAR_RX.finditer(text):
                        item = re.sub(r"^(?:a|an|the|his|her|their)\s+", "", m.group(1).lower())
                        raw.append((scene, ln, item, m.group(1)))
    tags = []
    for scene, line, item, matched in raw:
        names = scene.characters or []
        who = _attribute(scene, names, line, matched)
        if who:
            tags.append(WardrobeTag(scene.index, who, item, line, source))
    return tags, source


def continuity_report(script: Script, bibles: Iterable[CharacterBible] = (), *,
                      use_breakdown: bool = True) -> ContinuityReport:
    """Scene-by-scene looks for every character and the continuity problems among them."""
    bibles = list(bibles)
    # one person under several cues ("BOB" / "CYBER BOB"): fold every cue into one canonical name
    canon: dict[str, str] = dict(find_aliases(script))
    for b in bibles:
        for alias in b.aliases:
            canon.setdefault(alias.upper(), b.name.upper())
    by_name = {b.name.upper(): b for b in bibles}

    def who(cue: str) -> str:
        return canon.get(cue.upper(), cue.upper())

    tags, source = wardrobe_tags(script, use_breakdown=use_breakdown)
    tagged: dict[tuple[str, int], list[str]] = {}
    for t in tags:
        listed = tagged.setdefault((who(t.character), t.scene_index), [])
        if t.item not in listed:
            listed.append(t.item)
    report = ContinuityReport(tag_source=source)
    characters: list[str] = []
    in_scene: dict[int, set[str]] = {}
    for scene in script.scenes:
        for cue in scene.characters:
            name = who(cue)
            in_scene.setdefault(scene.index, set()).add(name)
            if name not in characters:
                characters.append(name)
    for name in characters:
        bible = by_name.get(name)
        prev: SceneLook | None = None
        for scene in script.scenes:
            if name not in in_scene.get(scene.index, ()):
                continue
            items = tuple(tagged.get((name.upper(), scene.index), ()))
            assigned = None
            if bible is not None:
                assigned = bible.scene_looks.get(_scene_no(scene)) or bible.scene_looks.get(str(scene.index + 1))
            if assigned:
                look = SceneLook(scene.index, _scene_no(scene), scene.heading, name, assigned, items, "assigned",
                                 bool(items))
            elif items:
                look = SceneLook(scene.index, _scene_no(scene), scene.heading, name, " + ".join(items), items,
                                 "script", True)
            elif prev is not None:
                look = SceneLook(scene.index, _scene_no(scene), scene.heading, name, prev.look, prev.items,
                                 "carried", False)
            else:
                default = (bible.default_look if bible else None) or "default"
                look = SceneLook(scene.index, _scene_no(scene), scene.heading, name, default, (), "default", False)
            report.looks.append(look)
            if prev is not None and _changed(prev, look):
                if not look.tagged:
                    report.issues.append(ContinuityIssue(
                        "unmotivated_change", name, scene.index, look.scene_number, prev.scene_number, prev.look,
                        look.look, f"{name} changes from '{prev.look}' (scene {prev.scene_number}) to '{look.look}' "
                                   f"in scene {look.scene_number} with no wardrobe change in the script."))
                if prev.scene_index == scene.index - 1 and is_continuous(scene):
                    report.issues.append(ContinuityIssue(
                        "continuous_change", name, scene.index, look.scene_number, prev.scene_number, prev.look,
                        look.look, f"Scene {look.scene_number} is {scene.time_of_day or 'continuous'} with scene "
                                   f"{prev.scene_number}, but {name} goes from '{prev.look}' to '{look.look}'."))
            prev = look
    return report


def _changed(prev: SceneLook, cur: SceneLook) -> bool:
    """Did the look change? Script-tagged looks only change when a garment is gone (adding a hat is not a change)."""
    if prev.origin in ("script", "carried") and cur.origin in ("script", "carried") and prev.items and cur.items:
        return not set(cur.items) >= set(prev.items)
    return prev.look != cur.look
