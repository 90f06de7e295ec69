"""What engines ask of backends and what backends give back: the modality contracts' values.

Engines build these and pass them through ``registry.invoke``; backends take and return them. They live in
the domain layer so an engine needs nothing from ``studio_kit.backends`` to ask for a picture, a clip, a line
of speech or a music cue, and so the usage units (seconds of speech, seconds of music, characters translated)
are measured by one function each.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field


class ImageRequest(BaseModel):
    """What to render. Sizes in pixels."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    kind: str = "character"            # "character" (portrait/turnaround/expression) or "frame" (storyboard)
    prompt: str = ""
    negative_prompt: str = ""
    width: int = 1280
    height: int = 720
    seed: int | None = None
    steps: int = 30
    guidance: float = 7.0
    init_image: Any = None             # PIL image for img2img
    strength: float = 0.6              # img2img denoising strength
    reference_images: list[Any] = Field(default_factory=list)  # PIL images (IP-Adapter)
    control_images: dict[str, Any] = Field(default_factory=dict)  # ControlNet conditioning: "depth", "openpose" (PIL)
    identities: list[dict[str, Any]] = Field(default_factory=list)  # locked identity records of the subjects
    view: str = "front"                # front, three-quarter, profile
    expression: str = "neutral"        # neutral, happy, angry, sad, surprised
    wardrobe: str | None = None        # named wardrobe look
    shot: dict[str, Any] | None = None  # storyboard: size, angle, subjects, description
    scene: dict[str, Any] | None = None  # storyboard: int_ext, location, time_of_day, heading
    caption: str = ""
    style: str = "stylized"


class VideoRequest(BaseModel):
    """What to make. Sizes in pixels, lengths in frames."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    frames: int = Field(ge=1)
    fps: int = 24
    width: int = 1280
    height: int = 720
    image: Any = None                  # PIL image: the shot's frame (image-to-video, camera moves)
    prompt: str = ""
    negative_prompt: str = ""
    movement: str = "static"           # push in, pull out, pan left/right, tilt up/down, ken burns, handheld ...
    seed: int | None = None
    steps: int = 25
    guidance: float = 3.0
    identities: list[dict[str, Any]] = Field(default_factory=list)
    shot: dict[str, Any] | None = None
    scene: dict[str, Any] | None = None


@dataclass
class Speech:
    """Mono speech: float32 samples in [-1, 1] at ``sample_rate``."""

    samples: np.ndarray
    sample_rate: int
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def speech_seconds(speech: Speech) -> float:
    """Usage units of a synthesis call: seconds of speech made."""
    return speech.seconds


@dataclass
class CuePlan:
    """What a cue should be: the composer's decisions for one stretch of the film."""

    cue_id: str                     # "1M1" style: reel 1, music cue 1
    title: str
    samples: int                    # exact length at ``sample_rate``
    sample_rate: int = 48_000
    key: str = "C"                  # tonic pitch class name
    mode: str = "major"             # major, minor, dorian, phrygian
    tempo: float = 90.0             # beats per minute (the composer fits whole bars to the length)
    beats_per_bar: int = 4
    progression: list[str] = field(default_factory=lambda: ["I", "V", "vi", "IV"])
    instruments: list[int] = field(default_factory=lambda: [48, 0])  # General MIDI programs: pad, then melody
    intensity: float = 0.5          # 0 sparse and soft … 1 dense and loud
    ending: str = "cadence"         # cadence (resolves on the tonic) or fade
    mood: str = ""                  # words for the cue sheet: "tense, night"
    seed: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def seconds(self) -> float:
        return self.samples / self.sample_rate

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def cue_seconds(audio: np.ndarray, rate: int = 48_000) -> float:
    return len(audio) / rate


def chars(lines: Mapping[str, str]) -> float:
    """Usage units of a translation call: characters of source text."""
    return float(sum(len(t) for t in lines.values()))
