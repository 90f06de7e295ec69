"""Music modality contract: a cue plan in, a stereo cue out, exactly as long as asked.

The post engine's composer turns each scene's mood into a :class:`CuePlan` (key,
mode, tempo, chord progression, General MIDI instruments, intensity, ending); a
music backend renders it to 48 kHz stereo float32 of exactly
``plan.samples`` samples (musical ending or fade inside that length).
"""
from __future__ import annotations

import numpy as np

from studio_kit.backends.base import Backend
from studio_kit.domain.requests import CuePlan


class MusicBackend(Backend):
    modality = "music"
    unit = "seconds"

    def render(self, plan: CuePlan, *, seed: int | None = None) -> np.ndarray:
        """The cue as (plan.samples, 2) float32 at plan.sample_rate."""
        raise NotImplementedError
