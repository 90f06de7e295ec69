"""Video modality contract.

A :class:`VideoRequest` asks for ``frames`` frames at ``fps`` of ``width`` × ``height``
from a still (``image``, the shot's locked frame) and/or a prompt; every video
backend returns a :class:`Clip`, read frame by frame so a long shot is never held
in memory (the animatic pipes each frame straight into the encoder).
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from studio_kit.backends.base import Backend
from studio_kit.domain.requests import VideoRequest


class Clip:
    """Frames of a generated shot: ``len(clip)`` frames at ``clip.fps``; ``clip.frame(i)`` is RGB uint8 (H, W, 3)."""

    fps: int = 24

    def __len__(self) -> int:
        raise NotImplementedError

    def frame(self, i: int) -> np.ndarray:
        raise NotImplementedError

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self.frame(i)


class ArrayClip(Clip):
    """A clip made of frames held in memory (a model's short output), stretched to ``length`` frames."""

    def __init__(self, frames: list[np.ndarray], length: int, fps: int = 24):
        self._frames, self._length, self.fps = frames, length, fps

    def __len__(self) -> int:
        return self._length

    def frame(self, i: int) -> np.ndarray:
        n = len(self._frames)
        return self._frames[min(n - 1, i * n // self._length)]


class VideoBackend(Backend):
    modality = "video"
    unit = "seconds"

    def generate(self, request: VideoRequest) -> Clip:
        """Make the shot for ``request``: ``request.frames`` frames of request.width × request.height."""
        raise NotImplementedError
