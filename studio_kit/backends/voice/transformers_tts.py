"""``transformers`` voice backend: a local text-to-speech model folder (VITS / MMS-TTS family).

Loads ``VitsModel`` + ``AutoTokenizer`` from a folder saved with ``save_pretrained`` (nothing is
downloaded). ``rate`` maps to VITS' ``speaking_rate``; a fixed seed makes the stochastic duration
predictor repeatable. The folder's ``config.json`` may carry ``"language": "es"`` (MMS checkpoints are
one language each); otherwise English is assumed.
"""
from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from studio_kit.backends.local_model import LocalModelFolder
from studio_kit.backends.voice.base import VoiceBackend
from studio_kit.domain.requests import Speech

#: one synthesis at a time: the loaded model is shared by every backend on its folder, and each call sets
#: its ``speaking_rate`` and torch's global seed before the forward pass, which another thread must not change
_SYNTHESIS = threading.Lock()


class TransformersVoiceBackend(LocalModelFolder, VoiceBackend):
    name = "transformers"
    capabilities = frozenset({"speech", "neural", "local-model"})
    extra = "ml"
    folder_what = "TTS model"
    folder_hint = "Save a VITS/MMS-TTS model with save_pretrained() into a local folder and pass it."

    def __init__(self, model_path: str | Path | None = None, **options: Any):
        super().__init__(model_path, **options)
        folder = self._require_folder()
        config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        self.languages = frozenset([str(config.get("language", "en")).split("-")[0]])

    def synthesize(self, text: str, *, voice: str | None = None, language: str = "en",
                   rate: float = 1.0, seed: int | None = None) -> Speech:
        import numpy as np
        import torch

        model, tok = self._load_pair("VitsModel", "AutoTokenizer")
        inputs = tok(text, return_tensors="pt")
        with _SYNTHESIS, torch.no_grad():
            model.speaking_rate = float(rate)
            torch.manual_seed(0 if seed is None else int(seed))
            wave = model(**inputs).waveform[0].float().numpy()
        peak = float(np.max(np.abs(wave))) or 1.0
        return Speech((wave * (0.9 / peak)).astype(np.float32), int(model.config.sampling_rate),
                      {"model": str(self.model_path)})
