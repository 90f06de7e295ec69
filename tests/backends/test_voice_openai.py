"""The openai voice backend against a real /v1/audio/speech server on 127.0.0.1 answering WAV."""
from __future__ import annotations

import io
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from studio_kit.backends.voice.openai_tts import OpenAIVoiceBackend
from studio_kit.exceptions import BackendError, BackendUnavailableError

sys.path.insert(0, str(Path(__file__).parent))
from local_http import local_server


def _speak(path: str, body: dict) -> tuple[int, str, bytes]:
    if body["voice"] == "nobody":
        return 404, "application/json", b'{"error": "unknown voice"}'
    seconds = len(body["input"]) * 0.06 / body["speed"]
    t = np.arange(int(24000 * seconds)) / 24000
    buf = io.BytesIO()
    sf.write(buf, 0.3 * np.sin(2 * np.pi * 180 * t), 24000, format="WAV")
    return 200, "audio/wav", buf.getvalue()


@pytest.fixture
def speech_server():
    with local_server(_speak) as served:
        yield served


def test_the_server_speaks_the_line_as_wav_at_the_requested_speed(speech_server):
    url, seen = speech_server
    backend = OpenAIVoiceBackend(url, model="kokoro", voice="af_bella")
    normal = backend.synthesize("We close in five minutes.")
    fast = backend.synthesize("We close in five minutes.", rate=1.5)
    assert normal.sample_rate == 24000 and normal.seconds == pytest.approx(25 * 0.06, abs=0.01)
    assert fast.seconds < normal.seconds
    assert seen[0] == {"model": "kokoro", "input": "We close in five minutes.", "voice": "af_bella",
                       "response_format": "wav", "speed": 1.0}


def test_refusals_and_missing_servers_are_named(speech_server):
    url, _ = speech_server
    with pytest.raises(BackendError, match="HTTP 404"):
        OpenAIVoiceBackend(url).synthesize("Hi", voice="nobody")
    with pytest.raises(BackendUnavailableError, match="STUDIO_OPENAI_BASE_URL"):
        OpenAIVoiceBackend(None)
