"""Small English grammar guards for generated text: number, articles, echoes.

The procedural writer fills sentence templates with words taken from the
logline ("patients", "orchid") and the genre vocabularies; these helpers keep
the result grammatical the way a script reader expects:

* :func:`is_plural` / :func:`indefinite` - "a patient", "an orchid", no "A Patients";
* :func:`agree` - a template's verb follows a plural slot ("the patients are", not "is");
* :func:`echoes` - content words a sentence repeats ("The wind brings wind"), so the
  writer can pick again; :func:`new_echoes` ignores repeats the template wrote on purpose
  ("Drinks. Grimaces. Drinks again.").
"""
from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=1)
def _inflect():
    """inflect's engine, built on first use (its import costs seconds; most commands never need it)."""
    import inflect

    return inflect.engine()

# singular nouns ending in "s" that the simple rule would read as plurals
_SINGULAR_S = set("""news series species physics mathematics chess bus gas lens canvas atlas bias iris chaos
christmas diabetes measles thermos circus virus status campus census corpus genius octopus cactus""".split())
# collective nouns that take a plural verb ("the police are"), which inflect reads as singular
_IRREGULAR_PLURALS = set("""people police cattle folk""".split())

# function words: repeating these is normal English
STOPWORDS = set("""a an the and or but of in on at to for from with by into onto over under after before when
while who whom whose which that this these those than as is are was were be been being am must can could should
would will shall may might has have had do does did not no yet so if then until about against during without
within along across behind up down out off it its it's i i'm i've i'd i'll you you're your we we're our us they
they're their them he she his her him me my mine what why how where there here all one just now very too again
don't can't won't isn't aren't wasn't didn't doesn't it'll that's there's let's okay oh""".split())

# people and animals: talked about, never "turned over in her hands"
PEOPLE_NOUNS = set("""patient patients nurse nurses doctor doctors child children kid kids girl girls boy boys man men
woman women friend friends stranger strangers hostage hostages student students worker workers soldier soldiers
prisoner prisoners refugee refugees villager villagers guest guests family families brother brothers sister sisters
mother father son daughter wife husband baby babies twin twins teenager teenagers orphan orphans witness witnesses
detective detectives cop cops officer officers survivor survivors passenger passengers crew neighbour neighbours
neighbor neighbors people person dog dogs cat cats horse horses wolf wolves bird birds creature creatures alien
aliens ghost ghosts robot robots""".split())

_VERB_PLURAL = {"is": "are", "isn't": "aren't", "was": "were", "wasn't": "weren't", "has": "have",
                "doesn't": "don't", "does": "do", "hasn't": "haven't", "'s": " are"}  # the slot pattern's verbs
_NOT_VERBS = {"this", "his", "yes", "plus", "less", "across", "always", "sometimes", "perhaps", "towards", "besides"}
_S_VERBS_KEEP = {"lies": "lie", "dies": "die", "ties": "tie"}


@lru_cache(maxsize=4096)
def _head_is_plural(head: str) -> bool:
    if head in _IRREGULAR_PLURALS:
        return True
    if head in _SINGULAR_S or len(head) < 3:
        return False
    return _inflect().singular_noun(head) is not False   # inflect: "patients", "children", "mice"


def is_plural(noun_phrase: str) -> bool:
    """Whether a noun phrase reads as plural ("the patients", "old shoes"; not "the glass", "the news")."""
    words = re.findall(r"[A-Za-z']+", noun_phrase.lower())
    return bool(words) and _head_is_plural(words[-1])


def singular(noun: str) -> str:
    """The singular of a plural noun ("patients" -> "patient", "children" -> "child"); others unchanged."""
    if not is_plural(noun):
        return noun
    return _inflect().singular_noun(noun) or noun


@lru_cache(maxsize=4096)
def indefinite(word: str) -> str:
    """"a" or "an" for the word that follows, by sound (inflect: an hour, a unicorn, an FBI agent)."""
    w = word.strip()
    return _inflect().a(w).split()[0] if w else "a"


@lru_cache(maxsize=4096)
def _plural_verb(verb: str) -> str:
    low = verb.lower()
    if low in _VERB_PLURAL:
        return _VERB_PLURAL[low]
    if low in _S_VERBS_KEEP:           # inflect turns "lies" into "ly"
        return _S_VERBS_KEEP[low]
    return _inflect().plural_verb(verb)


def agree(template: str, slot: str, plural: bool) -> str:
    """Make the verb right after ``{slot}`` (and an "its" it owns) plural when the slot's noun is.

    ``agree("{obj} is connected", "obj", True)`` -> ``"{obj} are connected"``;
    ``"{place} keeps its promises"`` -> ``"{place} keep their promises"``.
    Verbs are only touched directly after the slot, so other sentences stay as written.
    """
    if not plural or "{" + slot + "}" not in template:
        return template
    pattern = re.compile(r"(\{" + slot + r"\}) (is|isn't|was|wasn't|has|hasn't|does|doesn't|[a-z]{2,}s)\b( its\b)?")

    def fix(m: re.Match) -> str:
        verb = m.group(2)
        if verb in _NOT_VERBS or not (verb in _VERB_PLURAL or verb.endswith("s")) or verb.endswith(("ss", "us")):
            return m.group(0)
        return f"{m.group(1)} {_plural_verb(verb)}" + (" their" if m.group(3) else "")

    out = pattern.sub(fix, template)
    # "{thing} ... as if it might" -> "as if they might"
    out = re.sub(r"(\{" + slot + r"\}[^.!?]*?\bas if) it\b", r"\1 they", out)
    return out.replace("{" + slot + "}'s", "{" + slot + "}'")


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def echoes(text: str) -> set[str]:
    """Content words (stemmed) that appear twice within one sentence of ``text``."""
    found: set[str] = set()
    for sentence in re.split(r"(?<=[.!?])\s+", text):      # "...right?" tics stay with their sentence
        seen: set[str] = set()
        for word in re.findall(r"[a-z][a-z']*", sentence.lower()):
            if word in STOPWORDS or len(word) < 3:
                continue
            stem = _stem(word)
            if stem in seen:
                found.add(stem)
            seen.add(stem)
    return found


def new_echoes(template: str, text: str) -> set[str]:
    """Echoes in ``text`` that its ``template`` did not write itself (slot words, added tics)."""
    if not text:
        return set()
    return echoes(text) - echoes(re.sub(r"\{[^}]*\}", " ", template))


def fix_articles(text: str) -> str:
    """Correct "a"/"an" before the following word ("a old key" -> "an old key"), keeping capitals."""
    def fix(m: re.Match) -> str:
        article, word = m.group(1), m.group(2)
        if len(word) > 1 and word.isupper():
            return m.group(0)            # acronyms and props in caps: "a USB DRIVE", "an FBI agent"
        right = indefinite(word)
        if article.lower() == right:
            return m.group(0)
        right = right.capitalize() if article[0].isupper() else right
        return f"{right} {word}"

    return re.sub(r"\b([Aa]n?) ([A-Za-z][\w'-]*)", fix, text)
