"""Bibles mined from character introductions in a screenplay."""
from __future__ import annotations

from studio_kit.domain.character import CharacterBible
from studio_kit.engines.characters.bible import (
    bibles_from_script,
    find_introduction,
    mine_age,
    mine_appearance,
    mine_clothing,
    mine_occupation,
    mine_pronouns,
    mine_traits,
)


def test_bible_for_every_speaking_character_with_mined_descriptions(harbour_script):
    bibles = {b.name: b for b in bibles_from_script(harbour_script)}
    assert set(bibles) == {"Mara", "Jonah"}
    mara, jonah = bibles["Mara"], bibles["Jonah"]
    assert mara.age == 35 and mara.pronouns == "she/her"          # "(30s)"; "She wears ..." later
    assert mara.appearance.hair == "close-cropped" and mara.appearance.hair_color == "grey"
    assert mara.appearance.build == "wiry" and "scar" in mara.appearance.marks
    assert mara.wardrobe["default"].description == "yellow raincoat"
    assert mara.description == ("Mara (30s), wiry, with close-cropped grey hair and a scar through one eyebrow, "
                                "stands in a yellow raincoat.")
    assert jonah.age == 60 and jonah.pronouns == "he/him"
    assert jonah.appearance.build == "stocky" and jonah.appearance.eyes == "brown"
    assert "bearded" in jonah.appearance.marks
    assert mara.role == "lead" and mara.source["line"] == 5
    assert mara.seed != jonah.seed


def test_cyber_bob_sample_introductions(samples_dir):
    from studio_kit.engines.writing.io import load_script

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


def test_the_last_reel_descriptions_are_whole_clean_sentences(studio_home):
    from studio_kit.engines.writing.io import load_script
    from studio_kit.ui.character_lab import SAMPLE_SCRIPT

    bibles = {b.name: b for b in bibles_from_script(load_script(SAMPLE_SCRIPT))}
    maya, otto, devlin, priya = (bibles[n] for n in ("Maya", "Otto", "Devlin", "Priya"))
    # the whole sentence, not cut at the prop in capitals ("threads a FILM REEL")
    assert maya.description == ("Maya (30s, ink on her fingers, a projectionist who has not slept) threads a film reel "
                                "with practised hands.")
    assert otto.description.endswith("sits in the front row with a thermos of coffee and two paper cups.")
    for b in bibles.values():
        assert b.description[-1] in ".!?" and not b.description.isupper(), b.description
    # costume pieces go to the wardrobe, jobs to the occupation: neither is a personality trait
    assert otto.traits == [] and otto.wardrobe["default"].description == "cardigan"
    assert otto.source["occupation"] == "owner" and "cane" in otto.appearance.marks
    assert devlin.wardrobe["default"].description == "sharp suit, sharper shoes" and devlin.traits == []
    assert priya.wardrobe["default"].description == "white cotton gloves" and "slowly" not in priya.traits
    assert maya.source["occupation"] == "projectionist" and priya.source["occupation"] == "archivist"
    assert [maya.pronouns, otto.pronouns, devlin.pronouns, priya.pronouns] == ["she/her", "he/him", "he/him", "she/her"]


def test_cyber_bob_descriptions_keep_each_character_to_its_own_words(samples_dir):
    from studio_kit.engines.writing.io import load_script

    bibles = {b.name: b for b in bibles_from_script(load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))}
    assert bibles["Cyber Bob"].description == ("Cyber Bob, 40, a white man, a mild, goofy, fairly daft pawn of a soul, "
                                               "strolls through the park.")
    # introduced inside Bob's sentence: her own clause, then the next sentence that is about her
    assert bibles["Margaret"].description.startswith("Margaret, 37, a white woman, amicable")
    assert bibles["Margaret"].description.endswith("She leads the dog on a leash.")
    assert bibles["Dog"].description == "A cute dog."
    assert bibles["Cyber Boss"].pronouns == "they/them" and bibles["Cyber Boss"].species == "cloud"


def test_hair_words_are_hair_not_build():
    app = mine_appearance("ROSA, 60, short grey hair, a small scar on her chin")
    assert app.hair == "short" and app.hair_color == "grey" and app.build == "" and app.marks == "scar"
    assert mine_appearance("a short, stocky man with short hair").build == "stocky, short"
    assert mine_appearance("tall, long black hair").build == "tall"


def test_wardrobe_and_job_words_are_not_traits():
    intro = "OTTO (70s, the old owner, cardigan, CANE) sits in the front row."
    assert mine_traits(intro, "OTTO") == []
    assert mine_clothing(intro, "OTTO") == ("cardigan", [])
    assert mine_occupation(intro, "OTTO") == "owner"
    assert mine_clothing("NED, 30, in a red hoodie, black boots", "NED") == ("red hoodie, black boots",
                                                                              ["#b23a3a", "#2b2b2e"])
    assert mine_traits("JUNE, 40, a nurse, kind, stubborn, sleepless", "JUNE") == ["kind", "sleepless"]
    assert mine_occupation("JUNE, 40, a night-shift nurse who hums", "JUNE") == "night-shift nurse"
    assert mine_traits("CYBER BOSS, an ageless, faceless cloud", "CYBER BOSS") == ["ageless"]


def test_pronouns_need_evidence():
    assert mine_pronouns("SAM, 30, sits down.") == "they/them"
    assert mine_pronouns("ALEX, 30, hands her the keys.") == "they/them"          # "her" is someone else
    assert mine_pronouns("ALEX, 30, watches him go.") == "they/them"
    assert mine_pronouns("JO, 40, sits down.", "She smiles.") == "she/her"
    assert mine_pronouns("KIM, a mother of two, waits.") == "she/her"
    assert mine_pronouns("LEE, 50, checks his watch.") == "he/him"
    assert mine_pronouns("MAYA (30s, ink on her fingers)") == "she/her"
    assert mine_pronouns("TESS, the man's daughter") == "she/her"                # the man is someone else


def test_later_pronouns_belong_to_the_character_named_last(tmp_path):
    from studio_kit.engines.writing.io import load_script

    path = tmp_path / "s.fountain"
    path.write_text("INT. OFFICE - DAY\n\nROBIN (30s) and KAI (40s) sit at a desk.\n\nROBIN\nHi.\n\nKAI\nHello.\n\n"
                    "Robin hands Kai the file. He reads it.\n\nKai smiles. Robin hands her a pen.\n\nROBIN\nSign.\n",
                    encoding="utf-8")
    bibles = {b.name: b for b in bibles_from_script(load_script(path))}
    assert bibles["Robin"].pronouns == "they/them"     # "He" follows Kai, "her" is the object of Robin's verb


def test_a_description_keeps_the_sentence_opening_unless_it_is_someone_else_s(tmp_path):
    from studio_kit.engines.writing.io import load_script

    path = tmp_path / "s.fountain"
    path.write_text("INT. BAR - NIGHT\n\nAcross the room, JOHN (40s, a tired BARTENDER) polishes a glass. He sighs. "
                    "The jukebox dies.\n\nJOHN\nLast call.\n\nHe slides a beer to NELL, 30, who pays in coins.\n\n"
                    "NELL\nKeep the change.\n", encoding="utf-8")
    bibles = {b.name: b for b in bibles_from_script(load_script(path))}
    assert bibles["John"].description == ("Across the room, John (40s, a tired bartender) polishes a glass. "
                                          "He sighs.")
    assert bibles["John"].pronouns == "he/him" and bibles["John"].source["occupation"] == "bartender"
    assert bibles["Nell"].description == "Nell, 30, who pays in coins."
    assert bibles["Nell"].pronouns == "they/them"


def test_titles_do_not_end_the_introduction(tmp_path):
    from studio_kit.engines.writing.io import load_script

    path = tmp_path / "s.fountain"
    path.write_text("INT. SHOP - DAY\n\nMR. SMITH (50s, a shopkeeper in a brown apron) counts coins. DR. ADA LOVELACE, "
                    "36, taps the COUNTER.\n\nMR. SMITH\nClosed.\n\nDR. ADA LOVELACE\nNot for me.\n\nAda smiles.\n\n"
                    "ADA\nTwo loaves.\n", encoding="utf-8")
    bibles = {b.name: b for b in bibles_from_script(load_script(path))}
    smith, ada = bibles["Mr. Smith"], bibles["Dr. Ada Lovelace"]
    assert smith.description == "Mr. Smith (50s, a shopkeeper in a brown apron) counts coins."
    assert smith.age == 55 and smith.source["occupation"] == "shopkeeper"
    assert smith.wardrobe["default"].description == "brown apron" and smith.pronouns == "he/him"   # "Mr."
    assert ada.description == "Dr. Ada Lovelace, 36, taps the counter." and ada.aliases == ["Ada"]
    assert ada.pronouns == "they/them"
