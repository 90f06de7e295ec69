"""Write planned scenes with a language model (any ``"complete"`` text backend).

For each :class:`ScenePlan` the writer builds a prompt from the structure beat,
the cast present with their voice profiles and a summary of the previous
scene, calls the backend through :func:`studio_kit.registry.invoke`, and
validates the answer into the scene model:

* it parses as Fountain, with exactly one scene heading;
* only characters the plan puts in the scene speak;
* the scene has action or dialogue after its heading;
* it carries the premise (:mod:`~studio_kit.engines.writing.premise`): it names at
  least one of the logline's protagonist, setting, central object, conflict or people;
* it says no sentence the script has already said (in this scene or an earlier one);
* every person used as the subject of a sentence ("The son walks in") is a character
  of the story (the cast's names, roles and descriptions).

An invalid answer is retried with a corrective prompt that lists what was
wrong (``retries`` times); after that the scene is written by the procedural
writer and a warning says so. Code fences and chatter before the heading are
removed before validation (instruction-tuned models add them).
"""
from __future__ import annotations

import re
from typing import Any

from studio_kit.domain.script import ElementType
from studio_kit.domain.story import ScenePlan, StoryBrief
from studio_kit.engines.writing import premise as P
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.premise import read_premise, sentences
from studio_kit.exceptions import BackendError, StudioError
from studio_kit.registry import invoke, load_backend

SYSTEM_PROMPT = (
    "You are a professional screenwriter. You write exactly one scene at a time in Fountain screenplay format: "
    "the scene heading on the first line, then action paragraphs and dialogue. A character cue is the "
    "character's name in CAPITALS on its own line, directly followed by the dialogue. Separate paragraphs with "
    "one blank line. Never add commentary, markdown or a second scene heading."
)
_HEADING_RE = re.compile(r"^\s*\.?(INT\.?/EXT|INT/EXT|I/E|INT|EXT|EST)[. ]", re.IGNORECASE)


def summarize_scene(fountain: str) -> str:
    """A one-paragraph summary of a written scene for the next scene's prompt."""
    try:
        script = parse_fountain(fountain)
    except StudioError:
        return ""
    if not script.scenes:
        return ""
    scene = script.scenes[0]
    action = next((e.text for e in scene.elements if e.type == ElementType.ACTION), "")
    first_action = re.split(r"(?<=[.!?])\s", action.strip(), maxsplit=1)[0] if action else ""
    last_line = scene.dialogue[-1] if scene.dialogue else None
    parts = [f"{scene.heading}."]
    if first_action:
        parts.append(first_action)
    if scene.speaking_characters:
        parts.append("Speaking: " + ", ".join(scene.speaking_characters) + ".")
    if last_line is not None and last_line.text:
        parts.append(f'It ends with {last_line.character}: "{last_line.text.splitlines()[0][:120]}"')
    return " ".join(parts)


def clean_output(text: str) -> str:
    """Remove code fences and any chatter before the first scene heading."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"^\s*```[a-zA-Z]*\s*$", "", text, flags=re.MULTILINE)
    lines = text.split("\n")
    start = next((i for i, line in enumerate(lines) if _HEADING_RE.match(line)), 0)
    return "\n".join(lines[start:]).strip() + "\n"


def validate_scene(text: str, plan: ScenePlan, brief: StoryBrief | None = None,
                   said: set[str] | None = None) -> list[str]:
    """What is wrong with a model's scene, as sentences a model can act on (empty list = valid).

    With ``brief`` the scene is also checked against the story's premise and cast; ``said`` holds
    the sentences earlier scenes used (lower case), which this one must not repeat.
    """
    if not text.strip():
        return ["The answer was empty."]
    try:
        script = parse_fountain(text)
    except StudioError as exc:
        return [f"The answer is not readable Fountain ({exc.message})."]
    errors: list[str] = []
    if len(script.scenes) != 1:
        errors.append(f"Write exactly one scene heading; the answer had {len(script.scenes)}.")
    allowed = {c.upper() for c in plan.characters}
    first_names = {c.split(" ")[0].upper(): c for c in plan.characters}
    for scene in script.scenes:
        for name in scene.speaking_characters:
            if name.upper() not in allowed and name.upper() not in first_names:
                errors.append(f"{name} speaks but is not in this scene; only "
                              f"{', '.join(plan.characters)} may speak.")
        body = [e for e in scene.elements if e.type in (ElementType.ACTION, ElementType.DIALOGUE)]
        if not body:
            errors.append("The scene has no action or dialogue after its heading.")
        elif brief is not None:
            errors += _story_errors("\n".join(e.text for e in body), brief, said or set())
    return errors


def _story_errors(body: str, brief: StoryBrief, said: set[str]) -> list[str]:
    """The premise checks the procedural writer's tests apply, as instructions a model can follow."""
    premise = P.read_premise(brief.logline)
    errors: list[str] = []
    terms = premise.terms()
    if terms and not P.premise_terms_in(body, premise):
        errors.append("The scene ignores the premise: mention at least one of "
                      + ", ".join(f'"{w}"' for w in dict.fromkeys(terms.values())) + ".")
    mine = P.sentences(body)
    again = sorted({s for s in mine if s in said} | P.repeated_sentences([body]))
    if again:
        errors.append("Do not repeat sentences already in the script: " + "; ".join(f'"{s}"' for s in again[:3])
                      + ".")
    strangers = P.uncast_person_subjects(body, P.character_labels(brief.cast, premise))
    if strangers:
        errors.append("Only the story's characters act: " + ", ".join(f'"the {h}"' for h in sorted(strangers))
                      + " is not in the cast (" + ", ".join(m.name for m in brief.cast) + ").")
    return errors


class LLMWriter:
    """Writes scene plans with a ``"complete"`` backend; validates, retries, falls back."""

    def __init__(self, backend: Any, retries: int = 2, temperature: float = 0.8, max_tokens: int | None = None):
        if "complete" not in getattr(backend, "capabilities", ()):
            raise BackendError(f"Text backend '{backend.name}' cannot complete prompts.",
                               hint="Use the transformers or openai backend for LLM writing.")
        self.backend = backend
        self.retries = max(0, int(retries))
        self.temperature = temperature
        self.max_tokens = max_tokens  # None: sized from the scene's eighths
        self._fallback: Any = None

    def prompt(self, plan: ScenePlan, brief: StoryBrief, previous: str | None = None, total: int | None = None) -> str:
        """The scene prompt: story, beat, heading, cast with voices, previous scene, length."""
        lines = [f"Title: {brief.title}", f"Logline: {brief.logline}",
                 f"Genre: {brief.genre}. Tone: {brief.tone}.",
                 f"Scene {plan.index + 1}{f' of {total}' if total else ''} — beat: {plan.beat} ({plan.act}). "
                 f"Purpose: {plan.purpose}"]
        if previous:
            lines.append(f"Previous scene: {summarize_scene(previous) or 'none'}")

        premise = read_premise(brief.logline)
        terms = premise.terms()
        if terms:
            lines.append("Premise (the scene must carry it): " + "; ".join(
                f"{k}: {v}" for k, v in [("protagonist", premise.protagonist), ("setting", premise.setting),
                                         ("central object", premise.central_object),
                                         ("conflict", premise.predicate or premise.conflict)] if v))
            lines.append("Premise terms: " + ", ".join(dict.fromkeys(terms.values())))
        lines.append(f"Start with this scene heading exactly: {plan.heading}")
        lines.append("Characters in this scene (only they may speak):")
        for name in plan.characters:
            member = brief.member(name)
            if member is None:
                lines.append(f"- {name}")
                continue
            voice = member.voice_or_default(brief.seed)
            who = f" Who: {member.description}." if member.description else ""
            lines.append(f"- {member.name} ({member.role}): {voice.describe()}.{who}")
        approx = round(plan.target_eighths * 55 / 8)
        lines.append(f"Length: about {approx} printed lines ({plan.target_eighths}/8 of a page).")
        lines.append("Write the scene in Fountain now.")
        return "\n".join(lines)

    def write_scene(self, plan: ScenePlan, brief: StoryBrief, memory: dict[str, Any] | None = None,
                    previous: str | None = None, total: int | None = None) -> tuple[str, list[str]]:
        """Fountain text for ``plan`` and the warnings raised while writing it."""
        base = self.prompt(plan, brief, previous, total)
        prompt = base
        memory = memory if memory is not None else {}
        said: set[str] = memory.setdefault("said", set())
        errors: list[str] = []
        # ~7 printed lines an eighth, ~12 tokens a line
        max_tokens = self.max_tokens or max(160, plan.target_eighths * 110)
        for attempt in range(self.retries + 1):
            raw = invoke(self.backend, "complete", prompt, system=SYSTEM_PROMPT, max_tokens=max_tokens,
                         temperature=self.temperature, seed=brief.seed * 1000 + plan.index * 10 + attempt,
                         params={"scene": plan.index, "attempt": attempt, "max_tokens": max_tokens},
                         inputs=[prompt], units=lambda text: _tokens_used(self.backend, text))
            text = clean_output(str(raw or ""))
            errors = validate_scene(text, plan, brief, said)
            if not errors:
                said |= set(sentences(text))
                return text, []
            prompt = (base + "\n\nYour previous answer could not be used:\n- " + "\n- ".join(errors)
                      + "\nWrite the whole scene again and fix these problems.")
        text = self._procedural(plan, brief, memory)
        warning = (f"Scene {plan.index + 1} ({plan.heading}): {self.backend.name} gave no valid scene in "
                   f"{self.retries + 1} tries ({'; '.join(errors)}); the procedural writer wrote it instead.")
        return text, [warning]

    def _procedural(self, plan: ScenePlan, brief: StoryBrief, memory: dict[str, Any]) -> str:
        if self._fallback is None:
            self._fallback = load_backend("text", "procedural")
        return invoke(self._fallback, "write_scene", plan, brief, memory, seed=brief.seed,
                      params={"scene": plan.index, "fallback_for": self.backend.name}, units=1)


def _tokens_used(backend: Any, text: Any) -> float:
    usage = getattr(backend, "last_usage", None) or {}
    return float(usage.get("completion_tokens") or len(str(text or "").split()))
