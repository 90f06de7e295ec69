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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Iterator

from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.domain.preproduction import Tag, TagOrigin
from studio_kit.engines.preproduction.senses import NOUN_CATEGORIES, used_as_verb
from studio_kit.domain.script import ElementType, Scene

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
#: names that speak but are groups: they go to extras, not the cast list.
GROUP_SPEAKERS = {"ALL", "EVERYONE", "CROWD", "VOICES", "GROUP", "OTHERS", "BOTH", "CHORUS", "EXTRAS",
                  "PEOPLE", "STUDENTS", "KIDS", "CHILDREN", "SOLDIERS", "COPS", "GUESTS", "FANS"}

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


def element_id(category: Cat, name: str) -> str:
    """Stable id of an element across scenes: "props:film reel"."""
    norm = re.sub(r"\s+", " ", name.strip().lower())
    return f"{category.value}:{norm}"


def scene_lines(scene: Scene, *, include_dialogue: bool = False) -> list[tuple[int, str]]:
    """(source line, text) of each action line (and dialogue when asked) of a scene."""
    types = {ElementType.ACTION} | ({ElementType.DIALOGUE, ElementType.PARENTHETICAL} if include_dialogue else set())
    out: list[tuple[int, str]] = []
    for el in scene.elements:
        if el.type in types:
            for i, text in enumerate(el.text.split("\n")):
                if text.strip():
                    out.append((el.line + i if el.line else 0, text))
    if include_dialogue:
        for block in scene.dialogue:
            for el in block.lines:
                if el.type in types and (el.line, el.text) not in out:
                    out.append((el.line, el.text))
    return out


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


def _cast_tags(scene: Scene, cast: dict[str, tuple[int, int, bool]]) -> list[Tag]:
    tags = []
    for name in scene.characters:
        if name not in cast:
            continue
        cid, _, _ = cast[name]
        line, matched, conf = 0, name, 0.85
        for block in scene.dialogue:
            if block.character == name:
                line, matched, conf = block.line, block.cue, 1.0
                break
        if conf < 1.0:
            rx = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.I)
            for ln, text in scene_lines(scene):
                m = rx.search(text)
                if m:
                    line, matched = ln, m.group(0)
                    break
        tags.append(Tag(category=Cat.CAST, name=name, element_id=f"cast:{cid}", line=line, matched=matched,
                        confidence=conf, cast_id=cid))
    return sorted(tags, key=lambda t: t.cast_id or 0)


def _extras_count(prefix: str) -> int | None:
    m = _COUNT.search(prefix[-20:])
    if not m:
        return None
    word = m.group(1).lower()
    if word.isdigit():
        return int(word)
    return _NUMBER_WORDS.get(word)


def tag_scene(scene: Scene, cast: dict[str, tuple[int, int, bool]]) -> list[Tag]:
    """Every automatic tag of one scene (cast, extras, stunts, lexicon and caps elements, notes)."""
    tags = _cast_tags(scene, cast)
    for name in scene.speaking_characters:
        if name.upper() in GROUP_SPEAKERS:
            block = next((b for b in scene.dialogue if b.character == name), None)
            tags.append(Tag(category=Cat.EXTRAS_ATMOSPHERE, name=name.title(), line=block.line if block else scene.line,
                            element_id=element_id(Cat.EXTRAS_ATMOSPHERE, name), matched=name, confidence=0.8))
    cast_names = [n for n in scene.characters] + [n for n in cast]
    cast_rx = re.compile("|".join(rf"(?<!\w){re.escape(n)}(?!\w)" for n in sorted(set(cast_names), key=len, reverse=True))) \
        if cast_names else None
    atm, sil = extras_lexicons()
    stunts = stunt_lexicon()
    cast_words = {w for n in cast_names for w in n.lower().split()}
    for line, text in scene_lines(scene):
        claimed: list[tuple[int, int]] = []
        caps_tags: list[tuple[int, Tag]] = []   # (start, tag) of ALL-CAPS phrases on this line
        if cast_rx is not None:
            claimed += [m.span() for m in cast_rx.finditer(text)]

        def free(span: tuple[int, int]) -> bool:
            return all(span[1] <= a or span[0] >= b for a, b in claimed)

        words = tokens(text)
        grams = ngrams(words, MAX_WORDS)
        for lex in (atm, sil):
            for m in lex.finditer(text, words, grams):
                if not free((m.start, m.end)):
                    continue
                claimed.append((m.start, m.end))
                caps = m.text.isupper()
                tags.append(Tag(category=lex.category, name=m.term.title(), element_id=element_id(lex.category, m.term),
                                line=line, matched=m.text, confidence=min(0.95, lex.confidence + (0.1 if caps else 0)),
                                count=_extras_count(text[:m.start])))
        # ALL-CAPS phrases: the writer flagged an element. Classify by the lexicon term inside it.
        for m in _CAPS_RUN.finditer(text):
            phrase = re.sub(r"\s+", " ", m.group(1)).strip(" -'")
            if len(phrase) < 2 or phrase in CAPS_STOPWORDS or not free(m.span()) or not re.search(r"[A-Z]{2}", phrase):
                continue
            if text.strip().isupper() and len(text.split()) > 6:
                continue  # a whole shouted line (a slug-like super), not one element
            claimed.append(m.span())
            tags.append(_classify_caps(phrase, line, exclaimed=text[m.end():m.end() + 1] == "!"))
            caps_tags.append((m.start() + m.group(1).index(phrase[:1]), tags[-1]))
        found: list[tuple[Match, Lexicon]] = []
        for lex in lexicons():
            for m in lex.finditer(text, words, grams):
                if not free((m.start, m.end)):
                    continue
                claimed.append((m.start, m.end))
                if lex.category in NOUN_CATEGORIES and used_as_verb(m, words, cast_words):
                    continue   # "Devlin checks his watch": CHECK is the action, WATCH the prop
                found.append((m, lex))
        found.sort(key=lambda f: f[0].start)
        for k, (m, lex) in enumerate(found):
            nxt = found[k + 1][0] if k + 1 < len(found) else None
            if (nxt is not None and " " not in m.text and lex.category in NOUN_CATEGORIES
                    and not text[m.end:nxt.start].strip() and nxt.start > m.end):
                continue   # a modifier of the next element: "oak table", "car keys", "desk lamp"
            caps = next((t for t in caps_tags if t[0] < m.start and not text[t[0] + len(t[1].matched):m.start].strip()
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
        for m in stunts.finditer(text, words, grams):
            conf = stunts.weak_confidence if m.term in stunts.weak else stunts.confidence
            tags.append(Tag(category=Cat.STUNTS, name=f"Stunt: {m.term}", element_id=element_id(Cat.STUNTS, m.term),
                            line=line, matched=m.text, confidence=conf, note=text.strip()[:120]))
    for el in scene.elements:
        if el.type == ElementType.NOTE and el.text.strip():
            tags.append(Tag(category=Cat.NOTES, name=el.text.strip()[:80], element_id=element_id(Cat.NOTES, el.text[:80]),
                            line=el.line, matched=el.text.strip(), confidence=1.0))
    return dedupe(tags)


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


def dedupe(tags: list[Tag]) -> list[Tag]:
    """One tag per element per scene: keep the most confident (first on a tie)."""
    best: dict[str, Tag] = {}
    order: list[str] = []
    for t in tags:
        if t.element_id not in best:
            best[t.element_id] = t
            order.append(t.element_id)
        elif t.confidence > best[t.element_id].confidence:
            best[t.element_id] = t
    return [best[k] for k in order]


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
    from studio_kit.registry import invoke

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
