"""Character bibles mined from a screenplay.

Screenwriters introduce a character once, in capitals, with the essentials:
``CYBER BOB, 40, a white man, a mild, goofy, fairly daft pawn of a soul`` or
``MARA (30s), wiry, close-cropped grey hair, a scar through one eyebrow``. This
module finds that introduction for every speaking character and reads it with
small vocabularies (no model needed): age, pronouns, hair, eyes, build, skin,
face, distinguishing marks, clothing, and the leftover short adjectives as
personality traits. What it cannot find stays empty for people to fill in.
"""
from __future__ import annotations

import random
import re
from typing import Any

from studio_kit.domain.character import (Appearance, CharacterBible, CharacterStyle, WardrobeLook, seed_for,
                                         slugify)
from studio_kit.domain.script import ElementType, Script

HAIR_COLOUR_WORDS = ("black", "jet-black", "dark", "brown", "dark brown", "chestnut", "auburn", "red", "ginger",
                     "copper", "strawberry", "blonde", "blond", "sandy", "platinum", "grey", "gray", "silver",
                     "white", "salt-and-pepper", "blue", "pink", "green", "purple")
HAIR_STYLE_WORDS = ("long", "short", "shoulder-length", "cropped", "close-cropped", "curly", "wavy", "straight",
                    "messy", "tousled", "slicked", "braided", "spiky", "thinning", "receding", "shaved", "bob",
                    "pixie", "afro", "buzz", "crew", "ponytail", "bun", "braids", "dreadlocks", "mohawk", "bald",
                    "balding", "frizzy", "greasy", "neat", "wild", "unkempt", "shaggy", "cornrows")
BUILD_WORDS = ("slim", "thin", "skinny", "lanky", "wiry", "slight", "stocky", "heavyset", "heavy-set", "burly",
               "portly", "stout", "muscular", "athletic", "brawny", "tall", "short", "petite", "tiny", "small",
               "large", "big", "broad-shouldered", "broad", "overweight", "plump", "chubby", "frail", "gaunt",
               "willowy", "hulking", "round")
SKIN_WORDS = ("pale", "porcelain", "fair", "freckled", "tanned", "tan", "sunburnt", "olive", "weathered",
              "ruddy", "rosy", "ashen")
MARK_WORDS = ("scar", "scarred", "tattoo", "tattooed", "beard", "bearded", "moustache", "mustache", "stubble",
              "goatee", "glasses", "spectacles", "eyepatch", "eye patch", "freckles", "piercing", "pierced",
              "birthmark", "mole", "limp", "cane", "wheelchair", "prosthetic")
EYE_WORDS = ("blue", "green", "brown", "hazel", "grey", "gray", "amber", "black", "dark", "piercing", "kind",
             "tired", "sharp", "bright", "sleepy", "red")
TRAIT_WORDS = {"daft", "sharp", "kind", "shy", "bold", "brash", "calm", "cold", "warm", "smart", "wise", "mild",
               "goofy", "curious", "amicable", "nervous", "anxious", "cheerful", "grumpy", "gruff", "gentle", "fierce",
               "loyal", "sly", "cunning", "witty", "earnest", "eager", "lazy", "proud", "stern", "quiet", "loud",
               "brave", "timid", "clever", "naive", "cynical", "charming", "awkward", "weary", "restless", "stoic",
               "sweet", "sour", "friendly", "hostile", "polite", "rude", "tough", "soft-spoken", "confident"}
MALE_WORDS = ("man", "boy", "guy", "gentleman", "father", "dad", "husband", "son", "brother", "uncle", "king",
              "he", "his", "him", "mr", "sir", "lad")
FEMALE_WORDS = ("woman", "girl", "lady", "mother", "mom", "mum", "wife", "daughter", "sister", "aunt", "queen",
                "she", "her", "hers", "mrs", "ms", "miss", "lass")
CLOTHING_WORDS = ("suit", "tuxedo", "jacket", "coat", "raincoat", "overcoat", "trench coat", "dress", "gown",
                  "uniform", "scrubs", "hoodie", "sweater", "shirt", "t-shirt", "blouse", "jeans", "overalls",
                  "robe", "apron", "cardigan", "vest", "skirt", "tracksuit", "parka", "blazer", "kimono", "sari",
                  "lab coat", "pajamas", "pyjamas", "jumpsuit", "cape", "cloak", "armor", "armour")
COLOUR_HEX = {"black": "#2b2b2e", "white": "#f2f0ea", "grey": "#8a8a8e", "gray": "#8a8a8e", "red": "#b23a3a",
              "crimson": "#9e1b32", "blue": "#3b5ba0", "navy": "#243b63", "green": "#3f7d4e", "olive": "#6b6b2f",
              "yellow": "#e0c040", "orange": "#d9782d", "brown": "#7a5233", "tan": "#c9a77c", "beige": "#d8c8a8",
              "pink": "#d98aa6", "purple": "#6b4c9a", "teal": "#2a8080", "gold": "#c9a13b", "silver": "#b8b8bc",
              "khaki": "#b5a36e", "maroon": "#6e2130", "cream": "#efe6cf", "denim": "#4f6d8f", "leather": "#4a3628"}
_AGE_WORDS = {"teens": 15, "twenties": 25, "thirties": 35, "forties": 45, "fifties": 55, "sixties": 65,
              "seventies": 75, "eighties": 85}
_ADVERBS = {"very", "fairly", "quite", "rather", "somewhat", "extremely", "slightly", "oddly", "deeply", "a", "an",
            "the", "and", "but", "yet", "also"}


def _words_re(words: tuple[str, ...] | set[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


def _action_paragraphs(script: Script) -> list[tuple[int, str]]:
    """(line, text) of every action element in order, line breaks folded to spaces."""
    return [(e.line, re.sub(r"\s+", " ", e.text).strip()) for e in script.elements
            if e.type == ElementType.ACTION and e.text.strip()]


def find_introduction(script: Script, name: str) -> tuple[int, str] | None:
    """The action sentence that introduces ``name`` in capitals (``CYBER BOB`` counts for ``BOB``).

    Returns (source line, text from the caps name to the end of its sentence), or None.
    """
    name_rx = re.compile(rf"(?<![A-Za-z])((?:[A-Z][A-Z'’.\-]+ )*{re.escape(name.upper())})(?![A-Za-z])")
    for line, text in _action_paragraphs(script):
        m = name_rx.search(text)
        if not m:
            continue
        rest = text[m.start():]
        end = re.search(r"(?<!\bMr)(?<!\bMrs)(?<!\bDr)(?<!\bMs)[.!?](\s|$)", rest)
        rest = rest[: end.start() + 1] if end else rest
        # "CUTE DOG and MARGARET, 37, ..." introduces two: stop where the next caps name starts
        nxt = re.compile(r"(?<![A-Za-z])[A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+)*(?![a-z])").search(rest, m.end() - m.start())
        if nxt and len(nxt.group(0)) >= 2 and nxt.group(0) not in ("I", "OK", "TV", "V.O."):
            rest = rest[: nxt.start()].rstrip(" ,;")
            rest = re.sub(r"\s+(and|with|or)$", "", rest)
        return line, rest
    return None


def mine_age(intro: str) -> int | None:
    """Age in years from an introduction: ``, 40,`` ``(40)`` ``(30s)`` ``late 20s`` ``mid-forties``."""
    head = intro[:80]
    m = re.search(r"\b(early|mid|late)[- ]?(\d)0'?s\b", head, re.I)
    if m:
        return int(m.group(2)) * 10 + {"early": 2, "mid": 5, "late": 8}[m.group(1).lower()]
    m = re.search(r"\b(early|mid|late)?[- ]?(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties)\b",
                  head, re.I)
    if m:
        base = _AGE_WORDS[m.group(2).lower()] - 5
        return base + {"early": 2, "mid": 5, "late": 8, None: 5}[(m.group(1) or "").lower() or None]
    m = re.search(r"[(,]\s*(\d)0'?s\s*[),]", head)
    if m:
        return int(m.group(1)) * 10 + 5
    m = re.search(r"[(,]\s*(\d{1,3})\s*(?:years old|yrs|y\.o\.)?(?=\s*[),(])", head[:40])
    if m and 0 < int(m.group(1)) < 120:
        return int(m.group(1))
    return None


def mine_pronouns(intro: str, following: str = "") -> str:
    """he/him, she/her or they/them from gendered words in the intro, then the next sentence."""
    for text in (intro, following):
        words = re.findall(r"[a-z]+", text.lower())
        # a noun ("woman") outweighs a stray pronoun about someone else ("crosses his path")
        male = sum((3 if w in MALE_WORDS[:10] else 1) for w in words if w in MALE_WORDS)
        female = sum((3 if w in FEMALE_WORDS[:11] else 1) for w in words if w in FEMALE_WORDS)
        if male > female:
            return "he/him"
        if female > male:
            return "she/her"
    return "they/them"


def mine_appearance(intro: str) -> Appearance:
    """Appearance descriptors from the introduction's words (empty where it says nothing)."""
    low = intro.lower()
    hair_bits: list[str] = []
    colour = ""
    for m in re.finditer(r"((?:[a-z\-]+[ ,]+){0,4})hair\b", low):
        for w in re.findall(r"[a-z\-]+", m.group(1)):
            if w in HAIR_COLOUR_WORDS and not colour:
                colour = w
            elif w in HAIR_STYLE_WORDS:
                hair_bits.append(w)
    for m in re.finditer(r"\b([a-z]+)-haired\b", low):
        w = m.group(1)
        if w in HAIR_COLOUR_WORDS:
            colour = colour or w
        else:
            hair_bits.append(w)
    for w in ("bald", "balding", "ponytail", "bun", "braids", "dreadlocks", "mohawk", "afro", "buzz cut",
              "crew cut", "cornrows"):
        if re.search(rf"\b{w}\b", low) and w not in hair_bits:
            hair_bits.append(w)
    if re.search(r"\bredhead\b", low):
        colour = colour or "red"
    if not colour:
        m = re.search(r"\b(blonde|blond|brunette)\b", low)
        colour = {"brunette": "brown"}.get(m.group(1), m.group(1)) if m else ""
    eyes = ""
    m = re.search(rf"\b({_words_re(EYE_WORDS)})[ -](?:eyes|eyed)\b", low)
    if m:
        eyes = m.group(1)
    build = [w for w in BUILD_WORDS if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", low)]
    if "broad-shouldered" in build and "broad" in build:
        build.remove("broad")
    skin = [w for w in SKIN_WORDS if re.search(rf"\b{w}\b", low)]
    skin += [m.group(1) for m in re.finditer(r"\b([a-z]+)-skinned\b", low)]
    face = [m.group(0) for m in re.finditer(r"\b([a-z]+)[ -](?:face|faced|jawed|jaw|cheekbones)\b", low)]
    face += [w for w in ("weathered", "chiselled", "chiseled", "gaunt", "baby-faced", "round-faced") if w in low
             and not any(w in f for f in face)]
    marks = [w for w in MARK_WORDS if re.search(rf"\b{re.escape(w)}\b", low)]
    return Appearance(face=", ".join(face), hair=" ".join(dict.fromkeys(hair_bits)), hair_color=colour,
                      build=", ".join(build), skin=", ".join(dict.fromkeys(skin)), eyes=eyes, marks=", ".join(marks))


def mine_species(cue: str, intro: str) -> str:
    """"human", or the animal / thing a character is: from its cue (``DOG``, ``CUTE DOG``) or its
    introduction's noun phrase (``CYBER BOSS, ..., an ageless, faceless, world-roaming cloud which ...``).

    A species word only counts as the noun of the phrase: "a dog walker" is a person.
    """
    from studio_kit.backends.image.previz_creatures import SPECIES_FORMS

    for name in cue.lower().split("|"):   # the head noun of any cue: "CUTE DOG" yes, "HORSE RIDER" no
        words = re.findall(r"[a-z]+", name)
        if words and words[-1] in SPECIES_FORMS:
            return words[-1]
    if any(w in MALE_WORDS[:10] or w in FEMALE_WORDS[:11] for w in re.findall(r"[a-z]+", intro.lower()[:120])):
        return "human"
    rx = rf"\b(?:a|an)\s+(?:[a-z'\-]+,?\s+){{0,6}}?({_words_re(set(SPECIES_FORMS))})(?=\s*(?:[,.;:!?)]|$|\s(?:which|that|who|with|named|called|on|in|at|of)\b))"
    m = re.search(rx, intro.lower()[:200])
    return m.group(1) if m else "human"


def mine_clothing(intro: str) -> tuple[str, list[str]]:
    """(look description, colours) from ``in a grey suit`` / ``wearing a red dress`` in the intro."""
    low = intro.lower()
    m = re.search(rf"\b(?:in|wearing|wears|dressed in)\s+(?:a |an |his |her |their |the )?((?:[a-z\-]+ ){{0,3}}"
                  rf"(?:{_words_re(CLOTHING_WORDS)}))s?\b", low)
    if not m:
        return "", []
    phrase = m.group(1).strip()
    colours = [COLOUR_HEX[w] for w in re.findall(r"[a-z]+", phrase) if w in COLOUR_HEX]
    return phrase, colours


def mine_traits(intro: str, name: str) -> list[str]:
    """Short personality adjectives from the intro's comma list (what is not age, body or gender)."""
    body = intro[intro.upper().find(name.upper()) + len(name):] if name.upper() in intro.upper() else intro
    physical = set(BUILD_WORDS) | set(SKIN_WORDS) | set(MARK_WORDS) | set(HAIR_STYLE_WORDS) | {"hair", "eyes"}
    traits: list[str] = []
    for frag in re.split(r",|;|\band\b|—|--", body):
        words = [w for w in re.findall(r"[a-z][a-z\-']*", frag.lower())]
        while words and words[0] in _ADVERBS:
            words.pop(0)
        if not words or words[0] in ("who", "which", "that", "with", "in", "wearing", "as"):
            continue
        if any(w in MALE_WORDS or w in FEMALE_WORDS or w in physical or w.endswith("-haired") for w in words):
            continue
        if len(words) <= 2 and all(w.isalpha() or "-" in w for w in words) and not re.search(r"\d", frag):
            trait = " ".join(words)
        elif words[0] in TRAIT_WORDS:
            trait = words[0]
        else:
            continue
        if trait not in traits:
            traits.append(trait)
    return traits[:8]


def _later_pronoun(paragraphs: list[tuple[int, str]], name: str, after_line: int) -> str:
    """The first he/she pronoun after the character's name in later action ("Mara sits. She waits.")."""
    rx = re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", re.I)
    found = []
    for line, text in paragraphs:
        if line <= after_line:
            continue
        m = rx.search(text)
        if m:
            p = re.search(r"\b(he|she|his|her|him)\b", text[m.end():m.end() + 160], re.I)
            if p and not re.search(r"(?<![A-Za-z])[A-Z]{2,}", text[m.end():m.end() + p.start()]):
                found.append(p.group(1).lower())
        if len(found) >= 3:
            break
    return " ".join(found)


def _dialogue_voice(role: str, age: int | None, seed: int) -> Any:
    try:
        from studio_kit.engines.writing.voices import DialogueVoice
    except ImportError:  # writing engine absent: store a plain description the writer can read later
        return {"role": role}
    preset = "child" if isinstance(age, int) and age < 13 else {"lead": "protagonist"}.get(role, "supporting")
    return DialogueVoice.for_role(preset, random.Random(seed))


def bibles_from_script(script: Script, names: list[str] | None = None) -> list[CharacterBible]:
    """A bible for every speaking part (or only ``names``), mined from their introductions.

    Cues that are short forms of one character (``BOB`` for ``CYBER BOB``) become one bible under
    the fullest name, the others kept as ``aliases``; the role comes from the cast list
    (:func:`studio_kit.engines.characters.cast.cast_list`). Bibles come in script order.
    """
    from studio_kit.engines.characters.cast import cast_list

    cast = sorted(cast_list(script), key=lambda e: e.first_scene)
    wanted = [n.upper() for n in names] if names else None
    paragraphs = _action_paragraphs(script)
    out = []
    for entry in cast:
        if wanted is not None and not any(c.upper() in wanted for c in entry.cues):
            continue
        name = entry.name
        found = next((f for f in (find_introduction(script, c) for c in entry.cues) if f), None)
        line, intro = found if found else (0, "")
        intro_name = next((c for c in entry.cues if intro.upper().find(c.upper()) >= 0), name)
        following = ""
        if found:
            idx = next((i for i, (ln, _) in enumerate(paragraphs) if ln == line), None)
            text = paragraphs[idx][1] if idx is not None else ""
            following = text[text.find(intro) + len(intro):][:200]
            other = re.search(r"(?<![A-Za-z])[A-Z][A-Z'’\-]+(?![a-z])", following)
            following = following[: other.start()] if other else following  # someone else's intro
        role = entry.role
        seed = seed_for(name)
        # the age follows the name as introduced ("CYBER BOB, 40" for the cue BOB)
        head = intro[intro.upper().find(intro_name.upper()) + len(intro_name):] if intro else ""
        age = mine_age(head) if intro else None
        look, colours = mine_clothing(intro)
        wardrobe = {"default": WardrobeLook(name="default", description=look, colors=colours)} if look else {}
        display = name.title() if name.isupper() else name
        later = " ".join(_later_pronoun(paragraphs, c, line) for c in entry.cues)
        out.append(CharacterBible(
            character_id=slugify(name), name=display, aliases=[a.title() if a.isupper() else a for a in entry.aliases],
            role=role, age=age, pronouns=mine_pronouns(intro, following + " " + later),
            description=intro,
            traits=mine_traits(intro, intro_name) if intro else [], appearance=mine_appearance(intro),
            palette=colours, wardrobe=wardrobe, default_look="default" if wardrobe else None,
            style=CharacterStyle.STYLIZED, species=mine_species("|".join([*entry.cues, intro_name]), intro),
            seed=seed, dialogue_voice=_dialogue_voice(role, age, seed),
            source={"script": script.title, "path": script.metadata.get("source_path"), "line": line,
                    "cues": entry.cues, "dialogue_blocks": entry.dialogue_blocks,
                    "scenes": len(entry.scenes), "first_scene": entry.first_scene + 1},
        ))
    return out
