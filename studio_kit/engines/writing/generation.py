"""Story generation: logline -> beats -> scene plans -> a screenplay.

:func:`generate_script` plans the story with a structure
(:mod:`~studio_kit.engines.writing.structures`), writes every planned scene
with a text backend called through :func:`studio_kit.registry.invoke` (so usage
and provenance are recorded), and parses the result back into the scene model.

Backends:

* a ``"screenplay"`` backend (the offline ``procedural`` writer) writes each
  scene directly;
* a ``"complete"`` backend (``transformers``, ``openai``) is driven by
  :class:`~studio_kit.engines.writing.llm_writer.LLMWriter`, which prompts,
  validates and retries, and falls back to the procedural writer per scene.
"""
from __future__ import annotations

import datetime as _dt
import random
import re
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studio_kit.domain.dialogue import CastMember, DialogueVoice
from studio_kit.domain.script import Script
from studio_kit.domain.story import Beat, ScenePlan, StoryBrief
from studio_kit.engines.writing import english, lexicon
from studio_kit.engines.writing import premise as premise_mod
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.llm_writer import LLMWriter
from studio_kit.engines.writing.pagination import paginate
from studio_kit.engines.writing.premise import Premise, read_premise
from studio_kit.engines.writing.structures import get_structure, plan_story
from studio_kit.exceptions import BackendError, ScriptError
from studio_kit.registry import Backend, hash_input, invoke, load_backend

__all__ = ["CastMember", "DialogueVoice", "GeneratedScript", "generate_script", "make_cast"]

AUTHOR = "studio_kit procedural writer"


class GeneratedScript(BaseModel):
    """A generated screenplay: its Fountain text, the parsed script, and the plan it came from."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    fountain: str
    script: Script
    beats: list[Beat]
    plans: list[ScenePlan]
    cast: list[CastMember] = Field(default_factory=list)
    backend: str = "procedural"
    warnings: list[str] = Field(default_factory=list)
    provenance: dict[str, Any] = Field(default_factory=dict)


def make_cast(seed: int = 0, size: int = 3, genre: str = "drama") -> list[CastMember]:
    """A small invented cast, the same for the same seed: protagonist, then antagonist/ally/mentor."""
    rng = random.Random(f"cast:{seed}:{genre}")
    roles = ["protagonist", "antagonist", "ally", "mentor", "love", "comic"][:max(1, size)]
    if genre == "ad":  # a spot needs a user and a happy customer, not a villain
        roles = ["protagonist", "supporting"][:max(1, size)]
    picks = rng.sample(lexicon.FIRST_NAMES, k=len(roles))
    cast = []
    for (first, poss), role in zip(picks, roles):
        name = f"{first} {rng.choice(lexicon.SURNAMES)}" if role in {"protagonist", "antagonist"} else first
        cast.append(CastMember(name=name, role=role, pronoun=poss, age=rng.choice(lexicon.AGES),
                               voice=DialogueVoice.for_role(role, random.Random(f"voice:{seed}:{name}"))))
    return cast


def cast_for_premise(premise: Premise, seed: int = 0, genre: str = "drama", pages: float = 10.0) -> list[CastMember]:
    """A cast that fits the story and its length, the same for the same seed.

    The protagonist is the logline's ("a disgraced court reporter", with the logline's pronoun), the
    people the logline names become characters ("her estranged son"), the antagonist is the
    logline's when it names one. Length decides the size: a short has three principals; an
    episode adds a supporting player and day players; a feature has five principals, supporting
    players and day players from the setting's world (a courthouse has a BAILIFF and a JUROR).
    """
    rng = random.Random(f"cast:{seed}:{genre}:{premise.logline}")
    principals = 3 if pages < 30 else 4 if pages < 70 else 5
    cast = make_cast(seed, principals, genre)
    used = {m.first_name for m in cast}
    hero = cast[0]
    if premise.pronoun and premise.pronoun != hero.pronoun:   # the logline says "her": the hero is a she
        first = next((f for f, poss in rng.sample(lexicon.FIRST_NAMES, len(lexicon.FIRST_NAMES))
                      if poss == premise.pronoun and f not in used), hero.first_name)
        hero = hero.model_copy(update={"name": f"{first} {hero.name.split(' ', 1)[1]}" if " " in hero.name else first,
                                       "pronoun": premise.pronoun})
        hero = hero.model_copy(update={"voice": DialogueVoice.for_role("protagonist",
                                                                       random.Random(f"voice:{seed}:{hero.name}"))})
    if premise.protagonist:
        label = premise.protagonist if not premise.hero_plural else premise.protagonist and \
            f"one of the {premise.protagonist}"
        hero = hero.model_copy(update={"description": english.indefinite(label) + " " + label
                                       if not premise.hero_plural else label})
    cast[0] = hero
    for k, m in enumerate(cast[1:], start=1):
        if m.role == "antagonist" and premise.antagonist:
            cast[k] = m.model_copy(update={"description": premise.antagonist})
    others = [k for k, m in enumerate(cast) if m.role in {"ally", "love", "mentor", "comic"}]
    for person, k in zip(premise.people, others):
        # "her estranged son" is described from the hero's side: "Mara's estranged son"
        desc = re.sub(r"^(her|his|their)\b", hero.first_name.title() + "'s", person)
        member = cast[k].model_copy(update={"description": desc})
        if person.split()[-1] in {"son", "daughter", "grandson", "granddaughter", "nephew", "niece", "child",
                                  "kid", "stepson", "stepdaughter"}:
            member = member.model_copy(update={"age": rng.choice(["late teens", "early 20s", "20s"])})
        gender = premise_mod.gender_of(person.split()[-1])
        if gender and gender != member.pronoun:     # a son is a he: a name and pronoun to match
            used = {m.first_name for m in cast}
            first = next((f for f, poss in rng.sample(lexicon.FIRST_NAMES, len(lexicon.FIRST_NAMES))
                          if poss == gender and f not in used), member.first_name)
            member = member.model_copy(update={"name": first, "pronoun": gender, "voice": DialogueVoice.for_role(
                member.role, random.Random(f"voice:{seed}:{first}"))})
        cast[k] = member
    used = {m.first_name for m in cast}
    n_support = 0 if pages < 30 else 1 if pages < 70 else 3
    free = [(f, poss) for f, poss in lexicon.FIRST_NAMES if f not in used]
    rng.shuffle(free)
    for first, poss in free[:n_support]:
        cast.append(CastMember(name=first, role="supporting player", pronoun=poss, age=rng.choice(lexicon.AGES),
                               voice=DialogueVoice.for_role("supporting", random.Random(f"voice:{seed}:{first}"))))
    n_day = 0 if pages < 30 else 2 if pages < 70 else max(4, round(pages / 20))
    pool = premise_mod.vocabulary()["day_players"]
    names = list(dict.fromkeys(pool.get(premise.setting, []) + pool["default"]))
    for name in names[:n_day]:
        cast.append(CastMember(name=name, role="day player", pronoun=rng.choice(["her", "his"]),
                               age=rng.choice(lexicon.AGES),
                               voice=DialogueVoice.for_role("supporting", random.Random(f"voice:{seed}:{name}"))))
    return cast


def _resolve_cast(cast: Sequence[Any] | None, seed: int, genre: str, is_ad: bool,
                  premise: Premise | None = None, pages: float = 10.0) -> list[CastMember]:
    if cast is None:
        members = make_cast(seed, 2, "ad") if is_ad else (
            cast_for_premise(premise, seed, genre, pages) if premise is not None else make_cast(seed, 3, genre))
    else:
        members = [CastMember.parse(c) for c in cast]
        if not members:
            raise ScriptError("The cast list is empty.", hint="Pass cast=None to invent one, or ['MARA:protagonist'].")
        names = [m.name for m in members]
        if len(set(names)) != len(names):
            raise ScriptError(f"The cast names a character twice: {names}.", hint="Give each character one entry.")
    # voices are fixed here, so every writer (and the character engine) sees the same ones
    members = [m if m.voice else m.model_copy(update={"voice": m.voice_or_default(seed)}) for m in members]
    if is_ad and not any(m.role.lower() in {"announcer", "narrator"} for m in members):
        members.append(CastMember(name="ANNOUNCER", role="announcer",
                                  voice=DialogueVoice(formality=0.6, sentence_length=7, tic_rate=0.0)))
    return members


def _resolve_backend(backend: Any) -> Any:
    if isinstance(backend, Backend) and backend.modality == "text":
        return backend
    if backend is not None and not isinstance(backend, str):
        raise BackendError(f"backend must be a name or a TextBackend, not {type(backend).__name__}.",
                           hint="Use 'procedural', 'transformers', 'openai' or a TextBackend instance.")

    return load_backend("text", backend)


def _title(logline: str, parts: lexicon.LoglineParts, rng: random.Random, is_ad: bool) -> str:
    if is_ad and parts.protagonist:
        return parts.protagonist.title()
    noun = (parts.objects or parts.places or [parts.protagonist.split(" ")[-1] if parts.protagonist else "story"])[0]
    # number and article agree with the noun: "Patients at Night", "An Orchid at Night", never "A Patients"
    if english.is_plural(noun):
        patterns = ["The {n}", "{n}", "After the {n}", "The Last {n}", "{n} at Night", "Keeper of the {n}"]
    elif noun in lexicon.ABSTRACT_NOUNS:   # "Truth", "The Storm": a bare abstract noun reads as a title
        patterns = ["The {n}", "{n}", "After the {n}", "The Last {n}", "{a} {n} at Night", "Keeper of the {n}"]
    else:                                  # a bare singular count noun ("Message") does not
        patterns = ["The {n}", "After the {n}", "The Last {n}", "{a} {n} at Night", "Keeper of the {n}"]
    return rng.choice(patterns).format(n=noun.title(), a=english.indefinite(noun).title())


def scene_transition(here: ScenePlan, nxt: ScenePlan, genre: str, rng: random.Random) -> str:
    """The transition between two scenes as a script reader expects it, or "" for a plain cut.

    Never before CONTINUOUS or a return to the same place (the action runs on); a DISSOLVE for
    time passing (night to morning, a LATER in drama and romance); a SMASH CUT into the climax of a
    thriller or horror; otherwise an occasional CUT TO: where a beat ends.
    """
    if nxt.time_of_day == "CONTINUOUS" or nxt.location == here.location and nxt.time_of_day != "LATER":
        return ""
    if nxt.kind == "climax" and here.kind != "climax" and genre in {"thriller", "horror", "crime"}:
        return "SMASH CUT TO:"
    if here.time_of_day == "NIGHT" and nxt.time_of_day in {"DAWN", "DAY"} or \
            nxt.time_of_day == "LATER" and genre in {"drama", "romance"}:
        return "DISSOLVE TO:" if rng.random() < 0.6 else ""
    if here.beat != nxt.beat and rng.random() < 0.35:
        return "CUT TO:"
    return ""


def title_page(title: str, draft_date: str, credit: str = "Written by", author: str = AUTHOR) -> str:
    """Fountain title page block: Title, Credit, Author, Draft date."""
    return f"Title: {title}\nCredit: {credit}\nAuthor: {author}\nDraft date: {draft_date}\n"


def generate_script(logline: str, format: str = "short", genre: str = "drama", tone: str = "grounded",
                    pages: float | None = None, cast: Sequence[Any] | None = None, seed: int = 0,
                    backend: Any = None, title: str | None = None, draft_date: str | _dt.date | None = None,
                    retries: int = 2) -> GeneratedScript:
    """Write a screenplay from a logline.

    ``format``: short, film (three-act), save_the_cat, episode, ad15, ad30, ad60.
    ``pages``: target length in pages (ads: seconds); None = the format's default
    (short 10, film 100, save_the_cat 110, episode 50, adN N seconds).
    ``cast``: CastMember objects or "NAME:role" strings; None invents a cast from ``seed``.
    ``backend``: None (the configured text backend), a name, or a TextBackend.
    Same arguments and seed give the same text. ``draft_date`` defaults to today.
    """
    if not isinstance(logline, str) or not logline.strip():
        raise ScriptError("The logline is empty.", hint="Describe the story in one sentence, e.g. "
                          "'A lighthouse keeper finds a message in a bottle that predicts the next storm.'")
    logline = " ".join(logline.split())
    structure = get_structure(format)
    if pages is not None:
        try:
            pages = float(pages)
        except (TypeError, ValueError):
            raise ScriptError(f"Length {pages!r} is not a number.",
                              hint="Give pages as a number (seconds for ads), e.g. pages=10.") from None
    notes: list[str] = []
    if lexicon.GENRE_ALIASES.get(genre.lower().strip(), genre.lower().strip()) not in lexicon.GENRES:
        notes.append(f"Unknown genre {genre!r}: the drama vocabulary was used "
                     f"(known: {', '.join(sorted(lexicon.GENRES))}).")
    if lexicon.TONE_ALIASES.get(tone.lower().strip(), tone.lower().strip()) not in lexicon.TONES:
        notes.append(f"Unknown tone {tone!r}: the grounded vocabulary was used "
                     f"(known: {', '.join(sorted(lexicon.TONES))}).")
    writer = _resolve_backend(backend)     # an unknown or missing backend fails before any writing starts
    is_ad = structure.unit == "seconds"
    premise = read_premise(logline)
    length = pages if pages is not None else structure.default_length
    members = _resolve_cast(cast, seed, genre, is_ad, premise,
                            length if structure.unit == "pages" else length / 60)
    beats, plans = plan_story(logline, structure.name, genre, tone, pages, members, seed)
    parts = lexicon.read_logline(logline)
    rng = random.Random(f"title:{seed}")
    title = (title or "").strip() or _title(logline, parts, rng, is_ad)
    brief = StoryBrief(title=title, logline=logline, format=structure.name, genre=genre, tone=tone, cast=members,
                       seed=seed, product=title if is_ad else "",
                       objects=(premise.objects or ([premise.conflict] if premise.conflict else []))[:3])

    memory: dict[str, Any] = {}
    warnings: list[str] = list(notes)
    scenes: list[str] = []
    if "screenplay" in writer.capabilities:
        for plan in plans:
            scenes.append(invoke(writer, "write_scene", plan, brief, memory, seed=seed,
                                 params={"scene": plan.index, "beat": plan.beat, "eighths": plan.target_eighths},
                                 inputs=[logline], units=1))
    elif "complete" in writer.capabilities:
        llm = LLMWriter(writer, retries=retries)
        for plan in plans:
            text, notes = llm.write_scene(plan, brief, memory, previous=scenes[-1] if scenes else None,
                                          total=len(plans))
            scenes.append(text)
            warnings += notes
    else:
        raise BackendError(f"Text backend '{writer.name}' can neither write screenplays nor complete prompts.",
                           hint="Use the procedural, transformers or openai backend.")

    genre_key = lexicon.GENRE_ALIASES.get(genre.lower(), genre.lower())
    body: list[str] = ["FADE IN:\n"]
    for i, text in enumerate(scenes):
        body.append(text.strip() + "\n")
        if i < len(scenes) - 1 and not is_ad:
            transition = scene_transition(plans[i], plans[i + 1], genre_key, rng)
            if transition:
                body.append(transition + "\n")
    body.append("> FADE OUT.\n" if not is_ad else "> CUT TO BLACK.\n")
    date = draft_date or _dt.date.today()
    date_text = date.isoformat() if isinstance(date, _dt.date) else str(date)
    fountain = title_page(title, date_text) + "\n" + "\n".join(body)

    script = parse_fountain(fountain)
    if len(script.scenes) != len(plans):
        raise ScriptError(f"The generated script parsed into {len(script.scenes)} scenes, {len(plans)} were planned.",
                          hint="This is a writer bug; report it with the logline and seed.")
    for scene, plan in zip(script.scenes, plans):
        scene.synopsis = scene.synopsis or plan.purpose

    layout = paginate(script, "letter")  # sets each scene's eighths, as breakdown and shots expect
    script.warnings += warnings
    script.metadata.update({
        "generator": writer.name, "format": structure.name, "genre": genre, "tone": tone, "seed": seed,
        "logline": logline, "scene_beats": [p.beat for p in plans], "scene_kinds": [p.kind for p in plans],
        "scene_seconds": [p.seconds for p in plans], "pages": round(layout.fractional_pages, 3),
    })
    provenance = {"backend": f"text.{writer.name}", "model": writer.model_id, "seed": seed,
                  "params": {"format": structure.name, "genre": genre, "tone": tone, "pages": pages,
                             "cast": [m.name for m in members]},
                  "input_hashes": [hash_input(logline)]}
    return GeneratedScript(fountain=fountain, script=script, beats=beats, plans=plans, cast=members,
                           backend=writer.name, warnings=warnings, provenance=provenance)
