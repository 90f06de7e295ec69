"""The transformers voice backend with a tiny VITS model built in the test (random weights, saved, loaded back)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

from studio_kit.backends.voice.transformers_tts import TransformersVoiceBackend
from studio_kit.exceptions import BackendUnavailableError
from studio_kit.registry import invoke, last_call

sys.path.insert(0, str(Path(__file__).parent))
from tiny_audio_models import tiny_vits


@pytest.mark.slow
def test_a_local_vits_folder_speaks_repeatably_and_is_metered(tmp_path):
    backend = TransformersVoiceBackend(tiny_vits(tmp_path / "vits", language="es"))
    speech = invoke(backend, "synthesize", "hola, buenos dias", seed=3, units=lambda s: s.seconds)
    again = backend.synthesize("hola, buenos dias", seed=3)
    assert speech.sample_rate == 16000 and len(speech.samples) > 0
    assert np.array_equal(speech.samples, again.samples)
    assert np.abs(speech.samples).max() == pytest.approx(0.9, abs=1e-3)
    assert backend.supports("es") and not backend.supports("en")
    assert last_call().backend == "transformers" and last_call().units == pytest.approx(speech.seconds)


@pytest.mark.slow
def test_two_backends_on_one_folder_load_the_model_once_and_keep_their_own_rate(tmp_path):
    folder = tiny_vits(tmp_path / "vits")
    a, b = TransformersVoiceBackend(folder), TransformersVoiceBackend(folder)
    assert a._load_pair("VitsModel", "AutoTokenizer")[0] is b._load_pair("VitsModel", "AutoTokenizer")[0]
    slow = a.synthesize("one two three four", rate=0.6, seed=1)
    normal = b.synthesize("one two three four", rate=1.0, seed=1)
    assert len(slow.samples) > len(normal.samples)
    assert np.array_equal(normal.samples, a.synthesize("one two three four", rate=1.0, seed=1).samples)


def test_a_missing_folder_names_the_fix(tmp_path):
    with pytest.raises(BackendUnavailableError, match="save_pretrained"):
        TransformersVoiceBackend(tmp_path / "nothing")
