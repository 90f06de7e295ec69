"""Word sense for the breakdown tagger: is a lexicon noun used as a verb here?

A 1st AD reads "Devlin checks his watch" as one prop (WATCH), not two; "a
long oak table" as a TABLE, not greenery. The rules are deliberately small
and only judge the words listed in ``data/lexicons/verb_senses.yaml``: after
a determiner such a word is a noun; after a subject (pronoun or cast name),
an infinitive or a modal it is a verb; in its -s form right before an
object or particle ("checks his", "lifts out") it is a verb. Nouns spelt like
modal verbs ("can") count only after a determiner, a container word ("soda
can") or before "of".
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from studio_kit.domain.preproduction import BreakdownCategory as Cat

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicons"

#: words before a noun: after them a verb-sense word is a noun ("his watch", "the tape")
DETERMINERS = {"a", "an", "the", "his", "her", "its", "their", "my", "your", "our", "this", "that", "these",
               "those", "some", "any", "no", "every", "each", "another", "one", "two", "three", "several", "many"}
#: words before a verb: subject pronouns, infinitive and modals ("she checks", "to lift", "can watch")
VERB_LEAD = {"he", "she", "it", "they", "who", "which", "we", "i", "you", "to", "will", "would", "can", "could",
             "must", "should", "might", "may", "cannot", "can't", "won't", "don't", "doesn't", "didn't", "then",
             "finally", "slowly", "quickly", "gently", "carefully", "still", "also", "just", "barely"}
#: words after an -s verb: its object or particle ("checks his watch", "lifts out", "watches from")
VERB_TAIL = {"his", "her", "its", "their", "my", "your", "our", "the", "a", "an", "it", "him", "them", "me", "us",
             "out", "up", "down", "off", "from", "over", "back", "again", "away", "at", "into", "onto", "through",
             "across", "toward", "towards", "around", "himself", "herself", "themselves", "everything",
             "something", "nothing", "this", "that"}
#: nouns spelt like modal verbs: nouns only after a determiner or before "of"
MODAL_NOUNS = {"can", "will", "may", "might", "must"}
CAN_MODIFIERS = {"soda", "tin", "beer", "paint", "trash", "garbage", "gas", "petrol", "oil", "film", "watering",
                 "spray", "coffee", "soup", "food", "aerosol", "milk", "cookie", "tomato"}
#: categories whose lexicons hold nouns (SFX, VFX and sound lexicons list verbs on purpose: "explodes", "hums")
NOUN_CATEGORIES = {Cat.PROPS, Cat.WARDROBE, Cat.SET_DRESSING, Cat.SPECIAL_EQUIPMENT, Cat.MAKEUP_HAIR, Cat.GREENERY,
                   Cat.SECURITY, Cat.VEHICLES, Cat.ANIMALS}


@lru_cache(maxsize=1)
def verb_senses() -> frozenset[str]:
    """Lexicon nouns that are also action verbs (``verb_senses.yaml``)."""
    import yaml

    data = yaml.safe_load((LEXICON_DIR / "verb_senses.yaml").read_text(encoding="utf-8")) or {}
    return frozenset(str(t).lower() for t in data.get("terms", []))


def used_as_verb(m: Any, words: list[tuple[int, int, str]], cast_words: set[str]) -> bool:
    """True when a one-word lexicon match is the verb of its sentence, not an object.

    Only words listed in ``verb_senses.yaml`` are judged: after a determiner
    they are nouns; after a subject (pronoun or cast name), an infinitive or a
    modal they are verbs; in the -s form before an object or particle
    ("checks his", "lifts out") they are verbs.
    """
    if " " in m.text.strip() or m.term not in verb_senses():
        return False
    i = next((k for k, w in enumerate(words) if w[0] == m.start), None)
    if i is None:
        return False
    prev = words[i - 1][2] if i > 0 else ""
    nxt = words[i + 1][2] if i + 1 < len(words) else ""
    if prev in DETERMINERS:
        return False
    if m.text.lower() in MODAL_NOUNS:     # "her memory can hear": a noun only as "a can", "soda can", "can of"
        return nxt != "of" and prev not in CAN_MODIFIERS
    if prev in VERB_LEAD or prev in cast_words:
        return True
    inflected = m.text.lower().endswith("s")          # "checks", "watches", and "tears" itself
    return inflected and nxt in VERB_TAIL
