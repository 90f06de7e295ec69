"""Build the film's :class:`~studio_kit.domain.timeline.Timeline` from a script.

Inputs: the parsed script, the writing engine's shot list (which shot covers which
source lines) and the synthesised length of every dialogue line. Rules:

* a dialogue event lasts exactly its voiced line, rounded up to whole frames (a line
  not voiced yet is estimated at 2.5 words a second, like the shot list);
* an action beat lasts about 1 s per 12 words, clamped to 1–8 s;
* consecutive speeches are separated by a natural pause (8 frames, 1/3 s); a
  ``(beat)`` / ``(pause)`` parenthetical adds a one-second pause before its line;
* the second speech of a dual-dialogue pair starts with the first (they overlap, in the
  first one's shot);
* FADE/DISSOLVE transitions take one second, cuts take none;
* a shot lasts as long as its events, at least 1 s (an insert on a prop 1.5 s,
  a shot with nothing to play 2 s), and scenes are their shots back to back.
"""
from __future__ import annotations

import math
import re
from collections.abc import Mapping

from studio_kit.domain.script import ElementType, Scene, Script, Shot, ShotSize
from studio_kit.domain.timeline import FPS, SceneSlot, ShotSlot, Timeline, TimelineEvent
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.shots import shot_list

PAUSE_FRAMES = 8
BEAT_FRAMES = FPS
ACTION_WORDS_PER_SECOND = 12.0
ACTION_MIN_S, ACTION_MAX_S = 1.0, 8.0
DIALOGUE_WORDS_PER_SECOND = 2.5
MIN_SHOT_FRAMES = FPS
INSERT_FRAMES = int(1.5 * FPS)
EMPTY_SHOT_FRAMES = 2 * FPS
_BEAT = re.compile(r"\b(beat|pause|a moment|silence|long look)\b", re.IGNORECASE)


def scene_label(scene: Scene) -> str:
    """The label scenes go by on the timeline: the locked number or the 1-based order."""
    return scene.number or str(scene.index + 1)


def line_ids(script: Script) -> dict[int, str]:
    """Stable dialogue line ids by the cue's source line: ``s<scene>-l<speech>``."""
    out: dict[int, str] = {}
    for scene in script.scenes:
        for k, block in enumerate(scene.dialogue, start=1):
            out[block.line] = f"s{scene_label(scene)}-l{k}"
    return out


def estimate_dialogue_seconds(text: str) -> float:
    return max(1.0, len(text.split()) / DIALOGUE_WORDS_PER_SECOND)


def action_frames(text: str) -> int:
    seconds = min(ACTION_MAX_S, max(ACTION_MIN_S, len(text.split()) / ACTION_WORDS_PER_SECOND))
    return round(seconds * FPS)


def seconds_to_frames(seconds: float, fps: int = FPS) -> int:
    """Whole frames that hold ``seconds`` of sound (rounded up)."""
    return max(1, math.ceil(round(seconds * fps, 6)))


def _items(scene: Scene, ids: dict[int, str], durations: Mapping[str, float]) -> list[tuple[int, TimelineEvent]]:
    """(source line, event with a duration but no start) for the scene's playable elements, in order."""
    blocks = {b.line: b for b in scene.dialogue}
    items: list[tuple[int, TimelineEvent]] = []
    for el in scene.elements:
        if el.type == ElementType.ACTION and el.text.strip():
            items.append((el.line, TimelineEvent(kind="action", start_frame=0, duration_frames=action_frames(el.text),
                                                 text=el.text.strip(), source_line=el.line)))
        elif el.type == ElementType.CHARACTER and el.line in blocks:
            block = blocks[el.line]
            text = " ".join(e.text.strip() for e in block.lines
                            if e.type in (ElementType.DIALOGUE, ElementType.LYRICS) and e.text.strip())
            paren = next((e.text.strip() for e in block.lines if e.type == ElementType.PARENTHETICAL), None)
            line_id = ids[block.line]
            secs = durations.get(line_id)
            frames = seconds_to_frames(secs) if secs else seconds_to_frames(estimate_dialogue_seconds(text))
            items.append((el.line, TimelineEvent(kind="dialogue", start_frame=0, duration_frames=frames,
                                                 line_id=line_id, character=block.character, text=text,
                                                 parenthetical=paren, extensions=list(block.extensions),
                                                 dual=block.dual, source_line=el.line)))
        elif el.type == ElementType.TRANSITION:
            soft = bool(re.search(r"FADE|DISSOLVE", el.text, re.IGNORECASE))
            items.append((el.line, TimelineEvent(kind="transition", start_frame=0,
                                                 duration_frames=FPS if soft else 0, text=el.text.strip(),
                                                 source_line=el.line)))
    return items


def build_timeline(script: Script | str, line_durations: Mapping[str, float] | None = None,
                   shots: list[Shot] | None = None) -> Timeline:
    """The film's timing from ``script`` and ``line_durations`` (line id → seconds of voiced audio).

    ``shots`` defaults to the writing engine's shot list for the script.
    """
    if isinstance(script, str):
        script = parse_fountain(script)
    durations = dict(line_durations or {})
    shots = shot_list(script) if shots is None else shots
    ids = line_ids(script)
    scenes: list[SceneSlot] = []
    cursor = 0
    for scene in script.scenes:
        label = scene_label(scene)
        scene_shots = [s for s in shots if s.scene_index == scene.index] or [
            Shot(scene_index=scene.index, scene_number=scene.number, number=f"{label}.1", size=ShotSize.WIDE,
                 description=f"Wide: {scene.heading}", covers_lines=[e.line for e in scene.elements])]
        items = _items(scene, ids, durations)
        owner: dict[int, int] = {}
        for line, _ in items:
            covering = [k for k, s in enumerate(scene_shots) if line in s.covers_lines]
            picture = [k for k in covering if scene_shots[k].size != ShotSize.INSERT]
            owner[line] = (picture or covering or [max(owner.values(), default=0)])[0]
        # a dual-dialogue pair plays at once: the second speech joins its partner's shot
        partner: int | None = None
        for line, ev in items:
            if ev.kind == "dialogue" and ev.dual:
                if partner is None:
                    partner = line
                else:
                    owner[line], partner = owner[partner], None
            elif ev.kind == "dialogue":
                partner = None
        scene_start = cursor
        slots: list[ShotSlot] = []
        previous: TimelineEvent | None = None
        pair_open = False
        for k, shot in enumerate(scene_shots):
            start = cursor
            events: list[TimelineEvent] = []
            for line, ev in items:
                if owner[line] != k:
                    continue
                ev = ev.model_copy()
                if ev.kind == "dialogue" and ev.dual and pair_open and previous is not None:
                    pair_open = False
                    ev.start_frame = previous.start_frame
                    cursor = max(cursor, ev.end_frame)
                    events.append(ev)
                    previous = ev
                    continue
                if ev.kind == "dialogue" and ev.parenthetical and _BEAT.search(ev.parenthetical):
                    events.append(TimelineEvent(kind="pause", start_frame=cursor, duration_frames=BEAT_FRAMES,
                                                text=ev.parenthetical))
                    cursor += BEAT_FRAMES
                elif ev.kind == "dialogue" and previous is not None and previous.kind == "dialogue":
                    events.append(TimelineEvent(kind="pause", start_frame=cursor, duration_frames=PAUSE_FRAMES))
                    cursor += PAUSE_FRAMES
                ev.start_frame = cursor
                cursor = ev.end_frame
                pair_open = ev.kind == "dialogue" and ev.dual
                events.append(ev)
                previous = ev
            floor = INSERT_FRAMES if shot.size == ShotSize.INSERT else MIN_SHOT_FRAMES if events else EMPTY_SHOT_FRAMES
            duration = max(cursor - start, floor)
            cursor = start + duration
            number = shot.number.rsplit(".", 1)[-1]
            slots.append(ShotSlot(shot_id=f"{label}-{number}", scene_number=label, index=k + 1, start_frame=start,
                                  duration_frames=duration, size=shot.size.value, angle=shot.angle,
                                  movement=shot.movement, description=shot.description,
                                  subjects=list(shot.subjects), events=events))
        scenes.append(SceneSlot(scene_number=label, heading=scene.heading, start_frame=scene_start,
                                duration_frames=max(1, cursor - scene_start), scene_index=scene.index,
                                int_ext=scene.int_ext, location=scene.location, time_of_day=scene.time_of_day,
                                shots=slots))
    return Timeline(fps=FPS, title=script.title, scenes=scenes,
                    metadata={"voiced_lines": sorted(k for k in durations if k in ids.values())})
