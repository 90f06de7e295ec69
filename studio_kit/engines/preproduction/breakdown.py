"""Script breakdown: one breakdown sheet per scene, with tagged elements.

``break_down(script)`` turns a parsed :class:`~studio_kit.domain.script.Script`
into a :class:`~studio_kit.domain.preproduction.Breakdown`: scene number,
heading, INT/EXT, day/night, location, length in eighths, synopsis line and the
tags of :mod:`.tagging`, with manual edits (:mod:`.edits`) applied last so they
survive re-running the tagger on a revised draft.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from studio_kit.domain.preproduction import Breakdown, BreakdownSheet, CastMember
from studio_kit.domain.script import ElementType, Scene, Script
from studio_kit.engines.preproduction import tagging
from studio_kit.exceptions import ScriptError

LINES_PER_EIGHTH = 55 / 8  # US Letter page of 55 lines, 8 eighths a page


class BreakdownError(ScriptError):
    """A script cannot be broken down (no scene headings, unreadable file ...)."""


def load_script(path: str | Path) -> Script:
    """Read and parse a Fountain screenplay from ``path`` (with page lengths in eighths)."""
    p = Path(path)
    if not p.is_file():
        raise BreakdownError(f"Script file {p} does not exist.", hint="Pass the path of a .fountain file.")
    raw = p.read_bytes()
    if b"\x00" in raw[:4096]:
        raise BreakdownError(f"{p} is a binary file, not a Fountain screenplay.", hint="Export the script as .fountain.")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    from studio_kit.engines.writing.fountain import parse_fountain

    script = parse_fountain(text)
    script.metadata.setdefault("source_path", str(p))
    return script


def ensure_eighths(script: Script) -> list[str]:
    """Give every scene a page length: the pagination engine when present, else a line estimate.

    Returns warnings for scenes whose length had to be estimated. The page each
    scene starts on (for the breakdown sheet's "script page") is left in
    ``script.metadata["scene_pages"]``; lengths set before are not changed
    (pages are then read from a laid-out copy).
    """
    warnings: list[str] = []
    try:
        from studio_kit.engines.writing.pagination import paginate
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
    """The scene's synopsis (``=`` line) or its first action sentence, cut at ``limit`` characters."""
    if scene.synopsis.strip():
        text = scene.synopsis.strip()
    else:
        action = " ".join(t.strip() for _, t in tagging.scene_lines(scene))
        text = action.split(". ")[0].strip() if action else ""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _one_name_per_part(script: Script) -> list[Scene]:
    """Scenes with every alias cue folded into its part ("BOB" in a script that calls him CYBER BOB),
    so a 1st AD's cast list carries one number per actor. Aliases come from the character engine's
    cast list, the one place that decides them."""
    from studio_kit.engines.characters.cast import find_aliases

    aliases = find_aliases(script)
    if not aliases:
        return list(script.scenes)

    def fold(names: list[str]) -> list[str]:
        out: list[str] = []
        for name in names:
            name = aliases.get(name, name)
            if name not in out:
                out.append(name)
        return out

    folded = []
    for scene in script.scenes:
        dialogue = [b.model_copy(update={"character": aliases.get(b.character, b.character)}) for b in scene.dialogue]
        folded.append(scene.model_copy(update={
            "speaking_characters": fold(scene.speaking_characters),
            "mentioned_characters": fold(scene.mentioned_characters), "dialogue": dialogue}))
    return folded


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
    warnings = ensure_eighths(script)
    log = None
    if edits is not None:
        from studio_kit.engines.preproduction.edits import EditLog

        log = edits if isinstance(edits, EditLog) else EditLog.load(edits)
    scenes = _one_name_per_part(script)
    cast = tagging.number_cast(scenes)
    if log is not None and log.cast_numbers:
        cast = tagging.lock_cast_numbers(cast, log.cast_numbers)
    sheets: list[BreakdownSheet] = []
    for scene in scenes:
        if (scene.eighths or 0) <= 0:
            warnings.append(f"scene {scene.number or scene.index + 1} ({scene.heading}) has zero length")
        tags = tagging.tag_scene(scene, cast)
        if backend is not None and "complete" in getattr(backend, "capabilities", ()):
            extra, rejected = tagging.propose_tags(scene, backend, tags)
            tags += extra
            warnings += [f"scene {scene.number or scene.index + 1}: rejected proposal {r}" for r in rejected[:5]]
        sheets.append(BreakdownSheet(
            scene_index=scene.index, scene_number=scene.number or str(scene.index + 1), heading=scene.heading,
            int_ext=scene.int_ext, time_of_day=scene.time_of_day, location=scene.location,
            eighths=int(scene.eighths or 0), synopsis=synopsis_line(scene), line=scene.line, tags=tags,
            page=_page_of(script, scene.index)))
    members = []
    for name, (cid, count, speaks) in sorted(cast.items(), key=lambda kv: kv[1][0]):
        idx = [s.index for s in scenes if name in s.characters]
        members.append(CastMember(id=cid, name=name, scenes=count, scene_indices=idx, speaking=speaks))
    breakdown = Breakdown(title=script.title, sheets=sheets, cast=members, warnings=warnings,
                          metadata={"source_path": script.metadata.get("source_path", "")})
    if log is not None:
        breakdown = log.apply(breakdown)
        breakdown.metadata["cast_locked"] = bool(log.cast_numbers)
    return breakdown
