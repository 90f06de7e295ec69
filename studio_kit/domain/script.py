"""Screenplay domain models: Script, Scene, Element, DialogueBlock, Shot.

These are the contract between the writing engine (which parses and writes
them), pre-production (breakdown, schedule), characters (continuity) and
production (shots). Lengths are in eighths of a page (int).
"""
from __future__ import annotations

import re
from enum import Enum
from typing import Any, TypeVar

from pydantic import BaseModel, Field


class ElementType(str, Enum):
    SCENE_HEADING = "scene_heading"
    ACTION = "action"
    CHARACTER = "character"
    PARENTHETICAL = "parenthetical"
    DIALOGUE = "dialogue"
    LYRICS = "lyrics"
    TRANSITION = "transition"
    CENTERED = "centered"
    PAGE_BREAK = "page_break"
    NOTE = "note"
    BONEYARD = "boneyard"
    SECTION = "section"
    SYNOPSIS = "synopsis"


class Element(BaseModel):
    """One Fountain element, with the 1-based source line it started on."""

    type: ElementType
    text: str = ""
    line: int = 0
    forced: bool = False          # written with a forcing mark (. ! @ > ~)
    scene_number: str | None = None  # scene headings: "7A" from "#7A#"
    dual: bool = False            # character cue carrying "^" (second of a dual pair) and its lines
    depth: int = 0                # sections: number of '#'


class DialogueBlock(BaseModel):
    """A character cue with its parentheticals and dialogue lines."""

    character: str               # normalised name: no extensions, no ^, no @
    cue: str                     # as written: "BOB (V.O.)"
    extensions: list[str] = Field(default_factory=list)  # ["V.O."], ["CONT'D"]
    lines: list[Element] = Field(default_factory=list)    # parentheticals, dialogue, lyrics in order
    dual: bool = False
    line: int = 0

    @property
    def text(self) -> str:
        return "\n".join(e.text for e in self.lines if e.type == ElementType.DIALOGUE)


class Scene(BaseModel):
    """A scene: its heading split into parts, its elements, and who is in it."""

    index: int                          # 0-based order in the script
    number: str | None = None           # locked scene number ("12", "12A"); None when unnumbered
    heading: str
    int_ext: str = ""                   # INT, EXT, INT/EXT or EST
    location: str = ""
    time_of_day: str = ""               # DAY, NIGHT, DAWN, DUSK, CONTINUOUS, ...
    line: int = 0
    elements: list[Element] = Field(default_factory=list)   # heading first
    dialogue: list[DialogueBlock] = Field(default_factory=list)
    speaking_characters: list[str] = Field(default_factory=list)   # normalised, first-speech order
    mentioned_characters: list[str] = Field(default_factory=list)  # named in action (caps intro)
    synopsis: str = ""
    eighths: int | None = None          # page length, set by pagination (>= 1)

    @property
    def characters(self) -> list[str]:
        """Speaking first, then those only mentioned in action."""
        return self.speaking_characters + [c for c in self.mentioned_characters if c not in self.speaking_characters]

    @property
    def action_text(self) -> str:
        return "\n".join(e.text for e in self.elements if e.type == ElementType.ACTION)

    @property
    def is_night(self) -> bool:
        return self.time_of_day.upper() in {"NIGHT", "DUSK", "EVENING", "LATE NIGHT", "MIDNIGHT"}


class Script(BaseModel):
    """A parsed screenplay."""

    title_page: dict[str, str] = Field(default_factory=dict)  # ordered "Title" -> value
    elements: list[Element] = Field(default_factory=list)     # every body element in order
    scenes: list[Scene] = Field(default_factory=list)
    source_format: str = "fountain"
    warnings: list[str] = Field(default_factory=list)         # best-effort parse notes
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def title(self) -> str:
        raw = self.title_page.get("Title", "") or ""
        return re.sub(r"[*_]", "", raw).strip().replace("\n", " ") or "Untitled"

    @property
    def speaking_characters(self) -> list[str]:
        seen: list[str] = []
        for scene in self.scenes:
            for name in scene.speaking_characters:
                if name not in seen:
                    seen.append(name)
        return seen

    @property
    def dialogue_block_count(self) -> int:
        return sum(1 for e in self.elements if e.type == ElementType.CHARACTER)


class ShotSize(str, Enum):
    WIDE = "wide"
    MEDIUM = "medium"
    CLOSE_UP = "close-up"
    OVER_THE_SHOULDER = "over-the-shoulder"
    INSERT = "insert"


class Shot(BaseModel):
    """One planned shot of a scene, for storyboards and the production engine."""

    scene_index: int
    scene_number: str | None = None
    number: str                          # "12.3" or "12A.1"
    size: ShotSize
    angle: str = "eye level"             # eye level, high, low, overhead, dutch
    movement: str = "static"             # static, pan, tilt, dolly in, tracking, handheld, crane
    subjects: list[str] = Field(default_factory=list)
    description: str = ""
    covers_lines: list[int] = Field(default_factory=list)  # source line numbers covered
    seconds: float = 0.0


# ------------------------------------------------------------------ fast construction
_M = TypeVar("_M", bound=BaseModel)


def fast_model(cls: type[_M], data: dict[str, Any]) -> _M:
    """A pydantic model instance without validation, for data the parser made
    itself (types already right). Same object as ``cls.model_construct(**data)``
    with every field given, at a third of the cost: it matters on a 120-page
    script with thousands of elements."""
    obj = _new(cls)
    set_dict(obj, data)
    every = _EVERY_FIELD.get(cls)
    if every is None:
        every = _EVERY_FIELD[cls] = set(cls.model_fields)
    # with every field given, one set shared by all instances of ``cls`` (as fast_element does)
    set_fields_set(obj, every if len(data) == len(every) else set(data))
    set_extra(obj, None)
    set_private(obj, None)
    return obj


# model class -> the set of all its field names, shared by the fast_model instances given every field
_EVERY_FIELD: dict[type, set[str]] = {}

_ELEMENT_FIELDS = set(Element.model_fields)


def fast_element(etype: ElementType, text: str, line: int, forced: bool = False,
                 scene_number: str | None = None, dual: bool = False, depth: int = 0) -> Element:
    """:func:`fast_model` of an :class:`Element` with its fields as arguments: one call, no dict of
    fields to read the names from (the parser makes one per paragraph, cue and speech)."""
    obj = _new(Element)
    set_dict(obj, {"type": etype, "text": text, "line": line, "forced": forced,
                   "scene_number": scene_number, "dual": dual, "depth": depth})
    # every field is set, so no assignment can grow the set (pydantic only ever adds a field's name
    # to it; model_copy copies it): one set shared by all, as incremental's moved copies do. A copy
    # per element was a fifth of this function
    set_fields_set(obj, _ELEMENT_FIELDS)
    set_extra(obj, None)
    set_private(obj, None)
    return obj


_new = object.__new__
_set = object.__setattr__
# The setters of BaseModel's four slots, called directly: ``object.__setattr__(obj, name, v)`` looks the
# name up in the class on every call, about twice the cost of the slot's own setter (and the parser
# makes thousands of models). Same stores, so the same object; the probe below checks it.
try:  # fall back to the public API if pydantic's internals ever differ
    set_dict = BaseModel.__dict__["__dict__"].__set__
    set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__
    set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
    set_private = BaseModel.__dict__["__pydantic_private__"].__set__
    _probe = fast_model(Element, {"type": ElementType.ACTION, "text": "x", "line": 1, "forced": False,
                                  "scene_number": None, "dual": False, "depth": 0})
    _probe.dual = True
    assert _probe == Element(type=ElementType.ACTION, text="x", line=1, dual=True)
    _probe = fast_element(ElementType.ACTION, "x", 1)
    _probe.dual = True
    assert _probe == Element(type=ElementType.ACTION, text="x", line=1, dual=True)
    assert _probe.model_fields_set == _ELEMENT_FIELDS
except Exception:  # pragma: no cover - depends on the pydantic version
    def fast_model(cls: type[_M], data: dict[str, Any]) -> _M:  # type: ignore[misc]
        return cls.model_construct(**data)

    def fast_element(etype: ElementType, text: str, line: int, forced: bool = False,  # type: ignore[misc]
                     scene_number: str | None = None, dual: bool = False, depth: int = 0) -> Element:
        return Element.model_construct(type=etype, text=text, line=line, forced=forced,
                                       scene_number=scene_number, dual=dual, depth=depth)


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
