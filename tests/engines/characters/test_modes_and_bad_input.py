"""Actor/avatar/brand rules at render time, and bad input: clear errors, nothing half-stored."""
from __future__ import annotations

import pytest

from studio_kit.domain.character import BrandGuidelines, CharacterBible, CharacterMode, LogoPlacement, WardrobeLook
from studio_kit.engines.characters import modes, service
from studio_kit.exceptions import BackendUnavailableError, CharacterError, ImageError

BRAND_PALETTE = ["#ff6600", "#1a1a1a", "#ffffff"]


def _counts(ctx) -> dict[str, int]:
    return {k: len(ctx.list_assets(kind=k)) for k in ("character_bible", "character", "character_render",
                                                       "character_reference", "character_sheet")}


def _mascot(**kw) -> CharacterBible:
    base = dict(character_id="sparky", name="Sparky", mode=CharacterMode.BRAND, seed=5, palette=BRAND_PALETTE[:2],
                wardrobe={"default": WardrobeLook(name="default", colors=["#ff6600"]),
                          "holiday": WardrobeLook(name="holiday", colors=["#c8102e", "#ffffff"])},
                default_look="default",
                brand=BrandGuidelines(locked_palette=BRAND_PALETTE, forbidden=["expression:angry", "hair"],
                                      logo=LogoPlacement(text="SPK", position="chest", color="#ffffff")))
    base.update(kw)
    return CharacterBible(**base)


def test_unlocked_avatar_cannot_render_and_nothing_is_stored(ctx):
    service.create_character(CharacterBible(character_id="ava", name="Ava", mode=CharacterMode.AVATAR), ctx)
    before = _counts(ctx)
    with pytest.raises(CharacterError, match="avatar and is not locked") as err:
        service.render("ava", ctx=ctx)
    assert "studio character lock ava" in err.value.hint
    assert _counts(ctx) == before
    service.lock("ava", ctx=ctx)
    assert service.render("ava", ctx=ctx).score.score == 1.0


def test_brand_palette_break_is_refused_and_nothing_is_stored(ctx):
    service.create_character(_mascot(), ctx)
    ok = service.render("sparky", ctx=ctx)
    assert ok.asset.meta["warnings"] == []
    before = _counts(ctx)
    with pytest.raises(CharacterError, match="off-brand colours #c8102e"):
        service.render("sparky", wardrobe="holiday", ctx=ctx)
    with pytest.raises(CharacterError, match="off-brand colours #00ff00"):
        service.render("sparky", palette_override=["#00ff00"], ctx=ctx)
    with pytest.raises(CharacterError, match="may not be shown angry"):
        service.render("sparky", expression="angry", ctx=ctx)
    with pytest.raises(CharacterError, match="may not be shown angry"):
        service.sheet("sparky", ctx.asset_root / "never", ctx=ctx)  # refused before any panel is drawn
    assert _counts(ctx) == before
    side = service.render("sparky", view="profile", ctx=ctx)
    assert [w["rule"] for w in side.asset.meta["warnings"]] == ["brand.logo"]


def test_brand_rules_against_the_lock():
    locked = _mascot().model_copy()
    from studio_kit.engines.characters import identity

    locked, _ = identity.lock(locked, user="ana")
    changed = locked.model_copy(update={"appearance": locked.appearance.model_copy(update={"hair": "mohawk"})})
    rules = {v.rule for v in modes.check_render(changed)}
    assert "brand.forbidden" in rules
    near = modes.off_palette(["#fe6701", "#123456"], BRAND_PALETTE)
    assert near == ["#123456"]   # within tolerance counts as on-brand
    no_rules = CharacterBible(character_id="m", name="M", mode=CharacterMode.BRAND)
    with pytest.raises(CharacterError, match="without brand guidelines"):
        modes.enforce(no_rules)


def test_actor_edited_after_lock_renders_the_locked_look_with_a_warning():
    from studio_kit.domain.character import Appearance
    from studio_kit.engines.characters import identity

    actor, _ = identity.lock(CharacterBible(character_id="a", name="A", appearance=Appearance(hair="long")),
                             user="ana")
    edited = actor.model_copy(update={"appearance": Appearance(hair="bald")})
    warnings = modes.enforce(edited)
    assert [w.rule for w in warnings] == ["actor.drift"]
    with pytest.raises(CharacterError, match="no wardrobe look 'gala'"):
        modes.enforce(actor, wardrobe="gala")


def test_missing_diffusers_folder_is_a_clear_error(ctx, monkeypatch, tmp_path):
    from studio_kit.config import reset_settings

    service.create_character(CharacterBible(character_id="bo", name="Bo"), ctx)
    before = _counts(ctx)
    monkeypatch.setenv("STUDIO_IMAGE_MODEL_PATH", str(tmp_path / "no-such-pipeline"))
    reset_settings()
    with pytest.raises(BackendUnavailableError, match="no-such-pipeline"):
        service.render("bo", backend="diffusers", ctx=ctx)
    monkeypatch.delenv("STUDIO_IMAGE_MODEL_PATH")
    reset_settings()
    with pytest.raises(BackendUnavailableError, match="STUDIO_IMAGE_MODEL_PATH"):
        service.render("bo", backend="diffusers", ctx=ctx)
    assert _counts(ctx) == before


def test_non_image_reference_fails_the_lock_and_stores_nothing(ctx, tmp_path):
    from PIL import Image

    service.create_character(CharacterBible(character_id="bo", name="Bo"), ctx)
    good = tmp_path / "good.png"
    Image.new("RGB", (32, 32), "red").save(good)
    fake = tmp_path / "headshot.jpg"
    fake.write_bytes(b"%PDF-1.4 this is a PDF, not a JPEG")
    before = _counts(ctx)
    with pytest.raises(ImageError, match="headshot.jpg is not an image"):
        service.lock("bo", references=[good, fake], ctx=ctx)
    assert _counts(ctx) == before
    assert not service.get_character("bo", ctx=ctx).locked
    assert ctx.list_audit(action="character.lock") == []
    locked = service.lock("bo", references=[good], ctx=ctx)
    assert locked.locked and _counts(ctx)["character_reference"] == 1


def test_brand_render_draws_only_locked_palette_colours():
    # palette lists two colours: the third drawn colour (belt/collar) must come from the brand, not a stock palette
    from studio_kit.backends.image.previz import PrevizImageBackend, figure_params_of
    from studio_kit.domain.character import identity_from_bible
    from studio_kit.domain.requests import ImageRequest

    img = PrevizImageBackend().render(ImageRequest(kind="character", identities=[identity_from_bible(_mascot())],
                                                   wardrobe="default", width=256, height=384))
    fig = figure_params_of(img)["figures"][0]
    drawn = ["#{:02x}{:02x}{:02x}".format(*fig[k]) for k in ("top", "bottom", "accent")]
    assert modes.off_palette(drawn, BRAND_PALETTE) == [], drawn
