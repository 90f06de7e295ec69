"""Bibles mined from character introductions in a screenplay."""
from __future__ import annotations

from studio_kit.domain.character import CharacterBible
from studio_kit.engines.characters.bible import (bibles_from_script, find_introduction, mine_age, mine_appearance,
                                                 mine_pronouns, mine_traits)


def test_bible_for_every_speaking_character_with_mined_descriptions(harbour_script):
    bibles = {b.name: b for b in bibles_from_script(harbour_script)}
    assert set(bibles) == {"Mara", "Jonah"}
    mara, jonah = bibles["Mara"], bibles["Jonah"]
    assert mara.age == 35 and mara.pronouns == "she/her"          # "(30s)"; "She wears ..." later
    assert mara.appearance.hair == "close-cropped" and mara.appearance.hair_color == "grey"
    assert mara.appearance.build == "wiry" and "scar" in mara.appearance.marks
    assert mara.wardrobe["default"].description == "yellow raincoat"
    assert mara.description.startswith("MARA (30s), wiry")
    assert jonah.age == 60 and jonah.pronouns == "he/him"
    assert jonah.appearance.build == "stocky" and jonah.appearance.eyes == "brown"
    assert "bearded" in jonah.appearance.marks
    assert mara.role == "lead" and mara.source["line"] == 5
    assert mara.seed != jonah.seed


def test_cyber_bob_sample_introductions(samples_dir):
    from studio_kit.engines.preproduction.breakdown import load_script

    script = load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain")
    bibles = {b.name: b for b in bibles_from_script(script)}
    assert set(bibles) >= {"Cyber Bob", "Margaret"}       # BOB is folded into CYBER BOB (test_cast.py)
    assert bibles["Cyber Bob"].age == 40 and bibles["Cyber Bob"].pronouns == "he/him"
    assert {"mild", "goofy", "daft"} <= set(bibles["Cyber Bob"].traits)
    # "CUTE DOG and MARGARET, 37, ..." introduces two characters: each gets only its own words
    assert bibles["Margaret"].age == 37 and bibles["Margaret"].pronouns == "she/her"
    assert bibles["Margaret"].traits[:4] == ["amicable", "mild", "curious", "sharp"]
    assert bibles["Dog"].age is None


def test_age_forms():
    assert mine_age(" (40), tired") == 40
    assert mine_age(", 40, a white man") == 40
    assert mine_age(" (30s) looks up") == 35
    assert mine_age(", late 20s, sharp") == 28
    assert mine_age(", in her mid-forties,") == 45
    assert mine_age(", early 60s") == 62
    assert mine_age(", a man of few words") is None


def test_appearance_vocabulary():
    app = mine_appearance("LENA, 28, tall and lanky, long curly red hair, green-eyed, freckled, wire glasses")
    assert app.hair_color == "red" and "long" in app.hair and "curly" in app.hair
    assert "tall" in app.build and "lanky" in app.build
    assert app.eyes == "green" and "glasses" in app.marks and "freckled" in app.skin
    assert mine_appearance("a bald, burly bouncer").hair == "bald"


def test_pronouns_and_traits():
    assert mine_pronouns("ANNA, a woman in her 40s") == "she/her"
    assert mine_pronouns("THE KID, 9", "He grins.") == "he/him"
    assert mine_pronouns("SAM, 30") == "they/them"
    # long fragments only give a trait when they open with a known personality word
    assert mine_traits("RAY, 50, gruff, kind, and very tired of it all", "RAY") == ["gruff", "kind"]
    assert mine_traits("RAY, 50, gruff, kind", "RAY") == ["gruff", "kind"]


def test_introduction_missing_gives_empty_descriptions(harbour_script):
    assert find_introduction(harbour_script, "NOBODY") is None
    bibles = bibles_from_script(harbour_script, ["jonah"])
    assert [b.name for b in bibles] == ["Jonah"]
    round_trip = CharacterBible.from_json(bibles[0].to_json())
    assert round_trip == bibles[0]
