"""espeak-ng voices every language Piper lacks, right-to-left and CJK included."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.backends.voice.espeak import EspeakVoiceBackend
from studio_kit.exceptions import BackendError


@pytest.mark.parametrize("language,text", [("ar", "مرحبا، كيف حالك؟"), ("ja", "こんにちは、元気ですか。"),
                                           ("zh", "你好，你好吗？"), ("he", "שלום, מה שלומך?"), ("es", "Hola, ¿cómo estás?")])
def test_espeak_speaks_languages_piper_does_not(language, text):
    backend = EspeakVoiceBackend()
    assert backend.supports(language)
    speech = backend.synthesize(text, language=language)
    assert speech.seconds > 0.5
    assert float(np.sqrt(np.mean(speech.samples ** 2))) > 0.01


def test_espeak_output_is_deterministic_and_rate_shortens_it():
    backend = EspeakVoiceBackend()
    a = backend.synthesize("Buenos días a todos.", language="es")
    b = backend.synthesize("Buenos días a todos.", language="es")
    fast = backend.synthesize("Buenos días a todos.", language="es", rate=1.5)
    assert np.array_equal(a.samples, b.samples)
    assert fast.seconds < a.seconds * 0.85


def test_an_unknown_language_is_named_in_the_error():
    backend = EspeakVoiceBackend()
    assert not backend.supports("xx-klingon")
    with pytest.raises(BackendError, match="xx-klingon"):
        backend.synthesize("Qapla'", language="xx-klingon")
