"""Marketing domain models: the trailer's edit decision list, billing credits, platform presets, QC lines.

The trailer EDL is the editable record of a cut: each entry is a moment of the film
(a shot slot of the film's :class:`~studio_kit.domain.timeline.Timeline`, in/out in
film frames, the complete dialogue lines it plays and why it was chosen) or a card
(title card between movements, the title, the release card). Its timing is whole
frames at the film's rate; the trailer re-renders from it and it round-trips
through OpenTimelineIO (``to_otio`` / ``from_otio``).
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from studio_kit.domain.timeline import _plain
from studio_kit.exceptions import MarketingError

EntryKind = Literal["shot", "card"]
CardRole = Literal["movement", "title", "release"]


class EDLEntry(BaseModel):
    """One event of the trailer: a moment of the film or a card."""

    kind: EntryKind
    duration_frames: int = Field(ge=1)
    # a moment of the film
    shot_id: str = ""
    scene_number: str = ""
    scene_index: int = -1
    source_in: int = Field(default=0, ge=0)       # film frame (inclusive)
    line_ids: list[str] = Field(default_factory=list)
    movement: str = ""                             # setup / inciting / escalation / climax
    reason: str = ""                               # why it was chosen
    score: float = 0.0
    # a card
    text: str = ""
    role: CardRole | None = None

    @property
    def source_out(self) -> int:
        """First film frame after the moment."""
        return self.source_in + self.duration_frames

    @model_validator(mode="after")
    def _check(self) -> EDLEntry:
        if self.kind == "shot" and not self.shot_id:
            raise MarketingError("A trailer moment needs the shot it comes from.",
                                 hint="Give shot_id (SCENE-SHOT, e.g. '3-2') and its source_in frame.")
        if self.kind == "card" and not self.text.strip():
            raise MarketingError("A trailer card needs its text.", hint="Give the card's text, e.g. 'COMING SOON'.")
        return self


class TrailerEDL(BaseModel):
    """The trailer's edit decision list: what plays, in order, and why."""

    title: str
    length: int                                    # asked length in seconds (30, 60, 90–150)
    fps: int = 24
    film_frames: int = 0                           # the film's length when it was cut
    spec: str = "streaming"                        # loudness spec of the trailer mix
    music: bool = True
    entries: list[EDLEntry] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def duration_frames(self) -> int:
        return sum(e.duration_frames for e in self.entries)

    @property
    def duration_seconds(self) -> float:
        return self.duration_frames / self.fps

    def moments(self) -> list[EDLEntry]:
        return [e for e in self.entries if e.kind == "shot"]

    def cards(self) -> list[EDLEntry]:
        return [e for e in self.entries if e.kind == "card"]

    # -- OpenTimelineIO ------------------------------------------------------
    def to_otio(self, source_url: str | None = None) -> Any:
        """V1: one clip per moment (source range in film frames, reasons as metadata), cards as generators."""
        import opentimelineio as otio

        rate = float(self.fps)

        def rng(start: int, dur: int) -> Any:
            return otio.opentime.TimeRange(otio.opentime.RationalTime(start, rate),
                                           otio.opentime.RationalTime(dur, rate))

        tl = otio.schema.Timeline(name=f"{self.title} – trailer {self.length}s")
        tl.global_start_time = otio.opentime.RationalTime(0, rate)
        tl.metadata["studio_kit"] = {"schema": "studio_kit.TrailerEDL.1",
                                     **self.model_dump(exclude={"entries"})}
        track = otio.schema.Track(name="V1 Trailer", kind=otio.schema.TrackKind.Video)
        for e in self.entries:
            if e.kind == "shot":
                ref: Any = otio.schema.ExternalReference(target_url=source_url) if source_url else \
                    otio.schema.MissingReference()
                clip = otio.schema.Clip(name=f"{e.shot_id} {e.movement}".strip(), media_reference=ref,
                                        source_range=rng(e.source_in, e.duration_frames))
            else:
                ref = otio.schema.GeneratorReference(generator_kind="SolidColor",
                                                     parameters={"color": "black", "text": e.text})
                clip = otio.schema.Clip(name=f"CARD {e.text}", media_reference=ref,
                                        source_range=rng(0, e.duration_frames))
            clip.metadata["studio_kit"] = e.model_dump()
            track.append(clip)
        tl.tracks.append(track)
        return tl

    @classmethod
    def from_otio(cls, otio_timeline: Any) -> TrailerEDL:
        """Back from :meth:`to_otio` (object, JSON text or .otio path); in/out edited in an NLE are kept."""
        import opentimelineio as otio


        if isinstance(otio_timeline, str):
            otio_timeline = (otio.adapters.read_from_string(otio_timeline, "otio_json")
                             if otio_timeline.lstrip().startswith("{") else otio.adapters.read_from_file(otio_timeline))
        head = _plain(otio_timeline.metadata.get("studio_kit") or {})
        if head.get("schema") != "studio_kit.TrailerEDL.1":
            raise MarketingError("This OpenTimelineIO file is not a studio_kit trailer EDL.",
                                 hint="Export the EDL with `studio trailer --edl-out cut.otio` first.")
        head.pop("schema", None)
        entries = []
        for track in otio_timeline.tracks:
            for clip in track:
                if not isinstance(clip, otio.schema.Clip):
                    continue
                meta = _plain(clip.metadata.get("studio_kit") or {})
                sr = clip.source_range
                meta["duration_frames"] = round(sr.duration.to_frames(head.get("fps", 24)))
                if meta.get("kind") == "shot":
                    meta["source_in"] = round(sr.start_time.to_frames(head.get("fps", 24)))
                entries.append(EDLEntry.model_validate(meta))
        return cls(**head, entries=entries)


class Credits(BaseModel):
    """Who made the film, for the billing block and press kit (stored per project)."""

    presenter: str = ""                            # "PARAMOUNT PICTURES presents"
    production_company: str = ""                   # "a HARBOUR FILMS production"
    director: str = ""
    writers: list[str] = Field(default_factory=list)
    producers: list[str] = Field(default_factory=list)
    executive_producers: list[str] = Field(default_factory=list)
    cast: list[str] = Field(default_factory=list)  # performers in billing order
    casting: str = ""
    music: str = ""
    costume_designer: str = ""
    editor: str = ""
    production_designer: str = ""
    cinematographer: str = ""
    based_on: str = ""
    logos: list[str] = Field(default_factory=list)
    contact: str = ""
    tagline: str = ""
    release: str = "COMING SOON"


class PlatformPreset(BaseModel):
    """One delivery target: what the file must be, checked on every export."""

    key: str
    label: str
    container: Literal["mp4", "mov"] = "mp4"
    width: int
    height: int
    fps: float = 24
    video_codec: str = "h264"                      # as ffmpeg names it: h264, prores
    profile: str = "High"                          # H.264 High / ProRes "HQ"
    pix_fmt: str = "yuv420p"
    video_bitrate_kbps: int | None = None          # target (H.264); None for intra codecs
    audio_codec: str = "aac"
    audio_rate: int = 48_000
    audio_bitrate_kbps: int | None = 192
    loudness: str = "streaming"                    # a spec of the post engine's loudness module
    min_seconds: float = 0.0
    max_seconds: float | None = None
    max_megabytes: float | None = None
    safe_zone: tuple[float, float, float, float] = (0.05, 0.05, 0.05, 0.05)  # top, right, bottom, left (share)
    faststart: bool = True
    social: bool = True                            # a social cut (reframed clip) rather than the full trailer

    @property
    def aspect(self) -> float:
        return self.width / self.height

    def safe_box(self, width: int | None = None, height: int | None = None) -> tuple[int, int, int, int]:
        """(left, top, right, bottom) pixels inside which titles and captions must sit."""
        w, h = width or self.width, height or self.height
        top, right, bottom, left = self.safe_zone
        return int(w * left), int(h * top), int(w * (1 - right)), int(h * (1 - bottom))


class QCLine(BaseModel):
    """The self-check of one export against its preset."""

    file: str
    preset: str
    passed: bool
    figures: dict[str, Any] = Field(default_factory=dict)
    problems: list[str] = Field(default_factory=list)

    def line(self) -> str:
        f = self.figures
        head = (f"{'PASS' if self.passed else 'FAIL'} {self.preset}: {f.get('width')}x{f.get('height')} "
                f"{f.get('fps')} fps {f.get('video_codec')} {f.get('profile') or ''} "
                f"{f.get('duration_s', 0):.2f} s {f.get('video_kbps') or '-'} kb/s "
                f"{f.get('lufs', float('nan')):.1f} LUFS TP {f.get('true_peak', float('nan')):.1f} dBTP")
        return head + ("" if self.passed else " — " + "; ".join(self.problems))
