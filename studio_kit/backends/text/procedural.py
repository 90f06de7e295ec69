"""The ``procedural`` text backend: the offline, deterministic screenplay writer.

It needs no model: a sentence grammar (``procedural_grammar``) filled with the
story's own words (logline objects, places, genre and tone vocabularies) and
shaped by each speaker's :class:`DialogueVoice`. One call writes one planned
scene as Fountain:

* a scene heading with INT/EXT, location and time of day;
* action: the place and light, entrances (a character's first appearance in
  caps with age and a few words), business between lines, a closing image;
* dialogue only for the characters the plan puts in the scene;
* about the planned length: it counts printed lines the way pagination does
  (Letter: 55 lines a page, action wrapped at 61, dialogue at 36) and stops at
  the scene's target eighths.

Same plan, brief and seed give the same text. ``memory`` (a dict the caller
keeps for the whole script) remembers who was introduced and which lines were
used, so a script does not repeat itself.
"""
from __future__ import annotations

import random
import re
from typing import Any

from studio_kit.backends.text import procedural_grammar as G
from studio_kit.backends.text.base import TextBackend
from studio_kit.domain.dialogue import CastMember
from studio_kit.domain.story import ScenePlan, StoryBrief
from studio_kit.engines.writing import english, lexicon
from studio_kit.engines.writing.layout import wrap
from studio_kit.engines.writing.premise import read_premise

LINES_PER_PAGE = 55           # US Letter, the reference profile for page targets
LINES_PER_EIGHTH = LINES_PER_PAGE / 8
# Page breaks never split short action or leave a heading at the bottom, so a
# page prints a little less than 55 lines; write slightly short to land on target.
FILL = 0.98
_WIDTH = {"action": 61, "dialogue": 36, "parenthetical": 26}


def _count(text: str, kind: str) -> int:
    return sum(len(wrap(part, _WIDTH[kind])) for part in text.split("\n"))


_NOUN_SLOTS = ("obj", "thing", "place", "stake", "threat")


def _sentences(text: str) -> set[str]:
    """The sentences of a line (three words or more, lower case): what counts as saying something twice."""
    return {s.strip().lower() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 3}


def _sentence_case(text: str) -> str:
    text = text.strip()
    text = re.sub(r"(^|[.!?]\s+)([a-z])", lambda m: m.group(1) + m.group(2).upper(), text)
    return text


class SceneWriter:
    """Writes one :class:`ScenePlan` as Fountain; see the module docstring."""

    def __init__(self, plan: ScenePlan, brief: StoryBrief, memory: dict[str, Any]):
        self.plan, self.brief, self.memory = plan, brief, memory
        self.rng = random.Random(f"{brief.seed}:scene:{plan.index}:{plan.heading}")
        self.genre = lexicon.genre_words(brief.genre)
        self.tone = lexicon.tone_words(brief.tone)
        self.people = [brief.member(n) or CastMember(name=n) for n in plan.characters]
        self.speakers = list(self.people)
        self.premise = read_premise(brief.logline)
        memory.setdefault("introduced", set())
        memory.setdefault("lines", set())
        memory.setdefault("actions", set())
        # the logline's first object is the one people hold; later ones are mostly talked about
        objects = brief.objects or [self.rng.choice(self.genre["props"]).lower()]
        self.obj = "the " + (objects[0] if self.rng.random() < 0.75 else self.rng.choice(objects))
        # what hands hold: the first concrete logline object, else one of the genre's props
        # (one thing, not people: "turns the patients over in her hands" is not a prop)
        concrete = [o for o in objects if o not in lexicon.ABSTRACT_NOUNS and o not in english.PEOPLE_NOUNS
                    and not english.is_plural(o)]
        story_prop = random.Random(f"{brief.seed}:thing").choice(self.genre["props"]).lower()  # one per story
        self.thing = "the " + (concrete[0] if concrete else story_prop)
        base = plan.location.split(" - ")[0].lower()
        self.place = "here" if not base else f"the {base}"
        self.prop = self.rng.choice(G.AD_PROPS if brief.is_ad else self.genre["props"])
        self.prop_named = False
        self.paragraphs: list[str] = ["", f"{plan.heading}"]
        self.used = 2  # heading + the blank line that separates it from the next paragraph
        self.target = max(6.0, plan.target_eighths * LINES_PER_EIGHTH * FILL)
        self.last_catchphrase: dict[str, str] = {}
        self.last_speaker: CastMember | None = None
        self._line_templates: set[str] = set()
        # sentences already said in this script (lower case): nobody says the same thing twice
        self.scene_said: set[str] = memory.setdefault("said", set())
        self.premise_line_done = False
        self.scene_actions: set[str] = set()     # action templates used in this scene
        self.scene_entrances: set[str] = set()

    # -- bookkeeping -------------------------------------------------------------
    def _add(self, paragraph: str, lines: int, action: bool = False) -> None:
        if action:  # an action sentence the script already used is dropped (and the paragraph re-measured)
            kept = [x for x in re.split(r"(?<=[.!?])\s+", paragraph.strip())
                    if len(x.split()) < 3 or x.strip().lower() not in self.scene_said]
            if not any(len(x.split()) >= 3 for x in kept):
                return
            paragraph = " ".join(kept)
            self.scene_said |= _sentences(paragraph)
            lines = _count(paragraph, "action")
        self.paragraphs.append(paragraph)
        self.used += lines + 1  # every paragraph is followed by a blank line

    def _room(self) -> float:
        return self.target - self.used

    # -- words -------------------------------------------------------------------
    def _fill(self, template: str, speaker: CastMember | None, listener: CastMember | None) -> str:
        voice = speaker.voice_or_default(self.brief.seed) if speaker else None

        def values() -> dict[str, str]:
            adj = voice.word(self.rng, self.genre["words"]) if voice else self.rng.choice(self.genre["words"])
            return {
                "other": (listener.name.title() if listener.role.lower() == "day player"
                          else listener.first_name.title()) if listener else "",
                "obj": self.obj, "thing": self.thing, "place": self.place, "adj": adj,
                "time": self.rng.choice(G.TIMES), "stake": self.rng.choice(self.genre["stakes"]),
                "threat": self.rng.choice(self.genre["threats"]), "product": self.brief.product or self.brief.title,
                "setting": "the " + self.premise.setting if self.premise.setting else self.place,
                "conflict": "the " + self.premise.conflict if self.premise.conflict else self.obj,
            }

        return self._grammatical(template, values)

    def _grammatical(self, template: str, values) -> str:
        """Fill ``template`` so it reads right: verbs agree with plural slots, articles fit the next
        word, and no slot word repeats a word already in the sentence ("The wind brings wind ...")."""
        text = ""
        for _ in range(6):
            vals = values()
            filled = template
            for slot in _NOUN_SLOTS:
                if slot in vals:
                    filled = english.agree(filled, slot, english.is_plural(vals[slot]))
            text = _sentence_case(english.fix_articles(filled.format(**vals)))
            if not english.new_echoes(template, text):
                break
        return text

    def _line(self, speaker: CastMember, listener: CastMember | None, intents: list[str]) -> str:
        """One line of dialogue in the speaker's voice, not used before in this script."""
        voice = speaker.voice_or_default(self.brief.seed)
        text = ""
        premise = ""
        if not self.premise_line_done:   # the scene's first line speaks of the premise
            premise = self._premise_sentence(G.PREMISE_LINES, speaker, listener)
            self.premise_line_done = True
        for _ in range(10):
            self._line_templates = set()  # one template once per line
            sentences = list(dict.fromkeys(self._sentence(speaker, listener, intents) for _k in range(3)))
            if premise:
                sentences = [premise] + sentences[:2]
            text = voice.shape(sentences, self.rng, self.last_catchphrase.get(speaker.name))
            if listener and self.rng.random() < 0.25:  # a reply often starts by reacting
                text = voice.register(f"{self.rng.choice(G.REACTIONS)} {text}")
            key = re.sub(r"\W+", " ", text.lower()).strip()
            said = _sentences(text)
            # a tic or reaction must not echo the line ("Look, look at this."), and nobody in a
            # scene says a sentence twice (catchphrases included)
            if english.echoes(text) - english.echoes(" ".join(sentences)) or said & self.scene_said:
                continue
            if listener and text.count(listener.first_name.title()) > 1:
                continue                   # one "Bea" a line is enough
            if key not in self.memory["lines"]:
                self.memory["lines"].add(key)
                break
        # whatever the tries gave, no sentence of three words or more is said twice in the script
        # (a long script can use up a beat's pool): drop repeats, and if nothing is left, react
        kept: list[str] = []
        for x in re.split(r"(?<=[.!?])\s+", text.strip()):
            low = x.strip().lower()
            if len(x.split()) < 3 or (low not in self.scene_said and low not in {k.lower() for k in kept}):
                kept.append(x)
        if any(len(x.split()) >= 2 for x in kept):
            text = " ".join(kept)
        else:
            text = self.rng.choice([r for r in map(voice.register, G.REACTIONS) if len(r.split()) < 3])
        said = _sentences(text)
        self.scene_said |= said
        for phrase in voice.catchphrases:
            if phrase in text:
                self.last_catchphrase[speaker.name] = phrase
        return text

    def _sentence(self, speaker: CastMember, listener: CastMember | None, intents: list[str]) -> str:
        """One sentence for the beat, preferring sentences this script has not used yet."""
        seen = self.memory.setdefault("sentences", set())
        uses = self.memory.setdefault("templates", {})
        best: tuple[int, str, str] | None = None
        for _ in range(8):
            intent = self.rng.choice(intents)
            if intent == "observation":
                predicate = self.rng.choice(G.OBS_PREDICATES)
                core = self.rng.choice(G.OBS_SUBJECTS) + " " + predicate
                tail = self.rng.choice(G.OBS_TAILS)
                if english.echoes(core + tail) - english.echoes(core):
                    tail = ""              # "... knows more than it lets on, and you know it": no
                template = "What if " + core + "?" if self.rng.random() < 0.3 else core + tail + "."
                key = "observation:" + predicate  # usage is counted per predicate, not per combination
            else:
                options = [t for t in G.INTENTS[intent] if listener or "{other}" not in t]
                template = key = self.rng.choice(options)
            sentence = self._fill(template, speaker, listener)
            # the least-used template wins, so a script does not lean on one joke
            score = uses.get(key, 0) * 2 + (sentence in seen) * 5 + (key in self._line_templates) * 50 \
                + (sentence.lower() in self.scene_said) * 100
            if best is None or score < best[0]:
                best = (score, key, sentence)
            if score == 0:
                break
        assert best is not None
        _, key, sentence = best
        uses[key] = uses.get(key, 0) + 1
        self._line_templates.add(key)
        seen.add(sentence)
        return sentence

    def _action(self, templates: list[str], actor: CastMember | None, other: CastMember | None) -> str:
        uses = self.memory.setdefault("action_templates", {})
        options = [t for t in templates if other is not None or "{Other}" not in t]
        options = [t for t in options if t not in self.scene_actions] or options   # once a scene
        picks = [self.rng.choice(options) for _ in range(4)]
        template = min(picks, key=lambda t: uses.get(t, 0))  # least used first: no tic-like repetition
        uses[template] = uses.get(template, 0) + 1
        self.scene_actions.add(template)
        text = self._fill_action(template, actor, other)
        self.memory["actions"].add(text)
        return text

    def _fill_action(self, template: str, actor: CastMember | None, other: CastMember | None) -> str:
        prop = self.prop if not self.prop_named else self.prop.lower()
        if "{PROP}" in template:
            self.prop_named = True  # props are capitalised on first mention, for the breakdown
        def values() -> dict[str, str]:
            return {
                "Name": self._name(actor) if actor else "Someone",
                "Other": self._name(other) if other else "",
                "poss": actor.pronoun if actor else "their", "poss2": other.pronoun if other else "their",
                "thing": self.thing, "PROP": prop, "adverb": self.rng.choice(self.tone["adverbs"]),
                "weather": self.rng.choice(self.tone["weather"]), "product": self.brief.product,
                "product_caps": (self.brief.product or "product").upper(),
            }

        return self._grammatical(template, values)

    # -- the premise -------------------------------------------------------------
    def _hero(self) -> CastMember | None:
        hero = self.brief.cast[0] if self.brief.cast else None
        onscreen = [m for m in self.people if m.role.lower() not in {"announcer", "narrator"}]
        return hero if hero is not None and any(m.name == hero.name for m in onscreen) else \
            (onscreen[0] if onscreen else None)

    def _premise_values(self, who: CastMember | None) -> dict[str, str]:
        """Slot values that put the logline on the page; an element the logline lacks is left out."""
        p = self.premise
        poss = who.pronoun if who else "their"
        # "they" would need plural verbs ("all they want"): a they is named again instead
        subj = {"her": "she", "his": "he"}.get(poss) or (self._name(who) if who else "they")
        hero = self.brief.cast[0] if self.brief.cast else None
        vals = {"Name": self._name(who) if who else "", "poss": poss, "subj": subj,
                "poss_self": {"her": "herself", "his": "himself"}.get(poss, "themself")}
        if p.predicate and who is not None and hero is not None and who.name == hero.name:
            pred = p.predicate
            # "stranded on the moon must repair ...": the participle clause sits between commas
            m = re.match(r"(\w+ed\b.*?)\s+(must|has to|have to|is|are|will|can|tries|try|decides|decide)\b(.*)", pred)
            if m and " " in m.group(1):
                pred = f", {m.group(1)}, {m.group(2)}{m.group(3)}"
            # "Three nurses hide ...": one of them is our hero, the others are with her
            vals["Name_all"] = f"{vals['Name']} and the other {p.hero_noun}" if p.hero_plural else vals["Name"]
            vals["predicate"] = pred
        if p.occupation:
            vals["occupation"] = p.occupation
            vals["a_occupation"] = english.indefinite(p.occupation) + " " + p.occupation
        if p.setting:
            vals["setting"] = "the " + p.setting
        if p.central_object:
            vals["object"] = "the " + p.central_object
        if p.conflict:
            vals["conflict"] = "the " + p.conflict
        person = next((x for x in p.people if x.split()[-1] not in {hero_word for hero_word in [p.hero_noun]}), "")
        if person:
            # "her estranged son" said by the hero; another speaker says "your"/"the"
            vals["person"] = person
        if p.antagonist:
            vals["antagonist"] = p.antagonist
        if "antagonist" in vals or "conflict" in vals:
            vals["antagonist_or_conflict"] = vals.get("antagonist") or vals["conflict"]
        for key in list(vals):
            if key in {"setting", "object", "conflict", "person", "antagonist"}:
                vals[key.capitalize()] = vals[key][0].upper() + vals[key][1:]
                vals[key.capitalize() + "_cap"] = vals[key.capitalize()]
        return vals

    def _premise_sentence(self, pool: dict[str, list[str]], who: CastMember | None,
                          listener: CastMember | None = None) -> str:
        """A sentence of the premise for this beat, not used before in the script ("" when none fits)."""
        vals = self._premise_values(who)
        if listener is not None:
            vals["other"] = listener.first_name.title()
            if "person" in vals and who is not None and listener is not None:   # "your son" to the hero
                lead = self.brief.cast[0] if self.brief.cast else None
                if lead is not None and listener.name == lead.name:
                    vals["person"] = re.sub(r"^(her|his|their)\b", "your", vals["person"])
                elif lead is not None and who.name == lead.name:
                    vals["person"] = re.sub(r"^(her|his|their)\b", "my", vals["person"])
                vals["Person_cap"] = vals["person"][0].upper() + vals["person"][1:]
        hero = self.brief.cast[0].name if self.brief.cast else ""
        options = [t for t in pool.get(self.plan.kind, pool["setup"])
                   if all(f in vals for f in re.findall(r"\{(\w+)\}", t))]
        if pool is G.PREMISE_LINES:
            # only the hero speaks of the hero's life ("I'm a court reporter"); only the hero is told "You're ..."
            if who is None or who.name != hero:
                options = [t for t in options if not re.search(r"\b(I|I'm|I've|me|my)\b", t)]
            if listener is None or listener.name != hero:
                options = [t for t in options if not re.search(r"\b(You|you|you're|You're)\b", t)]
        self.rng.shuffle(options)
        options.sort(key=lambda t: "{predicate}" not in t)   # the logline itself comes first, once
        for template in options:
            for slot in re.findall(r"\{(\w+)\}", template):   # "the patients are waiting", not "is"
                if slot.lower().split("_")[0] in {"person", "object", "conflict", "setting", "antagonist"}:
                    template = english.agree(template, slot, english.is_plural(vals[slot]))
            text = _sentence_case(english.fix_articles(template.format(**vals))).replace(" , ", ", ")
            if not _sentences(text) & self.scene_said:
                return text
        return ""

    def _premise_action(self) -> None:
        who = self._hero()
        text = self._premise_sentence(G.PREMISE_ACTION, who)
        if text:
            self._add(text, _count(text, "action"), action=True)

    def _name(self, m: CastMember) -> str:
        """How action names a character: a first name, or "the bailiff" for a day player."""
        if m.role.lower() == "day player":
            return "the " + m.name.lower()
        return m.first_name.title()

    # -- paragraphs --------------------------------------------------------------
    def _opening(self) -> None:
        plan, rng = self.plan, self.rng
        light = rng.choice(lexicon.LIGHT_BY_TIME.get(plan.time_of_day, lexicon.LIGHT_BY_TIME["DAY"]))
        loc = "the " + plan.location.split(" - ")[-1].lower()
        for _ in range(6):                 # "Sunlight through dirty glass through a grimy window": pick again
            opener = rng.choice(G.ACTION_OPENERS)
            first = opener.format(light=light, light_lower=light.lower(), loc=loc, loc_cap=loc[0].upper() + loc[1:])
            if not english.new_echoes(opener, first):
                break
        extra = []
        if self.target > 12:
            pool = G.EXT_WEATHER if plan.int_ext.startswith("EXT") else G.INT_WEATHER
            for _ in range(6):           # "The wind brings wind ...": pick again
                weather = rng.choice(self.tone["weather"])
                template = rng.choice(pool)
                sentence = template.format(weather=weather, weather_cap=weather[0].upper() + weather[1:])
                if not english.new_echoes(template, sentence) and not english.echoes(first + " " + sentence) - \
                        english.echoes(first):
                    break
            extra.append(sentence)
            if plan.int_ext.startswith("INT") and rng.random() < 0.6:  # the genre's rooms are interiors
                extra.append(rng.choice(self.genre["atmosphere"]))
        text = _sentence_case(" ".join([first] + extra))
        self._add(text, _count(text, "action"), action=True)

    def _entrances(self) -> None:
        parts = []
        for m in self.people:
            if m.role.lower() in {"announcer", "narrator"}:
                continue  # heard, not seen
            pool = G.EXT_ENTRANCES if self.plan.int_ext.startswith("EXT") else G.ENTRANCES
            pool = [e for e in pool if e not in self.scene_entrances] or pool   # two people, two entrances
            if m.name not in self.memory["introduced"]:
                self.memory["introduced"].add(m.name)
                age = m.age or self.rng.choice(lexicon.AGES)
                desc = m.description or self.rng.choice(
                    next((v for k, v in lexicon.ROLE_DESCRIPTIONS.items() if k in m.role.lower()),
                         lexicon.ROLE_DESCRIPTIONS["supporting"]))
                lead = f"{m.name} ({age}), {desc},"
            else:
                lead = m.first_name.title()
            for _ in range(6):             # "(late 20s) ... hurries in, late": pick again
                choice = self.rng.choice(pool)
                entrance = choice.format(poss=m.pronoun)
                if not english.echoes(f"{lead} {entrance}."):
                    break
            self.scene_entrances.add(choice)
            parts.append(f"{lead} {entrance}.")
        if parts:
            text = " ".join(parts)
            self._add(text, _count(text, "action"), action=True)

    def _cue(self, m: CastMember) -> str:
        return f"{m.name} (V.O.)" if m.role.lower() in {"announcer", "narrator"} else m.name

    def _dialogue(self, speaker: CastMember, listener: CastMember | None, intents: list[str],
                  paren: str | None = None) -> None:
        line = self._line(speaker, listener, intents)
        lines = [self._cue(speaker)]
        if paren:
            lines.append(f"({paren})")
        lines.append(line)
        cost = 1 + (_count(lines[1], "parenthetical") if paren else 0) + _count(line, "dialogue")
        self._add("\n".join(lines), cost)

    def _exchange(self, intents: list[str]) -> None:
        rng = self.rng
        speakers = list(self.speakers)
        n = rng.choice([2, 3, 3, 4, 5])
        last = self.last_speaker
        for _ in range(n):
            if self._room() < 3:
                break
            choices = [m for m in speakers if m is not last] or speakers
            speaker = choices[0] if last is None and rng.random() < 0.5 else rng.choice(choices)
            listener = last if last is not None and last is not speaker else \
                next((m for m in speakers if m is not speaker), None)
            paren = None
            roll = rng.random()
            if roll < 0.14:
                paren = rng.choice(self.tone["parentheticals"])
            elif roll < 0.2 and len(speakers) > 2 and listener:
                paren = f"to {listener.first_name.title()}"
            self._dialogue(speaker, listener, intents, paren)
            last = self.last_speaker = speaker

    def _business(self) -> None:
        onscreen = [m for m in self.people if m.role.lower() not in {"announcer", "narrator"}] or self.people
        actor = self.rng.choice(onscreen) if onscreen else None
        other = next((m for m in onscreen if m is not actor), None)
        pool = self._business_pool(other is not None)
        text = self._action(pool, actor, other)
        for _ in range(2 if other is None else 1):  # alone, business runs in longer paragraphs
            if self.rng.random() < (0.6 if other is None else 0.3) and self._room() > 6:
                more = self._action(pool, actor, other)
                if more not in text:
                    text += " " + self._pronoun_start(more, actor)
        self._add(text, _count(text, "action"), action=True)

    def _business_pool(self, together: bool) -> list[str]:
        pool = G.BUSINESS if together else G.SOLO_BUSINESS
        if self.plan.int_ext.startswith("EXT"):   # outside there is no window to cross to
            pool = [t for t in pool if not any(w in t for w in G.INTERIOR_WORDS)]
            if not together:
                pool = pool + G.EXT_SOLO_BUSINESS
        return pool

    def _fresh_business(self) -> int:
        """Business templates this scene has not used yet (alone: when they run out, talk instead)."""
        return sum(1 for t in self._business_pool(False) if t not in self.scene_actions)

    @staticmethod
    def _pronoun_start(sentence: str, actor: CastMember | None) -> str:
        """A follow-on sentence about the same person starts "She"/"He", not the name again."""
        if actor is None:
            return sentence
        name = actor.first_name.title() + " "
        if not sentence.startswith(name):
            return sentence
        subject = {"her": "She", "his": "He"}.get(actor.pronoun)
        if subject is None:                # "they" takes a plural verb: keep the name
            return sentence
        return subject + " " + sentence[len(name):]

    def _closing(self) -> None:
        onscreen = [m for m in self.people if m.role.lower() not in {"announcer", "narrator"}] or self.people
        actor = onscreen[0] if onscreen else None
        other = next((m for m in onscreen if m is not actor), None)
        pool = G.CLOSERS if other else G.SOLO_CLOSERS
        if self.plan.int_ext.startswith("EXT"):
            pool = [t for t in pool if not any(w in t for w in G.INTERIOR_WORDS)] or pool
        text = self._action(pool, actor, other)
        self._add(text, _count(text, "action"), action=True)

    # -- scene -------------------------------------------------------------------
    def write(self) -> str:
        """The scene as Fountain text (heading first, paragraphs separated by blank lines)."""
        if self.brief.is_ad or self.plan.kind in {"hook", "problem", "product", "proof", "cta"}:
            return self._write_ad()
        intents = G.BEAT_INTENTS.get(self.plan.kind, G.BEAT_INTENTS["setup"])
        self._opening()
        if self._room() > 4:
            self._entrances()
        self._premise_action()
        solo = len(self.speakers) < 2
        last_was_talk = self._last_was_talk = False
        stalls = 0
        while self._room() > 5 and stalls < 6:
            before = self.used
            self._step(solo, intents, last_was_talk)
            last_was_talk = self._last_was_talk
            stalls = stalls + 1 if self.used == before else 0
        if not solo and not any("\n" in p for p in self.paragraphs[2:]) and self.speakers:
            self._exchange(intents)  # a scene with people in it has at least one exchange
        if self._room() > 1:
            self._closing()
        return "\n\n".join(self.paragraphs[1:]) + "\n"

    def _step(self, solo: bool, intents: list[str], last_was_talk: bool) -> None:
        """One paragraph or exchange of the scene's middle; sets ``_last_was_talk``."""
        if solo:
            if (last_was_talk or self.rng.random() < 0.45) and self._fresh_business() >= 3:
                self._business()
                self._last_was_talk = False
            else:
                me = self.speakers[0]
                self_word = {"her": "herself", "his": "himself"}.get(me.pronoun, "themself")
                self._dialogue(me, None, intents, paren=f"to {self_word}")
                self._last_was_talk = True
        elif not last_was_talk or self.rng.random() < 0.25:
            self._exchange(intents)
            self._last_was_talk = True
        else:
            self._business()
            self._last_was_talk = False

    def _write_ad(self) -> str:
        kind = self.plan.kind if self.plan.kind in G.AD_ACTION else "hook"
        onscreen = [m for m in self.people if m.role.lower() not in {"announcer", "narrator"}] or self.people
        actor = onscreen[0] if onscreen else None
        text = self._action(G.AD_ACTION[kind], actor, None)
        self._add(text, _count(text, "action"), action=True)
        voices = [m for m in self.people if m.role.lower() in {"announcer", "narrator"}]
        speaker = voices[0] if voices and kind in {"product", "cta"} else (
            onscreen[-1] if kind == "proof" else actor)
        if speaker is not None:
            self._dialogue(speaker, None, [kind])
        return "\n\n".join(self.paragraphs[1:]) + "\n"


class ProceduralTextBackend(TextBackend):
    """Offline screenplay writer (grammar + voices); deterministic for a seed."""

    name = "procedural"
    capabilities = frozenset({"screenplay"})
    unit = "scenes"

    @property
    def model_id(self) -> str:
        return "procedural-grammar-1"

    def write_scene(self, plan: ScenePlan, brief: StoryBrief, memory: dict[str, Any] | None = None) -> str:
        """One planned scene as Fountain text, about ``plan.target_eighths`` long.

        ``memory`` carries who was introduced and which lines were used across
        the scenes of one script; pass the same dict for every scene.
        """
        return SceneWriter(plan, brief, memory if memory is not None else {}).write()
