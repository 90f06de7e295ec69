"""The optional CLIP image encoder for consistency scores, on a tiny CLIP vision model built in the test."""
from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

sys.path.insert(0, str(Path(__file__).parent))
from tiny_models import build_tiny_clip_vision  # noqa: E402

from studio_kit.backends.image.encoders import ENV_VAR, ImageEncoder, cosine, load_image_encoder  # noqa: E402
from studio_kit.exceptions import BackendUnavailableError, ImageError  # noqa: E402


@pytest.fixture(scope="module")
def encoder_dir(tmp_path_factory) -> Path:
    return build_tiny_clip_vision(tmp_path_factory.mktemp("models") / "clip-vision", projection_dim=16)


def portrait(colour, stripe=None):
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (64, 64), colour)
    draw = ImageDraw.Draw(img)
    draw.ellipse((16, 8, 48, 40), fill=(230, 190, 160))
    if stripe:
        draw.rectangle((0, 44, 64, 64), fill=stripe)
    return img


def test_no_setting_means_no_encoder(monkeypatch):
    monkeypatch.delenv(ENV_VAR, raising=False)
    assert load_image_encoder() is None


def test_configured_encoder_embeds_unit_vectors_and_scores_similarity(monkeypatch, encoder_dir):
    monkeypatch.setenv(ENV_VAR, str(encoder_dir))
    encoder = load_image_encoder()
    assert isinstance(encoder, ImageEncoder) and encoder.model_id == str(encoder_dir)
    assert load_image_encoder() is encoder  # cached per folder
    a = encoder.embed(portrait((30, 60, 200)))
    assert len(a) == encoder.dim == 16
    assert math.isclose(sum(x * x for x in a), 1.0, rel_tol=1e-5)
    assert encoder.embed(portrait((30, 60, 200))) == a  # deterministic
    same = encoder.similarity(portrait((30, 60, 200)), a)
    near = encoder.similarity(portrait((30, 60, 200), stripe=(40, 70, 190)), a)
    far = encoder.similarity(portrait((250, 250, 20), stripe=(0, 0, 0)), a)
    assert same == pytest.approx(1.0, abs=1e-5)
    assert same > near > far


def test_folder_without_preprocessor_uses_clip_defaults(tmp_path, encoder_dir):
    import shutil

    bare = tmp_path / "image_encoder"
    shutil.copytree(encoder_dir, bare)
    (bare / "preprocessor_config.json").unlink()
    encoder = ImageEncoder(bare)
    assert encoder.processor.crop_size["height"] == 32
    assert np.allclose(encoder.embed(portrait("red")), ImageEncoder(encoder_dir).embed(portrait("red")), atol=1e-5)


def test_bad_setting_or_bad_image_is_a_clear_error(monkeypatch, tmp_path, encoder_dir):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "nope"))
    with pytest.raises(BackendUnavailableError, match=ENV_VAR):
        load_image_encoder()
    encoder = ImageEncoder(encoder_dir)
    bad = tmp_path / "x.png"
    bad.write_bytes(b"\x00" * 10)
    with pytest.raises(ImageError):
        encoder.embed(bad)


def test_cosine():
    assert cosine([1, 0], [0, 1]) == 0
    assert cosine([1, 1], [2, 2]) == pytest.approx(1)
    assert cosine([0, 0], [1, 0]) == 0
    with pytest.raises(ValueError):
        cosine([1], [1, 2])


def test_the_configured_encoder_is_a_registered_backend_and_its_calls_are_recorded(monkeypatch, encoder_dir):
    from studio_kit import registry
    from studio_kit.engines.characters.consistency import _configured_encoder, embed

    monkeypatch.delenv(ENV_VAR, raising=False)
    assert "encoder.clip" in registry.available_names("encoder")
    assert _configured_encoder(None) is None  # nothing configured: the perceptual fallback, no error
    monkeypatch.setenv(ENV_VAR, str(encoder_dir))
    backend = _configured_encoder(None)
    assert (backend.modality, backend.name, backend.model_id) == ("encoder", "clip", str(encoder_dir))
    assert backend.encoder is load_image_encoder()  # one cached model, whichever way it is asked for
    records = []
    with registry.recording(records.append):
        first = embed(backend, portrait((30, 60, 200)))
        embed(backend, portrait((250, 250, 20)))
    assert first == load_image_encoder().embed(portrait((30, 60, 200)))
    assert [(r.modality, r.backend, r.method, r.units, r.unit, r.ok) for r in records] == \
        [("encoder", "clip", "embed", 1.0, "images", True)] * 2
    assert records[0].model == str(encoder_dir)
    assert records[0].input_hashes != records[1].input_hashes  # the pixels are hashed, not the object's repr
    monkeypatch.setenv(ENV_VAR, str(encoder_dir.parent / "missing"))
    with pytest.raises(BackendUnavailableError):  # configured but wrong: said, not silently skipped
        _configured_encoder(None)
