"""General reading rules the breakdown tagger applies on top of its lexicons.

A lexicon finds words; a 1st AD reads sentences. These rules judge a word by the
sentence around it, the way a breakdown is marked up by hand:

* **figurative and descriptive uses** are not elements: "a puffy ball of a cloud" (X *of a* Y),
  "radio sounds" and "robot speech" (a sound described), "radio lines" and "thunder bolt symbols"
  (a graphic), "a camera view" (an interface), "looks at the camera" (the fourth wall), "a car park"
  (a place), "a photo of a man on a horse" (what a picture shows), "the rain has stopped";
* **the set is not a prop**: the noun the heading names, and the head of a set description
  ("This large sewer-sized pipe has a flat floor"); what "It has …" / "There are …" lists is set dressing;
* **a stunt needs a person**: "water falls" and "dogs chase each other" are not stunts;
* **words on a screen** are a screen graphic (VFX/playback), not props or sounds;
* **what no camera can record** is a visual effect: a person turning into energy;
* **practicals**: a lit panel, a light that turns green;
* **a public exterior** books background and traffic unless the script empties it.

Word classes live in ``data/lexicons/tagging_rules.yaml``.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio_kit.domain.cast import animal_lexicon
from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.domain.preproduction import Tag, element_id
from studio_kit.domain.script import ElementType, scene_lines

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicons"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "my", "your", "our", "this", "that", "these", "those",
                "some", "any", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several",
                "many", "little", "large", "small", "big", "old", "new", "flat", "ample", "all"}


@lru_cache(maxsize=1)
def words() -> dict[str, frozenset[str]]:
    import yaml

    data = yaml.safe_load((LEXICON_DIR / "tagging_rules.yaml").read_text(encoding="utf-8")) or {}
    return {k: frozenset(str(w).lower() for w in v) for k, v in data.items()}


def paragraphs(scene: Any) -> dict[int, tuple[str, int]]:
    """Source line -> (its action paragraph as one line, offset of the line in it): sentences run over lines."""
    out: dict[int, tuple[str, int]] = {}
    for el in scene.elements:
        if el.type != ElementType.ACTION:
            continue
        lines = el.text.split("\n")
        flat = " ".join(lines)
        off = 0
        for i, text in enumerate(lines):
            if text.strip():
                out[el.line + i if el.line else 0] = (flat, off)
            off += len(text) + 1
    return out


def _next_words(after: str, n: int = 2) -> list[str]:
    """The next words after a match, quotes and "or"/"and" skipped ("gizmo or radio sounds")."""
    out: list[str] = []
    for m in _WORD.finditer(after[:60]):
        w = m.group(0).lower().strip("'’")
        if w in {"or", "and"} and not out:
            continue
        out.append(w)
        if len(out) == n:
            break
    return out


def _clause_before(before: str) -> str:
    return re.split(r"[.;:!?()]|,\s|\s(?:and|but|then|while|as|which|who|that)\s", before)[-1]


def _sentence_start(before: str) -> str:
    return re.split(r"[.;!?]\s", before)[-1]


def veto(category: Cat, matched: str, before: str, after: str, heading: str, scene_has: set[Cat]) -> str:
    """Why a lexicon match is not an element here ("" = it is one)."""
    w = words()
    word = matched.lower()
    nxt = _next_words(after)
    if re.match(r"\s+of\s+(?:a|an)\s", after) and word not in w["depictions"] and word.rstrip("s") not in w["depictions"]:
        return "figurative (X of a Y)"
    heads = w["graphic_heads"] | (w["sound_heads"] if category != Cat.SOUND_MUSIC else frozenset())
    if nxt and (nxt[0] in heads or (len(nxt) > 1 and nxt[1] in heads and nxt[0] not in _DETERMINERS)):
        return "describes a sound or a graphic"
    if nxt and nxt[0] in w["ui_heads"] and category in (Cat.PROPS, Cat.SPECIAL_EQUIPMENT):
        return "an interface on a screen"
    if category == Cat.VEHICLES and nxt and nxt[0] in w["place_compounds"]:
        return "a place, not a vehicle"
    if word in {"camera", "cameras", "lens"} and re.search(
            r"\b(?:" + "|".join(sorted(w["look_verbs"])) + r")\b[^.]{0,30}\b(?:at|into|to|toward|towards)\s+(?:us\s+)?"
            r"(?:\(?\s*or\s+)?(?:the\s+)?$", before, re.I):
        return "the fourth wall"
    head_words = {(_WORD.findall(part) or [""])[-1].lower() for part in re.split(r"\s+[-–—]+\s+|/", heading)}
    if category in (Cat.PROPS, Cat.SET_DRESSING, Cat.VEHICLES, Cat.SPECIAL_EQUIPMENT, Cat.GREENERY) \
            and (word in head_words or word.rstrip("s") in head_words):
        return "the set itself"
    clause = _clause_before(before)
    if re.search(r"\b(?:" + "|".join(sorted(w["depictions"])) + r")s?\s+of\b", clause, re.I):
        return "shown in a picture"
    sentence = _sentence_start(before)
    if re.match(r"\s*(?:This|The)\b", sentence) and category != Cat.SET_DRESSING and not re.search(r"[,]", sentence) \
            and nxt and nxt[0] in w["set_verbs"] and len(sentence.split()) <= 6:
        return "the set described"
    if category in (Cat.SPECIAL_EFFECTS, Cat.SOUND_MUSIC) and (
            re.match(r"\s+(?:has\s+|have\s+|had\s+|is\s+|was\s+)?(?:" + "|".join(sorted(w["ended"])) + r")\b", after)
            or re.search(r"\b(?:no|without)\s+$", before)):
        return "ended or absent"
    if category == Cat.ANIMALS and Cat.ANIMALS in scene_has and not matched.isupper() \
            and re.search(r"\b(?:the|his|her|their|its)\s+(?:[a-z\-]+\s+){0,2}$", before, re.I):
        return "refers back to an animal already tagged"
    return ""


def in_appositive(before: str) -> bool:
    """Is the match inside a character's introduction ("JUNE OKAFOR, 34, a customs officer, …")?"""
    m = re.search(r"[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+)*\s*,\s*(?:\d+[a-z]*\s*(?:\([^)]*\))?\s*,\s*)?(?:[^,.]*,\s*)*"
                  r"(?:a|an|the|her|his)\s+[^,.]*$", before)
    return m is not None


def human_subject(before: str, previous_sentence: str, cast_words: set[str]) -> bool:
    """Does the clause ending at a stunt verb have a person as its subject?"""
    w = words()
    clause = _clause_before(before).strip()
    if not clause:       # "… and tackles him": the subject of the clause before
        parts = re.split(r"[.;:!?]|,\s|\s(?:and|but|then|while|as|which|who|that)\s", before)
        clause = next((p for p in reversed(parts[:-1]) if p.strip()), "")
    toks = [t.lower().strip("'’") for t in _WORD.findall(clause)]
    if any(t in animal_lexicon() or t.rstrip("s") in animal_lexicon() for t in toks):
        return False
    if toks and toks[0] in {"they", "them"}:
        prev = [t.lower() for t in _WORD.findall(previous_sentence)][:8]
        if any(t in animal_lexicon() or t.rstrip("s") in animal_lexicon() for t in prev):
            return False
    if any(t in w["not_people"] for t in toks[:3]) and not any(t in w["people_words"] or t in cast_words for t in toks):
        return False
    return True


def _singular(word: str) -> str:
    word = word.lower()
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tag(cat: Cat, name: str, line: int, matched: str, conf: float, note: str = "", context: str = "") -> Tag:

    return Tag(category=cat, name=name, element_id=element_id(cat, _singular_phrase(name)), line=line,
               matched=matched, confidence=conf, note=note, context=context)


def _singular_phrase(name: str) -> str:
    parts = name.split()
    return " ".join([*parts[:-1], _singular(parts[-1])]) if parts else name


def rule_tags(scene: Any, claimed_text: set[str], has_animals: bool, onomatopoeia: set[str]) -> list[Tag]:
    """Elements the rules find in a scene's action (sounds and graphics described, screen graphics,
    practicals, set dressing listed in a set description, objects held, transformations, animal voices)."""
    w = words()
    out: list[Tag] = []
    screen_done = False
    seen_sentences: set[tuple[int, str]] = set()
    lights_change = None      # whether a light changes state anywhere in the scene (asked once, when needed)
    for line, (flat, off) in paragraphs(scene).items():
        line_text = scene_line_text(scene, line)
        out += _described_sounds(line, line_text, flat, w, seen_sentences)
        # words or pictures on a device's screen: one screen-graphics element per scene (VFX / playback)
        if not screen_done:
            screen = _screen_graphics(line, line_text, flat, off, w)
            if screen is not None:
                out.append(screen)
                screen_done = True
        out += _practicals(line, line_text, w)
        if lights_change is None:
            lights_change = _lights_change(scene, w)
        if lights_change:
            out += _cued_lights(line, line_text, w)
        out += _set_description(line, line_text, flat, off, w, claimed_text)
        out += _held_objects(line, line_text, w, claimed_text)
        out += _device_sounds(line, line_text)
        out += _transformations(line, line_text, w)
        # animal voices: a sound effect unless the writer already spelled the sound out ("YIP!")
        if has_animals and not onomatopoeia:
            out += _animal_voices(line, line_text, w)
    return out


def _described_sounds(line: int, line_text: str, flat: str, w: dict[str, Any],
                      seen_sentences: set[tuple[int, str]]) -> list[Tag]:
    """"a metallic clang" (a sound), "a spinning logo" (a graphic animation: one per sentence)."""
    out: list[Tag] = []
    for m in re.finditer(r"([\"“]?([A-Za-z][\w\-]*)[\"”]?)\s+(" + "|".join(sorted(w["sound_heads"] | w["graphic_heads"]))
                         + r")\b", line_text):
        mod, head = m.group(2).lower(), m.group(3).lower()
        if mod in _DETERMINERS or mod in {"at", "of", "makes", "make", "hear", "hears", "strange", "loud", "soft",
                                          "no", "with", "to", "and", "or", "her", "his", "its", "their", "my"} \
                or mod.endswith(("ly", "ing")):
            continue
        name = f"{mod} {head}".upper()
        if head in w["sound_heads"]:
            out.append(_tag(Cat.SOUND_MUSIC, name, line, m.group(0).strip(), 0.75, "sound described",
                            line_text.strip()))
        elif (id(flat), flat) not in seen_sentences:
            seen_sentences.add((id(flat), flat))
            out.append(_tag(Cat.VFX, name, line, m.group(0).strip(), 0.7, "graphic animation", line_text.strip()))
    return out


def _screen_graphics(line: int, line_text: str, flat: str, off: int, w: dict[str, Any]) -> Tag | None:
    """Words or pictures a device's screen displays around this line."""
    dm = re.search(r"\b(phone|screen|app|monitor|tablet|laptop|computer|tv|television)\b[^.]{0,80}?\b(?:"
                   + "|".join(sorted(w["display_verbs"])) + r")\b", flat[max(0, off - 80):off + len(line_text)],
                   re.I)
    if not dm:
        return None
    device = dm.group(1).lower()
    device = "phone" if device in {"app", "screen"} and re.search(r"\bphone\b", flat, re.I) else device
    return _tag(Cat.VFX, f"{device.upper()} SCREEN GRAPHICS", line, dm.group(0), 0.8,
                "screen content: playback or screen replacement", line_text.strip())


def _practicals(line: int, line_text: str, w: dict[str, Any]) -> list[Tag]:
    """Practicals: "a lit green floor panel", "two unlit red and orange floor panels", "a flickering streetlamp"."""
    fixtures = w["light_nouns"] | w["fixtures"]
    out: list[Tag] = []
    for m in re.finditer(r"\b(" + "|".join(sorted(w["practical_adjectives"])) + r")\s+((?:[a-z\-]+\s+){0,5}?)("
                         + "|".join(sorted(fixtures)) + r")\b", line_text):
        body = [x for x in m.group(2).split() if x not in w["colours"] and x != "and" and x not in _DETERMINERS]
        name = " ".join([*body[-1:], m.group(3)]).upper()
        out.append(_tag(Cat.SET_DRESSING, name, line, m.group(0), 0.7, "practical light (electric)",
                        line_text.strip()))
    return out


def _lights_change(scene: Any, w: dict[str, Any]) -> bool:
    """Whether a light changes state in the scene: "a red traffic light … turns green"."""
    return re.search(r"\b(?:" + "|".join(sorted(w["light_nouns"])) + r")\s+(?:" + "|".join(sorted(w["light_changes"]))
                     + r")\b", " ".join(t for _, t in scene_lines(scene)), re.I) is not None


def _cued_lights(line: int, line_text: str, w: dict[str, Any]) -> list[Tag]:
    """In a scene where a light changes state, each light named is a practical with a cue."""
    out: list[Tag] = []
    for m in re.finditer(r"\b([a-z]+)\s+(light|lamp|signal|sign)s?\b", line_text):
        mod = m.group(1).lower()
        if mod in w["colours"] or mod in _DETERMINERS or mod in w["practical_adjectives"]:
            continue
        out.append(_tag(Cat.SET_DRESSING, f"{mod} {m.group(2)}".upper(), line, m.group(0), 0.75,
                        "practical light with a cue", line_text.strip()))
    return out


def _set_description(line: int, line_text: str, flat: str, off: int, w: dict[str, Any],
                     claimed_text: set[str]) -> list[Tag]:
    """A set description lists its dressing: "It has little doggy beds, doggy food, and a water spout …"."""
    out: list[Tag] = []
    starts = [k for k in range(off, off + len(line_text)) if k == 0 or flat[k - 2:k] in (". ", "! ", "? ")]
    for k in starts:
        sm = re.match(r"\s*(?:It|The (?:room|place|set|space|walls?)|There)\s+(?:has|have|holds|contains|is|are)\s+"
                      r"(.*?)(?:[.;!?]|$)", flat[k:])
        if not sm or sm.group(1).isupper():
            continue
        items = re.split(r",\s*(?:and\s+)?|\s+and\s+", sm.group(1))
        for item in items:
            core = re.split(r"\s(?:that|which|who|where|with)\s", item)[0]
            nps = [core] + re.findall(r"\b(?:into|onto|in|on|under|beside|by|over)\s+(?:a|an|the)\s+"
                                      r"((?:[a-z\-]+\s+)?[a-z\-]+)", item)
            for np in nps:
                toks = [t for t in _WORD.findall(np) if t.lower() not in _DETERMINERS and not t.isupper()]
                if re.search(r"\d|\bage[sd]?\b", np) or not toks or toks[-1].lower() in w["abstract_nouns"] or toks[-1].lower() in animal_lexicon():
                    continue
                name = " ".join(toks[-2:]).upper()
                if name.lower() in claimed_text:
                    continue
                out.append(_tag(Cat.SET_DRESSING, name, line, np.strip(), 0.65, "listed in the set description",
                                flat[:200]))
    return out


def _held_objects(line: int, line_text: str, w: dict[str, Any], claimed_text: set[str]) -> list[Tag]:
    """An object held or led: "on a leash", "with a basket on her arm"."""
    out: list[Tag] = []
    for m in re.finditer(r"\b(?:(?:on|with)\s+(?:a|an|his|her|their)|(?:holding|carrying|clutching|grabs|holds|"
                         r"carries|drags|pulls|drops|lifts|wields|swings)\s+(?:a|an|his|her|their|the))\s+"
                         r"((?:[a-z\-]+\s+){0,2}?)([a-z\-]+)(?=\s*(?:[,.;!?]|$|\s(?:on|in|at|to|and|from|into|over|"
                         r"under|beside|by|as|while|toward|towards|after|across|through)\b))", line_text):
        noun = m.group(2).lower()
        mods = [x for x in m.group(1).split() if x not in w["colours"] and x not in _DETERMINERS
                and not x.endswith(("ed", "ly", "ing", "y"))]
        if noun in w["abstract_nouns"] or noun in w["people_words"] or noun in animal_lexicon() \
                or noun in w["colours"] or noun.endswith(("ly", "ing")) or noun in claimed_text \
                or noun in {"up", "down", "out", "away", "off", "back", "aloft", "high", "over", "open", "tight"}:
            continue
        name = " ".join([*mods[-1:], noun]).upper()
        out.append(_tag(Cat.PROPS, name, line, m.group(0), 0.6, "held or led", line_text.strip()))
    return out


def _device_sounds(line: int, line_text: str) -> list[Tag]:
    """A device that makes a sound: "the phone buzzes", "a wall clock ticks"."""
    return [_tag(Cat.SOUND_MUSIC, f"{m.group(1)} {m.group(2)}".upper(), line, m.group(0), 0.75,
                 "a device sounds", line_text.strip())
            for m in re.finditer(r"\b(phone|alarm|radio|buzzer|doorbell|bell|horn|engine|engines|siren|kettle|clock|"
                                 r"watch|pager|intercom|computer|machine|printer|microwave|timer)\s+(buzzes|beeps|"
                                 r"rings|vibrates|chimes|ticks|pings|blares|whirs|hums|wails|whistles|clicks)\b",
                                 line_text, re.I)]


def _transformations(line: int, line_text: str, w: dict[str, Any]) -> list[Tag]:
    """A person turning into something no body can become: a visual effect."""
    out: list[Tag] = []
    for m in re.finditer(r"\b(?:" + "|".join(sorted(w["transform_verbs"])) + r")\s+((?:[a-z\-]+\s+){0,4}?)("
                         + "|".join(sorted(w["vfx_states"])) + r")\b", line_text, re.I):
        body = [x for x in m.group(1).split() if x.lower() not in _DETERMINERS]
        out.append(_tag(Cat.VFX, " ".join([*body, m.group(2)]).upper(), line, m.group(0), 0.8, "transformation",
                        line_text.strip()))
    return out


def _animal_voices(line: int, line_text: str, w: dict[str, Any]) -> list[Tag]:
    """Barks, meows and growls in action: sound effects ("the bark of a tree" and "a low wall" are not)."""
    out: list[Tag] = []
    for m in re.finditer(r"\b(" + "|".join(sorted(w["animal_sounds"])) + r")\b", line_text, re.I):
        prev = line_text[:m.start()].split()[-1:] or [""]
        prev_word = prev[0].lower().strip(",")
        if prev_word in {"a", "an"} or (prev_word == "the" and not re.match(r"\s+frenzy", line_text[m.end():])):
            continue   # "the bark of a tree", "a low wall"
        stem = re.sub(r"(ing|ed|s)$", "", m.group(1).lower()) or m.group(1).lower()
        out.append(_tag(Cat.SOUND_MUSIC, stem.upper(), line, m.group(0), 0.75, "animal voice",
                        line_text.strip()))
    return out


def scene_line_text(scene: Any, line: int) -> str:
    return next((t for ln, t in scene_lines(scene) if ln == line), "")


def place_tags(scene: Any, tags: list[Tag]) -> list[Tag]:
    """Background and traffic a public exterior needs unless the script empties it."""
    w = words()
    if "EXT" not in scene.int_ext.upper():
        return []
    loc = " " + re.sub(r"[^A-Z ]", " ", scene.location.upper()).lower() + " "
    action = " ".join(t for _, t in scene_lines(scene))
    if re.search(r"\b(empty|deserted|abandoned|alone|nobody|no one|lonely|lone)\b", action, re.I):
        return []
    out = []
    has_extras = any(t.category in (Cat.EXTRAS_ATMOSPHERE, Cat.EXTRAS_SILENT) for t in tags)
    place = next((p for p in w["public_places"] if f" {p} " in loc), None)
    if place and not has_extras and place not in w["roads"]:
        out.append(_tag(Cat.EXTRAS_ATMOSPHERE, f"BACKGROUND ({place.upper()})", scene.line, scene.heading, 0.65,
                        "a public exterior: passers-by unless the script empties it", scene.heading))
    road = next((r for r in w["roads"] if f" {r} " in loc), None)
    said = re.search(r"\btraffic\b(?!\s+(?:light|lights|signal|signals|cone|cones|cop|warden|control|report))",
                     action, re.I)
    if (road or said) and not any(t.category == Cat.VEHICLES and "TRAFFIC" in t.name for t in tags):
        out.append(_tag(Cat.VEHICLES, "BACKGROUND TRAFFIC", scene.line, said.group(0) if said else scene.heading,
                        0.75 if said else 0.65, "picture cars or traffic control", scene.heading))
    return out


def merge_same_element(tags: list[Tag]) -> list[Tag]:
    """One element per thing: "LED CLOCK ON THE WALL" is the LED CLOCK, and CLOCK (said later) the same clock;
    SEVEN CHIHUAHUAS and "chihuahuas" one group. Tags of a category whose head noun and number agree merge
    into the most specific name (a counted group keeps its count)."""

    out: list[Tag] = []
    for t in tags:
        name = re.split(r"\s+(?:ON|IN|AT|OF|BY|UNDER|OVER|NEAR|BESIDE)\s+(?:THE|A|AN|HIS|HER)\s", t.name)[0] \
            if t.name.isupper() and t.category not in (Cat.CAST, Cat.NOTES, Cat.STUNTS) else t.name
        if name != t.name:
            t = t.model_copy(update={"name": name, "element_id": element_id(t.category, name)})
        if t.category in (Cat.CAST, Cat.NOTES, Cat.STUNTS, Cat.EXTRAS_ATMOSPHERE, Cat.EXTRAS_SILENT):
            out.append(t)
            continue
        head = _singular(t.name.split()[-1]) if t.name.split() else ""
        plural = t.matched.strip().lower().endswith("s") and not t.matched.strip().lower().endswith("ss")
        same = next((o for o in out if o.category == t.category and o.name.split()
                     and _singular(o.name.split()[-1]) == head
                     and (o.matched.strip().lower().endswith("s") and not o.matched.strip().lower().endswith("ss"))
                     == plural), None)
        if same is None:
            out.append(t)
            continue
        keep = t if len(t.name.split()) > len(same.name.split()) else same
        merged = keep.model_copy(update={"confidence": max(t.confidence, same.confidence),
                                         "count": same.count or t.count, "line": min(same.line or t.line, t.line or same.line)})
        out[out.index(same)] = merged
    return out
