"""Image modality contract.

An :class:`ImageRequest` says what to draw; every image backend returns a
``PIL.Image.Image``. Prompts for prompt-taking backends are built in one place
(``backends/image/prompts.py``) from the character bible, the shot and the style.
"""
from __future__ import annotations

from studio_kit.backends.base import Backend
from studio_kit.domain.requests import ImageRequest


class ImageBackend(Backend):
    modality = "image"
    unit = "images"

    def render(self, request: ImageRequest):
        """Render one image for ``request`` and return a PIL image of request.width × request.height."""
        raise NotImplementedError
