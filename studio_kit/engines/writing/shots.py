"""Storyboard shot list: coverage for every scene, as domain :class:`Shot` records.

Coverage follows how a director and DP usually break a scene down:

* a WIDE establishing shot when the story arrives at a new location;
* MEDIUM shots for action with people in it (tracking when they move);
* dialogue exchanges open on a two-shot, then OVER-THE-SHOULDER pairs, one
  per speech, framed on the speaker over the listener's shoulder;
* CLOSE-UPs on emotional lines: a parenthetical, an exclamation or words of
  loss, love, fear or apology;
* INSERTs on props written in caps in the action ("She sets the BOTTLE down").

Angle and movement follow the beat (low angles in a climax, high in a crisis,
a slow dolly in on a reveal, handheld when a tense scene boils over) and the
content. Seconds: the scene's screen time is its page length (1 page = 60 s,
from pagination's eighths) or, before pagination, its words (dialogue at 2.5
words a second); it is shared among the shots by the words each covers, so the
shots of a scene always add up to the scene's estimate.
"""
from __future__ import annotations

import re
from typing import Any

from studio_kit.domain.script import DialogueBlock, Element, ElementType, Scene, Script, Shot, ShotSize
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.exceptions import ScriptError

SECONDS_PER_PAGE = 60.0
DIALOGUE_WORDS_PER_SECOND = 2.5
ACTION_WORDS_PER_SECOND = 3.0
_EMOTIONAL = re.compile(r"\b(sorry|love|afraid|scared|please|die|dead|dying|goodbye|miss you|my fault|hate|"
                        r"forgive|alone|lost|cry|crying|promise)\b", re.IGNORECASE)
_MOVES = re.compile(r"\b(walks?|runs?|crosses|hurries|paces|steps|chases?|pushes through|rushes|climbs|drives|"
                    r"follows|stumbles|backs away|arrives|leaves|storms)\b", re.IGNORECASE)
_CAPS = re.compile(r"\b[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+)*\b")
_NOT_PROPS = {"V.O.", "O.S.", "CONT'D", "SUPER", "INT", "EXT", "CUT", "FADE", "POV", "OK", "TV", "I", "A"}


def scene_seconds(scene: Scene, script: Script | None = None) -> float:
    """Estimated screen time of a scene in seconds.

    A generated ad stores exact seconds per scene (``script.metadata["scene_seconds"]``);
    otherwise eighths from pagination (1 page = 60 s), otherwise words
    (dialogue at 2.5 words/s, action at 3 words/s), at least 1 second.
    """
    planned = (script.metadata.get("scene_seconds") if script is not None else None) or []
    if script is not None and scene.index < len(planned) and len(planned) == len(script.scenes) and planned[scene.index]:
        return float(planned[scene.index])
    if scene.eighths:
        return scene.eighths / 8 * SECONDS_PER_PAGE
    return max(1.0, _words_seconds(scene.elements))


def _words_seconds(elements: list[Element]) -> float:
    total = 0.0
    for el in elements:
        words = len(el.text.split())
        if el.type in (ElementType.DIALOGUE, ElementType.LYRICS):
            total += words / DIALOGUE_WORDS_PER_SECOND
        elif el.type == ElementType.ACTION:
            total += words / ACTION_WORDS_PER_SECOND
        elif el.type == ElementType.PARENTHETICAL:
            total += 0.5
    return total


class _Draft:
    """A shot being planned: its size, framing, the elements it covers and its weight (seconds of words)."""

    def __init__(self, size: ShotSize, subjects: list[str], description: str, elements: list[Element],
                 angle: str = "eye level", movement: str = "static", minimum: float = 1.0):
        self.size, self.subjects, self.description = size, subjects, description
        self.elements, self.angle, self.movement = elements, angle, movement
        self.weight = max(minimum, _words_seconds(elements))

    def lines(self) -> list[int]:
        out: list[int] = []
        for el in self.elements:
            if el.line:
                out += range(el.line, el.line + el.text.count("\n") + 1)
        return sorted(set(out))


def _names_in(text: str, cast: dict[str, str]) -> list[str]:
    """Cast members (full cue names) mentioned in ``text`` by full or first name."""
    found = []
    for alias, name in cast.items():
        if re.search(rf"\b{re.escape(alias)}\b", text, re.IGNORECASE) and name not in found:
            found.append(name)
    return found


def _props(text: str, cast: dict[str, str]) -> list[str]:
    """Words in caps in action that are not characters: props worth an insert."""
    props = []
    for match in _CAPS.finditer(text):
        word = match.group(0).strip()
        if len(word) < 3 or word in _NOT_PROPS or any(a in word.split() or a == word for a in cast) \
                or word.split()[0] in _NOT_PROPS:
            continue
        if re.match(r"\s*\(", text[match.end():match.end() + 2]):
            continue  # "NAME (40s)": a character introduction, not a prop
        if word not in props:
            props.append(word)
    return props


def _insert(prop: str, el: Element) -> _Draft:
    insert = _Draft(ShotSize.INSERT, [prop], f"Insert: the {prop}", [el], angle="overhead")
    insert.weight = 1.5  # a beat on the prop; the action's words are timed on the shot that plays it
    return insert


def _angle(kind: str, genre: str, text: str, close: bool) -> str:
    if kind == "climax" and close:
        return "low"
    if kind == "crisis":
        return "high"
    if close and "!" in text and genre in {"thriller", "horror", "crime"}:
        return "dutch"
    if kind == "pressure" and close:
        return "low"
    return "eye level"


def _scene_drafts(scene: Scene, kind: str, genre: str, tone: str, new_location: bool,
                  cast: dict[str, str]) -> list[_Draft]:
    drafts: list[_Draft] = []
    elements = scene.elements
    blocks: dict[int, DialogueBlock] = {b.line: b for b in scene.dialogue}
    heading = elements[0] if elements and elements[0].type == ElementType.SCENE_HEADING else None
    body = elements[1:] if heading is not None else list(elements)
    exterior = scene.int_ext.upper().startswith(("EXT", "EST"))
    tense = tone in {"tense", "dark"} or genre in {"thriller", "horror"}
    if heading is not None:
        covered = [heading]
        if body and body[0].type == ElementType.ACTION:
            covered.append(body.pop(0))  # the opening description plays over the wide
        subjects = _names_in(" ".join(e.text for e in covered), cast)
        opening_props = _props(covered[-1].text, cast) if len(covered) > 1 else []
        if new_location:
            move = "crane" if exterior and kind in {"setup", "resolution"} else "pan" if exterior else "static"
            drafts.append(_Draft(ShotSize.WIDE, subjects, f"Establishing wide: {scene.heading}", covered,
                                 angle="high" if exterior else "eye level", movement=move, minimum=2.5))
        else:
            drafts.append(_Draft(ShotSize.WIDE, subjects, f"Back at {scene.location or scene.heading}: wide",
                                 covered, minimum=1.5))
        for prop in opening_props:
            drafts.append(_insert(prop, covered[-1]))
    last_speaker: str | None = None
    in_exchange = False
    i = 0
    while i < len(body):
        el = body[i]
        if el.type == ElementType.ACTION:
            in_exchange = False
            people = _names_in(el.text, cast)
            for prop in _props(el.text, cast):
                drafts.append(_insert(prop, el))
            moving = bool(_MOVES.search(el.text))
            size = ShotSize.MEDIUM if people else ShotSize.WIDE
            move = ("handheld" if tense else "tracking") if moving else "static"
            drafts.append(_Draft(size, people, el.text.split("\n")[0][:80], [el], movement=move))
            i += 1
            continue
        if el.type == ElementType.CHARACTER:
            block = blocks.get(el.line)
            covered = [el]
            j = i + 1
            while j < len(body) and body[j].type in (ElementType.PARENTHETICAL, ElementType.DIALOGUE,
                                                      ElementType.LYRICS):
                covered.append(body[j])
                j += 1
            speaker = block.character if block else re.sub(r"\s*\(.*\)|\^", "", el.text).strip().upper()
            text = " ".join(e.text for e in covered[1:])
            has_paren = any(e.type == ElementType.PARENTHETICAL for e in covered)
            emotional = has_paren or "!" in text or bool(_EMOTIONAL.search(text))
            listener = last_speaker if last_speaker and last_speaker != speaker else None
            if block and "V.O." in block.extensions:
                drafts.append(_Draft(ShotSize.WIDE, [speaker], f"{speaker} (V.O.) over picture", covered))
            elif not in_exchange:
                others = [n for n in scene.speaking_characters if n != speaker][:1]
                two = others and len(scene.speaking_characters) > 1
                drafts.append(_Draft(ShotSize.MEDIUM, [speaker] + (others if two else []),
                                     ("Two-shot: " if two else "Medium on ") + f"{speaker}: {text[:60]}", covered,
                                     movement="dolly in" if kind == "midpoint" else "static"))
            elif emotional:
                drafts.append(_Draft(ShotSize.CLOSE_UP, [speaker], f"Close-up {speaker}: {text[:60]}", covered,
                                     angle=_angle(kind, genre, text, True),
                                     movement="dolly in" if kind in {"midpoint", "inciting"} else
                                     "handheld" if kind == "climax" and tense else "static"))
            elif listener:
                drafts.append(_Draft(ShotSize.OVER_THE_SHOULDER, [speaker, listener],
                                     f"Over {listener}'s shoulder onto {speaker}: {text[:60]}", covered,
                                     angle=_angle(kind, genre, text, False)))
            else:
                drafts.append(_Draft(ShotSize.MEDIUM, [speaker], f"Medium on {speaker}: {text[:60]}", covered))
            last_speaker, in_exchange = speaker, True
            i = j
            continue
        if drafts and el.type in (ElementType.TRANSITION, ElementType.CENTERED, ElementType.PARENTHETICAL,
                                  ElementType.DIALOGUE, ElementType.LYRICS):
            drafts[-1].elements.append(el)  # rides on the shot before it
        i += 1
    return drafts


def shot_list(script: Script | str) -> list[Shot]:
    """Shots for every scene of ``script``; each scene's shots add up to :func:`scene_seconds`.

    ``script`` is a parsed :class:`Script` (paginate it first to time shots by page
    length) or Fountain text.
    """
    if isinstance(script, str):
        script = parse_fountain(script)
    if not isinstance(script, Script):
        raise ScriptError(f"shot_list needs a Script or Fountain text, not {type(script).__name__}.",
                          hint="Parse the file first: shot_list(load_script('draft.fountain')).")
    meta: dict[str, Any] = script.metadata or {}
    kinds = meta.get("scene_kinds") or []
    genre = str(meta.get("genre", "")).lower()
    tone = str(meta.get("tone", "")).lower()
    cast: dict[str, str] = {}
    for scene in script.scenes:
        for name in scene.characters:
            cast[name] = name
            first = name.split(" ")[0]
            if len(first) > 2 and first not in cast:
                cast[first] = name
    shots: list[Shot] = []
    previous_location: str | None = None
    for scene in script.scenes:
        kind = kinds[scene.index] if scene.index < len(kinds) else _infer_kind(scene)
        location = (scene.location or scene.heading).split(" - ")[0].strip().upper()
        drafts = _scene_drafts(scene, kind, genre, tone, location != previous_location, cast)
        previous_location = location
        if not drafts:
            continue
        total = round(scene_seconds(scene, script), 2)
        weights = sum(d.weight for d in drafts)
        seconds = [round(total * d.weight / weights, 2) for d in drafts]
        seconds[-1] = round(total - sum(seconds[:-1]), 2)  # rounding must not change the scene's length
        label = scene.number or str(scene.index + 1)
        for k, (d, secs) in enumerate(zip(drafts, seconds), start=1):
            shots.append(Shot(scene_index=scene.index, scene_number=scene.number, number=f"{label}.{k}",
                              size=d.size, angle=d.angle, movement=d.movement, subjects=d.subjects,
                              description=d.description, covers_lines=d.lines(), seconds=secs))
    return shots


def _infer_kind(scene: Scene) -> str:
    """A rough beat kind from content, for scripts that were not generated."""
    text = " ".join(e.text for e in scene.elements).lower()
    if text.count("!") >= 3:
        return "climax"
    if _EMOTIONAL.search(text):
        return "crisis" if scene.is_night else "midpoint"
    return "setup"
