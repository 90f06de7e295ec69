"""Face identity scores on real faces (optional ``faces`` extra: dlib-bin, face-recognition-models, OpenCV)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageOps

from studio_kit.backends.image.faces import (
    FACE_THRESHOLD,
    faces_available,
    load_face_encoder,
)
from studio_kit.domain.character import CharacterBible
from studio_kit.engines.characters import identity
from studio_kit.engines.characters.consistency import score_render

pytestmark = pytest.mark.skipif(not faces_available(), reason="faces extra (dlib-bin, face-recognition-models, "
                                                               "opencv-python-headless<5) not installed")
skimage = pytest.importorskip("skimage", reason="scikit-image ships the offline face photos")


@pytest.fixture(scope="module")
def astronaut() -> Image.Image:
    from skimage import data

    return Image.fromarray(data.astronaut())


def _lfw(i: int) -> Image.Image:
    """LFW face crop ``i`` (25×25 grey) upscaled into a 300×300 photo-like frame."""
    faces = np.load(Path(skimage.__file__).parent / "data" / "lfw_subset.npy")
    face = Image.fromarray((faces[i] * 255).astype(np.uint8)).resize((200, 200), Image.Resampling.BICUBIC)
    frame = Image.new("RGB", (300, 300), (128, 128, 128))
    frame.paste(face.convert("RGB"), (50, 50))
    return frame


def _locked(reference):
    bible = CharacterBible(character_id="eileen", name="Eileen", seed=7, style="photorealistic")
    locked, _ = identity.lock(bible, user="ana", references=[reference])
    return locked.identity


def test_lock_freezes_a_face_descriptor_of_the_reference(astronaut):
    record = _locked(astronaut)
    assert len(record.face_embedding) == 128 and record.verify()
    assert load_face_encoder().detect(astronaut) is not None


def test_same_face_moved_and_recoloured_scores_high_a_different_person_low(astronaut):
    record = _locked(astronaut)
    w, h = astronaut.size
    moved = Image.new("RGB", astronaut.size)
    moved.paste(astronaut.crop((0, 0, w - w // 6, h)), (w // 6, 0))      # subject a sixth to the right
    warm = Image.fromarray(np.clip(np.asarray(astronaut) * [1.2, 0.9, 0.8], 0, 255).astype(np.uint8))
    for render in (astronaut, moved, warm):
        score = score_render(render, record)
        assert score.method == "face:dlib-resnet" and score.score > 0.85 and not score.flagged, score
    others = [score_render(_lfw(i), record) for i in (0, 1, 2, 50)]
    assert all(s.method == "face:dlib-resnet" for s in others)
    assert all(s.flagged and s.score < FACE_THRESHOLD for s in others), others
    assert max(s.score for s in others) < 0.5 < min(score_render(r, record).score for r in (moved, warm))


def test_lfw_same_image_is_its_own_identity_and_no_face_falls_back_to_perceptual(astronaut):
    record = _locked(_lfw(0))
    assert score_render(_lfw(0), record).score == pytest.approx(1.0, abs=1e-3)
    # a render with no face in it (a flat backdrop, the astronaut's suit only) uses the perceptual fallback
    no_face = astronaut.crop((0, 300, 200, 512)).resize((300, 300))
    assert load_face_encoder().detect(no_face) is None
    fallback = score_render(no_face, record)
    assert fallback.method == "perceptual:hist+phash" and fallback.details["face"] == "no face found in the render"
    # a reference without a face (previz drawing) stores no descriptor
    drawing = ImageOps.grayscale(no_face).convert("RGB")
    assert _locked(drawing).face_embedding == ()
