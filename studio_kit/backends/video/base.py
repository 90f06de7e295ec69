"""Video modality contract.

A :class:`VideoRequest` asks for ``frames`` frames at ``fps`` of ``width`` × ``height``
from a still (``image``, the shot's locked frame) and/or a prompt; every video
backend returns a :class:`Clip`, read frame by frame so a long shot is never held
in memory (the animatic pipes each frame straight into the encoder).
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from studio_kit.backends.base import Backend


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
