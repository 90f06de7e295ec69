"""``diffusers`` video backend: a local LTX-Video, Wan or AnimateDiff pipeline folder.

The folder is what ``pipeline.save_pretrained`` wrote (``model_index.json`` and one
subfolder per component), loaded with ``local_files_only=True`` and kept in memory
per (path, device, dtype). Text-to-video uses the pipeline as saved; image-to-video
(the shot's locked frame as the first frame) reuses its components through
``LTXImageToVideoPipeline.from_pipe`` for LTX-Video. Families without an
image-to-video variant here (Wan's needs a CLIP image encoder in the folder,
AnimateDiff has none) make text-to-video and say so in ``last_render["notes"]``.

Frames and rate come from the shot: a shot of N frames at 24 fps is generated as
the family's nearest valid clip length (LTX 8k+1 frames, Wan 4k+1, AnimateDiff any)
up to ``max_frames``, with the conditioning frame rate set so motion runs at the
shot's speed, then stretched to exactly N frames. Sizes are rounded to the
family's multiple (LTX 32, Wan 16, AnimateDiff 8) and the frames resized to the
request. The seed is the shot's, so a shot re-renders the same way.
"""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from studio_kit.backends.base import Availability, local_pipeline_availability, require_extra
from studio_kit.backends.cache import MODELS, cached_diffusers_pipeline
from studio_kit.backends.image.prompts import describe_identity
from studio_kit.backends.video.base import ArrayClip, VideoBackend
from studio_kit.domain.requests import VideoRequest
from studio_kit.exceptions import BackendError, BackendUnavailableError

NO_MODEL = "no local diffusers video pipeline configured (set STUDIO_VIDEO_MODEL_PATH)"
#: family -> (frame-count rule k*step+1, size multiple, image-to-video pipeline class)
FAMILIES = {"LTX": (8, 32, "LTXImageToVideoPipeline"), "Wan": (4, 16, None), "AnimateDiff": (1, 8, None)}


def _check_folder(path: Path) -> None:
    if not path.is_dir() or not (path / "model_index.json").is_file():
        raise BackendUnavailableError(
            f"Video backend 'diffusers': {path} is not a diffusers pipeline folder (no model_index.json).",
            hint="Set STUDIO_VIDEO_MODEL_PATH to a local LTX-Video, Wan or AnimateDiff pipeline saved with "
                 "save_pretrained; weights cannot be downloaded here. Or use STUDIO_VIDEO_BACKEND=previz.")


def family_of(pipe: Any) -> str:
    name = type(pipe).__name__
    for family in FAMILIES:
        if name.startswith(family):
            return family
    raise BackendError(f"Video backend 'diffusers': {name} is not a video pipeline studio_kit knows.",
                       hint="Use an LTX-Video, Wan or AnimateDiff pipeline folder.")


def clip_frames(wanted: int, family: str, max_frames: int) -> int:
    """The family's valid clip length nearest to ``wanted`` (LTX 8k+1, Wan 4k+1), capped at ``max_frames``."""
    step = FAMILIES[family][0]
    n = max(1, min(wanted, max_frames))
    if step == 1:
        return max(2, n)
    k = max(1, round((n - 1) / step))
    while k * step + 1 > max_frames and k > 1:
        k -= 1
    return k * step + 1


def video_prompt(request: VideoRequest) -> str:
    """The text prompt of a shot: the engine's words (what happens, size, movement, heading, tweak) and a
    description of each locked identity in it, built by the one prompt builder the image backends use."""
    parts = [request.prompt.strip(", "), *(describe_identity(i) for i in request.identities)]
    return ", ".join(p for p in parts if p) or "a film shot"


class DiffusersVideoBackend(VideoBackend):
    """Text- and image-to-video through a local diffusers pipeline."""

    name: ClassVar[str] = "diffusers"
    capabilities: ClassVar[frozenset[str]] = frozenset({"txt2vid", "img2vid"})
    extra = "ml"

    def __init__(self, model_path: str | Path | None = None, *, device: str = "auto", dtype: str | None = None,
                 max_frames: int = 121, max_side: int = 768, **options: Any):
        super().__init__(model_path, **options)
        self.device, self.dtype = device, dtype
        self.max_frames, self.max_side = int(max_frames), int(max_side)
        self.last_render: dict[str, Any] = {}

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        return local_pipeline_availability(settings, "video_model_path", NO_MODEL, _check_folder)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> DiffusersVideoBackend:
        if not getattr(settings, "video_model_path", None):
            raise BackendUnavailableError(f"Video backend 'diffusers': {NO_MODEL}.",
                                          hint="Point STUDIO_VIDEO_MODEL_PATH at a local LTX-Video / Wan / "
                                               "AnimateDiff pipeline folder, or use STUDIO_VIDEO_BACKEND=previz.")
        options.setdefault("device", settings.device)
        return cls.from_pretrained(settings.video_model_path, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> DiffusersVideoBackend:
        path = Path(path).expanduser()
        _check_folder(path)
        backend = cls(model_path=path, **options)
        backend.pipeline()
        return backend

    def _torch(self) -> tuple[Any, str, Any]:
        torch = require_extra("torch", "ml", self.name)
        device = (self.device or "auto").lower()
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailableError("Video backend 'diffusers': device 'cuda' asked for but no CUDA device "
                                          "is visible.", hint="Set STUDIO_DEVICE=cpu or auto.")
        dtype = getattr(torch, self.dtype) if self.dtype else (
            torch.bfloat16 if device.startswith("cuda") else torch.float32)
        return torch, device, dtype

    def pipeline(self, image_to_video: bool = False) -> Any:
        folder = self.model_path
        if folder is None:
            raise BackendUnavailableError(f"Video backend 'diffusers': {NO_MODEL}.",
                                          hint="Load it with DiffusersVideoBackend.from_pretrained(folder).")
        _, device, dtype = self._torch()
        diffusers = require_extra("diffusers", "ml", self.name)
        base = cached_diffusers_pipeline("video", folder, device, dtype, check=family_of)
        i2v = FAMILIES[family_of(base)][2]
        if not image_to_video or i2v is None:
            return base

        def load_i2v() -> Any:
            pipe = getattr(diffusers, i2v).from_pipe(base)
            pipe.set_progress_bar_config(disable=True)
            return pipe

        return MODELS.get_or_load(("video.diffusers", str(folder.resolve()) + "#i2v", device, str(dtype)),
                                  load_i2v)

    def generate(self, request: VideoRequest) -> ArrayClip:
        from PIL import Image

        torch = self._torch()[0]
        base = self.pipeline()
        family = family_of(base)
        multiple, i2v = FAMILIES[family][1:]
        notes = []
        use_image = request.image is not None and i2v is not None
        if request.image is not None and not use_image:
            notes.append(f"{family} here makes text-to-video only: the shot's frame was not used as the first frame")
        pipe = self.pipeline(image_to_video=use_image)
        scale = min(1.0, self.max_side / max(request.width, request.height))
        width = max(multiple, round(request.width * scale / multiple) * multiple)
        height = max(multiple, round(request.height * scale / multiple) * multiple)
        frames = clip_frames(request.frames, family, self.max_frames)
        seconds = request.frames / request.fps
        accepted = inspect.signature(pipe.__call__).parameters
        kwargs: dict[str, Any] = {"prompt": video_prompt(request), "height": height, "width": width,
                                  "num_frames": frames, "num_inference_steps": request.steps,
                                  "guidance_scale": request.guidance, "output_type": "np",
                                  "generator": torch.Generator(device="cpu").manual_seed(int(request.seed or 0))}
        if request.negative_prompt:
            kwargs["negative_prompt"] = request.negative_prompt
        if "frame_rate" in accepted:  # motion at the shot's speed even when fewer frames are generated
            kwargs["frame_rate"] = max(1, round(frames / seconds))
        if "max_sequence_length" in accepted:
            kwargs["max_sequence_length"] = int(self.options.get("max_sequence_length", 128))
        if use_image:
            kwargs["image"] = request.image.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)
        try:
            out = pipe(**kwargs)
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"Video backend 'diffusers' failed on a {width}×{height}, {frames}-frame shot: {exc}",
                               hint="Lower the size or the number of frames (max_frames), or check the model.") \
                from exc
        video = np.asarray(out.frames[0])
        if video.dtype != np.uint8:
            video = (np.clip(video, 0, 1) * 255).round().astype(np.uint8)
        resized = [np.asarray(Image.fromarray(f).resize((request.width, request.height), Image.Resampling.BILINEAR))
                   for f in video]
        self.last_render = {"family": family, "frames_generated": len(resized), "size": [width, height],
                            "image_to_video": use_image, "seed": request.seed,
                            "frame_rate": kwargs.get("frame_rate"), "notes": notes}
        return ArrayClip(resized, request.frames, request.fps)
