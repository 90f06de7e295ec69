"""Optional image encoder for character consistency scores (CLIP vision, from a local folder).

When ``STUDIO_IMAGE_ENCODER_PATH`` points at a folder holding a
``CLIPVisionModelWithProjection`` (or a plain ``CLIPVisionModel``) saved with
``save_pretrained`` — for example the ``image_encoder/`` folder that ships with
IP-Adapter weights — :func:`load_image_encoder` returns an :class:`ImageEncoder`
whose :meth:`~ImageEncoder.embed` gives unit-length vectors; cosine similarity
between a render and the identity's reference embedding is the consistency score.
With nothing configured it returns ``None`` and the character engine uses its
perceptual fallback (colour histogram + perceptual hash).

The setting is read from the environment here (not yet a field in config.py).
"""
from __future__ import annotations

import math
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from studio_kit.backends.base import Availability, Backend, require_extra
from studio_kit.backends.cache import MODELS
from studio_kit.backends.image.diffusers_sd import as_pil
from studio_kit.exceptions import BackendUnavailableError

ENV_VAR = "STUDIO_IMAGE_ENCODER_PATH"



def configured_encoder_path(settings: Any = None) -> Path | None:
    """The configured encoder folder: ``settings.image_encoder_path`` when that field exists, else the
    ``STUDIO_IMAGE_ENCODER_PATH`` environment variable; None when neither is set."""
    value = getattr(settings, "image_encoder_path", None) if settings is not None else None
    value = value or os.environ.get(ENV_VAR)
    return Path(value).expanduser() if value else None


class ImageEncoder:
    """A CLIP vision model that maps an image to a unit-length embedding."""

    def __init__(self, path: str | Path, *, device: str = "cpu"):
        self.path = Path(path).expanduser()
        if not (self.path / "config.json").is_file():
            raise BackendUnavailableError(
                f"Image encoder folder {self.path} does not exist or has no config.json.",
                hint=f"Set {ENV_VAR} to a local CLIP vision model folder (e.g. an IP-Adapter image_encoder/), "
                "or unset it to use the perceptual fallback.")
        require_extra("torch", "ml", "image encoder")
        transformers = require_extra("transformers", "ml", "image encoder")
        self.device = device
        try:
            try:
                self.model = transformers.CLIPVisionModelWithProjection.from_pretrained(self.path,
                                                                                        local_files_only=True)
            except (ValueError, KeyError, TypeError):  # a CLIPVisionModel without projection head
                self.model = transformers.CLIPVisionModel.from_pretrained(self.path, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise BackendUnavailableError(f"Image encoder in {self.path} could not be loaded: {exc}",
                                          hint="The folder must hold a CLIP vision model saved with "
                                          "save_pretrained.") from exc
        self.model.to(device).eval()
        self.processor = self._processor(transformers)

    def _processor(self, transformers: Any):
        if (self.path / "preprocessor_config.json").is_file():
            return transformers.CLIPImageProcessor.from_pretrained(self.path, local_files_only=True)
        # IP-Adapter image_encoder folders ship no processor: CLIP's defaults at the model's input size
        size = int(self.model.config.image_size)
        return transformers.CLIPImageProcessor(size={"shortest_edge": size},
                                               crop_size={"height": size, "width": size})

    @property
    def model_id(self) -> str:
        return str(self.path)

    @property
    def dim(self) -> int:
        cfg = self.model.config
        return int(cfg.projection_dim if hasattr(self.model, "visual_projection") else cfg.hidden_size)

    def embed(self, image: Any) -> list[float]:
        """Unit-length embedding of a PIL image (or image path / bytes), as plain floats."""
        import torch


        pil = as_pil(image, "image to embed")
        inputs = self.processor(images=pil, return_tensors="pt")
        with torch.inference_mode():
            out = self.model(pixel_values=inputs["pixel_values"].to(self.device))
            vector = out.image_embeds if hasattr(out, "image_embeds") else out.pooler_output
            vector = torch.nn.functional.normalize(vector[0].float(), dim=-1)
        return [float(v) for v in vector.cpu()]

    def similarity(self, a: Any, b: Any) -> float:
        """Cosine similarity (−1…1) of two images or two embeddings."""
        va = a if isinstance(a, (list, tuple)) else self.embed(a)
        vb = b if isinstance(b, (list, tuple)) else self.embed(b)
        return cosine(va, vb)


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    """Cosine similarity of two vectors (0.0 when either is all zeros)."""
    if len(a) != len(b):
        raise ValueError(f"embeddings differ in length ({len(a)} vs {len(b)})")
    dot = sum(x * y for x, y in zip(a, b))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def load_image_encoder(settings: Any = None, *, device: str = "cpu") -> ImageEncoder | None:
    """The configured CLIP image encoder (cached per folder), or None when none is configured.

    A configured folder that is missing or broken raises :class:`BackendUnavailableError`
    rather than silently falling back, so a typo in the setting is noticed.
    """
    path = configured_encoder_path(settings)
    if path is None:
        return None
    return MODELS.get_or_load(("encoder.clip", str(path.resolve()), device),
                              lambda: ImageEncoder(path, device=device))


class ClipEncoderBackend(Backend):
    """The configured CLIP image encoder as a registered backend (``encoder.clip``).

    Engines call ``registry.invoke(backend, "embed", image)`` so every embedding is
    recorded in usage and provenance like any other model call.
    """

    name: ClassVar[str] = "clip"
    modality: ClassVar[str] = "encoder"
    capabilities: ClassVar[frozenset[str]] = frozenset({"embed-image"})
    extra: ClassVar[str | None] = "ml"
    unit: ClassVar[str] = "images"

    def __init__(self, model_path: str | Path | None = None, *, device: str = "cpu", **options: Any):
        super().__init__(model_path, device=device, **options)
        if self.model_path is None:
            raise BackendUnavailableError("Encoder backend 'clip': no image encoder folder configured.",
                                          hint=f"Set {ENV_VAR} to a local CLIP vision model folder.")
        path = self.model_path.expanduser()
        self.encoder: ImageEncoder = MODELS.get_or_load(("encoder.clip", str(path.resolve()), device),
                                                        lambda: ImageEncoder(path, device=device))

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        path = configured_encoder_path(settings)
        if path is None:
            return Availability(False, f"no image encoder configured (set {ENV_VAR})")
        return Availability(True, str(path))

    @classmethod
    def from_settings(cls, settings: Any = None, **options: Any) -> ClipEncoderBackend:
        return cls(configured_encoder_path(settings), **options)

    @property
    def model_id(self) -> str:
        return self.encoder.model_id

    def embed(self, image: Any) -> list[float]:
        """Unit-length CLIP embedding of an image."""
        return self.encoder.embed(image)
