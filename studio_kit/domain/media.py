"""What a probe of a media file finds (:func:`studio_kit.media.probe`): shared by every engine."""
from __future__ import annotations

from pydantic import BaseModel


class MediaInfo(BaseModel):
    """What a probe of a media file found."""

    path: str
    container: str = ""
    video_codec: str | None = None
    width: int = 0
    height: int = 0
    fps: float = 0.0
    fps_rational: str = ""                    # the exact rate, e.g. "24000/1001" (fps is its float)
    duration_s: float = 0.0
    frames: int = 0
    timecode: str | None = None
    rotation: int = 0                         # display rotation in degrees (phones), counter-clockwise
    profile: str = ""
    pix_fmt: str = ""
    video_kbps: int | None = None
    audio_codec: str | None = None
    audio_channels: int = 0
    sample_rate: int = 0
    audio_kbps: int | None = None
    bytes: int = 0
