"""Dialogue voice profiles: how one character talks.

A :class:`DialogueVoice` is stored per character by the character engine
(``CharacterBible.dialogue_voice``) and read by every dialogue writer (the
procedural writer shapes lines with it; the LLM writer puts it in the prompt).
It is a domain model, so the character bible, the writing engine and the text
backends share it without importing each other: importing it imports nothing
but pydantic.

Fields, in the terms a dialogue coach would use:

* ``vocabulary``: evaluative words the character reaches for ("brilliant",
  "typical"); the writer uses them where a line judges something.
* ``sentence_length``: typical words per sentence (terse ~4, chatty ~14).
* ``verbal_tics``: fillers that open or close a line ("Look,", "you know?").
* ``formality``: 0 = slang and contractions, 1 = formal, no contractions.
* ``catchphrases``: signature lines, used now and then, never twice in a row.

:class:`CastMember` is a character as the story generator sees them: a cue
name, a dramatic role and a voice.
"""
from __future__ import annotations

import random
import re
from typing import Any

from pydantic import BaseModel, Field, field_validator

from studio_kit.exceptions import ScriptError

# Contraction table, neutral form -> contracted form. Templates are written
# contracted; formal voices expand them, casual voices add slang on top.
_CONTRACTIONS: list[tuple[str, str]] = [
    ("I am", "I'm"), ("do not", "don't"), ("does not", "doesn't"), ("did not", "didn't"),
    ("it is", "it's"), ("cannot", "can't"), ("will not", "won't"), ("you are", "you're"),
    ("we are", "we're"), ("they are", "they're"), ("that is", "that's"), ("I will", "I'll"),
    ("is not", "isn't"), ("are not", "aren't"), ("there is", "there's"), ("I have", "I've"),
    ("what is", "what's"), ("was not", "wasn't"), ("would not", "wouldn't"), ("I would", "I'd"),
    ("we will", "we'll"), ("you will", "you'll"), ("have not", "haven't"), ("should not", "shouldn't"),
    ("let us", "let's"), ("could not", "couldn't"), ("who is", "who's"), ("he is", "he's"), ("she is", "she's"),
    ("they will", "they'll"), ("it will", "it'll"), ("he will", "he'll"), ("she will", "she'll"),
    ("that will", "that'll"), ("we have", "we've"), ("you have", "you've"), ("they have", "they've"),
    ("you would", "you'd"), ("we would", "we'd"), ("they would", "they'd"), ("has not", "hasn't"),
    ("had not", "hadn't"), ("were not", "weren't"), ("must not", "mustn't"), ("where is", "where's"),
    ("here is", "here's"), ("how is", "how's"), ("you had", "you'd"),
]
# Sentence openers that may be lowercased after a tic; names and "I" never are.
_COMMON_STARTS = set(
    "we you the this that it it's there what why how where who don't do not maybe just nobody no yes yeah "
    "we're you're they he she if when then so and but all every some nothing something okay come get go "
    "let's tell listen look give stop wait please one my your our their his her is are was can could would "
    "should will have had that's there's what's a an in on at now here everybody everyone nobody whatever "
    "whoever remember put take keep hold find first next step pack same another someone somebody funny before "
    "after because sleep think help stay run down well thank get say did does you've we've they'll it'll let "
    "still always never only even every nobody's two three nine rated meet find late why leave everything's "
    "welcome whoever for they".split()
)
_SLANG: list[tuple[str, str]] = [
    ("going to", "gonna"), ("want to", "wanna"), ("kind of", "kinda"), ("Yes", "Yeah"),
    ("got to", "gotta"), ("because", "'cause"), ("Hello", "Hey"),
]
_FORMAL: list[tuple[str, str]] = [
    ("Yeah", "Yes"), ("Okay", "Very well"), ("Hey", "Hello"), ("kids", "children"),
    ("a lot", "a great deal"), ("Sure", "Certainly"), ("guys", "everyone"), ("Nope", "No"),
]


def _swap(text: str, pairs: list[tuple[str, str]], reverse: bool = False, before_word: bool = False) -> str:
    """Replace whole-word phrases, keeping a capital first letter where the source had one."""
    for a, b in pairs:
        src, dst = (b, a) if reverse else (a, b)

        def repl(m: re.Match[str], dst: str = dst) -> str:
            word = m.group(0)
            return dst[0].upper() + dst[1:] if word[0].isupper() and not dst[0].isupper() else dst

        # contracting needs a word after it: "what it is." must not become "what it's."
        tail = r"(?=\s+\w)" if before_word else r"(?![\w'])"
        if reverse and src.endswith("n't"):
            tail += r"(?!\s+(?:you|we|I|they|he|she|it|there)\b)"  # "don't you think?" stays a question
        text = re.sub(rf"(?<![\w']){re.escape(src)}{tail}", repl, text, flags=re.IGNORECASE)
    return text


def _words(text: str) -> int:
    return len(text.split())


class DialogueVoice(BaseModel):
    """How a character talks; shapes every line written for them."""

    vocabulary: list[str] = Field(default_factory=list,
                                  description="Evaluative words the character prefers (used where a line judges).")
    sentence_length: int = Field(9, ge=2, le=30, description="Typical words per sentence.")
    verbal_tics: list[str] = Field(default_factory=list,
                                   description='Fillers that open or close a line, e.g. "Look," or "you know?".')
    tic_rate: float = Field(0.25, ge=0.0, le=1.0, description="Share of lines that carry a tic.")
    formality: float = Field(0.5, ge=0.0, le=1.0, description="0 slang/contractions ... 1 formal, no contractions.")
    catchphrases: list[str] = Field(default_factory=list, description="Signature lines, used now and then.")
    catchphrase_rate: float = Field(0.08, ge=0.0, le=1.0, description="Share of lines that end on a catchphrase.")

    # -- shaping -------------------------------------------------------------
    def word(self, rng: random.Random, fallback: list[str]) -> str:
        """An evaluative word: the character's own two times in three, else the scene's."""
        if self.vocabulary and (not fallback or rng.random() < 0.67):
            return rng.choice(self.vocabulary)
        return rng.choice(fallback) if fallback else "something"

    def register(self, text: str) -> str:
        """Apply formality: expand contractions when formal, add slang when casual."""
        if self.formality >= 0.7:
            text = _swap(_swap(text, _CONTRACTIONS, reverse=True), _FORMAL)
        elif self.formality <= 0.25:
            text = _swap(_swap(text, _CONTRACTIONS, before_word=True), _SLANG)
        return text

    def sentences_for(self, rng: random.Random) -> int:
        """How many sentences a line of this character holds (terse voices: one)."""
        if self.sentence_length <= 5:
            return 1 if rng.random() < 0.8 else 2
        if self.sentence_length >= 13:
            return rng.choice([1, 2, 2, 3])
        return rng.choice([1, 1, 2, 2, 3])

    def shape(self, sentences: list[str], rng: random.Random, last_catchphrase: str | None = None) -> str:
        """Turn candidate sentences into one line in this voice.

        Keeps as many sentences as the voice's length allows (terse voices clip
        long sentences at a clause), adds a tic or catchphrase now and then and
        applies the formality register.
        """
        keep = max(1, min(len(sentences), self.sentences_for(rng)))
        chosen = [s.strip() for s in sentences[:keep] if s.strip()]
        if self.sentence_length <= 5:
            chosen = [self._clip(s) for s in chosen]
        line = " ".join(chosen)
        if self.verbal_tics and rng.random() < self.tic_rate:
            tic = rng.choice(self.verbal_tics)
            if tic.endswith("?") or tic.startswith("..."):
                line = line.rstrip(".!?") + (", " + tic if not tic.startswith("...") else tic)
            else:
                # "Look, we go now." but keep "I" capital ("Look, I know.")
                first = line.split(" ", 1)[0].strip(",.!?").lower()
                body = line[0].lower() + line[1:] if first in _COMMON_STARTS and tic[-1] in ",—" else line
                line = f"{tic} {body}"
        if self.catchphrases and rng.random() < self.catchphrase_rate:
            options = [c for c in self.catchphrases if c != last_catchphrase] or self.catchphrases
            line = f"{line} {rng.choice(options)}"
        return self.register(line)

    def _clip(self, sentence: str) -> str:
        """Terse voices stop at the first clause when a sentence runs long."""
        if _words(sentence) <= self.sentence_length + 3:
            return sentence
        head = re.split(r"[,;:—]| - ", sentence, maxsplit=1)[0].strip()
        if _words(head) < 2:
            return sentence
        return head.rstrip(".!?") + ("?" if sentence.endswith("?") else ".")

    def describe(self) -> str:
        """A one-line description for prompts and the character bible."""
        register = "formal" if self.formality >= 0.7 else "casual" if self.formality <= 0.25 else "plain-spoken"
        size = "terse" if self.sentence_length <= 5 else "talkative" if self.sentence_length >= 13 else "measured"
        parts = [f"{register}, {size} (about {self.sentence_length} words a sentence)"]
        if self.vocabulary:
            parts.append("favourite words: " + ", ".join(self.vocabulary[:5]))
        if self.verbal_tics:
            parts.append("tics: " + ", ".join(f'"{t}"' for t in self.verbal_tics[:3]))
        if self.catchphrases:
            parts.append("catchphrase: " + " / ".join(f'"{c}"' for c in self.catchphrases[:2]))
        return "; ".join(parts)

    # -- presets ---------------------------------------------------------------
    @classmethod
    def for_role(cls, role: str, rng: random.Random | None = None) -> DialogueVoice:
        """A plausible voice for a dramatic role (protagonist, antagonist, mentor, ally, comic relief...).

        ``rng`` varies the preset so two allies do not sound alike; the same
        rng state always gives the same voice.
        """
        rng = rng or random.Random(0)
        key = (role or "").lower()
        preset = next((p for k, p in _ROLE_PRESETS.items() if k in key), _ROLE_PRESETS["supporting"])
        data: dict[str, Any] = {
            "vocabulary": rng.sample(preset["vocabulary"], k=min(4, len(preset["vocabulary"]))),
            "sentence_length": max(2, min(30, preset["sentence_length"] + rng.randint(-2, 2))),
            "verbal_tics": rng.sample(preset["tics"], k=min(2, len(preset["tics"]))),
            "formality": round(min(1.0, max(0.0, preset["formality"] + rng.uniform(-0.1, 0.1))), 2),
            "catchphrases": rng.sample(preset["catchphrases"], k=min(1, len(preset["catchphrases"]))),
        }
        return cls(**data)


_ROLE_PRESETS: dict[str, dict[str, Any]] = {
    "protagonist": {"vocabulary": ["honest", "wrong", "stupid", "real", "fair", "enough", "simple"],
                    "sentence_length": 8, "formality": 0.45,
                    "tics": ["Okay.", "Look,", "I mean,", "...right?"],
                    "catchphrases": ["One thing at a time.", "I can fix this.", "Not today."]},
    "antagonist": {"vocabulary": ["regrettable", "inevitable", "foolish", "precise", "useful", "quaint"],
                   "sentence_length": 12, "formality": 0.85,
                   "tics": ["Hm.", "You see,", "...don't you think?"],
                   "catchphrases": ["Everything has a price.", "How very predictable."]},
    "mentor": {"vocabulary": ["patient", "old", "true", "wise", "steady", "worth it"],
               "sentence_length": 11, "formality": 0.7,
               "tics": ["Listen.", "Child,", "...you understand?"],
               "catchphrases": ["Nothing worth keeping comes free.", "Slow is fast.", "Every door was a wall once."]},
    "ally": {"vocabulary": ["awesome", "brutal", "wild", "sketchy", "solid", "nuts"],
             "sentence_length": 7, "formality": 0.15,
             "tics": ["Dude,", "Like,", "...you know?", "Honestly,"],
             "catchphrases": ["I'm just saying.", "Called it.", "We ride at dawn."]},
    "love": {"vocabulary": ["lovely", "silly", "gentle", "brave", "warm"],
             "sentence_length": 9, "formality": 0.4,
             "tics": ["Hey.", "Well,", "...okay?"],
             "catchphrases": ["Come back to me.", "You and me."]},
    "comic": {"vocabulary": ["ridiculous", "tremendous", "suspicious", "fancy", "weird"],
              "sentence_length": 10, "formality": 0.2,
              "tics": ["Okay, okay,", "Wait—", "...just saying."],
              "catchphrases": ["Not my fault!", "I have questions."]},
    "official": {"vocabulary": ["procedural", "unacceptable", "standard", "routine", "irregular"],
                 "sentence_length": 10, "formality": 0.9,
                 "tics": ["For the record,", "Frankly,"],
                 "catchphrases": ["Rules are rules."]},
    "child": {"vocabulary": ["cool", "gross", "scary", "huge", "best"],
              "sentence_length": 5, "formality": 0.1,
              "tics": ["Um,", "But—", "...promise?"],
              "catchphrases": ["Can we go now?", "I'm not scared."]},
    "supporting": {"vocabulary": ["fine", "strange", "good", "hard", "bad", "quiet"],
                   "sentence_length": 8, "formality": 0.5,
                   "tics": ["Well,", "So,", "...yeah."],
                   "catchphrases": ["That's life.", "Could be worse."]},
}


class CastMember(BaseModel):
    """A character in a generated story: cue name (caps), dramatic role, voice."""

    name: str = Field(description="Cue name as it appears in the script, e.g. 'MARA VOSS' (stored in caps).")
    role: str = Field("supporting", description="protagonist, antagonist, mentor, ally, love, comic, announcer...")
    voice: DialogueVoice | None = None
    description: str = Field("", description="A few words for the first appearance in action.")
    age: str = Field("", description='Age as written in action, e.g. "40s".')
    pronoun: str = Field("their", description="Possessive used in action lines: her, his, their.")

    @field_validator("name")
    @classmethod
    def _cue_name(cls, value: str) -> str:
        value = re.sub(r"\s+", " ", str(value)).strip().upper()
        if not re.search(r"[^\W\d_]", value) or re.search(r"[()^@:]", value):
            raise ScriptError(f"Cast name {value!r} cannot be a character cue.",
                              hint="Use letters (and spaces, dots, hyphens), e.g. 'MARA VOSS'.")
        return value

    @property
    def first_name(self) -> str:
        return self.name.split(" ")[0]

    @classmethod
    def parse(cls, value: str | CastMember | dict[str, Any]) -> CastMember:
        """Accept a CastMember, a dict, or a string "NAME:role" (role defaults to supporting)."""
        if isinstance(value, CastMember):
            return value
        if isinstance(value, dict):
            return cls(**value)
        name, _, role = str(value).partition(":")
        return cls(name=name, role=role.strip() or "supporting")

    def voice_or_default(self, seed: int = 0) -> DialogueVoice:
        """The character's voice, or a role preset varied by ``seed`` and name when none was given."""
        return self.voice or DialogueVoice.for_role(self.role, random.Random(f"{seed}:{self.name}"))
