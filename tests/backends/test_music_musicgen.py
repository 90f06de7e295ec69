"""The MusicGen backend with a tiny random MusicGen (T5 + EnCodec + decoder) built in the test."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

from studio_kit.backends.music.musicgen import MusicGenBackend, prompt_for
from studio_kit.domain.requests import CuePlan
from studio_kit.exceptions import BackendUnavailableError

sys.path.insert(0, str(Path(__file__).parent))
from tiny_audio_models import tiny_musicgen


@pytest.mark.slow
def test_a_local_musicgen_renders_a_cue_to_the_exact_sample(tmp_path):
    backend = MusicGenBackend(tiny_musicgen(tmp_path / "musicgen"))
    plan = CuePlan(cue_id="1M1", title="Test", samples=48000 + 123, mode="minor", mood="tense, night",
                   instruments=[48, 0], intensity=0.8)
    audio = backend.render(plan, seed=1)
    assert audio.shape == (48000 + 123, 2)
    assert abs(audio[-1]).max() < 1e-3                          # faded out on the last sample
    assert "intense minor film score" in prompt_for(plan) and "strings" in prompt_for(plan)


def test_without_a_model_folder_the_error_points_at_the_midi_default(tmp_path):
    with pytest.raises(BackendUnavailableError, match="midi backend"):
        MusicGenBackend(tmp_path / "none")
