"""``previz`` video backend: a moving shot made from the still, the offline default.

The camera move is a crop window sliding over the frame with sub-pixel precision
(PIL resampling from a float box, so a slow push-in never judders), eased in and
out as a dolly grip would. Movements: static, push in / dolly in / zoom in, pull
out / dolly out / zoom out, pan left / pan right (pan, tracking: right), tilt up
(crane) / tilt down (tilt), Ken Burns (push in with a drift), handheld (a small
seeded float). Frames are computed on demand; a static shot is one frame repeated.
"""
from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from studio_kit.backends.video.base import Clip, VideoBackend
from studio_kit.domain.requests import VideoRequest
from studio_kit.exceptions import BackendError

ZOOM = 1.15    # how far a push-in / pull-out travels (frame width ÷ crop width)
TRAVEL = 1.12  # zoom held during pans and tilts so the window has room to travel


def ease(t: float) -> float:
    """Smoothstep ease-in-out of t in 0..1."""
    t = min(1.0, max(0.0, t))
    return t * t * (3 - 2 * t)


def move_box(movement: str, t: float, w: float, h: float, seed: int = 0) -> tuple[float, float, float, float]:
    """The crop window (x0, y0, x1, y1) over a w × h still at time t (0..1) of the shot."""
    m = (movement or "static").lower().strip()
    e = ease(t)
    zoom, cx, cy = 1.0, 0.5, 0.5
    if m in ("push in", "dolly in", "zoom in"):
        zoom = 1 + (ZOOM - 1) * e
    elif m in ("pull out", "dolly out", "zoom out"):
        zoom = ZOOM - (ZOOM - 1) * e
    elif m in ("pan right", "pan", "tracking"):
        zoom, cx = TRAVEL, 0.5 + (e - 0.5) * (1 - 1 / TRAVEL)
    elif m == "pan left":
        zoom, cx = TRAVEL, 0.5 - (e - 0.5) * (1 - 1 / TRAVEL)
    elif m in ("tilt up", "crane"):
        zoom, cy = TRAVEL, 0.5 - (e - 0.5) * (1 - 1 / TRAVEL)
    elif m in ("tilt down", "tilt"):
        zoom, cy = TRAVEL, 0.5 + (e - 0.5) * (1 - 1 / TRAVEL)
    elif m == "ken burns":
        zoom, cx = 1 + (ZOOM - 1) * e, 0.5 + 0.3 * (e - 0.5) * (1 - 1 / ZOOM)
    elif m == "handheld":
        phase = seed % 97
        zoom = 1.06
        cx = 0.5 + 0.012 * (math.sin(t * 7.1 + phase) + 0.5 * math.sin(t * 17.3 + phase * 2))
        cy = 0.5 + 0.010 * (math.sin(t * 5.3 + phase * 3) + 0.5 * math.sin(t * 13.7 + phase))
    cw, ch = w / zoom, h / zoom
    x0 = min(max(0.0, cx * w - cw / 2), w - cw)
    y0 = min(max(0.0, cy * h - ch / 2), h - ch)
    return x0, y0, x0 + cw, y0 + ch


class MoveClip(Clip):
    """A camera move over a still, rendered frame by frame."""

    def __init__(self, image: Any, request: VideoRequest):
        from PIL import Image

        self.fps = request.fps
        self._n = request.frames
        self._size = (request.width, request.height)
        self._movement = (request.movement or "static").lower()
        self._seed = request.seed or 0
        still = image.convert("RGB")
        # resample from a still at least as large as the output, so a push-in keeps its detail
        scale = max(request.width / still.width, request.height / still.height, 1.0)
        if scale > 1.0:
            still = still.resize((round(still.width * scale), round(still.height * scale)), Image.Resampling.LANCZOS)
        self._still = still
        self._array = np.ascontiguousarray(np.asarray(still))
        self._cv2: Any = None
        try:
            import cv2

            self._cv2 = cv2
        except ImportError:  # the video extra is not installed: Pillow does the same, slower
            pass
        self._static = None
        if self.moving is False:
            self._static = self._render(0.0)

    @property
    def moving(self) -> bool:
        return self._movement not in ("static", "") and self._n > 1

    def _render(self, t: float) -> np.ndarray:
        """One frame: the crop window at time t resampled to the output size (bilinear, sub-pixel)."""
        x0, y0, x1, y1 = move_box(self._movement, t, self._still.width, self._still.height, self._seed)
        if self._cv2 is not None:  # an affine warp from the float box: ~2.5× faster than Pillow's resize
            w, h = self._size
            matrix = np.array([[(x1 - x0) / w, 0, x0], [0, (y1 - y0) / h, y0]], dtype=np.float32)
            return self._cv2.warpAffine(self._array, matrix, self._size,
                                        flags=self._cv2.INTER_LINEAR | self._cv2.WARP_INVERSE_MAP,
                                        borderMode=self._cv2.BORDER_REPLICATE)
        from PIL import Image

        return np.asarray(self._still.resize(self._size, Image.Resampling.BILINEAR, box=(x0, y0, x1, y1)))

    def __len__(self) -> int:
        return self._n

    def frame(self, i: int) -> np.ndarray:
        if self._static is not None:
            return self._static
        return self._render(i / max(1, self._n - 1))


class PrevizVideoBackend(VideoBackend):
    """Camera moves over a shot's still: always available, deterministic."""

    name: ClassVar[str] = "previz"
    capabilities: ClassVar[frozenset[str]] = frozenset({"img2vid", "camera_move", "deterministic"})

    @property
    def model_id(self) -> str | None:
        return "previz-motion-v1"

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> PrevizVideoBackend:
        return cls(**options)

    def generate(self, request: VideoRequest) -> MoveClip:
        if request.image is None:
            raise BackendError("The previz video backend moves a camera over a still: the request has no image.",
                               hint="Render the shot's frame first (`studio shots render SCRIPT`).")
        if request.width < 16 or request.height < 16 or request.width % 2 or request.height % 2:
            raise BackendError(f"Cannot make a {request.width}×{request.height} shot.",
                               hint="Use even sizes of at least 16 pixels (H.264 4:2:0 needs even sides).")
        return MoveClip(request.image, request)
