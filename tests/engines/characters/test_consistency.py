"""Consistency scores: exact previz parameters, and the perceptual fallback on real photos."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from studio_kit.backends.image.previz import PrevizImageBackend
from studio_kit.domain.character import Appearance, CharacterBible, identity_from_bible
from studio_kit.domain.requests import ImageRequest
from studio_kit.engines.characters import identity
from studio_kit.engines.characters.consistency import (
    THRESHOLDS,
    colour_histogram,
    perceptual_similarity,
    phash,
    score_render,
)


def _bible(**kw) -> CharacterBible:
    base = dict(character_id="mara", name="Mara", age=35, seed=1234, palette=["#e0c040", "#2b2b2e"],
                appearance=Appearance(hair="close-cropped", hair_color="grey", build="wiry", marks="scar"))
    base.update(kw)
    return CharacterBible(**base)


@pytest.fixture(scope="module")
def photo() -> Image.Image:
    """A real photograph: scikit-image's astronaut when installed, else a photo shipped with holoviews."""
    try:
        from skimage import data

        return Image.fromarray(data.astronaut())
    except ImportError:
        import holoviews

        path = Path(holoviews.__file__).parent / "examples" / "assets" / "macaw.png"
        if not path.is_file():
            pytest.skip("no real photograph available offline (install scikit-image)")
        return Image.open(path).convert("RGB")


def _render(bible: CharacterBible, **kw):
    ident = bible.identity.to_identity() if bible.identity else identity_from_bible(bible)
    return PrevizImageBackend().render(ImageRequest(kind="character", identities=[ident], width=256, height=384, **kw))


def test_previz_render_of_the_locked_identity_scores_exactly_one():
    locked, _ = identity.lock(_bible(), user="ana")
    for view in ("front", "profile"):
        score = score_render(_render(locked, view=view), locked.identity)
        assert score.score == 1.0 and score.method == "previz-params" and not score.flagged


def test_previz_score_drops_when_descriptors_change():
    locked, _ = identity.lock(_bible(), user="ana")
    hair = _bible(appearance=Appearance(hair="long", hair_color="red", build="wiry", marks="scar"))
    build = _bible(appearance=Appearance(hair="close-cropped", hair_color="grey", build="stocky", marks="scar"))
    stranger = _bible(name="Other", seed=999, palette=["#3b5ba0"], appearance=Appearance(hair="bald", build="burly"))
    s_hair = score_render(_render(hair), locked.identity)
    s_build = score_render(_render(build), locked.identity)
    s_other = score_render(_render(stranger), locked.identity)
    assert 0.5 < s_hair.score < 1.0 and s_hair.flagged
    assert {"hair", "hair_style"} <= set(s_hair.details["differs"])
    assert 0.5 < s_build.score < 1.0 and "shoulders" in s_build.details["differs"]
    assert s_other.score < min(s_hair.score, s_build.score)


def test_frame_scores_the_figure_that_is_this_character():
    locked, _ = identity.lock(_bible(), user="ana")
    other = identity_from_bible(_bible(name="Jonah", seed=42, appearance=Appearance(build="stocky")))
    frame = PrevizImageBackend().render(ImageRequest(kind="frame", identities=[other, locked.identity.to_identity()],
                                                     shot={"size": "wide"}, width=480, height=270))
    assert score_render(frame, locked.identity).score == 1.0


def test_phash_and_histogram_basics(photo):
    assert phash(photo) == phash(photo.copy())
    assert bin(phash(photo) ^ phash(photo.resize((128, 128)))).count("1") <= 4   # robust to scaling
    hist = colour_histogram(photo)
    assert len(hist) == 64 and abs(sum(hist) - 1) < 1e-3


def test_perceptual_fallback_on_a_real_photo(photo):
    locked, _ = identity.lock(_bible(), user="ana", references=[photo], face_encoder=False)
    same = score_render(photo, locked.identity, face_encoder=False)
    assert same.method == "perceptual:hist+phash" and same.score == 1.0 and not same.flagged
    w, h = photo.size
    shifted = Image.new("RGB", photo.size)
    shifted.paste(photo.crop((w // 6, 0, w, h)), (0, 0))                       # subject moved a sixth left
    recoloured = Image.merge("RGB", photo.split()[::-1])                         # channels swapped
    inverted = ImageOps.invert(photo)
    s_shift = score_render(shifted, locked.identity, face_encoder=False).score
    s_recol = score_render(recoloured, locked.identity, face_encoder=False).score
    s_inv = score_render(inverted, locked.identity, face_encoder=False)
    assert 1.0 > s_shift > s_inv.score
    assert 1.0 > s_recol > s_inv.score
    assert s_inv.flagged and s_inv.score < THRESHOLDS["perceptual"]
    value, parts = perceptual_similarity(recoloured, locked.identity.perceptual_signature)
    assert parts["phash"] > parts["histogram"]   # same shapes, other colours: the hash still agrees


def test_perceptual_fallback_tolerates_a_subject_moved_a_sixth_of_the_frame(photo):
    # whole-frame pHash alone scored this 0.64 (flagged); the subject-crop comparison keeps it above threshold
    locked, _ = identity.lock(_bible(), user="ana", references=[photo], face_encoder=False)
    w, h = photo.size
    for frac in (6, -6):
        moved = Image.new("RGB", photo.size)
        if frac > 0:
            moved.paste(photo.crop((w // frac, 0, w, h)), (0, 0))
        else:
            moved.paste(photo.crop((0, 0, w + w // frac, h)), (-w // frac, 0))
        score = score_render(moved, locked.identity, face_encoder=False)
        assert score.method == "perceptual:hist+phash" and not score.flagged, score
        assert score.details["hamming_subject"] < score.details["hamming_frame"]
    # a figure on a plain backdrop, slid across the frame and scaled down, still matches its reference
    ref = _render(_bible())
    sig_locked, _ = identity.lock(_bible(), user="ana", references=[ref], face_encoder=False)
    backdrop = ref.getpixel((20, 20))
    slid = Image.new("RGB", ref.size, backdrop)
    slid.paste(ref.crop((ref.width // 6, 0, ref.width, ref.height)), (0, 0))
    assert not score_render(slid, sig_locked.identity, face_encoder=False).flagged
    # while unrelated pictures stay well below
    assert score_render(ImageOps.invert(photo), locked.identity, face_encoder=False).score < 0.6
    drawing = Image.fromarray(np.asarray(ref))   # pixels only: no previz parameters to read
    assert score_render(drawing, locked.identity, face_encoder=False).score < 0.6


def test_identity_records_without_face_descriptor_keep_their_hash():
    locked, _ = identity.lock(_bible(), user="ana", face_encoder=False)
    record = locked.identity
    assert record.face_embedding == () and record.verify()
    with_face = record.model_copy(update={"face_embedding": (0.1,) * 128})
    assert not with_face.verify()          # a descriptor is part of the frozen identity once present
    assert with_face.model_copy(update={"hash": with_face.content_hash()}).verify()


def test_embedding_similarity_when_an_encoder_is_configured(photo):
    class MeanColour:
        model_id = "mean-rgb"

        def embed(self, image):
            return list(np.asarray(image.convert("RGB"), dtype=float).mean(axis=(0, 1)) / 255 - 0.5)

    enc = MeanColour()
    locked, _ = identity.lock(_bible(), user="ana", references=[photo], encoder=enc)
    same = score_render(photo, locked.identity, encoder=enc)
    assert same.method == "embedding:mean-rgb" and same.score == pytest.approx(1.0)
    assert score_render(ImageOps.invert(photo), locked.identity, encoder=enc).flagged


def test_face_and_image_encoder_calls_are_recorded_like_every_model_call(photo, monkeypatch):
    from studio_kit import registry
    from studio_kit.backends.image.encoders import ENV_VAR

    pytest.importorskip("dlib")
    monkeypatch.delenv(ENV_VAR, raising=False)
    records = []
    with registry.recording(records.append):
        locked, _ = identity.lock(_bible(), user="ana", references=[photo])
        score = score_render(photo, locked.identity)
    assert score.method == "face:dlib-resnet"
    assert [(r.modality, r.backend, r.method, r.model, r.ok) for r in records] == \
        [("encoder", "face", "embed", "dlib-resnet-face-v1", True)] * 2   # the lock, then the score

    class MeanColour:  # an encoder a notebook hands in is recorded under its own name
        model_id = "mean-rgb"

        def embed(self, image):
            return list(np.asarray(image.convert("RGB"), dtype=float).mean(axis=(0, 1)) / 255 - 0.5)

    records.clear()
    with registry.recording(records.append):
        score_render(photo, locked.identity.model_copy(update={"embedding": (0.1, 0.2, 0.3)}), encoder=MeanColour())
    assert [(r.backend, r.model, r.units) for r in records] == [("MeanColour", "mean-rgb", 1.0)]
