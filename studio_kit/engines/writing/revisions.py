"""Script revisions: the colour sequence, revision records and changed-line marks.

A production prints each revision of a locked script on the next colour of
paper (White, Blue, Pink, Yellow, Green, Goldenrod, Buff, Salmon, Cherry,
then Double White, Double Blue, ... and Triple White after that). Changed
lines carry an asterisk in the right margin and every page header names the
revision colour and date.
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.exceptions import ScriptError

REVISION_COLOURS = ["White", "Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry"]
_PASS_PREFIX = ["", "Double ", "Triple ", "Quadruple "]

# ink for the revision header (the paper colour itself, darkened where it would not read on white)
COLOUR_RGB: dict[str, tuple[float, float, float]] = {
    "White": (0.0, 0.0, 0.0),
    "Blue": (0.12, 0.35, 0.80),
    "Pink": (0.89, 0.36, 0.60),
    "Yellow": (0.80, 0.65, 0.0),
    "Green": (0.15, 0.60, 0.25),
    "Goldenrod": (0.85, 0.65, 0.13),
    "Buff": (0.76, 0.60, 0.42),
    "Salmon": (0.98, 0.50, 0.45),
    "Cherry": (0.82, 0.10, 0.25),
}


def revision_colour(number: int) -> str:
    """Colour of revision ``number``: 0 = the White original, 1 = Blue, ..., 9 = Double White."""
    if number < 0:
        raise ScriptError(f"Revision number {number} is negative.", hint="Revisions count up from 0 (the White draft).")
    cycle, pos = divmod(number, len(REVISION_COLOURS))
    if cycle >= len(_PASS_PREFIX):
        prefix = f"{cycle + 1}x "
    else:
        prefix = _PASS_PREFIX[cycle]
    return prefix + REVISION_COLOURS[pos]


def revision_number(colour: str) -> int:
    """Inverse of :func:`revision_colour`: "Double Blue" -> 10."""
    words = colour.strip().title().split()
    if not words:
        raise ScriptError("Empty revision colour.", hint=f"Use one of {', '.join(REVISION_COLOURS)}.")
    base = words[-1]
    if base not in REVISION_COLOURS:
        raise ScriptError(f"Unknown revision colour {colour!r}.", hint=f"Use one of {', '.join(REVISION_COLOURS)}.")
    prefix = " ".join(words[:-1])
    prefixes = [p.strip() for p in _PASS_PREFIX]
    if prefix in prefixes:
        cycle = prefixes.index(prefix)
    elif re.fullmatch(r"\d+X", prefix):
        cycle = int(prefix[:-1]) - 1
    else:
        raise ScriptError(f"Unknown revision colour {colour!r}.", hint="Write it like 'Blue' or 'Double Pink'.")
    return cycle * len(REVISION_COLOURS) + REVISION_COLOURS.index(base)


def colour_rgb(colour: str) -> tuple[float, float, float]:
    """Header ink (0-1 RGB) for a revision colour; the base colour of a Double/Triple pass."""
    return COLOUR_RGB[colour.split()[-1].title()]


@dataclass
class Revision:
    """One revision of a script: its number, colour, date and the changed source lines."""

    number: int = 0
    date: dt.date = field(default_factory=dt.date.today)
    changed_lines: set[int] = field(default_factory=set)   # 1-based source lines of the revised script
    colour: str = ""

    def __post_init__(self) -> None:
        if not self.colour:
            self.colour = revision_colour(self.number)
        if isinstance(self.date, str):
            self.date = dt.date.fromisoformat(self.date)

    @property
    def is_revision(self) -> bool:
        """False for the White original draft (no header, no marks)."""
        return self.number > 0

    @property
    def header(self) -> str:
        """Page header text: "BLUE REVISION – 2026-11-25"."""
        return f"{self.colour.upper()} REVISION \u2013 {self.date.isoformat()}"

    def next(self, date: dt.date | None = None) -> Revision:
        """The following revision (next colour), with no marks yet."""
        return Revision(number=self.number + 1, date=date or dt.date.today())

    def to_meta(self) -> dict:
        return {"number": self.number, "colour": self.colour, "date": self.date.isoformat(),
                "changed_lines": sorted(self.changed_lines)}

    @classmethod
    def from_meta(cls, meta: dict) -> Revision:
        return cls(number=int(meta.get("number", 0)), date=meta.get("date") or dt.date.today(),
                   changed_lines=set(meta.get("changed_lines") or ()), colour=meta.get("colour", ""))


_PRINTED = {ElementType.SCENE_HEADING, ElementType.ACTION, ElementType.CHARACTER, ElementType.PARENTHETICAL,
            ElementType.DIALOGUE, ElementType.LYRICS, ElementType.TRANSITION, ElementType.CENTERED}


def printed_lines(script: Script) -> list[tuple[int, str]]:
    """(source line, comparable text) for every printed source line, in order.

    Whitespace runs are collapsed and scene numbers left out, so re-wrapping
    or renumbering is not a change; wording, punctuation and case are.
    """
    out: list[tuple[int, str]] = []
    for el in script.elements:
        if el.type not in _PRINTED:
            continue
        for i, part in enumerate(_element_lines(el)):
            key = " ".join(part.split())
            if key:
                out.append((el.line + i if el.line else 0, f"{el.type.value}:{key}"))
    return out


def _element_lines(el: Element) -> list[str]:
    text = el.text
    if el.type == ElementType.SCENE_HEADING:
        text = re.sub(r"\s*#[^#\s]+#\s*$", "", text.strip()).lstrip(".").upper()
    elif el.type == ElementType.CHARACTER:
        text = text.strip().lstrip("@").rstrip("^").strip()
    return text.split("\n")


def changed_lines(old: Script, new: Script) -> set[int]:
    """Source lines of ``new`` that are new or reworded compared with ``old``, plus the line after each cut.

    These lines get an asterisk in the right margin of the revised pages.
    """
    a = [t for _, t in printed_lines(old)]
    new_lines = printed_lines(new)
    b = [t for _, t in new_lines]
    marks: set[int] = set()
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, _i1, _i2, j1, j2 in matcher.get_opcodes():
        if tag in ("replace", "insert"):
            marks.update(new_lines[j][0] for j in range(j1, j2))
        elif tag == "delete":
            # a cut is marked where it happened: on the line that now follows it
            near = j1 if j1 < len(new_lines) else j1 - 1
            if near >= 0:
                marks.add(new_lines[near][0])
    marks.discard(0)
    return marks
