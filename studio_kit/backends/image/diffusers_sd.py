"""``diffusers`` image backend: a local Stable Diffusion 1.5 / SDXL / SD3 / Flux pipeline folder.

The folder is whatever ``pipeline.save_pretrained`` wrote (``model_index.json`` plus
one subfolder per component); it is loaded with ``local_files_only=True`` and kept
in memory per (path, device, dtype). Text-to-image uses the pipeline as saved,
image-to-image reuses its components through ``AutoPipelineForImage2Image.from_pipe``
(no second copy of the weights).

The prompt comes from :func:`studio_kit.backends.image.prompts.fit_prompt`, fitted to
the pipeline's own CLIP tokenizer(s) (77 tokens) so nothing is cut silently: what had
to be left out is named in the render notes. SD3 / Flux also get the whole prompt on
their long-window T5 encoder (``prompt_3`` / ``prompt_2``). The seed comes from the
request or else the character's locked identity seed, so a locked character renders
the same way every time. Reference images condition the render through IP-Adapter
when its weights are present locally (``STUDIO_IP_ADAPTER_PATH``); otherwise they are
skipped and the skip is noted in the render info.

torch and diffusers are imported inside methods: importing this module is cheap.
"""
from __future__ import annotations

import hashlib
import inspect
import io
import math
from pathlib import Path
from typing import Any

from studio_kit.backends.base import Availability, local_pipeline_availability, require_extra
from studio_kit.backends.cache import MODELS, cached_diffusers_pipeline
from studio_kit.backends.image.base import ImageBackend
from studio_kit.backends.image.prompts import CLIP_MAX_TOKENS, PromptFit, fit_prompt
from studio_kit.domain.requests import ImageRequest
from studio_kit.exceptions import BackendError, BackendUnavailableError, ImageError

NO_MODEL = "no local diffusers pipeline configured (set STUDIO_IMAGE_MODEL_PATH)"
MIN_SIDE, MAX_SIDE = 64, 4096  # pixels; diffusers needs sides that are multiples of 8 (16 for SD3 / Flux)



def _check_folder(path: Path) -> None:
    if not path.is_dir():
        raise BackendUnavailableError(
            f"Image backend 'diffusers': pipeline folder {path} does not exist.",
            hint="Set STUDIO_IMAGE_MODEL_PATH to a local diffusers pipeline folder (one saved with "
            "save_pretrained, holding model_index.json); weights cannot be downloaded here. "
            "Or use STUDIO_IMAGE_BACKEND=previz.")
    if not (path / "model_index.json").is_file():
        raise BackendUnavailableError(
            f"Image backend 'diffusers': {path} is not a diffusers pipeline (no model_index.json).",
            hint="Point STUDIO_IMAGE_MODEL_PATH at the pipeline's top folder (the one with model_index.json, "
            "unet/, vae/, text_encoder/ ...). Single .safetensors checkpoints must be converted first with "
            "StableDiffusionPipeline.from_single_file(...).save_pretrained(folder).")


def as_pil(image: Any, what: str):
    """A PIL RGB image from a PIL image, a path or bytes; anything else is an :class:`ImageError`."""
    from PIL import Image, UnidentifiedImageError

    if isinstance(image, Image.Image):
        return image.convert("RGB")
    try:
        if isinstance(image, (bytes, bytearray)):
            return Image.open(io.BytesIO(bytes(image))).convert("RGB")
        if isinstance(image, (str, Path)):
            with Image.open(Path(image)) as img:
                return img.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(f"The {what} {str(image)[:80]!r} is not a readable image: {exc}",
                         hint="Use a PNG or JPEG file (or a PIL image).") from exc
    raise ImageError(f"The {what} must be an image (PIL image, PNG/JPEG path or bytes), "
                     f"not {type(image).__name__}.", hint="Pass a PIL image or the path of a PNG/JPEG file.")


def request_seed(request: ImageRequest, prompt: str) -> int:
    """request.seed, else the first subject's locked identity seed, else a hash of the prompt,
    so the same request always gives the same image."""
    if request.seed is not None:
        return int(request.seed)
    for identity in request.identities:
        if isinstance(identity, dict) and identity.get("seed") is not None:
            return int(identity["seed"])
    return int.from_bytes(hashlib.sha256(prompt.encode()).digest()[:4], "little")


def _denoiser(pipe):
    """The UNet (SD 1.5 / SDXL) or transformer (SD3 / Flux) of a pipeline."""
    return getattr(pipe, "unet", None) or getattr(pipe, "transformer", None)


def _clip_tokenizers(pipe) -> list[Any]:
    """The pipeline's CLIP tokenizers (one for SD 1.5 / Flux, two for SDXL / SD3): they share the window."""
    found = []
    for name in ("tokenizer", "tokenizer_2"):
        tok = getattr(pipe, name, None)
        if tok is not None and "clip" in type(tok).__name__.lower():
            found.append(tok)
    return found


def _t5_prompt_args(pipe, accepted: Any) -> tuple[str, str, Any, int] | None:
    """(prompt kwarg, negative kwarg, tokenizer, token budget) of a pipeline's T5 encoder, if any.

    SD3 feeds T5 through ``prompt_3``, Flux through ``prompt_2``; the budget is the call's
    ``max_sequence_length`` default (256 / 512) less the end marker.
    """
    for name, arg, neg in (("tokenizer_3", "prompt_3", "negative_prompt_3"),
                           ("tokenizer_2", "prompt_2", "negative_prompt_2")):
        tok = getattr(pipe, name, None)
        if tok is not None and "t5" in type(tok).__name__.lower() and arg in accepted:
            length = accepted["max_sequence_length"].default if "max_sequence_length" in accepted else None
            if not isinstance(length, int):
                length = min(int(tok.model_max_length), 512)
            return arg, neg if neg in accepted else "", tok, length - 1
    return None


def count_tokens(tok, text: str) -> int:
    """Tokens ``tok`` makes of ``text``, start/end markers excluded.

    The Rust tokenizer is asked directly: the transformers wrappers log "sequence longer than
    the model" for every over-long trial, which is the very thing fitting avoids.
    """
    backend = getattr(tok, "backend_tokenizer", None)
    if backend is None:
        return len(tok.tokenize(text))
    counting = getattr(tok, "_studio_counting_tokenizer", None)
    if counting is None:
        # a private copy: the pipeline's own calls leave padding-to-77 and truncation switched on
        # in the shared Rust tokenizer, which would make every text count 77 (or at most 77)
        from tokenizers import Tokenizer

        counting = Tokenizer.from_str(backend.to_str())
        counting.no_padding()
        counting.no_truncation()
        tok._studio_counting_tokenizer = counting
    return len(counting.encode(text, add_special_tokens=False).ids)


def _window(tok) -> int:
    """Content tokens a CLIP tokenizer's encoder reads (model_max_length less start/end markers)."""
    length = int(getattr(tok, "model_max_length", 0) or 0)
    # an unset model_max_length is a huge sentinel: assume CLIP's 77
    return (length if 2 < length <= 4096 else CLIP_MAX_TOKENS + 2) - 2


def fit_to_pipeline(pipe, request: ImageRequest) -> tuple[PromptFit, dict[str, str]]:
    """The request's prompt pair fitted to ``pipe``'s CLIP window, plus full-length T5 prompts.

    Counting uses the pipeline's own tokenizers (the larger count of SDXL's two), so the text
    encoders never truncate; the second value holds ``prompt_3``/``prompt_2`` (and negatives)
    for a T5 encoder that can read the whole prompt.
    """
    tokenizers = _clip_tokenizers(pipe)
    if tokenizers:
        def counter(text: str) -> int:
            return max(count_tokens(tok, text) for tok in tokenizers)
        fitted = fit_prompt(request, counter, min(_window(tok) for tok in tokenizers))
    else:
        fitted = fit_prompt(request)
    extra: dict[str, str] = {}
    t5 = _t5_prompt_args(pipe, inspect.signature(pipe.__call__).parameters)
    if t5 is not None:
        arg, neg, tok, budget = t5
        full = fit_prompt(request, lambda text: count_tokens(tok, text), budget)
        extra = {arg: full.prompt, **({neg: full.negative} if neg else {})}
    return fitted, extra


def _size_multiple(pipe) -> int:
    """Pixels a side must be a multiple of: the VAE factor (8) for a UNet, times the latent patch
    (SD3 ``patch_size`` 2, Flux's 2×2 packing) for a transformer — SD3 refuses anything else.
    Never below 8: SD 1.5 / SDXL check for multiples of 8 whatever their VAE."""
    factor = max(8, int(getattr(pipe, "vae_scale_factor", 8) or 8))
    if getattr(pipe, "transformer", None) is not None:
        factor *= int(getattr(pipe, "patch_size", 2) or 2)
    return factor


def _generation_size(side: int, multiple: int = 8) -> int:
    """The nearest multiple of ``multiple`` (pixels) the pipeline can produce, at least MIN_SIDE."""
    return max(MIN_SIDE, round(side / multiple) * multiple)


class DiffusersImageBackend(ImageBackend):
    """Renders with a local diffusers pipeline: txt2img, img2img, IP-Adapter references."""

    name = "diffusers"
    capabilities = frozenset({"txt2img", "img2img", "ip_adapter"})
    extra = "ml"

    def __init__(self, model_path: str | Path | None = None, *, device: str = "auto",
                 ip_adapter_path: str | Path | None = None, dtype: str | None = None,
                 ip_adapter_scale: float = 0.6, controlnet_path: str | Path | None = None,
                 controlnet_scale: float = 1.0, **options: Any):
        super().__init__(model_path, **options)
        #: a local ControlNetModel folder; its name says what it reads ("openpose"/"pose", else depth)
        self.controlnet_path = Path(controlnet_path).expanduser() if controlnet_path else None
        self.controlnet_scale = float(controlnet_scale)
        self.device = device
        self.dtype = dtype
        self.ip_adapter_path = Path(ip_adapter_path).expanduser() if ip_adapter_path else None
        self.ip_adapter_scale = float(ip_adapter_scale)
        self._ip_loaded: str | None = None
        #: what the last render actually used (prompt, negative, seed, size, notes) — also in image.info
        self.last_render: dict[str, Any] = {}

    # -- discovery -----------------------------------------------------------
    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        return local_pipeline_availability(settings, "image_model_path", NO_MODEL, _check_folder)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> DiffusersImageBackend:
        if not getattr(settings, "image_model_path", None):
            raise BackendUnavailableError(
                f"Image backend 'diffusers': {NO_MODEL}.",
                hint="Point STUDIO_IMAGE_MODEL_PATH at a local Stable Diffusion / SDXL / SD3 / Flux pipeline "
                "folder, or use the offline default STUDIO_IMAGE_BACKEND=previz.")
        options.setdefault("device", settings.device)
        options.setdefault("ip_adapter_path", settings.ip_adapter_path)
        options.setdefault("controlnet_path", getattr(settings, "controlnet_path", None))
        return cls.from_pretrained(settings.image_model_path, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> DiffusersImageBackend:
        """Load the pipeline in ``path`` now, so a bad folder fails here and not mid-render."""
        path = Path(path).expanduser()
        _check_folder(path)
        backend = cls(model_path=path, **options)
        backend.pipeline()
        return backend

    # -- loading -------------------------------------------------------------
    def _torch_setup(self) -> tuple[Any, str, Any]:
        torch = require_extra("torch", "ml", self.name)
        device = (self.device or "auto").lower()
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        if device.startswith("cuda") and not torch.cuda.is_available():
            raise BackendUnavailableError("Image backend 'diffusers': device 'cuda' asked for but no CUDA "
                                          "device is visible.", hint="Set STUDIO_DEVICE=cpu or auto.")
        if self.dtype:
            dtype = getattr(torch, self.dtype)
        else:  # half precision on GPU (memory, speed); CPU kernels want float32
            dtype = torch.float16 if device.startswith("cuda") else torch.float32
        return torch, device, dtype

    def pipeline(self):
        """The text-to-image pipeline for this folder (loaded once per process)."""
        torch, device, dtype = self._torch_setup()
        require_extra("diffusers", "ml", self.name)
        return cached_diffusers_pipeline("image", self.model_path, device, dtype)

    def img2img_pipeline(self):
        """An image-to-image pipeline sharing the loaded components (no extra weights in memory)."""
        torch, device, dtype = self._torch_setup()
        diffusers = require_extra("diffusers", "ml", self.name)
        key = ("image.diffusers", str(self.model_path.resolve()) + "#img2img", device, str(dtype))

        def load():
            base = self.pipeline()
            try:
                pipe = diffusers.AutoPipelineForImage2Image.from_pipe(base)
            except (ValueError, KeyError) as exc:
                raise BackendError(f"Image backend 'diffusers': {type(base).__name__} has no image-to-image "
                                   f"variant: {exc}", hint="Render without init_image.") from exc
            pipe.set_progress_bar_config(disable=True)
            return pipe

        return MODELS.get_or_load(key, load)

    def controlnet_pipeline(self, base):
        """The ControlNet variant of the loaded pipeline (shared components) with the local ControlNet."""
        _, device, dtype = self._torch_setup()
        diffusers = require_extra("diffusers", "ml", self.name)
        key = ("image.diffusers", str(self.model_path.resolve()) + "#controlnet:" + str(self.controlnet_path),
               device, str(dtype))

        def load():
            try:
                net = diffusers.ControlNetModel.from_pretrained(self.controlnet_path, local_files_only=True,
                                                                torch_dtype=dtype).to(device)
                pipe = diffusers.AutoPipelineForText2Image.from_pipe(base, controlnet=net)
            except (OSError, ValueError, KeyError) as exc:
                raise BackendUnavailableError(
                    f"Image backend 'diffusers' could not load the ControlNet in {self.controlnet_path}: {exc}",
                    hint="Point STUDIO_CONTROLNET_PATH at a ControlNetModel folder saved with save_pretrained "
                    "that matches the pipeline family.") from exc
            pipe.set_progress_bar_config(disable=True)
            return pipe

        return MODELS.get_or_load(key, load)

    def _control(self, request: ImageRequest, notes: list[str]) -> tuple[str, Any] | None:
        """(kind, image) of the conditioning the configured ControlNet reads, or None with a note why not."""
        if not request.control_images:
            return None
        if self.controlnet_path is None or not (self.controlnet_path / "config.json").is_file():
            where = self.controlnet_path or "STUDIO_CONTROLNET_PATH (not set)"
            notes.append(f"controlnet: skipped, no local ControlNet at {where}")
            return None
        name = self.controlnet_path.name.lower()
        kind = "openpose" if "pose" in name else "depth"
        if kind not in request.control_images:
            notes.append(f"controlnet: skipped, the ControlNet reads {kind} and the request has "
                         f"{', '.join(sorted(request.control_images))}")
            return None
        return kind, as_pil(request.control_images[kind], f"{kind} control image")

    def _find_ip_adapter(self, pipe) -> tuple[Path, str, str] | None:
        """(root, subfolder, weight file) of local IP-Adapter weights matching the pipeline family."""
        root = self.ip_adapter_path
        if root is None or not hasattr(pipe, "load_ip_adapter"):
            return None
        if root.is_file():
            return root.parent, "", root.name
        if not root.is_dir():
            return None
        xl = "XL" in type(pipe).__name__
        weights = sorted(p for ext in ("safetensors", "bin") for p in root.rglob(f"ip-adapter*.{ext}")
                         if ("sdxl" in p.name.lower()) == xl)
        if not weights:
            return None
        chosen = weights[0]
        return root, chosen.parent.relative_to(root).as_posix() if chosen.parent != root else "", chosen.name

    def _ip_adapter(self, pipe, notes: list[str]) -> bool:
        """Load IP-Adapter weights into ``pipe`` once; False (with a note) when they are not here."""
        found = self._find_ip_adapter(pipe)
        if found is None:
            where = self.ip_adapter_path or "STUDIO_IP_ADAPTER_PATH (not set)"
            notes.append(f"ip_adapter: skipped, no local IP-Adapter weights at {where}")
            return False
        root, subfolder, weight = found
        ident = f"{root}/{subfolder}/{weight}"
        # the adapter lives in the denoiser (shared by the txt2img and img2img pipelines), the image
        # encoder in each pipeline: reload when either is missing
        denoiser = _denoiser(pipe)
        if getattr(denoiser, "_studio_ip_adapter", None) != ident or getattr(pipe, "image_encoder", None) is None:
            try:
                pipe.load_ip_adapter(str(root), subfolder=subfolder or None, weight_name=weight,
                                     local_files_only=True)
            except (OSError, ValueError, KeyError, RuntimeError) as exc:
                raise BackendUnavailableError(
                    f"Image backend 'diffusers': IP-Adapter weights {ident} could not be loaded: {exc}",
                    hint="Keep the adapter file next to its image_encoder/ folder, matching the pipeline "
                    "family (ip-adapter_sd15* for SD 1.5, ip-adapter_sdxl* for SDXL).") from exc
            denoiser._studio_ip_adapter = ident
        pipe.set_ip_adapter_scale(self.ip_adapter_scale)
        notes.append(f"ip_adapter: {weight} scale {self.ip_adapter_scale:g}")
        return True

    # -- rendering -----------------------------------------------------------
    def render(self, request: ImageRequest):
        """Render ``request`` and return a PIL image of exactly request.width × request.height.

        ``image.info`` (and :attr:`last_render`) carry the prompt, negative prompt, seed and notes.
        """
        for side in (request.width, request.height):
            if not MIN_SIDE <= side <= MAX_SIDE:
                raise ImageError(f"Image size {request.width}×{request.height} px is outside "
                                 f"{MIN_SIDE}–{MAX_SIDE} px.", hint="Ask for a size such as 768×432 or 512×512.")
        if request.steps < 1:
            raise ImageError(f"steps must be at least 1, not {request.steps}.")
        init = as_pil(request.init_image, "init image") if request.init_image is not None else None
        references = [as_pil(r, "reference image") for r in request.reference_images]

        torch, _, _ = self._torch_setup()
        pipe = self.pipeline()
        if init is not None:
            pipe = self.img2img_pipeline()
        fitted, long_prompts = fit_to_pipeline(pipe, request)
        prompt, negative = fitted.prompt, fitted.negative
        seed = request_seed(request, prompt)
        multiple = _size_multiple(pipe)
        width, height = _generation_size(request.width, multiple), _generation_size(request.height, multiple)
        notes: list[str] = fitted.notes()
        for arg in long_prompts:
            if arg.startswith("prompt"):
                notes.append(f"{arg}: the whole prompt goes to the T5 text encoder (longer window)")
        kwargs: dict[str, Any] = {"prompt": prompt, "negative_prompt": negative, **long_prompts,
                                  "num_inference_steps": int(request.steps),
                                  "guidance_scale": float(request.guidance),
                                  "generator": torch.Generator("cpu").manual_seed(seed)}
        if init is not None:
            if not 0.0 < request.strength <= 1.0:
                raise ImageError(f"img2img strength must be in (0, 1], not {request.strength}.",
                                 hint="0.3 keeps the init image's layout, 0.8 keeps little of it.")
            # img2img runs only steps × strength denoising steps: make that at least one
            steps = max(int(request.steps), math.ceil(1.0 / request.strength - 1e-9))
            kwargs.update(image=init.resize((width, height)), strength=float(request.strength),
                          num_inference_steps=steps)
        else:
            kwargs.update(width=width, height=height)
            control = self._control(request, notes)
            if control is not None:  # the staging of a 3D previz frame (depth / pose) holds the layout
                pipe = self.controlnet_pipeline(pipe)
                kwargs.update(image=control[1].resize((width, height)),
                              controlnet_conditioning_scale=self.controlnet_scale)
                notes.append(f"controlnet: {control[0]} from {self.controlnet_path} scale {self.controlnet_scale:g}")
        if references and self._ip_adapter(pipe, notes):
            kwargs["ip_adapter_image"] = references[0] if len(references) == 1 else [references]
        elif not references and getattr(_denoiser(pipe), "_studio_ip_adapter", None):
            # loaded for an earlier render: a render without references must not need image embeds
            pipe.unload_ip_adapter()
            _denoiser(pipe)._studio_ip_adapter = None
        accepted = inspect.signature(pipe.__call__).parameters
        true_cfg = accepted.get("true_cfg_scale")
        if true_cfg is not None and not (isinstance(true_cfg.default, (int, float)) and true_cfg.default > 1):
            # Flux takes negative prompts but reads them only with true CFG (true_cfg_scale > 1, twice
            # the transformer work); at its default they would be silently ignored: say so instead
            for name in [k for k in kwargs if k.startswith("negative_prompt")]:
                notes.append(f"{name.replace('_', ' ')}: ignored by {type(pipe).__name__} without true CFG, "
                             "dropped")
                kwargs.pop(name)
        for name in [k for k in kwargs if k not in accepted]:
            if name.startswith("negative_prompt"):  # e.g. Flux without true CFG
                notes.append(f"{name.replace('_', ' ')}: not supported by this pipeline, dropped")
            kwargs.pop(name)
        kwargs = {k: v for k, v in kwargs.items() if v is not None}
        try:
            with torch.inference_mode():
                image = pipe(**kwargs).images[0]
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"Image backend 'diffusers' failed to render with {self.model_path}: {exc}",
                               hint="Try fewer steps or a smaller size; on GPU, check free memory.") from exc
        image = image.convert("RGB")
        if image.size != (request.width, request.height):
            image = image.resize((request.width, request.height))
        self.last_render = {"prompt": prompt, "negative_prompt": negative, "seed": seed,
                            "prompt_tokens": fitted.tokens, "max_prompt_tokens": fitted.max_tokens,
                            "prompt_dropped": list(fitted.dropped),
                            "negative_dropped": list(fitted.dropped_negative),
                            **{k: v for k, v in long_prompts.items() if k in kwargs},
                            "steps": int(kwargs.get("num_inference_steps", request.steps)),
                            "guidance": float(request.guidance),
                            "mode": "img2img" if init is not None else "txt2img",
                            "pipeline": type(pipe).__name__, "notes": notes}
        image.info.update({"studio_" + k: v for k, v in self.last_render.items()})
        return image
