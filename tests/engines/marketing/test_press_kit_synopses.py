"""The press kit's synopses written by the text backend: procedural (the script's lines), an OpenAI-compatible
chat server on 127.0.0.1 (accepted, spoiler refused, failing), and a tiny random-weight transformers model."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from .conftest import FILM

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backends"))
from local_http import local_server  # noqa: E402 - the tests' real HTTP server

SHORT = ("Here is the synopsis:\n\n**Short synopsis:** On a storm-lashed harbour, Mara waits for a boat that never "
         "comes while old Jonah mends his nets. A soaked letter on the office desk tells her someone came in the "
         "night, and she runs for the lighthouse as the sea rises.")
LONG = ("Mara keeps watch over a harbour where the boats come home late, and Jonah, who has seen every storm, "
        "tells her to sit down and wait.\n\nOne night she finds a soaked letter on the harbour office desk. Nobody "
        "comes in at that hour, yet somebody was there. When the storm breaks over the breakwater, a dark fishing "
        "boat drifts past with nobody on deck.\n\nMara will not lose him again. She runs the length of the pier "
        "and climbs the shaking lighthouse, calling for her father, while Jonah begs her to come down before the "
        "tower falls, and the")          # cut off mid-sentence: the unfinished sentence is dropped
ENDING = " The next morning, Mara and Jonah drink coffee in silence."


def _chat(text: str) -> bytes:
    return json.dumps({"choices": [{"index": 0, "finish_reason": "stop",
                                    "message": {"role": "assistant", "content": text}}],
                       "usage": {"prompt_tokens": 50, "completion_tokens": len(text.split())}}).encode()


def _answer(spoil: bool = False):
    def answer(path, body):
        prompt = body["messages"][-1]["content"]
        text = SHORT if "short synopsis" in prompt else LONG
        return 200, "application/json", _chat(text + (ENDING if spoil else ""))
    return answer


@pytest.fixture
def parsed():
    from studio_kit.engines.writing.fountain import parse_fountain

    return parse_fountain(FILM)


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "harbour.fountain"
    path.write_text(FILM, encoding="utf-8")
    return path


def _pdf_text(path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() for p in PdfReader(str(path)).pages).split())


def test_the_procedural_backend_keeps_the_script_synopses_deterministically(studio_home, parsed):
    from studio_kit.engines.marketing import press_kit as K
    from studio_kit.registry import load_backend

    first = K.write_synopses(parsed)                    # the configured backend: procedural by default
    again = K.write_synopses(parsed, load_backend("text", "procedural"))
    assert (first.short, first.long) == (again.short, again.long) == K.synopses(parsed)
    assert first.by == {"short": "script", "long": "script"} and not first.warnings and not first.calls
    assert "Mara finds a soaked letter" in first.long
    assert "Morning sun" not in first.long and "coffee" not in first.long, "the final scene is never told"


def test_a_chat_model_writes_the_synopses_into_the_pdf_and_metadata_with_provenance(studio_home, script, tmp_path):
    from studio_kit.backends.text.openai_compat import OpenAITextBackend
    from studio_kit.engines.marketing import service

    with local_server(_answer()) as (url, seen):
        files = service.press_kit(script, tmp_path / "kit.pdf", backend=OpenAITextBackend(url, retries=0))
    assert len(seen) == 2, "one call per synopsis"
    prompts = [b["messages"][-1]["content"] for b in seen]
    assert all("Mara finds a soaked letter" in p and "Harbour Lights" in p for p in prompts)
    assert not any("coffee" in p or "You were right to go" in p for p in prompts), "the model is not told the end"
    assert "never reveal" in seen[0]["messages"][0]["content"].lower()
    text = _pdf_text(files["pdf"])
    assert "On a storm-lashed harbour, Mara waits" in text and "Here is the synopsis" not in text
    assert "Short synopsis:" not in text and "Mara will not lose him again." in text
    assert "She runs the length of the pier" not in text, "the unfinished last sentence is dropped"
    assert "Morning sun" not in text and "coffee" not in text
    meta = json.loads(files["platforms"].read_text(encoding="utf-8"))
    assert "storm-lashed harbour" in meta["youtube"]["description"]
    rec = service.project_context(None).latest("marketing.press-kit", "harbour-lights-pdf")
    record = rec.meta["synopsis"]
    assert record["by"] == {"short": "openai", "long": "openai"} and not record["warnings"]
    assert [c["backend"] for c in record["calls"]] == ["text.openai", "text.openai"]
    assert record["calls"][0]["params"]["task"] == "press-kit.synopsis.short"


def test_a_synopsis_that_tells_the_ending_is_refused_and_the_script_lines_are_used(studio_home, parsed):
    from studio_kit.backends.text.openai_compat import OpenAITextBackend
    from studio_kit.engines.marketing import press_kit as K

    with local_server(_answer(spoil=True)) as (url, seen):
        syn = K.write_synopses(parsed, OpenAITextBackend(url, retries=0))
    assert len(seen) == 4, "each synopsis is asked again once with what was wrong"
    assert "Do not tell how the film ends" in seen[1]["messages"][-1]["content"]
    assert (syn.short, syn.long) == K.synopses(parsed) and syn.by == {"short": "script", "long": "script"}
    assert len(syn.warnings) == 2 and "coffee in silence" in syn.warnings[0]
    assert "coffee" not in syn.long


def test_a_failing_server_falls_back_to_the_script_with_a_warning(studio_home, parsed):
    from studio_kit.backends.text.openai_compat import OpenAITextBackend
    from studio_kit.engines.marketing import press_kit as K

    def refuse(path, body):
        return 400, "application/json", json.dumps({"error": {"message": "model 'local' not found"}}).encode()

    with local_server(refuse) as (url, _seen):
        syn = K.write_synopses(parsed, OpenAITextBackend(url, retries=0))
    assert (syn.short, syn.long) == K.synopses(parsed)
    assert len(syn.warnings) == 2 and "model 'local' not found" in syn.warnings[0]
    assert [c["backend"] for c in syn.calls] == ["text.openai", "text.openai"]


def test_a_backend_that_cannot_run_here_falls_back_and_an_unknown_one_is_an_error(studio_home, parsed):
    from studio_kit.engines.marketing import press_kit as K
    from studio_kit.exceptions import BackendNotFoundError

    syn = K.write_synopses(parsed, "openai")            # no STUDIO_OPENAI_BASE_URL here
    assert (syn.short, syn.long) == K.synopses(parsed) and not syn.calls
    assert len(syn.warnings) == 1 and "STUDIO_OPENAI_BASE_URL" in syn.warnings[0]
    with pytest.raises(BackendNotFoundError, match="procedural"):
        K.write_synopses(parsed, "gpt-press")


def test_a_tiny_random_language_model_is_checked_and_replaced_by_the_script_lines(tmp_path, parsed):
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from tiny_models import build_tiny_gpt2

    from studio_kit.backends.text.transformers_lm import TransformersTextBackend
    from studio_kit.engines.marketing import press_kit as K

    backend = TransformersTextBackend.from_pretrained(build_tiny_gpt2(tmp_path / "tiny-gpt2"))
    syn = K.write_synopses(parsed, backend, retries=0, max_tokens=16)     # a short answer keeps the test quick
    assert [c["backend"] for c in syn.calls] == ["text.transformers"] * 2
    assert "Write whole English sentences" in syn.warnings[0]
    assert syn.by == {"short": "script", "long": "script"} and len(syn.warnings) == 2
    assert (syn.short, syn.long) == K.synopses(parsed)
