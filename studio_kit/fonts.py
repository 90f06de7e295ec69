"""The one font loader for drawn frames (previz renders, storyboard panels, sheets, animatic cards).

It sits below the engines and the backends (like ``studio_kit.media``), so the previz renderers and the
engines that letter a frame share it without an engine importing a backend: ``font(18)`` is DejaVu Sans (or Liberation Sans) at 18 px, or
Pillow's built-in font when neither is installed.
"""
from __future__ import annotations

from functools import lru_cache

from PIL import ImageFont

FONT_PATHS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
              "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf")


@lru_cache(maxsize=8)
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The frame font at ``size`` pixels (cached: a storyboard letters hundreds of panels)."""
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default()
