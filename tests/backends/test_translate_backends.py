"""Translate backends: a tiny local T5 seq2seq model and an OpenAI-compatible chat server on 127.0.0.1."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studio_kit.backends.translate.openai_mt import OpenAITranslateBackend
from studio_kit.backends.translate.transformers_mt import TransformersTranslateBackend
from studio_kit.exceptions import BackendUnavailableError

sys.path.insert(0, str(Path(__file__).parent))
from local_http import local_server
from tiny_audio_models import tiny_t5_translator

LINES = {"s1-l1": "Good morning.", "s1-l2": "Thank you."}


def test_a_local_seq2seq_model_translates_every_line_deterministically(tmp_path):
    backend = TransformersTranslateBackend(tiny_t5_translator(tmp_path / "mt"), max_new_tokens=6)
    first = backend.translate(LINES, target="es")
    assert list(first) == list(LINES) and all(first.values())
    assert backend.translate(LINES, target="es") == first


def test_a_missing_model_folder_names_the_fix(tmp_path):
    with pytest.raises(BackendUnavailableError, match="save_pretrained"):
        TransformersTranslateBackend(tmp_path / "none")


def _chat(path: str, body: dict) -> tuple[int, str, bytes]:
    line = body["messages"][-1]["content"].split("Line: ")[-1]
    answer = {"Good morning.": "Buenos días.", "Thank you.": "Gracias."}[line]
    return 200, "application/json", json.dumps({"choices": [{"message": {"content": f'"{answer}"'}}],
                                                "usage": {"prompt_tokens": 5, "completion_tokens": 2}}).encode()


@pytest.fixture
def chat_server():
    with local_server(_chat) as served:
        yield served


def test_an_openai_compatible_server_translates_line_by_line(chat_server):
    url, seen = chat_server
    out = OpenAITranslateBackend(url, model="local").translate(LINES, target="es")
    assert out == {"s1-l1": "Buenos días.", "s1-l2": "Gracias."}
    assert "Translate from en to es" in seen[1]["messages"][-1]["content"]
    assert "Previous line: Good morning." in seen[1]["messages"][-1]["content"]
