"""``musicgen`` music backend: MusicGen (transformers) from a local model folder.

The cue plan becomes a text prompt ("tense minor film score, strings, 96 BPM, night"); the model generates
audio tokens for the cue's length (its frame rate × seconds, plus a little), decoded by its EnCodec, then
resampled to 48 kHz and cut to the exact sample count with a fade. Loads from a local folder only.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from studio_kit.backends.local_model import LocalModelFolder
from studio_kit.backends.music.base import MusicBackend
from studio_kit.domain.requests import CuePlan
from studio_kit.engines.post.audio import fit_length, resample

GM_NAMES = {0: "piano", 24: "guitar", 32: "bass", 42: "cello", 45: "pizzicato strings", 46: "harp", 48: "strings",
            49: "slow strings", 50: "synth strings", 61: "brass", 65: "saxophone", 71: "clarinet", 72: "flute",
            73: "flute", 81: "synth lead", 89: "warm pad", 92: "dark pad"}


def prompt_for(plan: CuePlan) -> str:
    instruments = ", ".join(dict.fromkeys(GM_NAMES.get(p, "orchestra") for p in plan.instruments))
    energy = "intense" if plan.intensity > 0.7 else "gentle" if plan.intensity < 0.35 else "steady"
    return f"{energy} {plan.mode} film score in {plan.key}, {instruments}, {plan.tempo:g} BPM, {plan.mood}"


class MusicGenBackend(LocalModelFolder, MusicBackend):
    name = "musicgen"
    capabilities = frozenset({"score", "neural", "local-model"})
    extra = "ml"
    folder_what = "MusicGen model"
    folder_hint = ("Save a MusicGen model and processor with save_pretrained() into a local folder and pass it; "
                   "the default score uses the midi backend.")

    def __init__(self, model_path: str | Path | None = None, *, guidance_scale: float | None = None, **options: Any):
        super().__init__(model_path, **options)
        self._require_folder()
        self.guidance_scale = guidance_scale

    def render(self, plan: CuePlan, *, seed: int | None = None) -> np.ndarray:
        import torch


        model, processor = self._load_pair("MusicgenForConditionalGeneration", "AutoProcessor")
        enc = model.config.audio_encoder
        frame_rate = getattr(enc, "frame_rate", None) or enc.sampling_rate / int(np.prod(enc.upsampling_ratios))
        tokens = int(np.ceil(plan.seconds * frame_rate)) + 4
        inputs = processor(text=[prompt_for(plan)], padding=True, return_tensors="pt")
        torch.manual_seed(plan.seed if seed is None else int(seed))
        kwargs: dict[str, Any] = {"max_new_tokens": tokens, "do_sample": True}
        if self.guidance_scale is not None:
            kwargs["guidance_scale"] = float(self.guidance_scale)
        with torch.no_grad():
            audio = model.generate(**inputs, **kwargs)[0].float().numpy()   # (channels, samples)
        audio = audio.T if audio.ndim == 2 else audio[:, None]
        audio = resample(audio, int(enc.sampling_rate), plan.sample_rate)
        if audio.shape[1] == 1:
            audio = np.repeat(audio, 2, axis=1)
        peak = float(np.max(np.abs(audio))) or 1.0
        audio = fit_length(audio[:, :2] * (0.5 / peak), plan.samples).astype(np.float32)
        fade = min(plan.samples, int(0.5 * plan.sample_rate))
        if fade > 1:
            audio[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None]
        return audio
