"""Characters rendered by the diffusers backend (tiny random pipeline): stored with a model-based score."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("diffusers")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "backends"))
from tiny_models import build_tiny_clip_vision, build_tiny_sd  # noqa: E402 - the tests' tiny model builders

from studio_kit.domain.character import Appearance, CharacterBible  # noqa: E402
from studio_kit.engines.characters import service  # noqa: E402


@pytest.fixture(scope="module")
def tiny_sd(tmp_path_factory):
    return build_tiny_sd(tmp_path_factory.mktemp("models") / "tiny-sd")


def _settings(monkeypatch, **env):
    from studio_kit.config import get_settings, reset_settings

    for key, value in env.items():
        monkeypatch.setenv(key, str(value))
    reset_settings()
    return get_settings()


def test_locked_character_through_diffusers_gets_a_perceptual_score(ctx, tiny_sd, monkeypatch, tmp_path):
    from PIL import Image

    settings = _settings(monkeypatch, STUDIO_IMAGE_MODEL_PATH=tiny_sd)
    service.create_character(CharacterBible(character_id="ivy", name="Ivy", seed=77,
                                            appearance=Appearance(hair="long", hair_color="red")), ctx)
    first = service.render("ivy", backend="diffusers", width=64, height=64, steps=2, ctx=ctx, settings=settings)
    ref = tmp_path / "approved.png"
    first.image.save(ref)
    service.lock("ivy", references=[ref], ctx=ctx, settings=settings)
    again = service.render("ivy", backend="diffusers", width=64, height=64, steps=2, ctx=ctx, settings=settings)
    meta = again.asset.meta
    assert meta["backend"] == "diffusers" and meta["consistency"]["method"] == "perceptual:hist+phash"
    assert meta["score"] == 1.0 and not meta["flagged"]      # same seed, same identity -> same image
    assert again.asset.provenance["seed"] == 77
    # the tiny pipeline's tokenizer keeps ~75 characters: what was left out is stored with the render
    assert meta["render_prompt_dropped"] and any("left out" in n for n in meta["render_notes"])
    assert "red" in meta["render_prompt"]                    # identity terms are kept first
    assert Image.open(service.project_context(ctx).asset_path(again.asset.id)).size == (64, 64)


def test_configured_image_encoder_scores_by_embedding(ctx, tiny_sd, monkeypatch, tmp_path):
    encoder_dir = build_tiny_clip_vision(tmp_path / "encoder")
    settings = _settings(monkeypatch, STUDIO_IMAGE_MODEL_PATH=tiny_sd, STUDIO_IMAGE_ENCODER_PATH=encoder_dir)
    service.create_character(CharacterBible(character_id="ivy", name="Ivy", seed=77), ctx)
    locked = service.lock("ivy", ctx=ctx, settings=settings)
    assert locked.identity.embedding and locked.identity.embedding_model
    result = service.render("ivy", backend="diffusers", width=64, height=64, steps=2, ctx=ctx, settings=settings)
    assert result.score.method.startswith("embedding:")
    assert 0.0 <= result.score.score <= 1.0 and result.asset.meta["threshold"] == 0.8
