"""Versions concept → casting → final in the store: approvals (who, when), audit, history, diff, renders."""
from __future__ import annotations

import pytest

from studio_kit.domain.character import Appearance, Approval, VersionStage
from studio_kit.engines.characters import service, versions
from studio_kit.exceptions import CharacterError


def test_script_to_final_character_with_approvals_and_history(ctx, harbour_path):
    created, skipped = service.create_from_script(harbour_path, "all", ctx=ctx)
    assert [b.name for b in created] == ["Mara", "Jonah"] and skipped == []
    assert service.create_from_script(harbour_path, "all", ctx=ctx) == ([], ["Mara", "Jonah"])

    concept = service.render("Mara", ctx=ctx)
    assert concept.score is None and concept.asset.meta["locked"] is False
    with pytest.raises(CharacterError, match="next stage is casting"):
        service.approve("mara", "final", ctx=ctx)
    casting = service.approve("mara", "casting", by="dana", note="callback look", ctx=ctx)
    assert casting.stage == VersionStage.CASTING
    with pytest.raises(CharacterError, match="locked before the final"):
        service.approve("mara", "final", ctx=ctx)
    service.lock("mara", ctx=ctx)
    locked_render = service.render("Mara", view="profile", ctx=ctx)
    assert locked_render.asset.meta["score"] == 1.0 and locked_render.asset.meta["threshold"] == 0.999
    assert locked_render.asset.meta["flagged"] is False
    assert locked_render.asset.provenance["backend"] == "image.previz"
    final = service.approve("mara", "final", by="eli", ctx=ctx)
    assert final.stage == VersionStage.FINAL and final.locked
    with pytest.raises(CharacterError, match="already final"):
        service.approve("mara", "final", ctx=ctx)

    hist = service.history("mara", ctx=ctx)
    assert [v.stage.value for v in hist] == ["concept", "casting", "casting", "final"]
    assert hist[0].render_ids == [str(concept.asset.id)]
    assert hist[2].render_ids == [str(locked_render.asset.id)] and hist[2].identity_hash == final.identity.hash
    approval = hist[1].approvals[0]
    assert (approval.by, approval.stage, approval.note) == ("dana", VersionStage.CASTING, "callback look")
    assert approval.at.tzinfo is not None
    audit = ctx.list_audit(action="character.approve")
    assert sorted(e.detail["by"] for e in audit) == ["dana", "eli"]
    assert ctx.list_audit(action="character.lock")[0].target == "character:mara"


def test_changing_a_locked_look_needs_a_new_version_and_diff_shows_it(ctx, harbour_path):
    service.create_from_script(harbour_path, "jonah", ctx=ctx)
    service.lock("jonah", ctx=ctx)
    with pytest.raises(CharacterError, match="cannot change"):
        service.update_character("jonah", {"appearance": {"hair": "long", "build": "slim"}}, ctx=ctx)
    service.update_character("jonah", {"backstory": "Forty years a harbour pilot."}, ctx=ctx)  # not the look
    v2 = service.new_version("jonah", ctx=ctx)
    assert v2.version == 2 and not v2.locked and v2.stage == VersionStage.CONCEPT
    v2 = service.update_character("jonah", {"appearance": {"hair": "long", "build": "slim"}}, ctx=ctx)
    relocked = service.lock("jonah", ctx=ctx)
    hist = service.history("jonah", ctx=ctx)
    first_locked = next(v for v in hist if v.identity_hash)
    changes = {d["field"]: d for d in versions.diff_bibles(first_locked.bible, hist[-1].bible)}
    assert changes["appearance.build"]["old"] == "stocky" and changes["appearance.build"]["new"] == "slim"
    assert changes["appearance.hair"]["new"] == "long" and changes["version"]["new"] == 2
    assert changes["identity"]["new"] == relocked.identity.hash != first_locked.identity_hash


def test_advance_rules_without_a_store():
    from studio_kit.domain.character import CharacterBible

    bible = CharacterBible(character_id="a", name="A", appearance=Appearance())
    with pytest.raises(CharacterError, match="needs an approval"):
        versions.advance(bible, "casting", None)
    with pytest.raises(CharacterError, match="needs an approval"):
        versions.advance(bible, "casting", Approval(stage=VersionStage.FINAL, by="x"))
    assert versions.advance(bible, "casting", Approval(stage=VersionStage.CASTING, by="x")).stage.value == "casting"


def test_unknown_character_lists_the_known_ones(ctx, harbour_path):
    service.create_from_script(harbour_path, "all", ctx=ctx)
    with pytest.raises(CharacterError, match="Known: Mara, Jonah"):
        service.get_character("Ishmael", ctx=ctx)
    with pytest.raises(CharacterError, match="never speaks"):
        service.create_from_script(harbour_path, "Ishmael", ctx=ctx)
