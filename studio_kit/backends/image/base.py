"""Image modality contract.

An :class:`ImageRequest` says what to draw; every image backend returns a
``PIL.Image.Image``. Prompts for prompt-taking backends are built in one place
(``backends/image/prompts.py``) from the character bible, the shot and the style.
"""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from studio_kit.backends.base import Backend


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


class ImageBackend(Backend):
    modality = "image"
    unit = "images"

    def render(self, request: ImageRequest):
        """Render one image for ``request`` and return a PIL image of request.width × request.height."""
        raise NotImplementedError
