"""Posters: four layouts, title treatment and billing block that always fit, PNG + PDF at print size."""
from __future__ import annotations

import pytest

from studio_kit.exceptions import MarketingError


def _inside(box, safe):
    return box[0] >= safe[0] - 1 and box[1] >= safe[1] - 1 and box[2] <= safe[2] + 1 and box[3] <= safe[3] + 1


def test_every_layout_writes_png_and_pdf_of_its_size(film_ctx, home):
    from PIL import Image
    from pypdf import PdfReader

    from studio_kit.engines.marketing import service as mk

    ctx, script = film_ctx
    sizes = {"one-sheet": (540, 800), "square": (600, 600), "banner": (512, 288), "youtube-thumbnail": (1280, 720)}
    for layout, size in sizes.items():
        scale = {"one-sheet": 1, "square": 0.2, "banner": 0.2, "youtube-thumbnail": 1}[layout]
        res = mk.poster(script, layout, home / f"p-{layout}.png", ctx=ctx, dpi=20, scale=scale)
        assert res.size == size
        assert Image.open(res.png).size == size
        page = PdfReader(str(res.pdf)).pages[0]
        if layout == "one-sheet":   # 27 × 40 inches whatever the dpi
            assert (round(float(page.mediabox.width) / 72), round(float(page.mediabox.height) / 72)) == (27, 40)
        for what, box in res.boxes.items():
            assert _inside(box, (0, 0, *size)), (layout, what, box)
        assert _inside(res.boxes["title"], res.safe)
        assert ("billing" in res.boxes) == (layout != "youtube-thumbnail")
    stored = {a.meta["layout"] for a in ctx.list_assets(kind="marketing.poster")}
    assert stored == set(sizes)


def test_missing_character_renders_give_a_poster_from_frames_with_a_warning(film_ctx, home):
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.marketing import service as mk

    ctx, script = film_ctx
    res = mk.poster(script, "one-sheet", home / "no-renders.png", ctx=ctx, dpi=10)
    assert any("frames only" in w for w in res.warnings) and "portraits" not in res.boxes
    characters.render("mara", ctx=ctx, width=128, height=192)
    res = mk.poster(script, "one-sheet", home / "renders.png", ctx=ctx, dpi=10)
    assert "portraits" in res.boxes and not any("frames only" in w for w in res.warnings)


@pytest.mark.parametrize("title", [
    "The Extraordinarily Long and Winding Chronicle of the Lighthouse Keeper's Seventh Daughter and Her Missing Boat",
    "Antidisestablishmentarianismus-Superkalifragilistischexpialigetisch",
    "Свет маяка над холодной гаванью",
    "أضواء الميناء في الليل",
    "港の灯りと最後のフィルムリール港の灯り",
])
@pytest.mark.parametrize("layout", ["one-sheet", "youtube-thumbnail", "banner"])
def test_long_and_non_latin_titles_fit_inside_the_safe_area(title, layout):
    from PIL import Image

    from studio_kit.domain.marketing import Credits
    from studio_kit.engines.marketing.poster import compose

    art = Image.new("RGB", (320, 180), (60, 70, 90))
    credits = Credits(director="Ana Lima", cast=["Mara Quinn", "Jonah Reyes"], writers=["Ana Lima"],
                      producers=["Bo Chen", "Dee Park"], music="Ola Berg", production_company=title)
    res = compose(layout, title=title, key_art=art, credits=credits, tagline="Some lights never go out.",
                  dpi=12, scale=0.3 if layout == "banner" else 1)
    for what, box in res.boxes.items():
        assert _inside(box, res.safe), (what, box, res.safe)
    title_box = res.boxes["title"]
    below = [b for k, b in res.boxes.items() if k in ("release", "billing", "logos")]
    assert all(title_box[3] <= b[1] + 2 for b in below)
    if "tagline" in res.boxes:
        assert res.boxes["tagline"][3] <= title_box[1]


def test_billing_block_follows_the_industry_order():
    from studio_kit.domain.marketing import Credits
    from studio_kit.engines.marketing.poster import billing_tokens

    c = Credits(presenter="Harbour Pictures", production_company="Lamp Films", director="Ana Lima",
                cast=["Mara Quinn", "Jonah Reyes"], casting="Kim Ode", music="Ola Berg", costume_designer="Ru Vey",
                editor="Sam Ito", production_designer="Lea Fox", cinematographer="Tom Ng",
                executive_producers=["Max Roe"], producers=["Bo Chen"], writers=["Ana Lima"])
    text = " ".join(t for t, _ in billing_tokens(c, "Harbour Lights"))
    order = ["HARBOUR PICTURES PRESENTS", "A LAMP FILMS PRODUCTION", "A FILM BY ANA LIMA", "MARA QUINN",
             "JONAH REYES", "\u201cHARBOUR LIGHTS\u201d", "CASTING BY", "MUSIC BY", "COSTUME DESIGNER", "EDITED BY",
             "PRODUCTION DESIGNER", "DIRECTOR OF PHOTOGRAPHY", "EXECUTIVE PRODUCERS", "PRODUCED BY", "WRITTEN BY",
             "DIRECTED BY ANA LIMA"]
    positions = [text.index(x) for x in order]
    assert positions == sorted(positions)
    roles = {t for t, role in billing_tokens(c, "Harbour Lights") if role}
    assert "CASTING BY" in roles and "MARA QUINN" not in roles


def test_unknown_layout_lists_the_known_ones():
    from studio_kit.engines.marketing.poster import get_layout

    with pytest.raises(MarketingError) as err:
        get_layout("billboard")
    assert "one-sheet" in err.value.hint and "youtube-thumbnail" in err.value.hint


def test_credits_are_stored_and_unknown_fields_refused(film_ctx):
    from studio_kit.engines.marketing import service as mk

    ctx, script = film_ctx
    mk.set_credits({"director": "Ana Lima", "cast": ["Mara Quinn", "Jonah Reyes"]}, ctx=ctx)
    c = mk.credits(ctx=ctx, script=script)
    assert c.director == "Ana Lima" and c.cast == ["Mara Quinn", "Jonah Reyes"] and c.writers == ["Ana Lima"]
    with pytest.raises(MarketingError, match="directr"):
        mk.set_credits({"directr": "x"}, ctx=ctx)
    assert mk.credits(ctx=ctx).director == "Ana Lima"
