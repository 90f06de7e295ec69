"""``openai`` voice backend: any OpenAI-compatible ``/v1/audio/speech`` server (OpenAI, LocalAI, Kokoro-FastAPI,
openedai-speech …) by base URL.

Sends ``{"model", "input", "voice", "response_format": "wav", "speed"}`` and decodes the WAV it answers.
The base URL comes from ``STUDIO_OPENAI_BASE_URL`` (or the constructor); 5xx answers and connection errors
are retried a bounded number of times, 4xx fail at once with the server's message.
"""
from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

from studio_kit.backends.base import Availability
from studio_kit.backends.text.openai_compat import NO_SERVER, RETRY_STATUSES, api_root
from studio_kit.backends.voice.base import VoiceBackend
from studio_kit.domain.requests import Speech
from studio_kit.exceptions import BackendError, BackendUnavailableError


class OpenAIVoiceBackend(VoiceBackend):
    """Speech from an OpenAI-compatible text-to-speech endpoint."""

    name = "openai"
    capabilities = frozenset({"speech", "remote"})

    def __init__(self, base_url: str | None = None, *, model: str = "tts-1", voice: str = "alloy",
                 api_key: str | None = None, timeout: float = 60.0, retries: int = 2, languages: tuple = ("en",),
                 **options: Any):
        super().__init__(None, **options)
        if not base_url:
            raise BackendUnavailableError(f"Voice backend 'openai': {NO_SERVER}.",
                                          hint="Start a speech server and set STUDIO_OPENAI_BASE_URL.")
        self.base_url = api_root(base_url)
        self.model, self.default_voice, self.api_key = model, voice, api_key
        self.timeout, self.retries = float(timeout), max(0, int(retries))
        self.languages = frozenset(languages)

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        url = getattr(settings, "openai_base_url", None) if settings is not None else None
        return Availability(bool(url), f"server {url}" if url else NO_SERVER)

    @classmethod
    def from_settings(cls, settings: Any, **options: Any) -> OpenAIVoiceBackend:
        options.setdefault("api_key", settings.openai_api_key)
        return cls(settings.openai_base_url, **options)

    @classmethod
    def from_pretrained(cls, path: str | Path, **options: Any) -> OpenAIVoiceBackend:
        return cls(str(path), **options)

    @property
    def model_id(self) -> str | None:
        return f"{self.model}@{self.base_url}"

    def synthesize(self, text: str, *, voice: str | None = None, language: str = "en",
                   rate: float = 1.0, seed: int | None = None) -> Speech:
        import httpx
        import numpy as np
        import soundfile as sf

        payload = {"model": self.model, "input": text, "voice": voice or self.default_voice,
                   "response_format": "wav", "speed": float(max(0.25, min(4.0, rate)))}
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        problem = ""
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(4.0, 0.5 * 2 ** (attempt - 1)))
            try:
                with httpx.Client(timeout=self.timeout) as client:
                    r = client.post(self.base_url + "/audio/speech", json=payload, headers=headers)
            except httpx.TransportError as exc:
                problem = f"cannot connect ({type(exc).__name__})"
                continue
            if r.status_code in RETRY_STATUSES:
                problem = f"HTTP {r.status_code}"
                continue
            if r.status_code >= 400:
                raise BackendError(f"Speech server {self.base_url} refused the line: HTTP {r.status_code}: "
                                   f"{r.text[:200]}", hint="Check the model and voice names the server offers.")
            try:
                data, sr = sf.read(io.BytesIO(r.content), dtype="float32", always_2d=True)
            except Exception as exc:
                raise BackendError(f"Speech server {self.base_url} did not answer with WAV audio.",
                                   hint="The server must support response_format 'wav'.") from exc
            return Speech(data.mean(axis=1).astype(np.float32), int(sr), {"voice": payload["voice"]})
        raise BackendUnavailableError(f"Speech server {self.base_url} failed after {self.retries + 1} tries: {problem}",
                                      hint="Start the server or fix STUDIO_OPENAI_BASE_URL.")
