"""The previz backend: deterministic, distinguishable characters and storyboard frames."""
from __future__ import annotations

import numpy as np
import pytest

from studio_kit.backends.image.previz import PrevizImageBackend, figure_params_of
from studio_kit.domain.requests import ImageRequest
from studio_kit.exceptions import ImageError

BOB = {"character_id": "bob", "name": "Bob", "seed": 1234, "age": 40, "mode": "actor", "style": "stylized",
       "appearance": {"hair": "short", "hair_color": "brown", "build": "stocky", "skin": "fair", "eyes": "blue",
                      "marks": "beard, glasses", "face": "round"},
       "palette": ["#3b5b92", "#2f2f38", "#c8a165"], "wardrobe": {}, "brand": None}
MAGGIE = {"character_id": "maggie", "name": "Margaret", "seed": 98765, "age": 37, "mode": "actor",
          "style": "stylized",
          "appearance": {"hair": "long wavy", "hair_color": "red", "build": "slim", "skin": "olive", "eyes": "green",
                         "marks": "", "face": "long"},
          "palette": ["#8c2f39", "#3d3d3d", "#e0c48b"], "wardrobe": {}, "brand": None}


def _px(img) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.int16)


@pytest.fixture(scope="module")
def previz():
    return PrevizImageBackend()


def test_same_identity_same_pixels(previz):
    req = ImageRequest(kind="character", identities=[BOB], view="three-quarter", width=320, height=480)
    a, b = previz.render(req), previz.render(req.model_copy())
    assert a.size == (320, 480) and a.mode == "RGB"
    assert np.array_equal(_px(a), _px(b))


def test_different_characters_are_clearly_distinguishable(previz):
    a = previz.render(ImageRequest(kind="character", identities=[BOB], width=320, height=480))
    b = previz.render(ImageRequest(kind="character", identities=[MAGGIE], width=320, height=480))
    diff = np.abs(_px(a) - _px(b)).sum(axis=2) > 40
    assert diff.mean() > 0.04  # thousands of pixels differ: silhouette, hair, palette
    # even two characters with no descriptors at all differ through their seeds
    plain = [{"name": n, "seed": s, "appearance": {}, "palette": []} for n, s in (("A", 1), ("B", 77777))]
    x, y = (previz.render(ImageRequest(kind="character", identities=[p], width=320, height=480)) for p in plain)
    assert (np.abs(_px(x) - _px(y)).sum(axis=2) > 40).mean() > 0.02


def test_views_and_expressions_change_the_drawing(previz):
    base = ImageRequest(kind="character", identities=[BOB], width=256, height=256, shot={"size": "close-up"})
    neutral = _px(previz.render(base))
    for expr in ("happy", "angry", "sad", "surprised"):
        assert np.abs(neutral - _px(previz.render(base.model_copy(update={"expression": expr})))).sum() > 0
    full = ImageRequest(kind="character", identities=[BOB], width=256, height=384)
    front = _px(previz.render(full))
    assert np.abs(front - _px(previz.render(full.model_copy(update={"view": "profile"})))).sum() > 0


def test_render_reports_the_parameters_it_drew(previz):
    img = previz.render(ImageRequest(kind="character", identities=[BOB], width=200, height=300))
    params = figure_params_of(img)
    fig = params["figures"][0]
    assert fig["name"] == "Bob" and fig["beard"] and fig["glasses"] and fig["top"] == [59, 91, 146]


@pytest.mark.parametrize("size", ["wide", "medium", "close-up", "over-the-shoulder", "insert"])
def test_storyboard_frames_for_every_shot_size(previz, size):
    req = ImageRequest(kind="frame", identities=[BOB, MAGGIE], width=640, height=360,
                       shot={"size": size, "number": "3.2", "description": "Bob hands Margaret the letter."},
                       scene={"int_ext": "INT", "location": "KITCHEN", "time_of_day": "DAY"})
    img = previz.render(req)
    px = _px(img)
    assert img.size == (640, 360)
    caption = px[-30:, 8:-8]
    assert (caption.sum(axis=2) < 200).any()          # caption text inked on the white strip
    assert (px[:300].std(axis=(0, 1)) > 10).all()      # not a flat fill


def test_exterior_night_is_darker_than_day_and_differs_from_interior(previz):
    def frame(int_ext, tod):
        return _px(previz.render(ImageRequest(kind="frame", identities=[BOB], width=480, height=270,
                                              shot={"size": "wide"},
                                              scene={"int_ext": int_ext, "location": "STREET", "time_of_day": tod})))
    day, night, dusk = frame("EXT", "DAY"), frame("EXT", "NIGHT"), frame("EXT", "DUSK")
    assert night[:200].mean() < day[:200].mean() - 30
    assert night[:200].mean() < dusk[:200].mean() < day[:200].mean()
    assert np.abs(frame("INT", "DAY") - day).mean() > 10


def test_bad_requests_fail_clearly(previz):
    with pytest.raises(ImageError, match="identity"):
        previz.render(ImageRequest(kind="character", identities=[]))
    with pytest.raises(ImageError, match="kind"):
        previz.render(ImageRequest(kind="poster", identities=[BOB]))
    with pytest.raises(ImageError, match="shot size"):
        previz.render(ImageRequest(kind="frame", identities=[BOB], shot={"size": "extreme"}))
    with pytest.raises(ImageError, match="between 64"):
        previz.render(ImageRequest(kind="character", identities=[BOB], width=10, height=10))


def test_registered_as_the_default_image_backend():
    from studio_kit.registry import load_backend

    backend = load_backend("image")
    assert backend.name == "previz" and "frame" in backend.capabilities
