"""Automatic breakdown tagging (offline rules + lexicons, optional text backend).

The rules follow how a 1st AD marks up a script:

* cast = speaking characters plus characters introduced in action, numbered
  like a cast list (1 = in most scenes, ties broken by first appearance);
* extras = group nouns ("crowd", "commuters", "two COPS") with a head count
  when the script gives one;
* props, vehicles, animals, wardrobe, makeup, SFX, VFX, sound, set dressing,
  greenery, special equipment, security = lexicon terms (data files in
  ``studio_kit/data/lexicons``) and ALL-CAPS words in action, the screenwriter's
  way of flagging an element;
* stunts = stunt verbs in action;
* a lexicon noun used as a verb is skipped ("Devlin checks his watch" tags
  WATCH, not CHECK: :mod:`.senses`), a noun modifying the next element is
  skipped ("oak table" is a TABLE, "car keys" are KEYS), an ALL-CAPS modifier
  joins its noun ("LED clock" -> LED CLOCK), and a whole lexicon term in caps
  keeps its category ("WEDDING RING" is a prop, not a ring sound);
* animals and vehicles, like extras, carry a head count when the script
  gives one ("three horses").

Every tag keeps its source line, the text as written and a confidence (0..1).
A text backend with the ``complete`` capability may propose more tags; a
proposal is accepted only when its text really occurs in the scene.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio_kit.domain.cast import (
    GROUP_SPEAKERS,  # noqa: F401 - groups are extras, not cast
    _animal_word,
)
from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.domain.preproduction import Tag, TagOrigin, dedupe, element_id
from studio_kit.domain.script import ElementType, Scene, scene_lines
from studio_kit.engines.preproduction import tagging_rules as rules
from studio_kit.engines.preproduction.senses import NOUN_CATEGORIES, used_as_verb
from studio_kit.registry import invoke

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicons"

#: lexicon file -> category; the order is the priority when two lexicons
#: claim the same words ("christmas tree" is set dressing before greenery).
LEXICON_FILES: list[tuple[str, Cat]] = [
    ("vehicles", Cat.VEHICLES),
    ("animals", Cat.ANIMALS),
    ("special_effects", Cat.SPECIAL_EFFECTS),
    ("vfx", Cat.VFX),
    ("makeup_hair", Cat.MAKEUP_HAIR),
    ("wardrobe", Cat.WARDROBE),
    ("sound_music", Cat.SOUND_MUSIC),
    ("special_equipment", Cat.SPECIAL_EQUIPMENT),
    ("security", Cat.SECURITY),
    ("props", Cat.PROPS),
    ("set_dressing", Cat.SET_DRESSING),
    ("greenery", Cat.GREENERY),
]

#: ALL-CAPS words that are sounds, not objects (written caps by convention).
ONOMATOPOEIA = {"BANG", "BOOM", "CRASH", "THUD", "KNOCK", "RING", "BEEP", "CLICK", "SLAM", "WHOOSH",
                "SCREECH", "SMASH", "BUZZ", "THWACK", "CRACK", "POP", "HONK", "RING RING", "SPLASH",
                "CLANG", "CREAK", "WHAM", "ZAP", "BLAM", "SNAP", "VROOM", "THUMP", "DING", "YIP", "YAP", "WOOF",
                "ARF", "BARK", "FWOOSH", "SWOOSH", "WHIR", "WHIRR", "HISS", "GROWL", "ROAR", "BOING", "KABOOM",
                "KA-BOOM", "CLUNK", "CLATTER", "RUMBLE", "SIZZLE", "TICK", "TOCK", "DRIP", "SQUEAK", "SCREAM",
                "SCREAMS", "BUZZES", "RINGS", "BEEPS", "CLICKS", "BLARES", "HONKS", "WAIL", "WAILS"}
#: ALL-CAPS words that are screenplay vocabulary, never elements.
CAPS_STOPWORDS = {"INT", "EXT", "DAY", "NIGHT", "CONTINUOUS", "LATER", "MOMENTS LATER", "CUT TO",
                  "FADE IN", "FADE OUT", "FADE TO BLACK", "DISSOLVE TO", "SMASH CUT", "MATCH CUT", "POV",
                  "CLOSE ON", "CLOSE UP", "ANGLE ON", "INSERT", "BACK TO SCENE", "SUPER", "TITLE",
                  "FLASHBACK", "END FLASHBACK", "MONTAGE", "END MONTAGE", "SERIES OF SHOTS", "THE END",
                  "V.O", "O.S", "O.C", "CONT'D", "WE", "I", "A", "OK", "OKAY", "TV", "DNA", "FBI", "CIA",
                  "NYPD", "LAPD", "USA", "UK", "US", "AM", "PM", "NO", "YES", "STOP", "HELP", "WIDE",
                  "ESTABLISHING", "INTERCUT", "TITLE CARD", "CHYRON", "BEAT", "SILENCE", "BLACK"}
_NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                 "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a dozen": 12, "dozen": 12,
                 "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "a hundred": 100, "hundred": 100,
                 "several": None, "some": None, "a few": None, "dozens of": None, "hundreds of": None}

_CAPS_RUN = re.compile(r"(?<![A-Za-z'])([A-Z][A-Z0-9'\-]*(?:\s+[A-Z][A-Z0-9'\-]*)*)(?![a-z'])")
_COUNT = re.compile(r"(\d+|a dozen|dozens of|hundreds of|a hundred|a few|[A-Za-z]+)\s+$", re.I)


_WORD = re.compile(r"[^\W_][\w'’\-]*")

@dataclass(frozen=True)
class Match:
    start: int
    end: int
    text: str          # as written
    term: str          # canonical lexicon term


@dataclass(frozen=True)
class Lexicon:
    """Terms of one category, matched as whole words (longest run of words first).

    Matching looks word n-grams up in a dict instead of running one huge regex
    alternation: a 120-page script is tagged in a fraction of a second.
    """

    category: Cat
    canonical: dict[str, str]     # lower-case term (and plural) -> term
    confidence: float
    weak: frozenset[str] = frozenset()
    weak_confidence: float = 0.0
    max_words: int = 1

    def finditer(self, text: str, words: list[tuple[int, int, str]] | None = None,
                 grams: list[list[str]] | None = None) -> Iterator[Match]:
        """Matches left to right; ``words``/``grams`` (from :func:`tokens`/:func:`ngrams`) save re-tokenising."""
        words = words if words is not None else tokens(text)
        grams = grams if grams is not None else ngrams(words, self.max_words)
        i = 0
        while i < len(words):
            for n in range(min(self.max_words, len(grams[i])), 0, -1):
                key = grams[i][n - 1]
                term = self.canonical.get(key)
                if term is None and n == 1 and key.endswith(("'s", "’s")):
                    term = self.canonical.get(key[:-2])   # possessive: "the dog's bowl"
                if term is not None:
                    start, end = words[i][0], words[i + n - 1][1]
                    yield Match(start, end, text[start:end], term)
                    i += n
                    break
            else:
                i += 1

    def search(self, text: str) -> Match | None:
        return next(self.finditer(text), None)


def ngrams(words: list[tuple[int, int, str]], max_words: int) -> list[list[str]]:
    """For each word position, the 1..max_words-word phrases starting there (lower case)."""
    out = []
    for i in range(len(words)):
        run = [words[i][2]]
        for w in words[i + 1:i + max_words]:
            run.append(run[-1] + " " + w[2])
        out.append(run)
    return out


MAX_WORDS = 6  # longest lexicon term, in words


def tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, lower-case word) of each word of a line."""
    return [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]


def _load_yaml(name: str) -> dict[str, Any]:
    import yaml

    text = (LEXICON_DIR / f"{name}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def _compile(category: Cat, terms: Iterable[str], confidence: float, plurals: bool = True,
             weak: Iterable[str] = (), weak_confidence: float = 0.0) -> Lexicon:
    canonical: dict[str, str] = {}
    for term in terms:
        t = " ".join(w for _, _, w in tokens(str(term)))
        if not t:
            continue
        canonical.setdefault(t, t)
        if plurals and not t.endswith("s"):
            canonical.setdefault(t + "s", t)
            canonical.setdefault(t + "es", t)
    max_words = min(MAX_WORDS, max((k.count(" ") + 1 for k in canonical), default=1))
    return Lexicon(category, canonical, confidence, frozenset(weak), weak_confidence, max_words)



@lru_cache(maxsize=1)
def lexicons() -> tuple[Lexicon, ...]:
    """The shipped lexicons, compiled once per process."""
    out = []
    for name, cat in LEXICON_FILES:
        data = _load_yaml(name)
        out.append(_compile(cat, data.get("terms", []), float(data.get("confidence", 0.7))))
    return tuple(out)


@lru_cache(maxsize=1)
def stunt_lexicon() -> Lexicon:
    data = _load_yaml("stunt_verbs")
    strong = [str(t).lower() for t in data.get("strong", [])]
    weak = [str(t).lower() for t in data.get("weak", [])]
    return _compile(Cat.STUNTS, strong + weak, float(data.get("confidence", 0.75)), plurals=False, weak=weak,
                    weak_confidence=float(data.get("weak_confidence", 0.45)))


@lru_cache(maxsize=1)
def extras_lexicons() -> tuple[Lexicon, Lexicon]:
    data = _load_yaml("extras_nouns")
    conf = float(data.get("confidence", 0.8))
    return (_compile(Cat.EXTRAS_ATMOSPHERE, data.get("atmosphere", []), conf),
            _compile(Cat.EXTRAS_SILENT, data.get("silent", []), conf - 0.15))


def number_cast(scenes: list[Scene]) -> dict[str, tuple[int, int, bool]]:
    """Character name -> (cast id, scene count, speaks) ordered like a cast list."""
    count: dict[str, int] = {}
    first: dict[str, int] = {}
    speaks: dict[str, bool] = {}
    for order, scene in enumerate(scenes):
        for name in scene.characters:
            if name.upper() in GROUP_SPEAKERS:
                continue
            count[name] = count.get(name, 0) + 1
            first.setdefault(name, order)
            speaks[name] = speaks.get(name, False) or name in scene.speaking_characters
    # speaking parts before silent ones with the same count: they are billed first
    ranked = sorted(count, key=lambda n: (-count[n], not speaks[n], first[n], n))
    return {name: (i + 1, count[name], speaks[name]) for i, name in enumerate(ranked)}


def lock_cast_numbers(cast: dict[str, tuple[int, int, bool]], locked: dict[str, int]) -> dict[str, tuple[int, int, bool]]:
    """Renumber a fresh cast list so locked names keep their numbers.

    New characters follow the highest number ever used, in cast-list order;
    the number of a character cut from the draft stays retired.
    """
    locked = {k.upper(): v for k, v in locked.items()}
    next_id = max(locked.values(), default=0)
    out: dict[str, tuple[int, int, bool]] = {}
    for name, (_, count, speaks) in sorted(cast.items(), key=lambda kv: kv[1][0]):
        if name.upper() in locked:
            out[name] = (locked[name.upper()], count, speaks)
        else:
            next_id += 1
            out[name] = (next_id, count, speaks)
    return out


def _cast_tags(scene: Scene, cast: dict[str, tuple[int, int, bool]], presence: list | None = None) -> list[Tag]:
    """Cast tags of a scene: one per part, with the line that shows the character there and a confidence
    (the character engine's presence readings when given: speaks, introduced, named, pronoun, reference)."""
    tags = []
    readings = {p.name: p for p in presence or []}
    for name in [*scene.characters, *[n for n in readings if n not in scene.characters]]:
        if name.upper() in GROUP_SPEAKERS:
            continue
        cid = cast[name][0] if name in cast else None
        p = readings.get(name)
        if p is not None:
            line, matched, conf, context, note = p.line, p.matched, p.confidence, p.text, p.reason
        else:
            line, matched, conf, context, note = 0, name, 0.85, "", "named in action"
            for block in scene.dialogue:
                if block.character == name:
                    line, matched, conf, context, note = block.line, block.cue, 1.0, block.cue, "speaks"
                    break
            if conf < 1.0:
                rx = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.I)
                for ln, text in scene_lines(scene):
                    m = rx.search(text)
                    if m:
                        line, matched, context = ln, m.group(0), text.strip()
                        break
        if cid is None and conf >= 0.6:
            continue
        tags.append(Tag(category=Cat.CAST, name=name, element_id=f"cast:{cid}" if cid else element_id(Cat.CAST, name),
                        line=line, matched=matched, confidence=conf, cast_id=cid, context=context, note=note))
    return sorted(tags, key=lambda t: (t.cast_id or 10 ** 6, t.name))


def _extras_count(prefix: str) -> int | None:
    m = _COUNT.search(prefix[-20:])
    if not m:
        return None
    word = m.group(1).lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


class _LineReading:
    """One action line being tagged: its text, its place in the paragraph, and the spans already taken
    (a span a cast name or an element claimed is not read again)."""

    __slots__ = ("caps_tags", "claimed", "flat", "grams", "line", "off", "text", "words")

    def __init__(self, line: int, text: str, flat: str, off: int, claimed: list[tuple[int, int]]) -> None:
        self.line, self.text, self.flat, self.off = line, text, flat, off
        self.claimed = claimed
        self.caps_tags: list[tuple[int, Tag]] = []   # (start, tag) of ALL-CAPS phrases on this line
        self.words = tokens(text)
        self.grams = ngrams(self.words, MAX_WORDS)

    def around(self, start: int, end: int) -> tuple[str, str]:
        """Text before and after a match on this line, within its whole paragraph."""
        return self.flat[:self.off + start], self.flat[self.off + end:]

    def free(self, span: tuple[int, int]) -> bool:
        return all(span[1] <= a or span[0] >= b for a, b in self.claimed)


def tag_scene(scene: Scene, cast: dict[str, tuple[int, int, bool]], presence: list | None = None) -> list[Tag]:
    """Every automatic tag of one scene (cast, extras, stunts, lexicon and caps elements, notes).

    ``presence`` is the character engine's reading of who is in the scene (see
    :func:`studio_kit.engines.characters.cast.scene_presence`)."""
    tags = _cast_tags(scene, cast, presence)
    tags += _group_speaker_tags(scene)
    cast_names = [n for n in scene.characters] + [n for n in cast]
    cast_rx = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(set(cast_names), key=len, reverse=True))) \
        if cast_names else None
    cast_words = {w for n in cast_names for w in n.lower().split()}
    paras = rules.paragraphs(scene)
    prev_sentence = ""
    for line, text in scene_lines(scene):
        flat, off = paras.get(line, (text, 0))
        ln = _LineReading(line, text, flat, off, [m.span() for m in cast_rx.finditer(text)] if cast_rx is not None else [])
        _extras_on_line(ln, tags)
        _caps_on_line(ln, tags)
        _lexicon_on_line(ln, scene, tags, cast_words)
        _stunts_on_line(ln, tags, prev_sentence, cast_words)
        sentences = re.split(r"(?<=[.!?])\s+", flat[:off + len(text)])
        prev_sentence = sentences[-2] if len(sentences) > 1 else prev_sentence
    claimed_text = {t.matched.lower() for t in tags} | {t.name.lower() for t in tags}
    onomatopoeia = {t.name for t in tags if t.category == Cat.SOUND_MUSIC and t.name.split()[0] in ANIMAL_NOISES}
    found_by_rules = rules.rule_tags(scene, claimed_text, any(t.category == Cat.ANIMALS for t in tags), onomatopoeia)
    held = {(t.line, t.name.split()[0].lower()) for t in found_by_rules if t.category == Cat.PROPS and " " in t.name}
    tags = [t for t in tags if (t.line, t.matched.lower()) not in held]   # "garden hose": no GARDEN greenery
    tags += found_by_rules
    tags += rules.place_tags(scene, tags)
    for el in scene.elements:
        if el.type == ElementType.NOTE and el.text.strip():
            tags.append(Tag(category=Cat.NOTES, name=el.text.strip()[:80], element_id=element_id(Cat.NOTES, el.text[:80]),
                            line=el.line, matched=el.text.strip(), confidence=1.0))
    return rules.merge_same_element(dedupe(tags))


def _group_speaker_tags(scene: Scene) -> list[Tag]:
    """Group cues ("ALL", "CROWD") are background, not cast."""
    out: list[Tag] = []
    for name in scene.speaking_characters:
        if name.upper() in GROUP_SPEAKERS:
            block = next((b for b in scene.dialogue if b.character == name), None)
            out.append(Tag(category=Cat.EXTRAS_ATMOSPHERE, name=name.title(), line=block.line if block else scene.line,
                           element_id=element_id(Cat.EXTRAS_ATMOSPHERE, name), matched=name, confidence=0.8))
    return out


def _extras_on_line(ln: _LineReading, tags: list[Tag]) -> None:
    """Background (atmosphere and silent bits) named on the line, with a head count when one is written."""
    text = ln.text
    for lex in extras_lexicons():
        for m in lex.finditer(text, ln.words, ln.grams):
            if not ln.free((m.start, m.end)):
                continue
            ln.claimed.append((m.start, m.end))
            if rules.in_appositive(ln.around(m.start, m.end)[0]):
                continue     # "JUNE, 34, a customs officer": the character's job, not background
            caps = m.text.isupper()
            tags.append(Tag(category=lex.category, name=m.term.title(), element_id=element_id(lex.category, m.term),
                            line=ln.line, matched=m.text, confidence=min(0.95, lex.confidence + (0.1 if caps else 0)),
                            count=_extras_count(text[:m.start])))


def _caps_on_line(ln: _LineReading, tags: list[Tag]) -> None:
    """ALL-CAPS phrases: the writer flagged an element. Classify by the lexicon term inside it."""
    text = ln.text
    for m in _CAPS_RUN.finditer(text):
        phrase = re.sub(r"\s+", " ", m.group(1)).strip(" -'")
        if len(phrase) < 2 or phrase in CAPS_STOPWORDS or not ln.free(m.span()) or not re.search(r"[A-Z]{2}", phrase):
            continue
        if text.strip().isupper() and len(text.split()) > 6:
            continue  # a whole shouted line (a slug-like super), not one element
        before_caps = ln.around(m.start(), m.end())[0]
        if before_caps.count('"') % 2 == 1 and re.search(
                r"\b(?:" + "|".join(sorted(rules.words()["display_verbs"])) + r")\b[^.!?]*$", before_caps[-120:]):
            ln.claimed.append(m.span())
            continue  # words shown on a screen: part of the screen graphics, not a prop or a sound
        ln.claimed.append(m.span())
        caps_tag = _classify_caps(phrase, ln.line, exclaimed=text[m.end():m.end() + 1] == "!")
        first = phrase.split()[0].lower()
        if caps_tag.category in (Cat.ANIMALS, Cat.VEHICLES) and len(phrase.split()) > 1 and (
                first.isdigit() or _NUMBER_WORDS.get(first)):
            caps_tag.count = int(first) if first.isdigit() else _NUMBER_WORDS[first]   # "SEVEN CHIHUAHUAS"
        tags.append(caps_tag)
        ln.caps_tags.append((m.start() + m.group(1).index(phrase[:1]), tags[-1]))


def _lexicon_matches(ln: _LineReading, scene: Scene, tags: list[Tag], cast_words: set[str]) -> list[tuple[Match, Lexicon]]:
    """The lexicon elements read on the line, longest reading first across lexicons ("fire extinguisher"
    over FIRE, "garden hose" over GARDEN), without verbs, vetoed senses or appositives; in line order."""
    found: list[tuple[Match, Lexicon]] = []
    candidates = [(m, lex, k) for k, lex in enumerate(lexicons()) for m in lex.finditer(ln.text, ln.words, ln.grams)]
    candidates.sort(key=lambda c: (-(c[0].end - c[0].start), c[2], c[0].start))
    heard: list[tuple[int, int]] = []      # sound/effect phrases: the thing making them is still an element
    for m, lex, _ in candidates:
        if not ln.free((m.start, m.end)) or (lex.category not in NOUN_CATEGORIES and any(
                not (m.end <= a or m.start >= b) for a, b in heard)):
            continue
        if lex.category in NOUN_CATEGORIES or " " not in m.text.strip():
            ln.claimed.append((m.start, m.end))
        else:
            heard.append((m.start, m.end))     # "dog barks": a sound, and the DOG
        if lex.category in NOUN_CATEGORIES and used_as_verb(m, ln.words, cast_words):
            continue   # "Devlin checks his watch": CHECK is the action, WATCH the prop
        before, after = ln.around(m.start, m.end)
        if rules.veto(lex.category, m.text, before, after, scene.location or scene.heading,
                      {t.category for t in tags}):
            continue
        if lex.category in (Cat.VEHICLES, Cat.EXTRAS_SILENT) and rules.in_appositive(before):
            continue
        found.append((m, lex))
    found.sort(key=lambda f: f[0].start)
    return found


def _lexicon_on_line(ln: _LineReading, scene: Scene, tags: list[Tag], cast_words: set[str]) -> None:
    """Tag the lexicon elements on the line; a modifier of the next element is not one ("oak table"), and a
    capitalised modifier joins its noun ("a red LED clock" is one LED CLOCK)."""
    text, line = ln.text, ln.line
    found = _lexicon_matches(ln, scene, tags, cast_words)
    for k, (m, lex) in enumerate(found):
        nxt = found[k + 1][0] if k + 1 < len(found) else None
        if (nxt is not None and " " not in m.text and lex.category in NOUN_CATEGORIES
                and not text[m.end:nxt.start].strip() and nxt.start > m.end):
            continue   # a modifier of the next element: "oak table", "car keys", "desk lamp"
        caps = next((t for t in ln.caps_tags if t[0] < m.start and not text[t[0] + len(t[1].matched):m.start].strip()
                     and t[1].confidence <= 0.5 and t[1].category == Cat.PROPS), None)
        if caps is not None and lex.category in NOUN_CATEGORIES:
            # the writer capitalised a modifier: "a red LED clock" is one LED CLOCK, not a prop "LED"
            old_tag = caps[1]
            name = f"{old_tag.name} {m.text.upper()}"
            tags[tags.index(old_tag)] = Tag(category=lex.category, name=name, element_id=element_id(lex.category, name),
                                            line=line, matched=text[caps[0]:m.end], confidence=lex.confidence)
            continue
        counted = lex.category in {Cat.ANIMALS, Cat.VEHICLES}    # "three horses", "2 police cars"
        tags.append(Tag(category=lex.category, name=m.term.upper(), element_id=element_id(lex.category, m.term),
                        line=line, matched=m.text, confidence=lex.confidence,
                        count=_extras_count(text[:m.start]) if counted else None))


def _stunts_on_line(ln: _LineReading, tags: list[Tag], prev_sentence: str, cast_words: set[str]) -> None:
    """Stunts: an action a person does ("water falls", "the dogs chase each other": no person, no stunt)."""
    stunts = stunt_lexicon()
    for m in stunts.finditer(ln.text, ln.words, ln.grams):
        if not rules.human_subject(ln.around(m.start, m.end)[0], prev_sentence, cast_words):
            continue
        conf = stunts.weak_confidence if m.term in stunts.weak else stunts.confidence
        tags.append(Tag(category=Cat.STUNTS, name=f"Stunt: {m.term}", element_id=element_id(Cat.STUNTS, m.term),
                        line=ln.line, matched=m.text, confidence=conf, note=ln.text.strip()[:120]))


def part_effects(scene: Scene, members: list, tags: list[Tag]) -> list[Tag]:
    """Visual effects a part needs in a scene: a CG character wherever it appears, a talking animal
    wherever it speaks (mouth replacement). One per part per scene, not already tagged."""
    have = {t.element_id for t in tags}
    out = []
    for m in members:
        action = " ".join(t for _, t in scene_lines(scene))
        seen = any(re.search(rf"(?<![\w]){re.escape(n)}(?!['’\w])", action, re.I) for n in [m.name, *m.aliases])
        if m.kind == "cg" and seen:
            name, note = f"{m.name} (CG CHARACTER)", "a CG character: VFX shots wherever it appears"
        elif m.kind == "animal" and "vfx" in m.needs and m.name in scene.speaking_characters:
            name, note = f"TALKING {(_animal_word(m.name) or 'animal').upper()}", "a talking animal: mouth replacement"
        else:
            continue
        block = next((b for b in scene.dialogue if b.character == m.name), None)
        tag = Tag(category=Cat.VFX, name=name, element_id=element_id(Cat.VFX, name), line=block.line if block else scene.line,
                  matched=m.name, confidence=0.9, note=note, context=m.description[:160])
        if tag.element_id not in have:
            out.append(tag)
    return out


#: caps sounds that are an animal's voice ("YIP!"): the writer spelled the barking out already
ANIMAL_NOISES = {"YIP", "YAP", "WOOF", "ARF", "BARK", "GROWL", "MEOW", "MOO", "NEIGH", "OINK", "QUACK", "HISS", "ROAR",
                 "CAW", "TWEET", "BAA"}


def _classify_caps(phrase: str, line: int, exclaimed: bool = False) -> Tag:
    """Category of an ALL-CAPS phrase: a sound when it is onomatopoeia (or shouted with "!"),
    else the category of a lexicon term inside it, else a prop at low confidence."""
    upper = phrase.upper()
    words = upper.split()
    key = " ".join(w for _, _, w in tokens(phrase))
    exact = next((lex for lex in lexicons() if lex.canonical.get(key)), None)
    if exact is not None and not exclaimed:
        cat, conf = exact.category, 0.9     # a whole lexicon term: "WEDDING RING" is a prop, not a RING sound
    elif exclaimed or any(w.strip("!-") in ONOMATOPOEIA for w in words) or len(set(words)) < len(words):
        cat, conf = Cat.SOUND_MUSIC, 0.8
    else:
        cat, conf = Cat.PROPS, 0.5  # unknown caps word: most often a prop, kept for review
        for lex in lexicons():
            if lex.search(phrase):
                cat, conf = lex.category, 0.9
                break
    return Tag(category=cat, name=upper, element_id=element_id(cat, upper), line=line, matched=phrase, confidence=conf)


# -- text backend proposals --------------------------------------------------

_PROMPT = """List the production elements a 1st AD would tag in this screenplay scene.
One per line as `category: item`, categories: {cats}.
Only items written in the scene.

{scene}

Elements:
"""
_ALIASES = {"prop": Cat.PROPS, "vehicle": Cat.VEHICLES, "animal": Cat.ANIMALS, "costume": Cat.WARDROBE,
            "makeup": Cat.MAKEUP_HAIR, "hair": Cat.MAKEUP_HAIR, "sfx": Cat.SPECIAL_EFFECTS, "sound": Cat.SOUND_MUSIC,
            "music": Cat.SOUND_MUSIC, "stunt": Cat.STUNTS, "extras": Cat.EXTRAS_ATMOSPHERE, "extra": Cat.EXTRAS_ATMOSPHERE,
            "visual effects": Cat.VFX, "set dressing": Cat.SET_DRESSING, "equipment": Cat.SPECIAL_EQUIPMENT}


def _category_from(word: str) -> Cat | None:
    w = word.strip().lower().replace("-", " ").replace("_", " ")
    for cat in Cat:
        if w in {cat.value.replace("_", " "), cat.label.lower()}:
            return cat
    return _ALIASES.get(w) or _ALIASES.get(w.rstrip("s"))


def propose_tags(scene: Scene, backend: Any, existing: list[Tag]) -> tuple[list[Tag], list[str]]:
    """Ask a text backend for tags; return (accepted tags, rejection notes).

    A proposal is accepted only when its category is known, it is not a cast
    tag (the cast list comes from the script itself) and its text occurs in the
    scene's action or dialogue; the tag then carries the line it was found on.
    """
    lines = scene_lines(scene, include_dialogue=True)
    text = "\n".join(t for _, t in lines)
    cats = ", ".join(c.value for c in Cat if c not in {Cat.CAST, Cat.NOTES})
    prompt = _PROMPT.format(cats=cats, scene=f"{scene.heading}\n{text}"[:3000])
    answer = invoke(backend, "complete", prompt, max_tokens=200, temperature=0.0, seed=0,
                    params={"task": "breakdown.propose", "scene": scene.index}, inputs=[prompt],
                    units=lambda r: len(str(r).split()))
    have = {t.element_id for t in existing}
    accepted, rejected = [], []
    for raw in str(answer).splitlines():
        if ":" not in raw:
            continue
        head, _, item = raw.strip(" -*\t").partition(":")
        item = item.strip().strip(".\"'")
        cat = _category_from(head)
        if not item:
            continue
        if cat is None or cat in {Cat.CAST, Cat.NOTES}:
            rejected.append(f"{raw.strip()!r}: unknown or reserved category")
            continue
        rx = re.compile(rf"(?<!\w){re.escape(item)}(?!\w)", re.I)
        hit = next(((ln, m.group(0)) for ln, t in lines if (m := rx.search(t))), None)
        if hit is None:
            rejected.append(f"{raw.strip()!r}: not in the scene text")
            continue
        eid = element_id(cat, item)
        if eid in have:
            continue
        have.add(eid)
        accepted.append(Tag(category=cat, name=item.upper(), element_id=eid, line=hit[0], matched=hit[1],
                            confidence=0.5, origin=TagOrigin.LLM))
    return accepted, rejected
