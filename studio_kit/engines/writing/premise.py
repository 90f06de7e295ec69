"""The premise of a logline, and the checks that a written scene carries it.

:func:`read_premise` reads a one-sentence logline without an NLP model (the
writer runs offline in well under a second) into a :class:`Premise`:

* ``protagonist`` ("disgraced court reporter"), its head noun ("reporter") and,
  when that head is a job, the ``occupation`` ("court reporter");
* ``pronoun`` for the protagonist as the logline uses it ("her estranged son");
* ``predicate``: what the protagonist does, the logline after its subject
  ("discovers that her estranged son is the key witness in a murder trial she
  is covering") - the story's central conflict;
* ``setting``: the logline's place, else where the occupation works
  ("court reporter" -> courthouse);
* ``central_object``: the first concrete thing (never a person, a place, an
  activity like "the reporting", or a pronoun);
* ``people``: other persons named (they become characters), and the
  ``antagonist`` when the logline marks one ("a corrupt director", "from the
  cartel"); ``conflict``: the abstract noun the story turns on ("trial").

The checks are shared by the procedural writer's tests and the LLM writer's
validation: :func:`premise_terms_in` (which premise terms a text uses),
:func:`repeated_sentences`, and :func:`uncast_person_subjects` (a person named as
the subject of a sentence who is not a character).
"""
from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from studio_kit.engines.writing import english, lexicon

_DATA = Path(__file__).resolve().parents[2] / "data" / "writing" / "premise.yaml"
_DETERMINERS = {"a", "an", "the", "his", "her", "their", "its", "my", "our", "your", "one", "some", "two", "three",
                "four", "five", "every"}
PRONOUNS = {"she", "he", "they", "it", "we", "i", "you", "him", "them", "us", "me", "who", "whom", "someone",
            "something", "everyone", "everything", "nobody", "anyone", "herself", "himself", "themselves", "itself"}
_STOP = set("""and or but of in on at to for from with by into onto over under after before when while which that
this these those than as is are was were be been must can could should would will shall may might has have had do
does did not no yet so if then until about against during without within along across behind beyond up down out
off through where only just even also own inside outside around near toward towards among between beneath above
below underneath past via despite except like unlike upon throughout""".split()) | PRONOUNS


@lru_cache(maxsize=1)
def vocabulary() -> dict:
    """The premise reader's word lists (studio_kit/data/writing/premise.yaml)."""
    import yaml

    return yaml.safe_load(_DATA.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def person_nouns() -> frozenset[str]:
    v = vocabulary()
    return frozenset(v["relations"]) | frozenset(v["roles"]) | frozenset(v["occupations"]) | \
        frozenset(w for w in english.PEOPLE_NOUNS if w not in {"dog", "dogs", "cat", "cats", "horse", "horses",
                                                                 "bird", "birds", "wolf", "wolves"})


def is_person(noun: str) -> bool:
    w = noun.lower().strip("'")
    return w in person_nouns() or (w.endswith("s") and english_singular(w) in person_nouns())


def is_activity(noun: str) -> bool:
    """A gerund read as a noun ("the reporting", "the waiting"): an activity, never a thing to hold."""
    w = noun.lower()
    return w.endswith("ing") and len(w) > 5 and w not in vocabulary()["ing_nouns"]


@dataclass
class Phrase:
    words: list[str]
    determiner: str
    after: str = ""      # the word before the determiner ("from", "against"...)

    @property
    def head(self) -> str:
        return self.words[-1]

    @property
    def text(self) -> str:
        return " ".join(self.words)


@dataclass
class Premise:
    """What a story must put on the page; see the module docstring."""

    logline: str
    protagonist: str = ""
    hero_noun: str = ""
    hero_plural: bool = False
    occupation: str = ""
    pronoun: str = ""
    predicate: str = ""
    setting: str = ""
    central_object: str = ""
    conflict: str = ""
    antagonist: str = ""
    people: list[str] = field(default_factory=list)
    objects: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)

    def terms(self) -> dict[str, str]:
        """Premise element -> the word that shows it on the page (empty elements left out)."""
        out = {"protagonist": self.hero_noun, "setting": self.setting.split()[-1] if self.setting else "",
               "object": self.central_object, "conflict": self.conflict,
               "antagonist": self.antagonist.split()[-1] if self.antagonist else ""}
        for k, person in enumerate(self.people[:2]):
            out[f"person{k + 1}"] = person.split()[-1]
        return {k: v for k, v in out.items() if v}

    def person_labels(self) -> set[str]:
        """Head nouns that name a character of the story (the hero, the people, the antagonist)."""
        heads = {self.hero_noun} | {p.split()[-1] for p in self.people}
        if self.antagonist:
            heads.add(self.antagonist.split()[-1])
        return {h for h in heads if h}


def _phrases(words: list[str]) -> list[Phrase]:
    """Noun phrases after determiners and possessives, up to three words, stopping at verbs and pronouns."""
    out: list[Phrase] = []
    i = 0
    while i < len(words):
        w = words[i].lower()
        if w in _DETERMINERS and i + 1 < len(words):
            phrase: list[str] = []
            j = i + 1
            while j < len(words) and len(phrase) < 3:
                nxt = words[j].lower().strip("'")
                if nxt in _STOP or nxt in _DETERMINERS:
                    break
                after = words[j + 1].lower() if j + 1 < len(words) else ""
                if phrase and english.is_plural(phrase[-1]) and not english.is_plural(nxt):
                    break
                if w in {"a", "an", "one"} and phrase and nxt.endswith("s") and not nxt.endswith("ss") \
                        and not (after.endswith("s") and not after.endswith("ss")) and not is_person(nxt):
                    break      # "a keeper finds a": the -s word is the verb
                verbish = nxt.endswith(("ed",)) or (nxt.endswith("s") and not nxt.endswith("ss"))
                if phrase and verbish and not is_person(nxt) and (is_person(phrase[-1]) or (
                        not english.is_plural(phrase[-1]) and (not after or after in _STOP or after in _DETERMINERS))):
                    break      # "the reporter covers", "the army searches the valley": the verb ends the phrase
                phrase.append(nxt)
                j += 1
            if phrase:
                out.append(Phrase(phrase, w, words[i - 1].lower() if i else ""))
            i = j
        elif w in {"in", "with", "of", "for"} and i + 1 < len(words) and words[i + 1].lower() not in _DETERMINERS \
                and words[i + 1].lower() not in _STOP:
            # a bare plural after a preposition is a noun phrase too ("a fortune in stolen diamonds")
            bare = [x.lower() for x in words[i + 1:i + 3]]
            cut = next((k for k, x in enumerate(bare) if x in _STOP or x in _DETERMINERS), len(bare))
            bare = bare[:cut]
            while bare and not english.is_plural(bare[-1]):
                bare.pop()
            if bare and not any(x.endswith("ed") for x in bare[-1:]):
                out.append(Phrase(bare, "", w))
            i += 1 + len(bare)
        else:
            i += 1
    return out


@lru_cache(maxsize=64)
def _read_cached(logline: str) -> Premise:
    return _read(logline)


def read_premise(logline: str) -> Premise:
    """The :class:`Premise` of a logline (see the module docstring)."""
    return copy.deepcopy(_read_cached(" ".join(logline.split())))


def _read(logline: str) -> Premise:
    vocab = vocabulary()
    text = " ".join(logline.split()).strip()
    words = re.findall(r"[A-Za-z][A-Za-z'-]*", text)
    phrases = _phrases(words)
    p = Premise(logline=text)
    if not phrases:
        return p
    hero = phrases[0]
    # the subject may be bare ("Three nurses hide ..." reads "nurses"); strip leading adjectives of places
    p.protagonist = hero.text
    p.hero_noun = hero.head
    p.hero_plural = english.is_plural(hero.head)
    if english_singular(hero.head) in vocab["occupations"]:
        mods = [w for w in hero.words[:-1] if w in lexicon.PLACE_NOUNS or w in vocab["modifier_places"]
                or w not in _ADJECTIVE_HINTS]
        head = english_singular(hero.head)
        p.occupation = " ".join(mods[-1:] + [head]) if mods else head
    # the predicate: the logline after the subject phrase
    m = re.search(r"\b" + r"\W+".join(map(re.escape, hero.words)) + r"\b", text, flags=re.IGNORECASE)
    if m:
        p.predicate = text[m.end():].strip(" ,.;:!")
        p.predicate = re.sub(r"^(who|that)\s+", "", p.predicate)
    # the hero's pronoun: the first possessive or subject pronoun in the predicate
    pron = re.search(r"\b(her|his|their|she|he|they)\b", p.predicate.lower())
    if pron:
        p.pronoun = {"she": "her", "he": "his", "they": "their"}.get(pron.group(1), pron.group(1))
    for w in hero.words:   # "a lighthouse keeper": the place is in the subject
        if w in lexicon.PLACE_NOUNS:
            p.places.append(w)
    for ph in phrases[1:]:
        head = ph.head.strip("'")
        if is_person(head):
            # keep the possessive ("her estranged son"); "a"/"an" becomes "the" once the story knows them
            det = ph.determiner if ph.determiner in {"her", "his", "their", "my", "our", "your"} else "the"
            named = f"{det} {ph.text}"
            if ph.after in vocab["antagonist_prepositions"] or any(w in vocab["antagonist_adjectives"]
                                                                   for w in ph.words):
                p.antagonist = p.antagonist or named
            elif named not in p.people and not any(x.endswith(" " + ph.text) for x in p.people):
                p.people.append(named)
        elif head in lexicon.PLACE_NOUNS or any(w in lexicon.PLACE_NOUNS for w in ph.words):
            place = head if head in lexicon.PLACE_NOUNS else next(w for w in ph.words if w in lexicon.PLACE_NOUNS)
            if place not in p.places:
                p.places.append(place)
        elif is_activity(head) or len(head) <= 2:
            continue
        elif head in lexicon.ABSTRACT_NOUNS or head in _CONFLICT_NOUNS:
            p.conflict = p.conflict or head
            # "a murder trial": a modifier that is itself a conflict noun keeps the phrase ("murder trial")
        elif head not in p.objects:
            p.objects.append(head)
    p.central_object = p.objects[0] if p.objects else ""
    if not p.conflict and len(p.objects) > 1:
        p.conflict = p.objects[1]
    if p.places:
        p.setting = p.places[0]
    else:
        places = {w: vocab["modifier_places"][w] for w in hero.words[:-1] if w in vocab["modifier_places"]}
        p.setting = next(iter(places.values()), "") or vocab["workplaces"].get(english_singular(hero.head), "")
    return p


_ADJECTIVE_HINTS = set("""old young lonely disgraced retired aging ageing washed-up struggling brilliant
ambitious shy timid reckless rookie veteran former burned-out burnt-out widowed divorced single grieving
bitter angry desperate naive cynical idealistic stubborn lazy ruthless disgraced exiled tired jaded
small-town big-city famous failed failing unemployed broke blind deaf mute elderly teenage orphaned
estranged reluctant eccentric obsessive anxious talented mediocre ex""".split())
_CONFLICT_NOUNS = set("""trial storm election war fight battle feud strike flood fire drought plague epidemic
outbreak scandal conspiracy investigation lawsuit divorce custody funeral wedding contest competition tournament
audition exam heist robbery kidnapping ransom blackmail invasion siege famine eviction foreclosure bankruptcy
merger takeover recession""".split())


_MALE = set("""son sons father dad brother husband boyfriend uncle nephew grandfather grandson king prince groom
stepfather stepson fiance widower boy man monk priest""".split())
_FEMALE = set("""daughter daughters mother mom sister wife girlfriend aunt niece grandmother granddaughter queen
princess bride stepmother stepdaughter fiancee widow girl woman nun actress waitress heiress""".split())


def gender_of(noun: str) -> str:
    """"his" for a son, "her" for a daughter, "" when the word does not say."""
    w = noun.lower()
    return "his" if w in _MALE else "her" if w in _FEMALE else ""


def english_singular(noun: str) -> str:
    return english.singular(noun)


# -- checks ---------------------------------------------------------------------------------------
def premise_terms_in(text: str, premise: Premise) -> set[str]:
    """The premise elements (protagonist, setting, object, conflict, antagonist, person1...) ``text`` names."""
    low = text.lower()
    found = set()
    for element, word in premise.terms().items():
        stem = english_singular(word.lower())
        if re.search(r"\b" + re.escape(stem) + r"(s|es)?\b", low):
            found.add(element)
    return found


def sentences(text: str) -> list[str]:
    """Sentences of three words or more, normalised (lower case, single spaces)."""
    out = []
    for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        s = s.strip().lower()
        if len(s.split()) >= 3:
            out.append(s)
    return out


def repeated_sentences(texts: Iterable[str]) -> set[str]:
    """Sentences that occur more than once across ``texts``."""
    seen: set[str] = set()
    twice: set[str] = set()
    for t in texts:
        for s in sentences(t):
            (twice if s in seen else seen).add(s)
    return twice


_SUBJECT_RE = re.compile(
    r"(?:^|[.!?]\s+|;\s+|,\s+(?:and|but)\s+)(?:the|a|an|his|her|their|my|your|our|this|that)\s+"
    r"((?:[a-z'-]+\s+){0,2}?)([a-z'-]+)\s+(is|was|are|were|has|had|can|will|would|could|should|might|must|"
    r"won't|can't|isn't|wasn't|doesn't|didn't|[a-z]+s|[a-z]+ed)\b", re.IGNORECASE)


def person_subjects(text: str) -> list[str]:
    """Person nouns used as the subject of a sentence ("The son knows", "Your mother warned me")."""
    out = []
    for m in _SUBJECT_RE.finditer(" ".join(text.split())):
        head = m.group(2).lower()
        if is_person(head) and head not in {"people", "person", "man", "men", "woman", "women", "crew", "team",
                                            "family", "gang", "mob"}:
            out.append(head)
    return out


def uncast_person_subjects(text: str, labels: Iterable[str]) -> set[str]:
    """Persons used as subjects in ``text`` who are none of the characters named by ``labels``.

    ``labels`` are words that name a character: cue names, roles, descriptions ("her estranged son").
    """
    known: set[str] = set()
    for label in labels:
        for w in re.findall(r"[a-z'-]+", label.lower()):
            known.add(w)
            known.add(english_singular(w))
    return {h for h in person_subjects(text) if h not in known and english_singular(h) not in known}


def character_labels(cast, premise: Premise) -> set[str]:
    """Every word that names a character of the story: cue names, roles, descriptions, the hero's noun."""
    labels = {premise.hero_noun} if premise.hero_noun else set()
    for m in cast:
        labels |= {m.name, m.role, m.description}
    return {x for x in labels if x}
