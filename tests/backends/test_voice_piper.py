"""The Piper neural voice: offline, deterministic, metered and traced through the registry."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.backends.voice.piper_tts import PiperVoiceBackend
from studio_kit.exceptions import BackendUnavailableError
from studio_kit.registry import get_backend_class, invoke, last_call


def test_piper_speaks_a_line_with_the_shipped_joe_voice_the_same_way_twice():
    backend = PiperVoiceBackend()
    a = backend.synthesize("We close in five minutes.")
    b = backend.synthesize("We close in five minutes.")
    assert a.sample_rate == 22050
    assert 0.8 < a.seconds < 4.0
    assert np.array_equal(a.samples, b.samples)                 # noise scales 0: identical run to run
    rms = float(np.sqrt(np.mean(a.samples ** 2)))
    assert rms > 0.02                                           # speech, not silence


def test_a_faster_rate_speaks_the_same_words_in_less_time():
    backend = PiperVoiceBackend()
    normal = backend.synthesize("The projector has been broken since nineteen eighty four.")
    fast = backend.synthesize("The projector has been broken since nineteen eighty four.", rate=1.3)
    assert fast.seconds < normal.seconds * 0.9


def test_each_call_is_metered_in_seconds_of_speech_with_provenance():
    backend = get_backend_class("voice", "piper")()
    speech = invoke(backend, "synthesize", "Hello there.", params={"rate": 1.0}, inputs=["Hello there."],
                    units=lambda s: s.seconds)
    call = last_call()
    assert call.modality == "voice" and call.backend == "piper" and call.unit == "seconds"
    assert call.units == pytest.approx(speech.seconds)
    assert call.provenance()["model"] == "en_US-joe-medium"


def test_a_folder_without_a_voice_is_refused_with_the_fix(tmp_path):
    with pytest.raises(BackendUnavailableError, match="no .onnx voice"):
        PiperVoiceBackend(model_path=tmp_path)


def test_piper_knows_it_only_speaks_english():
    backend = PiperVoiceBackend()
    assert backend.supports("en-US") and not backend.supports("ar")
