"""Script statistics: scenes by INT/EXT and day/night, locations, characters,
words, and who speaks to whom.

:func:`script_stats` returns a :class:`ScriptStats` with plain-Python data
(``to_dict()`` is JSON-ready) and polars DataFrames on demand
(``scenes_frame()``, ``characters_frame()``, ``locations_frame()``,
``interactions_frame()``); polars is imported only when a frame is asked for.

Words are counted on printed text (notes, boneyard and emphasis marks
removed); each CJK ideograph or kana counts as one word, since those scripts
do not separate words with spaces.
"""
from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

from studio_kit.domain.script import ElementType, Scene, Script
from studio_kit.engines.writing.fountain import plain_text
from studio_kit.engines.writing.scenes import normalise_character

ET = ElementType
_WORD_RE = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
                      r"|[^\W_\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+(?:['’][^\W_]+)*")
DAY_TIMES = frozenset({"DAY", "MORNING", "AFTERNOON", "NOON", "MIDDAY", "DAWN", "SUNRISE", "SUNSET",
                       "EARLY MORNING", "LATE AFTERNOON", "MAGIC HOUR", "GOLDEN HOUR", "DAYBREAK", "DAYTIME"})


def count_words(text: str) -> int:
    """Printed words in Fountain text (markup, notes and boneyard removed)."""
    return len(_WORD_RE.findall(plain_text(text)))


def day_night(scene: Scene) -> str:
    """``"DAY"``, ``"NIGHT"`` or ``"OTHER"`` (CONTINUOUS, LATER, none given…)."""
    if scene.is_night:
        return "NIGHT"
    time = scene.time_of_day.upper()
    if time in DAY_TIMES or time.split(" ")[0] in DAY_TIMES:
        return "DAY"
    return "OTHER"


@dataclass
class CharacterStats:
    name: str
    dialogue_blocks: int = 0
    words: int = 0
    scenes: int = 0                 # scenes where the character speaks
    mentioned_scenes: int = 0       # scenes where they appear in action without speaking
    first_scene: int | None = None  # 0-based index of the first scene they speak in


@dataclass
class Interaction:
    """``speaker`` talks and ``listener`` answers next in the same scene ``exchanges``
    times; ``shared_scenes`` counts scenes where both speak."""

    speaker: str
    listener: str
    exchanges: int = 0
    shared_scenes: int = 0


@dataclass
class ScriptStats:
    title: str
    scenes: int
    words: int
    dialogue_words: int
    action_words: int
    dialogue_blocks: int
    int_ext: dict[str, int]
    day_night: dict[str, int]
    locations: list[dict]            # {"location", "scenes", "int_ext"}
    characters: list[CharacterStats]
    interactions: list[Interaction]
    scene_rows: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """JSON-ready dict (str/int/list/dict only)."""
        return asdict(self)

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def scenes_frame(self):
        """One row per scene: index, number, heading, int_ext, location, time_of_day,
        day_night, eighths, words, dialogue_blocks, speaking."""
        import polars as pl

        return pl.DataFrame(self.scene_rows, schema=_SCENE_SCHEMA(pl))

    def characters_frame(self):
        """One row per speaking character, most dialogue blocks first."""
        import polars as pl

        return pl.DataFrame([asdict(c) for c in self.characters], schema={
            "name": pl.Utf8, "dialogue_blocks": pl.Int64, "words": pl.Int64, "scenes": pl.Int64,
            "mentioned_scenes": pl.Int64, "first_scene": pl.Int64})

    def locations_frame(self):
        import polars as pl

        return pl.DataFrame(self.locations, schema={"location": pl.Utf8, "int_ext": pl.Utf8, "scenes": pl.Int64})

    def interactions_frame(self):
        """Who speaks to whom: speaker → listener, exchanges, shared scenes."""
        import polars as pl

        return pl.DataFrame([asdict(i) for i in self.interactions], schema={
            "speaker": pl.Utf8, "listener": pl.Utf8, "exchanges": pl.Int64, "shared_scenes": pl.Int64})


def _SCENE_SCHEMA(pl):  # noqa: N802 - a schema constant built lazily with polars
    return {"index": pl.Int64, "number": pl.Utf8, "heading": pl.Utf8, "int_ext": pl.Utf8,
            "location": pl.Utf8, "time_of_day": pl.Utf8, "day_night": pl.Utf8, "eighths": pl.Int64,
            "words": pl.Int64, "dialogue_blocks": pl.Int64, "speaking": pl.Utf8}


def script_stats(script: Script, parts: Mapping[tuple[int, str], str] | None = None) -> ScriptStats:
    """Statistics of a parsed script (see the module docstring).

    ``parts`` maps (scene index, cue) to the part the cue belongs to — the cast list's folding
    of aliases (``BOB`` → ``CYBER BOB``) and split namesakes (``DOG``, ``DOG #2``), from the
    character engine's ``part_names``; without it every distinct cue is its own character."""
    parts = parts or {}

    def part(scene_index: int, cue: str) -> str:
        return parts.get((scene_index, cue), cue)

    chars: dict[str, CharacterStats] = {}
    pairs: dict[tuple[str, str], Interaction] = {}
    int_ext: dict[str, int] = {}
    dn: dict[str, int] = {"DAY": 0, "NIGHT": 0, "OTHER": 0}
    locations: dict[tuple[str, str], int] = {}
    dialogue_words = action_words = 0
    rows: list[dict] = []
    for scene in script.scenes:
        key = scene.int_ext or "OTHER"
        int_ext[key] = int_ext.get(key, 0) + 1
        dn[day_night(scene)] += 1
        loc = (scene.location or scene.heading.upper(), scene.int_ext)
        locations[loc] = locations.get(loc, 0) + 1
        scene_words = 0
        previous: str | None = None
        for el in scene.elements:
            if el.type == ET.ACTION:
                w = count_words(el.text)
                action_words += w
                scene_words += w
        for block in scene.dialogue:
            w = sum(count_words(e.text) for e in block.lines if e.type != ET.PARENTHETICAL)
            dialogue_words += w
            scene_words += w
            name = part(scene.index, block.character)
            cs = chars.setdefault(name, CharacterStats(name))
            cs.dialogue_blocks += 1
            cs.words += w
            if previous is not None and previous != name:
                pair = pairs.setdefault((previous, name), Interaction(previous, name))
                pair.exchanges += 1
            previous = name
        speaking = list(dict.fromkeys(part(scene.index, c) for c in scene.speaking_characters))
        for name in speaking:
            cs = chars.setdefault(name, CharacterStats(name))
            cs.scenes += 1
            if cs.first_scene is None:
                cs.first_scene = scene.index
        for name in dict.fromkeys(part(scene.index, c) for c in scene.mentioned_characters):
            if name in chars and name not in speaking:
                chars[name].mentioned_scenes += 1
        for a in speaking:
            for b in speaking:
                if a != b:
                    pairs.setdefault((a, b), Interaction(a, b)).shared_scenes += 1
        rows.append({"index": scene.index, "number": scene.number, "heading": scene.heading,
                     "int_ext": scene.int_ext, "location": scene.location, "time_of_day": scene.time_of_day,
                     "day_night": day_night(scene), "eighths": scene.eighths, "words": scene_words,
                     "dialogue_blocks": len(scene.dialogue), "speaking": ", ".join(speaking)})
    # dialogue outside any scene (a script without headings) still counts for its speakers
    outside = _dialogue_outside_scenes(script)
    for name, w in outside:
        cs = chars.setdefault(name, CharacterStats(name))
        cs.dialogue_blocks += 1
        cs.words += w
        dialogue_words += w
    for el in script.elements:
        if el.type == ET.ACTION and not script.scenes:
            action_words += count_words(el.text)
    characters = sorted(chars.values(), key=lambda c: (-c.dialogue_blocks, -c.words, c.name))
    interactions = sorted(pairs.values(), key=lambda i: (-i.exchanges, -i.shared_scenes, i.speaker, i.listener))
    return ScriptStats(
        title=script.title, scenes=len(script.scenes), words=dialogue_words + action_words,
        dialogue_words=dialogue_words, action_words=action_words,
        dialogue_blocks=script.dialogue_block_count, int_ext=int_ext, day_night=dn,
        locations=[{"location": loc, "int_ext": ie, "scenes": n}
                   for (loc, ie), n in sorted(locations.items(), key=lambda kv: (-kv[1], kv[0]))],
        characters=characters, interactions=interactions, scene_rows=rows)


def _dialogue_outside_scenes(script: Script) -> list[tuple[str, int]]:
    """(speaker, words) for dialogue blocks before the first scene heading."""
    out: list[tuple[str, int]] = []
    name: str | None = None
    words = 0
    for el in script.elements:
        if el.type == ET.SCENE_HEADING:
            break
        if el.type == ET.CHARACTER:
            if name is not None:
                out.append((name, words))
            name, words = normalise_character(el.text)[0], 0
        elif el.type in (ET.DIALOGUE, ET.LYRICS) and name is not None:
            words += count_words(el.text)
        elif el.type not in (ET.PARENTHETICAL, ET.NOTE, ET.BONEYARD) and name is not None:
            out.append((name, words))
            name = None
    if name is not None:
        out.append((name, words))
    return out
