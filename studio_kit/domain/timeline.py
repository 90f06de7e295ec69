"""The film's timing: scenes → shots → events in frames at 24 fps.

This is the **only** source of timing in studio_kit. Post-production builds it
from the script, the writing engine's shot list and the synthesised length of
every dialogue line (``studio_kit.engines.post.timeline_build.build_timeline``);
the mix, subtitles, the animatic, trailers and social clips read it. Nothing
else computes when something happens.

All frame numbers are absolute (counted from the first frame of the film, 0).
Durations are whole frames; seconds are derived (``frames / fps``).

It converts losslessly to and from an OpenTimelineIO timeline (our fields ride in
``metadata["studio_kit"]`` of the OTIO objects, the picture cut is a video track of
one clip per shot and the dialogue sits on audio tracks so an editor can see it).
"""
from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any, Literal

from pydantic import BaseModel, Field

from studio_kit.exceptions import TimelineError

FPS = 24

EventKind = Literal["dialogue", "action", "pause", "transition"]


class TimelineEvent(BaseModel):
    """One thing that happens: a dialogue line, an action beat, a pause or a transition."""

    kind: EventKind
    start_frame: int = Field(ge=0)
    duration_frames: int = Field(ge=0)
    line_id: str | None = None          # dialogue: stable id "s3-l5" (scene 3, 5th speech)
    character: str | None = None        # dialogue: normalised character name
    text: str = ""
    parenthetical: str | None = None    # "(whispering)" as written
    extensions: list[str] = Field(default_factory=list)  # ["V.O."], ["O.S."]
    dual: bool = False                  # one of a dual-dialogue pair (both speeches start together)
    audio_sha256: str | None = None     # the voiced line's Asset, once synthesised
    source_line: int = 0                # 1-based line of the script it comes from (cue line for dialogue)

    @property
    def end_frame(self) -> int:
        """First frame after the event."""
        return self.start_frame + self.duration_frames


class ShotSlot(BaseModel):
    """A shot of the shot list placed on the timeline, with the events it plays."""

    shot_id: str                        # "3-2": scene 3, shot 2
    scene_number: str                   # the scene's label: locked number or 1-based order
    index: int                          # 1-based order of the shot inside its scene
    start_frame: int = Field(ge=0)
    duration_frames: int = Field(ge=1)
    size: str = "MS"
    angle: str = "eye level"
    movement: str = "static"
    description: str = ""
    subjects: list[str] = Field(default_factory=list)
    events: list[TimelineEvent] = Field(default_factory=list)

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.duration_frames


class SceneSlot(BaseModel):
    """A scene on the timeline."""

    scene_number: str
    heading: str
    start_frame: int = Field(ge=0)
    duration_frames: int = Field(ge=1)
    scene_index: int = 0                # 0-based order in the script
    int_ext: str = ""
    location: str = ""
    time_of_day: str = ""
    shots: list[ShotSlot] = Field(default_factory=list)

    @property
    def end_frame(self) -> int:
        return self.start_frame + self.duration_frames

    def events(self) -> list[TimelineEvent]:
        return [e for s in self.shots for e in s.events]


class Timeline(BaseModel):
    """The film's timing."""

    fps: int = FPS
    title: str = ""
    scenes: list[SceneSlot] = Field(default_factory=list)
    metadata: dict[str, Any] = Field(default_factory=dict)

    # -- reading -------------------------------------------------------------
    @property
    def duration_frames(self) -> int:
        return max((s.end_frame for s in self.scenes), default=0)

    @property
    def duration_seconds(self) -> float:
        return self.seconds(self.duration_frames)

    def seconds(self, frames: int) -> float:
        """Frames → seconds at this timeline's rate."""
        return frames / self.fps

    def frames(self, seconds: float) -> int:
        """Seconds → whole frames (rounded up, so a sound of that length fits)."""
        return math.ceil(round(seconds * self.fps, 6))

    def timecode(self, frames: int) -> str:
        """SMPTE non-drop timecode HH:MM:SS:FF."""
        ff = frames % self.fps
        s = frames // self.fps
        return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}:{ff:02d}"

    def shots(self) -> Iterator[ShotSlot]:
        for scene in self.scenes:
            yield from scene.shots

    def events(self, kind: EventKind | None = None) -> list[TimelineEvent]:
        """Every event in film order (optionally only one kind)."""
        out = [e for s in self.shots() for e in s.events]
        return [e for e in out if kind is None or e.kind == kind]

    def dialogue(self) -> list[TimelineEvent]:
        return self.events("dialogue")

    def shot(self, shot_id: str) -> ShotSlot:
        for s in self.shots():
            if s.shot_id == shot_id:
                return s
        raise TimelineError(f"No shot {shot_id!r} on the timeline of {self.title or 'this film'}.",
                            hint="Shot ids are SCENE-SHOT, e.g. '3-2'; list them with [s.shot_id for s in tl.shots()].")

    def scene(self, scene_number: str | int) -> SceneSlot:
        for s in self.scenes:
            if s.scene_number == str(scene_number):
                return s
        raise TimelineError(f"No scene {scene_number!r} on the timeline.",
                            hint="Scene numbers are the script's locked numbers or 1-based order.")

    def event(self, line_id: str) -> TimelineEvent:
        for e in self.events():
            if e.line_id == line_id:
                return e
        raise TimelineError(f"No dialogue line {line_id!r} on the timeline.",
                            hint="Line ids are s<scene>-l<speech>, e.g. 's3-l5'; see tl.dialogue().")

    def scene_at(self, frame: int) -> SceneSlot | None:
        for s in self.scenes:
            if s.start_frame <= frame < s.end_frame:
                return s
        return None

    # -- editing -------------------------------------------------------------
    def with_line_duration(self, line_id: str, frames: int) -> Timeline:
        """A new timeline where line ``line_id`` lasts ``frames``; only what follows it shifts.

        The line's shot and scene grow or shrink by the change; events, shots and
        scenes that start at or after the end of the line (or of its dual-dialogue
        pair) move by the same amount; everything before is untouched.
        """
        if frames < 1:
            raise TimelineError(f"A dialogue line cannot last {frames} frames.", hint="Give at least 1 frame.")
        new = self.model_copy(deep=True)
        target = new.event(line_id)
        if target.kind != "dialogue":
            raise TimelineError(f"{line_id!r} is not a dialogue line.", hint="Only dialogue lines have audio lengths.")
        shot = next(s for s in new.shots() if any(e is target for e in s.events))
        group = _dual_group(shot.events, target)
        old_end = max(e.end_frame for e in group)
        target.duration_frames = frames
        delta = max(e.end_frame for e in group) - old_end
        if delta == 0:
            return new
        for scene in new.scenes:
            if scene.start_frame >= old_end:
                scene.start_frame += delta
            elif scene.end_frame >= old_end:
                scene.duration_frames += delta
            for s in scene.shots:
                if s.start_frame >= old_end:
                    s.start_frame += delta
                elif s.end_frame >= old_end:
                    s.duration_frames += delta
                for e in s.events:
                    if e.start_frame >= old_end and not any(e is g for g in group):
                        e.start_frame += delta
        return new

    # -- OpenTimelineIO ------------------------------------------------------
    def to_otio(self):
        """An ``opentimelineio.schema.Timeline``: V1 one clip per shot, A1/A2 dialogue.

        Every field of this model rides in ``metadata["studio_kit"]`` so
        :meth:`from_otio` gives back an equal :class:`Timeline`.
        """
        import opentimelineio as otio

        rate = float(self.fps)

        def rng(start: int, dur: int):
            return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate),
                                           otio.opentime.RationalTime(dur, rate))

        tl = otio.schema.Timeline(name=self.title or "untitled")
        tl.global_start_time = otio.opentime.RationalTime(0, rate)
        tl.metadata["studio_kit"] = {"fps": self.fps, "title": self.title, "metadata": self.metadata,
                                     "schema": "studio_kit.Timeline.1"}
        video = otio.schema.Track(name="V1 Shots", kind=otio.schema.TrackKind.Video)
        cursor = 0
        for scene in self.scenes:
            scene_meta = scene.model_dump(exclude={"shots"})
            for k, shot in enumerate(scene.shots):
                if shot.start_frame > cursor:
                    video.append(otio.schema.Gap(source_range=rng(0, shot.start_frame - cursor)))
                clip = otio.schema.Clip(name=f"{shot.shot_id} {shot.size}", source_range=rng(0, shot.duration_frames),
                                        media_reference=otio.schema.MissingReference())
                meta = {"shot": shot.model_dump()}
                if k == 0:
                    meta["scene"] = scene_meta
                    clip.markers.append(otio.schema.Marker(
                        name=f"Sc {scene.scene_number}: {scene.heading}", marked_range=rng(0, 0),
                        color=otio.schema.MarkerColor.RED))
                clip.metadata["studio_kit"] = meta
                video.append(clip)
                cursor = shot.end_frame
        tl.tracks.append(video)
        lines = self.dialogue()
        second = {id(b) for a, b in itertools.pairwise(lines) if a.dual and b.dual and a.start_frame == b.start_frame}
        for name, dual in (("A1 Dialogue", False), ("A2 Dialogue (dual)", True)):
            track = otio.schema.Track(name=name, kind=otio.schema.TrackKind.Audio)
            cursor = 0
            for e in lines:
                if (id(e) in second) != dual:
                    continue
                if e.start_frame > cursor:
                    track.append(otio.schema.Gap(source_range=rng(0, e.start_frame - cursor)))
                ref = otio.schema.MissingReference()
                if e.audio_sha256:
                    ref = otio.schema.ExternalReference(target_url=f"sha256:{e.audio_sha256}")
                clip = otio.schema.Clip(name=f"{e.line_id} {e.character}", source_range=rng(0, e.duration_frames),
                                        media_reference=ref)
                clip.metadata["studio_kit"] = {"line_id": e.line_id}
                track.append(clip)
                cursor = e.end_frame
            tl.tracks.append(track)
        return tl

    @classmethod
    def from_otio(cls, otio_timeline) -> Timeline:
        """Back from an OTIO timeline written by :meth:`to_otio` (object, JSON string or .otio path)."""
        import opentimelineio as otio

        if isinstance(otio_timeline, str):
            otio_timeline = (otio.adapters.read_from_string(otio_timeline, "otio_json")
                             if otio_timeline.lstrip().startswith("{") else otio.adapters.read_from_file(otio_timeline))
        head = dict(otio_timeline.metadata.get("studio_kit") or {})
        if not head:
            raise TimelineError("This OpenTimelineIO timeline was not written by studio_kit (no studio_kit metadata).",
                                hint="Import editorial cuts through the production engine; this reads studio_kit timelines.")
        video = next((t for t in otio_timeline.tracks if t.kind == otio.schema.TrackKind.Video), None)
        scenes: list[SceneSlot] = []
        for clip in (video or []):
            if not isinstance(clip, otio.schema.Clip):
                continue
            meta = _plain(clip.metadata.get("studio_kit") or {})
            if "scene" in meta:
                scenes.append(SceneSlot(**meta["scene"], shots=[]))
            if not scenes:
                raise TimelineError("The OTIO picture track starts with a shot that belongs to no scene.",
                                    hint="Write the timeline with Timeline.to_otio().")
            scenes[-1].shots.append(ShotSlot(**meta["shot"]))
        return cls(fps=int(head.get("fps", FPS)), title=head.get("title", ""), scenes=scenes,
                   metadata=_plain(head.get("metadata") or {}))


def _dual_group(events: list[TimelineEvent], target: TimelineEvent) -> list[TimelineEvent]:
    """The target line and the line it overlaps in a dual-dialogue pair."""
    if not target.dual:
        return [target]
    return [e for e in events if e is target or (e.kind == "dialogue" and e.dual
                                                  and e.start_frame == target.start_frame)]


def _plain(value: Any) -> Any:
    """OTIO AnyDictionary/AnyVector → plain dict/list (recursively)."""
    if hasattr(value, "items"):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)) or type(value).__name__ == "AnyVector":
        return [_plain(v) for v in value]
    return value
