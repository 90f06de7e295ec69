"""The cast list of a screenplay: who is one person under two cues, and how big each part is.

Scripts often cue a character by a short form of the name they were introduced
with (``CYBER BOB, 40, ...`` then ``BOB`` / ``Hi hello.``; ``CYBER BOSS`` later
cued ``BOSS``). :func:`find_aliases` folds such a short cue into the full one
when the evidence says it is the same person, and keeps truly different people
apart (``MAN`` and ``OLD MAN`` are two people: ``MAN`` is a generic descriptor).

:func:`cast_list` then sizes every part the way a casting director's cast list
does, from dialogue blocks, scenes and first appearance:

* ``lead`` — the part with the most weight (dialogue blocks + 2 × scenes), and
  any co-lead within 75 % of it who is in at least half the scenes;
* ``supporting`` — at least 3 dialogue blocks, and in 2+ scenes, or holding at
  least a quarter of the lead's dialogue, or entering in the lead's first scene
  (introduced alongside the lead: the opening's second voice);
* ``day player`` — every line in a single scene, 3 blocks or fewer (one shoot day);
* ``minor`` — everyone else who speaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studio_kit.domain.script import ElementType, Scene, Script

ROLES = ("lead", "supporting", "minor", "day player")

#: descriptive cues that name a kind of person, not a person: never folded into a longer cue
GENERIC_CUES = {
    "MAN", "WOMAN", "BOY", "GIRL", "GUY", "KID", "CHILD", "BABY", "LADY", "GENTLEMAN", "PERSON", "STRANGER",
    "COP", "OFFICER", "GUARD", "SOLDIER", "NURSE", "DOCTOR", "WAITER", "WAITRESS", "DRIVER", "VOICE", "CROWD",
    "ALL", "EVERYONE", "BOTH", "TEACHER", "STUDENT", "CLERK", "BARTENDER", "AGENT", "REPORTER", "ANNOUNCER",
    "NARRATOR", "FATHER", "MOTHER", "DAD", "MOM", "MUM", "SON", "DAUGHTER", "BROTHER", "SISTER", "WIFE",
    "HUSBAND", "FRIEND", "PILOT", "CAPTAIN", "SERGEANT", "DETECTIVE", "PRIEST", "JUDGE", "DOG", "CAT",
}


@dataclass
class CastEntry:
    """One part on the cast list, under its canonical (fullest) cue."""

    name: str                                   # canonical cue, e.g. "CYBER BOB"
    aliases: list[str] = field(default_factory=list)   # other cues folded in, e.g. ["BOB"]
    dialogue_blocks: int = 0
    scenes: list[int] = field(default_factory=list)    # 0-based scene indexes where the part speaks
    first_scene: int = 0
    role: str = "minor"

    @property
    def cues(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def weight(self) -> int:
        return self.dialogue_blocks + 2 * len(self.scenes)


_CAPS_RUN = re.compile(r"(?<![A-Za-z'])[A-Z][A-Z'’.\-]*[A-Z](?: [A-Z][A-Z'’.\-]*[A-Z])*(?![A-Za-z])")


def _caps_mentions(script: Script, cue: str) -> list[str]:
    """Every run of capitalised words in action lines that holds ``cue``'s words (``CYBER BOB`` for ``BOB``)."""
    words = cue.split()
    out = []
    for el in script.elements:
        if el.type != ElementType.ACTION:
            continue
        for m in _CAPS_RUN.finditer(re.sub(r"\s+", " ", el.text)):
            run = m.group(0).split()
            if any(run[i:i + len(words)] == words for i in range(len(run) - len(words) + 1)):
                out.append(m.group(0))
    return out


def _holds(run: str, name: str) -> bool:
    words, parts = run.split(), name.split()
    return any(words[i:i + len(parts)] == parts for i in range(len(words) - len(parts) + 1))


def _mixed_case_mentions(script: Script, name: str) -> int:
    """How often action lines or dialogue call a character by ``name`` in ordinary case (``Boss'``)."""
    words = " ".join(w.capitalize() for w in name.split())
    rx = re.compile(rf"(?<![A-Za-z]){re.escape(words)}(?![a-z])")
    return sum(len(rx.findall(el.text)) for el in script.elements
               if el.type in (ElementType.ACTION, ElementType.DIALOGUE))


def _alias_target(script: Script, short: str, cues: list[str]) -> str | None:
    """The longer cue ``short`` is a short form of, or None when it is (or may be) someone else.

    Folding needs all of: ``short`` is not a generic descriptor; exactly one longer cue holds its
    words (``BOB`` in ``CYBER BOB``, ``ADA`` in ``DR. ADA LOVELACE``); ``short`` is never introduced in capitals on its own (every caps mention
    is part of the longer name); and the script calls the longer-named character ``short`` in
    ordinary case somewhere (``Bob holds his phone``, ``Boss' instructions``).
    """
    if short in GENERIC_CUES or len(short) < 3:
        return None
    words = short.split()
    longer = [c for c in cues if c != short and len(c.split()) > len(words) and _holds(c, short)]
    if len(longer) != 1:
        return None
    target = longer[0]
    mentions = _caps_mentions(script, short)
    # each caps mention must be the full name (or a longer part of it than the short cue: "ADA LOVELACE")
    if any(not (_holds(m, target) or (_holds(target, m) and m != short)) for m in mentions):
        return None           # "a MAN" introduced on his own: a different person
    if not mentions and not _caps_mentions(script, target):
        return None           # neither is introduced: no evidence they are one person
    if _mixed_case_mentions(script, short) == 0:
        return None
    return target


def find_aliases(script: Script) -> dict[str, str]:
    """Short cue → the canonical cue it is folded into (``{"BOB": "CYBER BOB"}``)."""
    cues = script.speaking_characters
    out: dict[str, str] = {}
    for cue in sorted(cues, key=lambda c: len(c.split())):
        target = _alias_target(script, cue, cues)
        if target is not None:
            out[cue] = out.get(target, target)
    return out


def cast_list(script: Script) -> list[CastEntry]:
    """Every speaking part once (aliases folded), sized lead / supporting / minor / day player.

    Ordered like a cast list: by weight, then first appearance.
    """
    aliases = find_aliases(script)
    parts = part_names(script)         # the same parts the breakdown and the budget count
    entries: dict[str, CastEntry] = {}
    for cue in script.speaking_characters:
        canonical = aliases.get(cue, cue)
        entry = entries.setdefault(canonical, CastEntry(canonical))
        if cue != canonical and cue not in entry.aliases:
            entry.aliases.append(cue)
    for part in parts.values():
        if part not in entries:        # a second, different animal under the same cue ("DOG #2")
            entries[part] = CastEntry(part)
    for scene in script.scenes:
        for block in scene.dialogue:
            speaker = entries.get(parts.get((scene.index, block.character), aliases.get(block.character, block.character)))
            if speaker is None:
                continue
            if not speaker.dialogue_blocks and not speaker.scenes:
                speaker.first_scene = scene.index
            speaker.dialogue_blocks += 1
            if scene.index not in speaker.scenes:
                speaker.scenes.append(scene.index)
    ranked = sorted(entries.values(), key=lambda e: (-e.weight, e.first_scene))
    n_scenes = max(1, len(script.scenes))
    top = ranked[0] if ranked else None
    for i, entry in enumerate(ranked):
        entry.role = _role(entry, top, i, n_scenes)
    return ranked


def _role(entry: CastEntry, top: CastEntry | None, rank: int, n_scenes: int) -> str:
    if top is None or rank == 0:
        return "lead"
    if entry.weight >= 0.75 * top.weight and len(entry.scenes) * 2 >= n_scenes and len(entry.scenes) > 1:
        return "lead"
    if entry.dialogue_blocks >= 3 and (len(entry.scenes) >= 2 or entry.dialogue_blocks * 4 >= top.dialogue_blocks
                                       or entry.first_scene == top.first_scene):
        return "supporting"
    if len(entry.scenes) <= 1 and entry.dialogue_blocks <= 3:
        return "day player"
    return "minor"


# -- who is in each scene, and what kind of performer each part needs ------------------------------

#: below this confidence a cast tag goes to the review queue instead of the call sheet
REVIEW_CONFIDENCE = 0.6

#: words before a name that make it a reference, not a presence ("a photo of Bob", "thinks about Ada")
_ABSENT_BEFORE = re.compile(r"(?:photo|picture|portrait|poster|memory|memories|thought|thoughts|letter|grave|"
                            r"painting|statue|story|stories|news|name|think|thinks|thinking|thought|remember|"
                            r"remembers|remembering|dream|dreams|dreaming|miss|misses|mention|mentions|about|"
                            r"without|like)\s+(?:of\s+|about\s+)?$", re.I)
_PRONOUNS = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_MALE = re.compile(r"\b(man|boy|guy|gentleman|father|dad|son|brother|husband|king|prince|he|his|him|himself)\b", re.I)
_FEMALE = re.compile(r"\b(woman|girl|lady|mother|mom|mum|daughter|sister|wife|queen|princess|she|her|herself)\b", re.I)


@dataclass
class Presence:
    """One character's presence in one scene, with the line that shows it and how sure the reading is."""

    name: str                  # the part (canonical cue)
    scene: int                 # 0-based scene index
    line: int                  # 1-based source line (0 when unknown)
    text: str                  # the source line as written
    matched: str               # the words that name the character there
    confidence: float
    reason: str                # speaks, introduced, named in action, pronoun, reference

    @property
    def needs_review(self) -> bool:
        return self.confidence < REVIEW_CONFIDENCE


def _action_lines(scene) -> list[tuple[int, str]]:
    out = []
    for el in scene.elements:
        if el.type == ElementType.ACTION:
            for i, text in enumerate(el.text.split("\n")):
                if text.strip():
                    out.append((el.line + i if el.line else 0, text))
    return out


def part_names(script: Script) -> dict[tuple[int, str], str]:
    """(scene index, cue) → the part it belongs to: aliases folded (``BOB`` → ``CYBER BOB``), and a
    generic animal cue split when another scene introduces a different animal ("a CUTE DOG" in the
    park, "SEVEN CHIHUAHUAS" in the beam: two dogs, ``DOG`` and ``DOG #2``)."""
    aliases = find_aliases(script)
    out: dict[tuple[int, str], str] = {}
    intros: dict[str, list[tuple[int, str]]] = {}      # animal cue -> [(scene, introduced noun)]
    for scene in script.scenes:
        for cue in scene.speaking_characters:
            name = aliases.get(cue, cue)
            if _animal_word(name) is not None:
                noun = _introduced_animal(scene)
                if noun is not None:
                    seen = intros.setdefault(name, [])
                    if not seen or seen[-1][1] != noun:
                        seen.append((scene.index, noun))
                    k = len(seen)
                    name = name if k == 1 else f"{name} #{k}"
                elif intros.get(name):
                    k = len(intros[name])
                    name = name if k == 1 else f"{name} #{k}"
            out[(scene.index, cue)] = name
    return out


@lru_cache(maxsize=1)
def animal_lexicon() -> frozenset[str]:
    """Animal nouns (the breakdown's animals lexicon, ``data/lexicons/animals.yaml``)."""
    import yaml

    path = Path(__file__).resolve().parents[1] / "data" / "lexicons" / "animals.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return frozenset(str(t).lower() for t in data.get("terms", []))


def _animal_word(name: str) -> str | None:
    words = name.lower().replace("#", " ").split()
    return next((w for w in reversed(words) if w in animal_lexicon() or w.rstrip("s") in animal_lexicon()), None)


def _introduced_animal(scene) -> str | None:
    """The animal noun a scene introduces in capitals ("a CUTE DOG" → dog, "SEVEN CHIHUAHUAS" → chihuahua)."""
    for _, text in _action_lines(scene):
        for m in _CAPS_RUN.finditer(text):
            noun = _animal_word(m.group(0))
            if noun is not None:
                return noun.rstrip("s") if noun.endswith("s") and noun[:-1] else noun
    return None


def _quoted(text: str, pos: int) -> bool:
    """Is ``pos`` inside a quotation ("…") on its line: text shown or read, not a person present."""
    return text[:pos].count('"') % 2 == 1 or text[:pos].count("“") > text[:pos].count("”")


def _gender(script: Script, name: str) -> str | None:
    """m / f from the character's introduction ("a white man", "she leads") when the script says it."""
    words = name.split()
    for el in script.elements:
        if el.type != ElementType.ACTION:
            continue
        flat = re.sub(r"\s+", " ", el.text)
        for m in _CAPS_RUN.finditer(flat):
            if m.group(0).split()[-len(words):] == words:
                tail = flat[m.end():m.end() + 160]
                male, female = _MALE.search(tail), _FEMALE.search(tail)
                if male and (not female or male.start() < female.start()):
                    return "m"
                if female:
                    return "f"
    return None


def _add_presence(found: dict[str, Presence], p: Presence) -> None:
    """Keep the surest reading of each part in a scene."""
    if p.name not in found or p.confidence > found[p.name].confidence:
        found[p.name] = p


def _written_forms(script: Script, parts: dict[tuple[int, str], str], aliases: dict[str, str]) -> dict[str, str]:
    """Every written form of a part (upper case) -> the part: cues, part names, aliases and silent parts
    introduced in capitals ("NADIA (30s)")."""
    known: dict[str, str] = {}
    for (_, cue), part in parts.items():
        known.setdefault(cue, part)
        known.setdefault(part, part)
    for short, full in aliases.items():
        known.setdefault(short, full)
    for scene in script.scenes:
        for name in scene.mentioned_characters:
            if name not in known and _animal_word(name) is None and name.upper() not in GENERIC_CUES:
                known[name] = name            # a silent part introduced in capitals ("NADIA (30s)")
    return known


def _speakers_in(scene: Scene, parts: dict[tuple[int, str], str], aliases: dict[str, str],
                 found: dict[str, Presence]) -> None:
    for block in scene.dialogue:
        part = parts.get((scene.index, block.character), aliases.get(block.character, block.character))
        if part.upper() in GROUP_SPEAKERS:
            continue
        _add_presence(found, Presence(part, scene.index, block.line, block.cue, block.cue, 1.0, "speaks"))


def _named_reading(m: re.Match[str], text: str) -> tuple[float, str]:
    """How sure a name in action makes the part's presence, and why."""
    written = m.group(1)
    if _ABSENT_BEFORE.search(text[:m.start()]):
        return 0.4, "reference"
    if written.isupper() and len(written) > 1:
        return 0.95, "introduced"
    return (0.8 if m.group(0).endswith(("'s", "’s", "'")) else 0.9), "named in action"


def _named_in_action(scene: Scene, lines: list[tuple[int, str]], rx: re.Pattern[str] | None,
                     parts: dict[tuple[int, str], str], known: dict[str, str], found: dict[str, Presence],
                     named_here: set[str], first_named_line: dict[str, int]) -> None:
    """Parts named in the scene's action lines (introduced, named, possessive, or only referred to)."""
    if rx is None:
        return
    for line, text in lines:
        for m in rx.finditer(text):
            written = m.group(1)
            part = parts.get((scene.index, written.upper())) or known.get(written.upper())
            if part is None or _quoted(text, m.start()):
                continue      # words on a screen or a sign ("DOG TRANSLATOR") are not the character
            if written.isupper() and written.upper() not in {p.upper() for p in found if found[p].reason == "speaks"} \
                    and _animal_word(part) is not None and (scene.index, written.upper()) not in parts:
                continue      # an animal cue's word in capitals is the animal element, handled by the tagger
            if _animal_word(part) is not None and not written.isupper():
                continue      # "the dog" in lower case is any dog: the speaking one is cast by its cue
            conf, reason = _named_reading(m, text)
            _add_presence(found, Presence(part, scene.index, line, text.strip(), m.group(0), conf, reason))
            named_here.add(part)
            first_named_line.setdefault(part, line)


def _pronoun_carried_over(scene: Scene, lines: list[tuple[int, str]], genders: dict[str, str | None],
                          last_seen: list[str], named_here: set[str], first_named_line: dict[str, int],
                          found: dict[str, Presence]) -> None:
    """A pronoun before anyone is named: the one character of that gender carried over from the last scene."""
    for line, text in lines:
        m = re.match(r"\s*(He|She|His|Her)\b", text)
        if not m:
            continue
        g = _PRONOUNS[m.group(1).lower()]
        if any(first_named_line.get(p, 10 ** 9) < line and genders.get(p) == g for p in named_here):
            break      # resolved inside the scene
        cands = [p for p in last_seen if genders.get(p) == g]
        if len(cands) == 1 and cands[0] not in named_here:
            _add_presence(found, Presence(cands[0], scene.index, line, text.strip(), m.group(1), 0.5, "pronoun"))
        break


def scene_presence(script: Script) -> dict[int, list[Presence]]:
    """Who is in each scene: speakers (1.0), characters introduced in capitals (0.95), named in action
    (0.9; "Bob's phone" 0.8), a reference rather than a presence ("a photo of Bob", 0.4), and a
    pronoun that can only be one character carried over from the previous scene (0.5). Tags under
    :data:`REVIEW_CONFIDENCE` are for a person to confirm, not for the call sheet."""
    parts = part_names(script)
    aliases = find_aliases(script)
    known = _written_forms(script, parts, aliases)        # written form (upper) -> part
    genders = {p: _gender(script, p) for p in set(known.values())}
    forms = sorted(known, key=len, reverse=True)
    rx = re.compile(r"(?<![\w#])(" + "|".join(re.escape(f) for f in forms) + r")(?:'s|’s|')?(?![\w])", re.I) \
        if forms else None
    out: dict[int, list[Presence]] = {}
    last_seen: list[str] = []
    for scene in script.scenes:
        found: dict[str, Presence] = {}
        _speakers_in(scene, parts, aliases, found)
        named_here: set[str] = set(found)
        first_named_line: dict[str, int] = {}
        lines = _action_lines(scene)
        _named_in_action(scene, lines, rx, parts, known, found, named_here, first_named_line)
        _pronoun_carried_over(scene, lines, genders, last_seen, named_here, first_named_line, found)
        out[scene.index] = sorted(found.values(), key=lambda p: (-p.confidence, p.line))
        present = [p.name for p in out[scene.index] if not p.needs_review]
        if present:
            last_seen = present
    return out


#: cues that are groups, not parts (they are extras on the breakdown)
GROUP_SPEAKERS = {"ALL", "EVERYONE", "CROWD", "VOICES", "GROUP", "OTHERS", "BOTH", "CHORUS", "EXTRAS",
                           "PEOPLE", "STUDENTS", "KIDS", "CHILDREN", "SOLDIERS", "COPS", "GUESTS", "FANS"}


# -- what kind of performer a part needs ------------------------------------------------------------

#: words in an introduction that say no actor can play the part on camera
_NOT_CORPOREAL = re.compile(r"\b(cloud|faceless|bodiless|formless|shapeless|disembodied|hologram|holographic|"
                            r"computer[- ]generated|cgi|digital being|energy being|pure energy|swarm|mist|smoke|"
                            r"orb|glow|presence|spectral light|artificial intelligence|a\.i\.|ai)\b", re.I)
#: the part's lines come from a device: shown on a screen and/or read by a machine voice
_DEVICE_SPEECH = re.compile(r"\b(displays?|reads? (?:it )?aloud|read-aloud|on-screen|on screen|synthetic|robot(?:ic)?|"
                            r"text(?:s)? (?:message|appears)|screen reads|speaker|intercom|radio voice|"
                            r"computer voice|voice assistant)\b", re.I)
#: extensions of a part that is only a voice (V.O., a filtered phone/radio voice); O.S. and O.C. are actors on set
_VOICE_EXT = {"V.O.", "V.O", "VO", "FILTERED", "ON PHONE", "ON RADIO", "ON THE PHONE", "OVER PHONE", "RADIO"}
_ONOMATOPOEIA_LINE = re.compile(r"^[\W\s]*(?:[A-Z]{2,}[\W\s]*)+$")


def introduction(script: Script, part: str, cues: list[str] | None = None) -> str:
    """The sentence that introduces a part in action ("CYBER BOSS, 40 (or any age), an ageless, … cloud …"),
    in full, as written (line breaks folded)."""
    names = [part, *(cues or [])]
    for el in script.elements:
        if el.type != ElementType.ACTION:
            continue
        flat = re.sub(r"\s+", " ", el.text).strip()
        for m in _CAPS_RUN.finditer(flat):
            if any(_holds(m.group(0), n.split(" #")[0]) for n in names) and _INTRO_TAIL.match(flat, m.end()):
                end = re.search(r"(?<![A-Z])[.!?](?:\s|$)", flat[m.end():])
                return flat[m.start(): m.end() + (end.end() if end else len(flat))].strip()
    return ""


_INTRO_TAIL = re.compile(r"\s*(?:,|\(\d|\(\w)")


def part_kind(script: Script, part: str, cues: list[str] | None = None) -> tuple[str, list[str], str]:
    """(kind, needs, introduction) of a part, from what the script says about it.

    * ``cg`` — the introduction says no actor can play it on camera (a voiceless cloud, a hologram):
      a VFX character; its lines, when it has any, are a voice session or a screen graphic;
    * ``animal`` — the part is an animal (a dog that barks its lines is a trained animal with a
      wrangler; one that talks needs VFX for the mouth and a voice artist);
    * ``voice`` — every line is off screen (V.O./O.S.) and the part is never in action: a voice artist
      in a studio session, no call on set;
    * ``graphic`` — its words appear on a screen or are read by a device: a screen graphic (plus a
      synthetic voice, playback on set);
    * ``on-camera`` — an actor.
    """
    cues = list(cues or [])
    names = {part, *cues, part.split(" #")[0]}
    intro = introduction(script, part, cues)
    parts = part_names(script)
    blocks = [(sc, b) for sc in script.scenes for b in sc.dialogue
              if parts.get((sc.index, b.character), b.character) == part or (b.character in names and
                                                                             (sc.index, b.character) not in parts)]
    lines = [b.text for _, b in blocks]
    barks_only = bool(lines) and all(_ONOMATOPOEIA_LINE.match(t.strip() or "X") for t in lines)
    device = any(_DEVICE_SPEECH.search(_action_before(sc, b.line)) for sc, b in blocks)
    needs: list[str] = []
    if _animal_word(part) is not None:
        kind, needs = "animal", ["animal", "wrangler"]
        if lines and not barks_only:
            needs += ["vfx", "voice session"]          # a talking animal: mouth replacement and a voice
        return kind, needs, intro
    if intro and _NOT_CORPOREAL.search(intro):
        needs = ["vfx"]
        if lines:
            needs += ["screen graphic", "playback"] if device else ["voice session"]
        return "cg", needs, intro
    in_action = any(p.name == part and p.reason != "speaks" for ps in scene_presence(script).values() for p in ps)
    if blocks and all(set(e.upper() for e in b.extensions) & _VOICE_EXT for _, b in blocks) and not in_action and not intro:
        return "voice", ["voice session"], intro
    if blocks and device and not in_action and not intro:
        return "graphic", ["screen graphic", "playback"], intro
    return "on-camera", ["actor"], intro


def _action_before(scene, line: int) -> str:
    """The action text just before a dialogue block (where the script says how the line is delivered)."""
    best = ""
    for el in scene.elements:
        if el.type == ElementType.ACTION and el.line and el.line < line:
            best = el.text
    return best
