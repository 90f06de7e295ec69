"""Identity lock: an immutable, hashed record; a changed look needs a new version."""
from __future__ import annotations

import pytest
from pydantic import ValidationError

from studio_kit.domain.character import Appearance, CharacterBible, WardrobeLook
from studio_kit.engines.characters import identity
from studio_kit.exceptions import CharacterError, ImageError


def _bible(**kw) -> CharacterBible:
    base = dict(character_id="mara", name="Mara", age=35, seed=1234,
                appearance=Appearance(hair="close-cropped", hair_color="grey", build="wiry", marks="scar"),
                palette=["#e0c040", "#2b2b2e"],
                wardrobe={"raincoat": WardrobeLook(name="raincoat", description="yellow raincoat", colors=["#e0c040"])},
                default_look="raincoat")
    base.update(kw)
    return CharacterBible(**base)


def test_lock_freezes_descriptors_seed_references_and_hash():
    locked, refs = identity.lock(_bible(), user="ana")
    rec = locked.identity
    assert rec.seed == 1234 and rec.appearance.hair_color == "grey" and rec.palette == ("#e0c040", "#2b2b2e")
    assert rec.locked_by == "ana" and rec.verify()
    assert len(rec.reference_hashes) == 1 and rec.reference_hashes[0].startswith("sha256:")
    assert refs and refs[0][0][:8] == b"\x89PNG\r\n\x1a\n"   # previz front view as the default reference
    assert set(rec.perceptual_signature) == {"phash", "histogram", "subject_phash", "subject_histogram", "centre_phash"}
    ident = rec.to_identity()
    assert set(ident) == {"character_id", "name", "version", "seed", "mode", "style", "age", "pronouns",
                          "description", "appearance", "palette", "wardrobe", "brand", "reference_hashes", "species",
                          "embedding", "mannequin"}
    assert ident["wardrobe"] == {"raincoat": {"description": "yellow raincoat", "colors": ["#e0c040"]}}


def test_identity_record_is_immutable_and_tamper_evident():
    locked, _ = identity.lock(_bible(), user="ana")
    rec = locked.identity
    with pytest.raises(ValidationError):
        rec.seed = 7
    with pytest.raises(ValidationError):
        rec.appearance.hair = "long"
    with pytest.raises(AttributeError):
        rec.palette.append("#ffffff")  # tuples, not lists
    forged = rec.model_copy(update={"seed": 7})
    assert not forged.verify() and rec.verify()
    # the hash covers the look, not who locked it when
    again, _ = identity.lock(_bible(), user="bo")
    assert again.identity.hash == rec.hash


def test_same_look_relocks_as_noop_changed_look_needs_new_version():
    locked, _ = identity.lock(_bible(), user="ana")
    same, refs = identity.lock(locked, user="ana")
    assert same is locked and refs == []
    edited = locked.model_copy(update={"appearance": Appearance(hair="long", hair_color="red")})
    assert identity.look_changes(edited, locked.identity) == ["appearance.hair", "appearance.hair_color",
                                                              "appearance.build", "appearance.marks"]
    with pytest.raises(CharacterError, match="new version"):
        identity.lock(edited, user="ana")
    with pytest.raises(CharacterError, match="cannot change"):
        identity.require_unchanged(edited)
    identity.require_unchanged(locked.model_copy(update={"backstory": "Grew up on the boats."}))  # not the look


def test_reference_images_are_validated(tmp_path):
    from PIL import Image

    good = tmp_path / "ref.png"
    Image.new("RGB", (64, 64), (200, 40, 40)).save(good)
    locked, refs = identity.lock(_bible(), user="ana", references=[good])
    assert locked.identity.reference_hashes[0] == "sha256:" + __import__("hashlib").sha256(good.read_bytes()).hexdigest()
    not_image = tmp_path / "notes.png"
    not_image.write_text("these are my notes, not a picture")
    with pytest.raises(ImageError, match="notes.png is not an image"):
        identity.lock(_bible(), user="ana", references=[good, not_image])
    with pytest.raises(ImageError, match="does not exist"):
        identity.lock(_bible(), user="ana", references=[tmp_path / "missing.png"])
    truncated = tmp_path / "cut.png"
    truncated.write_bytes(good.read_bytes()[:60])
    with pytest.raises(ImageError):
        identity.lock(_bible(), user="ana", references=[truncated])


def test_encoder_embedding_is_frozen_when_an_encoder_is_given():
    class MeanColour:  # a tiny deterministic encoder: mean RGB of the image
        model_id = "mean-rgb"

        def embed(self, image):
            import numpy as np

            return list(np.asarray(image.convert("RGB"), dtype=float).mean(axis=(0, 1)) / 255)

    locked, _ = identity.lock(_bible(), user="ana", encoder=MeanColour())
    assert len(locked.identity.embedding) == 3 and locked.identity.embedding_model == "mean-rgb"
    assert locked.identity.to_identity()["embedding"] == list(locked.identity.embedding)


def test_a_tampered_identity_record_is_refused_at_render(ctx):
    from studio_kit.engines.characters import service, versions
    from studio_kit.exceptions import CharacterError

    service.create_character(_bible(), ctx)
    locked = service.lock("mara", ctx=ctx)
    # someone edits the stored record by hand: the hair changes but the hash stays
    forged = locked.identity.model_copy(update={"appearance": locked.identity.appearance.model_copy(
        update={"hair_color": "pink"})})
    versions.save_bible(ctx, locked.model_copy(update={"identity": forged}))
    renders = len(ctx.list_assets(kind="character_render"))
    with pytest.raises(CharacterError, match="fails its hash check"):
        service.render("mara", ctx=ctx)
    with pytest.raises(CharacterError, match="fails its hash check"):
        service.render_frame(["mara"], ctx=ctx)
    assert len(ctx.list_assets(kind="character_render")) == renders
