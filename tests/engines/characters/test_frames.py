"""Storyboard frames of project characters: drawn from locked identities, scored, modes enforced."""
from __future__ import annotations

import pytest

from studio_kit.domain.character import CharacterBible, CharacterMode
from studio_kit.engines.characters import service
from studio_kit.exceptions import CharacterError


def test_parse_heading():
    assert service.parse_heading("EXT. PARK - NIGHT") == {"int_ext": "EXT", "location": "PARK",
                                                         "time_of_day": "NIGHT", "heading": "EXT. PARK - NIGHT"}
    assert service.parse_heading("INT./EXT. CAR -- DUSK")["time_of_day"] == "DUSK"
    assert service.parse_heading("EXT. PARK--DAY")["location"] == "PARK"


def test_frame_uses_locked_identities_scores_them_and_refuses_an_unlocked_avatar(ctx, harbour_path):
    service.create_from_script(harbour_path, "all", ctx=ctx)
    service.lock("mara", ctx=ctx)
    result = service.render_frame(["mara", "jonah"], size="medium", scene="EXT. PIER - DUSK", number="4",
                                  description="Mara waves.", ctx=ctx)
    assert result.image.size == (1280, 720)
    assert set(result.scores) == {"mara"} and result.scores["mara"].score == 1.0    # jonah is not locked
    meta = result.asset.meta
    assert result.asset.kind == "storyboard_frame" and meta["scene"]["time_of_day"] == "DUSK"
    assert meta["identity_hashes"]["mara"].startswith("sha256:") and meta["flagged"] == []
    service.create_character(CharacterBible(character_id="ava", name="Ava", mode=CharacterMode.AVATAR), ctx)
    before = len(ctx.list_assets(kind="storyboard_frame"))
    with pytest.raises(CharacterError, match="avatar and is not locked"):
        service.render_frame(["mara", "ava"], ctx=ctx)
    assert len(ctx.list_assets(kind="storyboard_frame")) == before
    with pytest.raises(CharacterError, match="No character named 'nobody'"):
        service.render_frame(["nobody"], ctx=ctx)
