"""Marketing type: one loader of faces by name (shipped OFL condensed face, system fallbacks), glyphs per run.

CJK titles must be drawn in real glyphs, not the .notdef boxes ("tofu") of a Latin-only face: every tofu
box looks the same, so a title and the same characters in another order render identically when they are
tofu and differently when they are glyphs.
"""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from studio_kit.engines.marketing import typography as T
from studio_kit.exceptions import MarketingError


def _ink(text: str, face, size=(400, 120)) -> np.ndarray:
    img = Image.new("L", size, 0)
    ImageDraw.Draw(img).text((10, 10), text, font=face, fill=255)
    return np.asarray(img)


def test_the_billing_face_is_the_shipped_ofl_condensed_face():
    path = T.face_path(T.CONDENSED["regular"])
    assert path.parent == T.FONT_DIR and path.name == "BarlowCondensed-Regular.ttf"
    licence = (T.FONT_DIR / "OFL-BarlowCondensed.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence and "Barlow Project Authors" in licence
    face = T.font(40, "regular")
    assert face.path == str(path)
    # condensed: narrower than DejaVu Sans Condensed, which is itself narrower than DejaVu Sans
    d = ImageDraw.Draw(Image.new("L", (1, 1)))
    assert d.textlength("PRODUCED BY", font=face) < 0.85 * d.textlength(
        "PRODUCED BY", font=T.load("DejaVu Sans Condensed", 40))


def test_an_unknown_or_missing_font_is_a_clear_error_naming_the_fix(monkeypatch):
    with pytest.raises(MarketingError, match="Unknown font 'Comic Sans'") as err:
        T.face_path("Comic Sans")
    assert "Barlow Condensed" in err.value.hint
    monkeypatch.setitem(T.FACES, "Gone Sans", T.Face("Gone Sans", "/nonexistent/gone.ttf", "fonts-gone"))
    with pytest.raises(MarketingError, match="'Gone Sans' is not installed") as err:
        T.load("Gone Sans", 12)
    assert "fonts-gone" in err.value.hint and "make system" in err.value.hint


def test_latin_text_is_set_exactly_as_by_the_condensed_face_alone():
    chain, plain = T.font(48, "bold"), T.load(T.CONDENSED["bold"], 48)
    text = "HARBOUR LIGHTS — “A FILM BY” ÉTÉ"
    assert [f.path for _run, f in chain.runs(text)] == [plain.path]
    assert np.array_equal(_ink(text, chain, (900, 100)), _ink(text, plain, (900, 100)))


@pytest.mark.parametrize("text", ["東京物語", "기생충", "ひらがな"])
def test_cjk_glyphs_come_from_the_cjk_face_not_tofu(text):
    cjk = T.charmap("WenQuanYi Micro Hei")
    assert all(ord(c) in cjk for c in text)
    assert not any(ord(c) in T.charmap(T.CONDENSED["bold"]) for c in text)   # the condensed face alone: tofu
    chain, plain = T.font(64, "bold"), T.load(T.CONDENSED["bold"], 64)
    assert {f.path for _run, f in chain.runs(text)} == {str(T.face_path("WenQuanYi Micro Hei"))}
    glyphs = [_ink(c, chain, (100, 100)) for c in text]
    tofu = [_ink(c, plain, (100, 100)) for c in text]
    assert all(np.array_equal(tofu[0], t) for t in tofu)          # every .notdef box is the same
    assert all(g.sum() > 0 and not np.array_equal(g, tofu[0]) for g in glyphs)
    assert len({g.tobytes() for g in glyphs}) == len(text)        # real glyphs differ from one another


def test_mixed_scripts_share_one_baseline_and_measure_as_their_runs():
    chain = T.font(60, "bold")
    d = ImageDraw.Draw(Image.new("L", (1, 1)))
    text = "TOKYO 東京 2026"
    runs = chain.runs(text)
    assert [r for r, _f in runs] == ["TOKYO ", "東京 ", "2026"]
    assert abs(d.textlength(text, font=chain) - sum(d.textlength(r, font=f) for r, f in runs)) < 1e-6
    ink = _ink(text, chain, (700, 120))
    left, top, right, bottom = d.textbbox((10, 10), text, font=chain)
    ys, xs = np.nonzero(ink)
    assert left - 2 <= xs.min() and xs.max() <= right + 2 and top - 2 <= ys.min() and ys.max() <= bottom + 2
    # the Latin and the CJK letters stand on the same baseline (their bottoms within a few pixels)
    latin = np.nonzero(ink[:, :int(10 + d.textlength("TOKYO", font=chain))].any(axis=1))[0].max()
    cut = int(10 + d.textlength("TOKYO ", font=chain))
    han = np.nonzero(ink[:, cut:cut + int(d.textlength("東京", font=chain))].any(axis=1))[0].max()
    assert abs(int(latin) - int(han)) <= 0.1 * 60


@pytest.mark.parametrize(("title", "shuffled"), [("東京物語", "物語東京"), ("기생충", "충생기")])
def test_a_cjk_poster_title_and_trailer_card_are_drawn_in_glyphs(title, shuffled):
    """Tofu boxes are all alike, so a reordered title would render pixel-identically; glyphs do not."""
    from studio_kit.engines.marketing.poster import compose
    from studio_kit.engines.marketing.trailer import card_image

    art = Image.new("RGB", (320, 180), (40, 44, 60))

    def title_crop(t: str) -> np.ndarray:
        res = compose("youtube-thumbnail", title=t, key_art=art, release="", dpi=12)
        box = res.boxes["title"]
        assert box[2] - box[0] > 100, box
        return np.asarray(res.image.crop(box).convert("L")).astype(int)

    a, b = title_crop(title), title_crop(shuffled)
    assert a.shape == b.shape and np.abs(a - b).mean() > 5
    cards = [np.asarray(card_image(t, (480, 270), role="title").convert("L")).astype(int) for t in (title, shuffled)]
    assert np.abs(cards[0] - cards[1]).mean() > 1
