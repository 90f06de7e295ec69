"""Compare two drafts scene by scene and line by line; lock scene numbers across a revision.

Scenes are aligned by their headings (in order), then scenes whose heading
changed are paired by content; anything left is an added or an omitted
scene. Locking follows production practice: a scene that survives keeps its
number, a new scene takes the number of the scene before it plus a letter
(12A, 12B), and a cut scene stays in the script as ``OMITTED`` so the
numbers the crew already scheduled never move.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from studio_kit.domain.script import Element, ElementType, Scene, Script
from studio_kit.engines.writing.revisions import changed_lines, printed_lines

OMITTED = "OMITTED"
_PAIR_RATIO = 0.5        # content similarity above which a re-headed scene is "changed", not "added"


@dataclass
class SceneChange:
    """How one scene differs between two drafts. ``lines`` are ("-", old) / ("+", new) pairs."""

    status: str                       # unchanged, changed, added, omitted
    old_index: int | None = None
    new_index: int | None = None
    old_number: str | None = None
    new_number: str | None = None
    old_heading: str = ""
    new_heading: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)

    @property
    def heading(self) -> str:
        return self.new_heading or self.old_heading

    @property
    def number(self) -> str | None:
        return self.new_number or self.old_number

    def to_dict(self) -> dict:
        return {"status": self.status, "old_index": self.old_index, "new_index": self.new_index,
                "old_number": self.old_number, "new_number": self.new_number,
                "old_heading": self.old_heading, "new_heading": self.new_heading,
                "lines": [list(x) for x in self.lines]}


@dataclass
class ScriptDiff:
    """Scene-by-scene differences between an old and a new draft."""

    scenes: list[SceneChange]
    changed_lines: set[int] = field(default_factory=set)    # source lines of the new draft to mark

    def with_status(self, status: str) -> list[SceneChange]:
        return [s for s in self.scenes if s.status == status]

    @property
    def added(self) -> list[SceneChange]:
        return self.with_status("added")

    @property
    def omitted(self) -> list[SceneChange]:
        return self.with_status("omitted")

    @property
    def changed(self) -> list[SceneChange]:
        return self.with_status("changed")

    @property
    def unchanged(self) -> list[SceneChange]:
        return self.with_status("unchanged")

    @property
    def is_empty(self) -> bool:
        return all(s.status == "unchanged" for s in self.scenes)

    def summary(self) -> dict[str, int]:
        return {k: len(self.with_status(k)) for k in ("unchanged", "changed", "added", "omitted")}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "changed_lines": sorted(self.changed_lines),
                "scenes": [s.to_dict() for s in self.scenes]}


def _heading_key(scene: Scene) -> str:
    return " ".join(re.sub(r"\s*#[^#\s]+#\s*$", "", scene.heading).upper().split())


def _scene_lines(scene: Scene) -> list[str]:
    body = Script(elements=scene.elements[1:])
    return [text.split(":", 1)[1] for _, text in printed_lines(body)]


def _is_omitted(scene: Scene) -> bool:
    return _heading_key(scene) == OMITTED and len(scene.elements) <= 1


def _line_changes(old: list[str], new: list[str]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        out.extend(("-", x) for x in old[i1:i2])
        out.extend(("+", x) for x in new[j1:j2])
    return out


def old_numbers(script: Script) -> list[str]:
    """The scene numbers of a draft: its own (``#12A#``) or, where missing, 1, 2, 3 ... in order."""
    numbers = []
    for i, scene in enumerate(script.scenes):
        numbers.append(scene.number or str(i + 1))
    return numbers


def match_scenes(old: Script, new: Script) -> list[tuple[int | None, int | None]]:
    """Pairs (old index, new index) in new-draft order; None on one side = added/omitted scene."""
    numbers = old_numbers(old)
    old_keys = [f"{OMITTED} {numbers[i]}" if _is_omitted(s) else _heading_key(s) for i, s in enumerate(old.scenes)]
    by_number: dict[str | None, str] = dict(zip(numbers, old_keys))
    # an OMITTED placeholder stands in for the old scene that carried its number
    new_keys = [by_number.get(s.number, f"{OMITTED} {s.number}") if _is_omitted(s) else _heading_key(s)
                for s in new.scenes]
    pairs: list[tuple[int | None, int | None]] = []
    matcher = difflib.SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2)))
            continue
        # re-headed scenes: pair by content, keeping the order
        next_old = i1
        for j in range(j1, j2):
            best, best_ratio = None, _PAIR_RATIO
            new_lines = _scene_lines(new.scenes[j])
            for i in range(next_old, i2):
                ratio = difflib.SequenceMatcher(None, _scene_lines(old.scenes[i]), new_lines, autojunk=False).ratio()
                if ratio > best_ratio:
                    best, best_ratio = i, ratio
            if best is None:
                pairs.append((None, j))
            else:
                pairs.extend((i, None) for i in range(next_old, best))
                pairs.append((best, j))
                next_old = best + 1
        pairs.extend((i, None) for i in range(next_old, i2))
    return pairs


def diff_scripts(old: Script, new: Script) -> ScriptDiff:
    """Scene-level and line-level differences from ``old`` to ``new``."""
    numbers = old_numbers(old)
    changes: list[SceneChange] = []
    for oi, ni in match_scenes(old, new):
        if oi is not None and ni is not None:
            o, n = old.scenes[oi], new.scenes[ni]
            lines = _line_changes(_scene_lines(o), _scene_lines(n))
            heading_changed = _heading_key(o) != _heading_key(n)
            if heading_changed and not (_is_omitted(o) and _is_omitted(n)):
                lines.insert(0, ("-", o.heading))
                lines.insert(1, ("+", n.heading))
            status = "changed" if lines else "unchanged"
            if _is_omitted(n) and not _is_omitted(o):
                status = "omitted"
            changes.append(SceneChange(status, oi, ni, numbers[oi], n.number, o.heading, n.heading, lines))
        elif ni is not None:
            n = new.scenes[ni]
            changes.append(SceneChange("added", None, ni, None, n.number, "", n.heading,
                                       [("+", n.heading)] + [("+", x) for x in _scene_lines(n)]))
        elif oi is not None:
            o = old.scenes[oi]
            if _is_omitted(o):
                # omitted before and its placeholder was deleted: nothing changed, the number stays taken
                changes.append(SceneChange("unchanged", oi, None, numbers[oi], None, o.heading, ""))
                continue
            changes.append(SceneChange("omitted", oi, None, numbers[oi], None, o.heading, "",
                                       [("-", o.heading)] + [("-", x) for x in _scene_lines(o)]))
    return ScriptDiff(scenes=changes, changed_lines=changed_lines(old, new))


def insert_number(prev: str | None, first_old: str | None, used: set[str]) -> str:
    """12 -> 12A, 12A -> 12B, before scene 1 -> A1; skips numbers already taken."""
    if prev is None:
        base = first_old or "1"
        return next(f"{letter}{base}" for letter in _letters() if f"{letter}{base}" not in used)
    before_first = re.fullmatch(r"([A-Z]+)(\d+)", prev)
    if before_first:                         # A1 -> B1: still before the first scene
        prefix, base = before_first.groups()
        started = False
        for letters in _letters():
            started = started or letters == prefix
            if started and letters != prefix and f"{letters}{base}" not in used:
                return f"{letters}{base}"
    m = re.fullmatch(r"(.*?\d+)([A-Z]*)", prev or "")
    stem, suffix = (m.group(1), m.group(2)) if m else (prev or "", "")
    started = not suffix
    for letters in _letters():
        if not started:
            started = letters == suffix
            continue
        if f"{stem}{letters}" not in used:
            return f"{stem}{letters}"
    raise AssertionError("unreachable")  # pragma: no cover


def _letters():
    alphabet = [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    yield from alphabet
    for a in alphabet:
        for b in alphabet:
            yield a + b


def lock_scene_numbers(old: Script, new: Script) -> tuple[Script, ScriptDiff]:
    """Number ``new``'s scenes against ``old``'s locked numbers; cut scenes come back as OMITTED.

    Returns a new Script (elements rebuilt; line numbers are those of
    ``new`` and 0 for inserted OMITTED headings — write and re-parse it for
    a clean document) and the scene diff with the numbers filled in.
    """
    numbers = old_numbers(old)
    diff = diff_scripts(old, new)
    used: set[str] = set(numbers)
    assigned: dict[int, str] = {}          # new scene index -> number
    prev: str | None = None
    for change in diff.scenes:
        if change.new_index is None:
            continue
        own = new.scenes[change.new_index].number
        if change.old_index is not None:
            number = numbers[change.old_index]
        elif own and own not in used:
            number = own                     # the writer typed a number nobody holds
        elif not numbers:                    # nothing was numbered before: plain 1, 2, 3
            number = str(len(assigned) + 1)
        else:
            number = insert_number(prev, numbers[0], used)
        used.add(number)
        assigned[change.new_index] = number
        change.new_number = number
        prev = number
    # rebuild the element list: numbered headings, OMITTED placeholders where cut scenes were
    heading_at = {id(s.elements[0]): i for i, s in enumerate(new.scenes) if s.elements}
    omitted_after: dict[int | None, list[str | None]] = {}
    last_new: int | None = None
    for change in diff.scenes:
        if change.new_index is not None:
            last_new = change.new_index
        elif change.old_index is not None:
            omitted_after.setdefault(last_new, []).append(change.old_number)
    elements: list[Element] = []

    def placeholders(key: int | None) -> None:
        for number in omitted_after.pop(key, []):
            elements.append(Element(type=ElementType.SCENE_HEADING, text=OMITTED, forced=True, scene_number=number))

    for el in new.elements:
        idx = heading_at.get(id(el))
        if idx is not None:
            placeholders(idx - 1 if idx > 0 else None)   # cut scenes that sat before this one
            el = el.model_copy(update={"scene_number": assigned.get(idx)})
        elements.append(el)
    placeholders(len(new.scenes) - 1 if new.scenes else None)
    locked = new.model_copy(update={"elements": elements, "scenes": []})
    return locked, diff
