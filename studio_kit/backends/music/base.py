"""Music modality contract: a cue plan in, a stereo cue out, exactly as long as asked.

The post engine's composer turns each scene's mood into a :class:`CuePlan` (key,
mode, tempo, chord progression, General MIDI instruments, intensity, ending); a
music backend renders it to 48 kHz stereo float32 of exactly
``plan.samples`` samples (musical ending or fade inside that length).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from studio_kit.backends.base import Backend


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


class MusicBackend(Backend):
    modality = "music"
    unit = "seconds"

    def render(self, plan: CuePlan, *, seed: int | None = None) -> np.ndarray:
        """The cue as (plan.samples, 2) float32 at plan.sample_rate."""
        raise NotImplementedError


def cue_seconds(audio: np.ndarray, rate: int = 48_000) -> float:
    return len(audio) / rate
