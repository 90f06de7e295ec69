"""Voice modality contract: text in, mono speech out.

A voice backend turns one line of text into mono float32 samples at the
backend's native rate. Delivery (pitch, formant, EQ, breathiness, loudness) is
applied afterwards by the post engine from the character's voice profile, so a
backend only needs ``voice`` (its own voice id), ``language`` and ``rate``
(speaking speed, 1.0 = the voice's normal pace). Engines call
``registry.invoke(backend, "synthesize", ...)`` so each line is metered in
seconds of speech and its provenance recorded.
"""
from __future__ import annotations

from studio_kit.backends.base import Backend
from studio_kit.domain.requests import Speech


class VoiceBackend(Backend):
    modality = "voice"
    unit = "seconds"

    #: languages this backend speaks (BCP-47 primary tags); empty = ask :meth:`supports`
    languages: frozenset[str] = frozenset()

    def synthesize(self, text: str, *, voice: str | None = None, language: str = "en",
                   rate: float = 1.0, seed: int | None = None) -> Speech:
        """Speak ``text``; ``rate`` > 1 speaks faster."""
        raise NotImplementedError

    def voices(self) -> list[str]:
        """The voice ids this backend offers."""
        return []

    def supports(self, language: str) -> bool:
        return language.split("-")[0].lower() in self.languages
