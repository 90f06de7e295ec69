"""Character bibles mined from a screenplay.

Screenwriters introduce a character once, in capitals, with the essentials:
``CYBER BOB, 40, a white man, a mild, goofy, fairly daft pawn of a soul`` or
``MARA (30s), wiry, close-cropped grey hair, a scar through one eyebrow``. This
module finds that introduction for every speaking character and reads it with
small vocabularies (no model needed): age, pronouns (only on evidence), hair,
eyes, build, skin, face, marks, costume pieces (a wardrobe look), occupation, and
personality adjectives as traits. What it cannot find stays empty for people.
"""
from __future__ import annotations

import random
import re
from collections.abc import Sequence

from studio_kit.domain.cast import GENERIC_CUES, _holds, cast_list, part_kind
from studio_kit.domain.character import (
    SPECIES_FORMS,
    Appearance,
    CharacterBible,
    CharacterStyle,
    WardrobeLook,
    seed_for,
    slugify,
)
from studio_kit.domain.dialogue import DialogueVoice
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
               "sweet", "sour", "friendly", "hostile", "polite", "rude", "tough", "soft-spoken", "confident", "lonely",
               "surly", "jolly", "wily", "kindly", "sleepless", "tense", "sullen", "blunt", "smug", "vain",
               "humble", "brisk", "terse", "mean", "nice", "keen", "dour", "glum", "meek", "prim", "sane", "fussy"}
MALE_WORDS = ("man", "boy", "guy", "gentleman", "father", "dad", "husband", "son", "brother", "uncle", "king",
              "he", "his", "him", "mr", "sir", "lad")
FEMALE_WORDS = ("woman", "girl", "lady", "mother", "mom", "mum", "wife", "daughter", "sister", "aunt", "queen",
                "she", "her", "hers", "mrs", "ms", "miss", "lass")
CLOTHING_WORDS = ("suit", "tuxedo", "jacket", "coat", "raincoat", "overcoat", "trench coat", "dress", "gown",
                  "uniform", "scrubs", "hoodie", "sweater", "shirt", "t-shirt", "blouse", "jeans", "overalls",
                  "robe", "apron", "cardigan", "vest", "skirt", "tracksuit", "parka", "blazer", "kimono", "sari",
                  "lab coat", "pajamas", "pyjamas", "jumpsuit", "cape", "cloak", "armor", "armour", "shoes",
                  "boots", "sneakers", "trainers", "sandals", "heels", "gloves", "mittens", "hat", "cap", "beanie",
                  "scarf", "tie", "bow tie", "trousers", "pants", "shorts", "slacks", "leggings", "socks", "slippers",
                  "poncho", "waistcoat", "sweatshirt", "fleece", "windbreaker", "anorak", "dungarees", "jumper",
                  "pullover", "turtleneck", "tunic", "smock", "bathrobe", "nightgown", "shawl", "veil", "bandana",
                  "bowler", "fedora", "beret", "sunglasses", "kilt", "tux")
#: noun endings of occupations and roles ("projectionist", "owner", "developer", "archivist", "librarian")
ROLE_SUFFIXES = ("ist", "er", "or", "ian", "eer", "ess", "man", "woman", "keeper", "maker")
#: adjective endings: what a personality trait that is not in TRAIT_WORDS usually ends with
ADJECTIVE_SUFFIXES = ("ous", "ful", "less", "ive", "ish", "able", "ible", "ic", "al", "y", "ed", "ing", "ant",
                      "ent", "ile", "id", "ern", "ary")
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


_CAPS_NAME = re.compile(r"(?<![A-Za-z])[A-Z][A-Z'’\-]+(?: [A-Z][A-Z'’\-]+)*(?![a-z])")
_SENTENCE_END = re.compile(r"(?<!\b[Mm][Rr])(?<!\b[Mm][Rr][Ss])(?<!\b[Dd][Rr])(?<!\b[Mm][Ss])(?<!\b[Ss][Tt])"
                           r"(?<!\b[ap]\.m)[.!?](?=\s|$)")   # "MR. SMITH" and "6 a.m." go on


def _introduces_someone(text: str, m: re.Match, cues: list[str]) -> bool:
    """Is the caps run ``m`` another character's introduction (a speaking cue, or ``NAME, 40`` / ``NAME (30s``)?"""
    run = m.group(0)
    if len(run) < 2 or run in ("I", "OK", "TV", "V.O.", "O.S."):
        return False
    if any(_holds(run, c) for c in cues):
        return True
    return bool(re.match(r"\s*(?:,\s*(?:\d|early|mid|late|in (?:his|her|their))|\()", text[m.end():]))


def find_introduction(script: Script, name: str) -> tuple[int, str] | None:
    """The action sentence that introduces ``name`` in capitals (``CYBER BOB`` counts for ``BOB``).

    Returns (source line, text from the caps name to the end of its sentence), or None. Props and
    sounds in capitals (``threads a FILM REEL``) stay in; where the sentence goes on to introduce
    someone else (``CUTE DOG and MARGARET, 37, ...``) it stops before them.
    """
    name_rx = re.compile(rf"(?<![A-Za-z])((?:[A-Z][A-Z'’.\-]+ )*{re.escape(name.upper())})(?![A-Za-z])")
    others = [c for c in script.speaking_characters if c.upper() != name.upper() and name.upper() not in c.upper()]
    for line, text in _action_paragraphs(script):
        m = name_rx.search(text)
        if not m:
            continue
        rest = text[m.start():]
        end = _SENTENCE_END.search(rest)
        rest = rest[: end.start() + 1] if end else rest
        nxt = next((n for n in _CAPS_NAME.finditer(rest, m.end() - m.start()) if _introduces_someone(rest, n, others)),
                   None)
        if nxt is not None:
            rest = rest[: nxt.start()].rstrip(" ,;")
            rest = re.sub(r"\s+(and|with|or)$", "", rest)
        return line, rest
    return None


def describe_introduction(paragraph: str, intro: str, cues: list[str], display: str, pronouns: str,
                          others: Sequence[str] = ()) -> str:
    """The bible description: the whole introduction sentence in prose case (a character introduced in
    someone else's sentence gets its own clause: ``Margaret, 37, a white woman, ...``), plus the next
    sentences of the paragraph while they are about the character (``She leads the dog on a leash.``).
    Capitals are screenplay emphasis: the cue becomes the name, other cues Title Case, props lower case."""
    start = paragraph.find(intro) if intro else -1
    if start < 0:                                                    # no introduction: "" stays ""
        return _prose_case(intro, cues, display, others)
    before = paragraph[:start]
    sentence_start = max((m.end() for m in _SENTENCE_END.finditer(before)), default=0)
    lead_in = before[sentence_start:].strip()
    # "Across the room, JOHN (40s) waits." keeps its opening; a sentence that is someone else's
    # ("He admires a CUTE DOG and MARGARET, 37, ...") gives this character only its own clause
    someone_else = re.match(r"(?:he|she|they|it|we)\b", lead_in, re.IGNORECASE) or any(
        re.search(rf"(?<![A-Za-z]){re.escape(o)}(?![A-Za-z])", lead_in, re.IGNORECASE) for o in others)
    article = re.search(r"(?:^|\s)(a|an|the)$", lead_in, re.IGNORECASE)
    if lead_in and not someone_else:
        text = lead_in + " " + intro.strip()
    else:                                                            # "He admires a CUTE DOG" → "A cute dog"
        text = (article.group(1).capitalize() + " " if article else "") + intro.strip()
    text = re.sub(r"[\s,;:\-–—]+$", "", text)
    if not re.search(r"[.!?][\"')]*$", text):
        text += "."
    # the next sentences while they stay about this character (its pronoun or name opens them)
    subject = {"he/him": "He", "she/her": "She"}.get(pronouns, "They")
    names = {display.split()[0].lower(), *(c.split()[-1].lower() for c in cues)}
    tail = paragraph[start + len(intro):]
    if intro.strip()[-1:] in ".!?":                  # not cut short by someone else's introduction
        for sentence in re.findall(r"\s*([^.!?]+[.!?])", tail)[:2]:
            first = sentence.split()[0].strip(",") if sentence.split() else ""
            if first != subject and first.lower() not in names:
                break
            if any(_introduces_someone(sentence, n, list(others)) for n in _CAPS_NAME.finditer(sentence)):
                break
            text += " " + sentence.strip()
    return _prose_case(text, cues, display, others)


def _prose_case(text: str, cues: list[str], display: str, others: Sequence[str]) -> str:
    """Screenplay capitals to prose: this character's cue → its name, other cues → Title Case, the rest lower."""
    def fix(m: re.Match) -> str:
        run = m.group(0)
        if run in ("MR", "MRS", "MS", "DR", "ST"):
            return run.title()
        if len(run) <= 2:
            return run
        if any(_holds(run, c) or _holds(c, run) for c in cues):     # "MR. SMITH" is two runs of one name
            if any(c in GENERIC_CUES for c in cues):
                return run.lower()
            return display if run.upper() == display.upper() or any(run == c for c in cues) else run.title()
        return run.title() if any(_holds(run, c) or _holds(c, run) for c in others) else run.lower()

    out = _CAPS_NAME.sub(fix, text)
    return out[:1].upper() + out[1:]


def mine_age(intro: str) -> int | None:
    """Age in years from an introduction: ``, 40,`` ``(40)`` ``(30s)`` ``late 20s`` ``mid-forties``."""
    head = intro[:80]
    m = re.search(r"\b(early|mid|late)[- ]?(\d)0'?s\b", head, re.IGNORECASE)
    if m:
        return int(m.group(2)) * 10 + {"early": 2, "mid": 5, "late": 8}[m.group(1).lower()]
    m = re.search(r"\b(early|mid|late)?[- ]?(teens|twenties|thirties|forties|fifties|sixties|seventies|eighties)\b",
                  head, re.IGNORECASE)
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


_NOT_A_NOUN = {"a", "an", "the", "to", "and", "or", "but", "as", "at", "in", "on", "up", "off", "out", "back",
               "down", "over", "into", "away", "with", "for", "from", "by", "again", "too", "go", "goes", "be"}


def _pronoun_evidence(text: str, nouns: bool = True) -> tuple[int, int]:
    """(male, female) weights of the gender evidence in ``text``: gendered nouns and titles (3 each),
    subject / possessive / reflexive pronouns (1 each). Object pronouns are someone else's: "hands
    her the keys", "watches him go" say nothing about the subject; nor does "the man's daughter"."""
    male = female = 0
    tokens = re.findall(r"[a-z]+(?:'s)?|[^\sa-z]", text.lower())
    for i, tok in enumerate(tokens):
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        noun = nouns and tok not in ("he", "his", "him", "she", "her", "hers")    # "man", "mother", "mrs"
        if noun and tok in MALE_WORDS or noun and tok in FEMALE_WORDS:
            male, female = (male + 3, female) if tok in MALE_WORDS else (male, female + 3)
        elif tok in ("he", "his", "himself"):
            male += 1
        elif tok in ("she", "hers", "herself") or (tok == "her" and nxt.isalpha() and nxt not in _NOT_A_NOUN):
            female += 1
    return male, female


def mine_pronouns(intro: str, following: str = "") -> str:
    """he/him or she/her only on evidence, else they/them. Evidence: a gendered noun in the introduction
    (``a white woman``), the character's own possessives in it (``ink on her fingers``), then pronouns in
    what follows (``following``: ``She leads the dog.``), which only count when the introduction has none."""
    for text, nouns in ((intro, True), (following, False)):
        male, female = _pronoun_evidence(text, nouns)
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
        named = re.search(r"\b(blonde|blond|brunette)\b", low)
        colour = {"brunette": "brown"}.get(named.group(1), named.group(1)) if named else ""
    eyes = ""
    eyed = re.search(rf"\b({_words_re(EYE_WORDS)})[ -](?:eyes|eyed)\b", low)
    if eyed:
        eyes = eyed.group(1)
    # a build word that modifies hair, a mark or a costume is not the body's build: "short grey hair",
    # "a small scar", "a big red coat" (up to two words between it and the noun)
    owned = _words_re(("hair", "haired", "beard", "moustache", "mustache", "scar", "tattoo", "nose", "eyes", "hands",
                       "fingers", "ponytail", "bun", "braid", "braids", *CLOTHING_WORDS))
    build = [w for w in BUILD_WORDS
             if any(not re.match(rf"(?:\s+[a-z\-]+){{0,2}}?[\s-](?:{owned})s?\b", low[m.end():])
                    for m in re.finditer(rf"(?<![\w-]){re.escape(w)}(?![\w-])", low))]
    if "broad-shouldered" in build and "broad" in build:
        build.remove("broad")
    skin = [w for w in SKIN_WORDS if re.search(rf"\b{w}\b", low)]
    skin += [m.group(1) for m in re.finditer(r"\b([a-z]+)-skinned\b", low)]
    # what the script says of a person's colour or origin, as it says it: "a white man", "a Black woman"
    skin += [m.group(1) for m in re.finditer(
        r"\b(white|black|brown|asian|east asian|south asian|latina|latino|latinx|hispanic|indigenous|"
        r"mixed-race|biracial|arab|middle eastern)\s+(?:[a-z\-]+\s+)?(?:man|woman|boy|girl|guy|lady|gentleman|"
        r"person|kid|teen|teenager|child)\b", low)]
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
    for name in cue.lower().split("|"):   # the head noun of any cue: "CUTE DOG" yes, "HORSE RIDER" no
        words = re.findall(r"[a-z]+", name)
        if words and words[-1] in SPECIES_FORMS:
            return words[-1]
    if any(w in MALE_WORDS[:10] or w in FEMALE_WORDS[:11] for w in re.findall(r"[a-z]+", intro.lower()[:120])):
        return "human"
    rx = rf"\b(?:a|an)\s+(?:[a-z'\-]+,?\s+){{0,6}}?({_words_re(set(SPECIES_FORMS))})(?=\s*(?:[,.;:!?)]|$|\s(?:which|that|who|with|named|called|on|in|at|of)\b))"
    m = re.search(rx, intro.lower()[:200])
    return m.group(1) if m else "human"


ROLE_NOUNS = {"nurse", "doctor", "cop", "chef", "cook", "pilot", "clerk", "guard", "priest", "judge", "nun", "monk",
              "maid", "nanny", "orderly", "medic", "surgeon", "sheriff", "deputy", "mayor", "boss", "thief", "spy",
              "chief", "coach", "captain", "sergeant", "agent", "student", "assistant", "tenant", "merchant",
              "servant", "president", "resident", "intern", "vet", "cadet", "scout", "executive", "detective",
              "landlord", "landlady", "host", "hostess", "heir", "heiress", "mogul", "tycoon", "medium", "psychic",
              "veteran", "recruit", "rookie", "novice", "expert", "legend", "boxer"}
_AGE_ADJECTIVES = {"old", "young", "elderly", "aged", "middle-aged", "teenage", "youthful", "older", "younger"}


def _is_role_noun(word: str) -> bool:
    """An occupation / role noun ("projectionist", "owner", "developer", "nurse"), not a personality."""
    if word in TRAIT_WORDS or word.endswith(("less", "ness")):      # "ageless" is no hostess
        return False
    return word in ROLE_NOUNS or word.endswith(ROLE_SUFFIXES)


def _is_clothing(words: list[str]) -> bool:
    """Does this phrase end in a costume piece ("sharp suit", "black boots", "lab coat")?"""
    tail = " " + " ".join(words[-2:])
    return any(tail.endswith((" " + c, " " + c + "s")) for c in CLOTHING_WORDS)


def _descriptive_fragments(intro: str, name: str) -> list[list[str]]:
    """The intro after the name, split at commas, parentheses, dashes and "and", as lower-case word lists
    (leading articles and adverbs dropped): ``OTTO (70s, the old owner, cardigan, CANE) sits`` →
    ``[["70s"], ["old", "owner"], ["cardigan"], ["cane"], ["sits", ...]]``."""
    body = intro[intro.upper().find(name.upper()) + len(name):] if name.upper() in intro.upper() else intro
    out = []
    for frag in re.split(r",|;|\(|\)|\band\b|—|--|\.", body):
        words = re.findall(r"[a-z0-9][a-z0-9\-']*", frag.lower())
        while words and (words[0] in _ADVERBS or (words[0].endswith("ly") and words[0] not in TRAIT_WORDS
                                                   and len(words) > 1)):
            words.pop(0)
        if words:
            out.append(words)
    return out


def mine_clothing(intro: str, name: str = "") -> tuple[str, list[str]]:
    """(look description, colours): ``in a grey suit`` / ``wearing a red dress``, and bare costume pieces in
    the introduction's list (``OTTO (70s, the old owner, cardigan)``, ``sharp suit, sharper shoes``)."""
    low = intro.lower()
    phrases = [m.group(1).strip() for m in re.finditer(
        rf"\b(?:in|wearing|wears|dressed in)\s+(?:a |an |his |her |their |the )?((?:[a-z\-]+ ){{0,3}}"
        rf"(?:{_words_re(CLOTHING_WORDS)}))s?\b", low)]
    for words in _descriptive_fragments(intro, name):
        while words and words[0] in ("in", "wearing", "wears", "dressed", "a", "an", "his", "her", "their", "the"):
            words.pop(0)
        if 0 < len(words) <= 4 and _is_clothing(words):
            phrase = " ".join(words)
            if not any(phrase in p or p in phrase for p in phrases):
                phrases.append(phrase)
    if not phrases:
        return "", []
    phrase = ", ".join(phrases)
    colours = list(dict.fromkeys(COLOUR_HEX[w] for w in re.findall(r"[a-z]+", phrase) if w in COLOUR_HEX))
    return phrase, colours


def mine_occupation(intro: str, name: str) -> str:
    """What the character does, from the introduction's list: ``a projectionist who has not slept`` →
    "projectionist", ``the old owner`` → "old owner", ``developer``; "" when it names none."""
    for words in _descriptive_fragments(intro, name):
        cut = next((i for i, w in enumerate(words) if w in ("who", "which", "that", "with", "of", "from", "in")),
                   len(words))
        head = [w for w in words[:cut] if not re.match(r"\d", w)]
        head = [w for w in head[:-1] if not _is_trait_word(w) and w not in _AGE_ADJECTIVES] + head[-1:]  # the job
        if not head or len(head) > 3 or any(w in MALE_WORDS or w in FEMALE_WORDS for w in head):
            continue
        if _is_role_noun(head[-1]) and not _is_clothing(head):
            return " ".join(head)
    return ""


def _is_trait_word(word: str) -> bool:
    if word in TRAIT_WORDS:
        return True
    if word in _AGE_ADJECTIVES or _is_role_noun(word) or _is_clothing([word]) or re.search(r"\d", word):
        return False
    if word.endswith("ly"):                       # an adverb ("slowly"), not a personality
        return False
    return word.endswith(ADJECTIVE_SUFFIXES)


def mine_traits(intro: str, name: str) -> list[str]:
    """Personality adjectives from the introduction's list: what is not age, body, gender, costume or job
    (``the old owner, cardigan`` give none; ``a mild, goofy, fairly daft pawn of a soul`` give three)."""
    physical = set(BUILD_WORDS) | set(SKIN_WORDS) | set(MARK_WORDS) | set(HAIR_STYLE_WORDS) | {"hair", "eyes"}
    traits: list[str] = []
    for words in _descriptive_fragments(intro, name):
        if words[0] in ("who", "which", "that", "with", "in", "wearing", "as"):
            continue
        cut = next((i for i, w in enumerate(words) if w in ("who", "which", "that", "with", "of")), len(words))
        if _is_clothing(words[:cut]) or (cut > 1 and _is_role_noun(words[cut - 1])):
            continue                               # a costume ("sharp suit") or a job ("old owner")
        if any(w in MALE_WORDS or w in FEMALE_WORDS or w in physical or w.endswith("-haired") for w in words):
            continue
        if len(words) <= 2 and all(_is_trait_word(w) for w in words):
            trait = " ".join(words)
        elif words[0] in TRAIT_WORDS:
            trait = words[0]
        else:
            continue
        if trait not in traits:
            traits.append(trait)
    return traits[:8]


def _later_pronoun(paragraphs: list[tuple[int, str]], name: str, after_line: int, others: tuple = ()) -> str:
    """The character's own pronouns in later action: the subject or possessive pronoun right after their
    name ("Mara sits. She waits."), unless someone else is named in between ("Mara hands Otto the tin.
    He ..." says nothing about Mara). Object pronouns (him, her the ...) are never the character's."""
    rx = re.compile(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", re.IGNORECASE)
    other_rx = re.compile(rf"(?<![A-Za-z])(?:{_words_re(set(others))})(?![A-Za-z])", re.IGNORECASE) if others else None
    found = []
    for line, text in paragraphs:
        if line <= after_line:
            continue
        m = rx.search(text)
        if m:
            window = text[m.end():m.end() + 160]
            p = re.search(r"\b(he|she|his|her|himself|herself)\b(\s+[a-z]+)?", window, re.IGNORECASE)
            between = window[: p.start()] if p else ""
            if p and p.group(1).lower() == "her" and (not p.group(2) or p.group(2).strip() in _NOT_A_NOUN):
                continue                      # "hands her the keys": someone else
            if p and not re.search(r"(?<![A-Za-z])[A-Z]{2,}", between) and not (other_rx and other_rx.search(between)):
                found.append(p.group(1).lower())
        if len(found) >= 3:
            break
    return " ".join(found)


#: interjections that open a line: a verbal tic when a character really opens lines with them again and again
_OPENERS = ("uh", "um", "uhm", "er", "erm", "eh", "oh", "ah", "hm", "hmm", "well", "look", "listen", "hey", "so",
            "okay", "ok", "like", "yeah", "man", "dude", "honey", "sir", "see")


def _dialogue_voice(role: str, age: int | None, seed: int, lines: list[str] | None = None) -> DialogueVoice:
    """How the character talks, read from their real lines: sentence length, contractions (formality),
    tics they actually repeat, lines they actually say more than once. Nothing invented: a character who
    never repeats a phrase has no catchphrase, one who never says "Look," has no such tic."""
    preset = "child" if isinstance(age, int) and age < 13 else {"lead": "protagonist"}.get(role, "supporting")
    base = DialogueVoice.for_role(preset, random.Random(seed))
    lines = [" ".join(t.split()) for t in (lines or []) if t.strip()]
    if not lines:
        return base.model_copy(update={"verbal_tics": [], "catchphrases": [], "vocabulary": []})
    sentences = [x for t in lines for x in re.split(r"(?<=[.!?])\s+", t) if x.strip()]
    lengths = sorted(len(x.split()) for x in sentences)
    median = lengths[len(lengths) // 2]
    words = [w for t in lines for w in t.split()]
    contractions = sum(1 for w in words if re.search(r"[a-z]'(?:s|re|ve|ll|d|t|m)\b", w.lower()))
    formality = round(max(0.0, min(1.0, 0.6 - 4 * contractions / max(1, len(words)))), 2)
    openers: dict[str, int] = {}
    for t in lines:
        first = re.match(r"([A-Za-z]+)([,.!?—]|\s)", t)
        if first and first.group(1).lower() in _OPENERS:
            key = first.group(1).capitalize() + ("," if first.group(2) in ", " else first.group(2))
            openers[key] = openers.get(key, 0) + 1
    tics = [k for k, n in openers.items() if n >= 2]
    said: dict[str, int] = {}
    for x in sentences:
        key = x.strip()
        if len(key.split()) >= 2:
            said[key] = said.get(key, 0) + 1
    catch = [k for k, n in said.items() if n >= 2]
    return DialogueVoice(vocabulary=[], sentence_length=max(2, min(30, median)), verbal_tics=tics,
                         tic_rate=round(sum(openers.get(t, 0) for t in tics) / len(lines), 2) if tics else 0.0,
                         formality=formality, catchphrases=catch,
                         catchphrase_rate=round(sum(said[c] for c in catch) / len(lines), 2) if catch else 0.0)


def bibles_from_script(script: Script, names: list[str] | None = None) -> list[CharacterBible]:
    """A bible for every speaking part (or only ``names``), mined from their introductions.

    Cues that are short forms of one character (``BOB`` for ``CYBER BOB``) become one bible under
    the fullest name, the others kept as ``aliases``; the role comes from the cast list
    (:func:`studio_kit.engines.characters.cast.cast_list`). Bibles come in script order.
    """
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
        look, colours = mine_clothing(intro, intro_name)
        wardrobe = {"default": WardrobeLook(name="default", description=look, colors=colours)} if look else {}
        display = name.title() if name.isupper() else name
        others = tuple(o for e in cast if e is not entry for c in e.cues for o in (c, c.title()))
        later = " ".join(_later_pronoun(paragraphs, c, line, others) for c in entry.cues)
        pronouns = mine_pronouns(intro, following + " " + later)
        paragraph = next((t for ln, t in paragraphs if ln == line), intro)
        kinds = part_kind(script, name, list(entry.aliases))
        out.append(CharacterBible(
            character_id=slugify(name), name=display, aliases=[a.title() if a.isupper() else a for a in entry.aliases],
            role=role, age=age, pronouns=pronouns,
            description=describe_introduction(paragraph, intro, entry.cues, display, pronouns,
                                              [c for e in cast if e is not entry for c in e.cues]),
            traits=mine_traits(intro, intro_name) if intro else [], appearance=mine_appearance(intro),
            palette=colours, wardrobe=wardrobe, default_look="default" if wardrobe else None,
            style=CharacterStyle.STYLIZED, species=mine_species("|".join([*entry.cues, intro_name]), intro),
            seed=seed, dialogue_voice=_dialogue_voice(role, age, seed, [
                b.text for sc in script.scenes for b in sc.dialogue if b.character in entry.cues]),
            source={"script": script.title, "path": script.metadata.get("source_path"), "line": line,
                    "cues": entry.cues, "dialogue_blocks": entry.dialogue_blocks,
                    "scenes": len(entry.scenes), "first_scene": entry.first_scene + 1,
                    "introduction": intro, "occupation": mine_occupation(intro, intro_name) if intro else "",
                    # how the part is produced, as the breakdown and the budget price it (one reading of the script)
                    "performer": kinds[0], "needs": kinds[1]},
        ))
    return out
