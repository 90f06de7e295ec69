"""Script breakdown: one breakdown sheet per scene, with tagged elements.

``break_down(script)`` turns a parsed :class:`~studio_kit.domain.script.Script`
into a :class:`~studio_kit.domain.preproduction.Breakdown`: scene number,
heading, INT/EXT, day/night, location, length in eighths, synopsis line and the
tags of :mod:`.tagging`, with manual edits (:mod:`.edits`) applied last so they
survive re-running the tagger on a revised draft.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from studio_kit.domain.breakdown_edits import EditLog
from studio_kit.domain.cast import find_aliases, part_kind, part_names, scene_presence
from studio_kit.domain.preproduction import Breakdown, BreakdownCategory, BreakdownSheet, CastMember, day_part
from studio_kit.domain.script import ElementType, Scene, Script, scene_lines
from studio_kit.engines.preproduction import tagging
from studio_kit.exceptions import BreakdownError, ScriptError  # noqa: F401 - BreakdownError re-exported from its old path

LINES_PER_EIGHTH = 55 / 8  # US Letter page of 55 lines, 8 eighths a page


def ensure_eighths(script: Script) -> list[str]:
    """Give every scene a page length: the pagination engine when present, else a line estimate.

    Returns warnings for scenes whose length had to be estimated. The page each
    scene starts on (for the breakdown sheet's "script page") is left in
    ``script.metadata["scene_pages"]``; lengths set before are not changed
    (pages are then read from a laid-out copy).
    """
    warnings: list[str] = []
    paginate: Callable[..., Any] | None
    try:
        from studio_kit.engines.writing import pagination
        paginate = pagination.paginate
    except ImportError:
        paginate = None
    if paginate is not None and script.scenes and all(s.eighths is not None for s in script.scenes) \
            and "scene_pages" not in script.metadata:
        try:
            script.metadata["scene_pages"] = list(paginate(script.model_copy(deep=True)).scene_pages)
        except Exception:  # noqa: BLE001 - page numbers are a nicety; lengths are already known
            pass
    if any(s.eighths is None for s in script.scenes):
        try:
            if paginate is None:
                raise ImportError("studio_kit.engines.writing.pagination")
            script.metadata["scene_pages"] = list(paginate(script).scene_pages)
        except ImportError:
            warnings.append("pagination engine not available: scene lengths estimated from line counts")
        except Exception as exc:  # noqa: BLE001 - a pagination bug must not stop the breakdown: estimate, say so
            warnings.append(f"pagination failed ({type(exc).__name__}: {exc}); scene lengths estimated from line counts")
    for scene in script.scenes:
        if scene.eighths is None:
            lines = sum(max(1, len(e.text) // 61 + 1) for e in scene.elements if e.type != ElementType.BONEYARD)
            lines += sum(len(b.lines) + 1 for b in scene.dialogue)
            scene.eighths = max(1, round(lines / LINES_PER_EIGHTH))
    return warnings


def _page_of(script: Script, index: int) -> int:
    pages = script.metadata.get("scene_pages") or []
    if len(pages) != len(script.scenes):     # stale: scenes were added or cut since the layout
        return 0
    return int(pages[index]) if 0 <= index < len(pages) and pages[index] else 0


def synopsis_line(scene: Scene, limit: int = 90) -> str:
    """A one-line synopsis: the scene's synopsis (``=`` line), else its first action sentence written as one —
    a character's introduction folded to the name ("CYBER BOB, 40, a white man, …, strolls through the park"
    → "CYBER BOB strolls through the park."), and a long sentence ended at a clause boundary with a full stop,
    never cut mid-word."""
    if scene.synopsis.strip():
        text = " ".join(scene.synopsis.split())
    else:
        action = " ".join(" ".join(t.split()) for _, t in scene_lines(scene))
        sentences = [x.strip() for x in re.split(r"(?<=[.!?])\s+", action) if x.strip()] if action else [""]
        names = [n for n in scene.characters if n]
        # the first sentence where someone does something, not the set description before it
        text = next((x for x in sentences if any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", x, re.I)
                                                 for n in names)), sentences[0])
        m = re.match(r"((?:[A-Z][A-Z'’.\-]*\s?)+?)\s*,\s*\d[^,]*,(?:[^,]*,)*\s*([a-z][^,]*)$", text)
        if m:                                   # NAME, age, description ..., predicate
            text = f"{m.group(1).strip()} {m.group(2).strip()}"
    if len(text) > limit:                       # a long introduction: the name is enough on a strip
        text = re.sub(r"\s*\([^)]*\)", "", text)
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(", "), head.rfind("; "), head.rfind(" and "), head.rfind(" as "), head.rfind(" while "),
              head.rfind(" which "), head.rfind(" then "))
    if cut < limit // 3:
        cut = head.rfind(" ")
    return head[:cut].rstrip(" ,;:-") + "."


def _one_name_per_part(script: Script):
    """Scenes with every cue folded into its part and every character present in the scene listed,
    plus each scene's presence readings.

    The character engine's cast list decides who is one person ("BOB" in a script that calls him
    CYBER BOB), who is two (a dog in the park and another dog in the beam) and who is in a scene
    without speaking (named or introduced in action, a pronoun carried over). Presences under the
    review confidence are kept for the review queue, not counted.
    """
    parts = part_names(script)
    presence = scene_presence(script)

    folded = []
    for scene in script.scenes:
        def part(cue: str, _i: int = scene.index) -> str:
            return parts.get((_i, cue), cue)

        speaking: list[str] = []
        for cue in scene.speaking_characters:
            if part(cue) not in speaking:
                speaking.append(part(cue))
        silent = [p.name for p in presence.get(scene.index, []) if p.name not in speaking and not p.needs_review]
        dialogue = [b.model_copy(update={"character": part(b.character)}) for b in scene.dialogue]
        folded.append(scene.model_copy(update={"speaking_characters": speaking, "mentioned_characters": silent,
                                               "dialogue": dialogue}))
    return folded, presence


def carried_times(scenes: list[Scene]) -> tuple[list[tuple[str, str, str]], list[str]]:
    """(time of day, time as written, scene it is carried from) per scene, and warnings.

    CONTINUOUS, LATER, MOMENTS LATER, SAME (or no time at all) take the previous scene's time of day, so
    a CONTINUOUS scene after a night scene is a night scene on the board and the call sheet.
    """
    out: list[tuple[str, str, str]] = []
    warnings: list[str] = []
    prev_time, prev_number = "", ""
    for scene in scenes:
        written = scene.time_of_day.strip().upper()
        number = scene.number or str(scene.index + 1)
        if day_part(written):
            out.append((written, "", ""))
            prev_time, prev_number = written, number
        elif prev_time:
            out.append((prev_time, written or "(none)", prev_number))
        else:
            out.append(("DAY", written or "(none)", ""))
            warnings.append(f"scene {number} ({scene.heading}) gives no time of day and follows no scene: "
                            "scheduled as DAY")
            prev_time, prev_number = "DAY", number
    return out, warnings


def break_down(script: Script, *, edits: Any = None, backend: Any = None) -> Breakdown:
    """Break a script down into one sheet per scene.

    ``edits`` is an :class:`~.edits.EditLog` (or a path to its JSON) applied after
    automatic tagging; ``backend`` is an optional text backend with the
    ``complete`` capability whose proposals are verified against the scene text.
    Raises :class:`BreakdownError` when the script has no scene headings.
    """
    if not script.scenes:
        raise BreakdownError(
            "The script has no scene headings, so there is nothing to break down.",
            hint="Start each scene with a heading such as 'INT. KITCHEN - DAY' (or force one with a leading '.').",
        )
    log = None
    if edits is not None:
        log = edits if isinstance(edits, EditLog) else EditLog.load(edits)
    breakdown = automatic_breakdown(script, cast_numbers=log.cast_numbers if log is not None else None,
                                    backend=backend)
    return breakdown if log is None else apply_edits(breakdown, log)


def apply_edits(automatic: Breakdown, log: Any) -> Breakdown:
    """The breakdown with the edit log replayed on a copy of the automatic one (which is left unchanged)."""
    breakdown = log.apply(automatic)
    breakdown.metadata["cast_locked"] = bool(log.cast_numbers)
    return breakdown


def automatic_breakdown(script: Script, *, cast_numbers: dict[str, int] | None = None,
                        backend: Any = None) -> Breakdown:
    """The breakdown before any edit is replayed: automatic tags, cast numbered (the ``cast_numbers``
    locked in an edit log kept). :func:`break_down` is this plus :func:`apply_edits`."""
    if not script.scenes:
        raise BreakdownError(
            "The script has no scene headings, so there is nothing to break down.",
            hint="Start each scene with a heading such as 'INT. KITCHEN - DAY' (or force one with a leading '.').",
        )
    warnings = ensure_eighths(script)
    scenes, presence = _one_name_per_part(script)
    times, time_warnings = carried_times(scenes)
    warnings += time_warnings
    cast = tagging.number_cast(scenes)
    if cast_numbers:
        cast = tagging.lock_cast_numbers(cast, cast_numbers)
    sheets: list[BreakdownSheet] = []
    for scene, (time_of_day, written, carried_from) in zip(scenes, times):
        if (scene.eighths or 0) <= 0:
            warnings.append(f"scene {scene.number or scene.index + 1} ({scene.heading}) has zero length")
        tags = tagging.tag_scene(scene, cast, presence.get(scene.index))
        if backend is not None and "complete" in getattr(backend, "capabilities", ()):
            extra, rejected = tagging.propose_tags(scene, backend, tags)
            tags += extra
            warnings += [f"scene {scene.number or scene.index + 1}: rejected proposal {r}" for r in rejected[:5]]
        sheets.append(BreakdownSheet(
            scene_index=scene.index, scene_number=scene.number or str(scene.index + 1), heading=scene.heading,
            int_ext=scene.int_ext, time_of_day=time_of_day, time_written=written, time_from=carried_from,
            location=scene.location,
            eighths=int(scene.eighths or 0), synopsis=synopsis_line(scene), line=scene.line, tags=tags,
            page=_page_of(script, scene.index)))
    members = []

    aliases: dict[str, list[str]] = {}
    for short, full in find_aliases(script).items():
        aliases.setdefault(full, []).append(short)
    for name, (cid, count, speaks) in sorted(cast.items(), key=lambda kv: kv[1][0]):
        idx = [s.index for s in scenes if name in s.characters]
        kind, needs, intro = part_kind(script, name, aliases.get(name, []))
        members.append(CastMember(id=cid, name=name, scenes=count, scene_indices=idx, speaking=speaks,
                                  aliases=aliases.get(name, []), kind=kind, needs=needs, description=intro))
    kinds = {m.id: m.kind for m in members}
    for sheet, scene in zip(sheets, scenes):
        for t in sheet.tags:
            if t.category == BreakdownCategory.CAST and t.cast_id in kinds:
                t.kind = kinds[t.cast_id]
        sheet.tags += tagging.part_effects(scene, [m for m in members if m.id in sheet.cast_ids], sheet.tags)
    return Breakdown(title=script.title, sheets=sheets, cast=members, warnings=warnings,
                     metadata={"source_path": script.metadata.get("source_path") or script.metadata.get("source", "")})
