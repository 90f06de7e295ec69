"""The cast list: one person under two cues is one character; parts sized like a casting director's list."""
from __future__ import annotations

from studio_kit.engines.characters.bible import bibles_from_script
from studio_kit.engines.characters.cast import cast_list, find_aliases

ALIAS_SCRIPT = """Title: Aliases

INT. OFFICE - DAY

CYBER BOSS, ageless, a cloud in a server rack, hums. A MAN (40s) in a grey suit waits. An OLD MAN, 80, sleeps.

CYBER BOSS
Report.

MAN
Done.

OLD MAN
Hm?

INT. CORRIDOR - DAY

Boss' voice follows the man down the corridor.

BOSS
Faster.

MAN
Yes.

JOHN SMITH, 30, and JOHN DOE, 31, argue.

JOHN
Which of us?

JOHN SMITH
Me.

JOHN DOE
No, me.
"""


def _script(tmp_path, text):
    from studio_kit.engines.writing.io import load_script

    path = tmp_path / "s.fountain"
    path.write_text(text, encoding="utf-8")
    return load_script(path)


def test_short_cue_folds_into_the_introduced_full_name_but_different_people_stay_apart(tmp_path):
    script = _script(tmp_path, ALIAS_SCRIPT)
    aliases = find_aliases(script)
    assert aliases == {"BOSS": "CYBER BOSS"}          # "Boss' voice" calls the cloud by its short name
    # MAN is a generic descriptor: never folded into OLD MAN; JOHN matches two full names: ambiguous
    names = {e.name: e for e in cast_list(script)}
    assert {"MAN", "OLD MAN", "JOHN", "JOHN SMITH", "JOHN DOE", "CYBER BOSS"} <= set(names)
    assert "BOSS" not in names and names["CYBER BOSS"].aliases == ["BOSS"]
    assert names["CYBER BOSS"].dialogue_blocks == 2 and names["CYBER BOSS"].scenes == [0, 1]


def test_no_fold_without_evidence_in_the_script(tmp_path):
    # SAM is introduced in capitals on his own: BIG SAM is somebody else
    script = _script(tmp_path, "INT. BAR - NIGHT\n\nBIG SAM, 50, and SAM, 12, his nephew, sit.\n\nBIG SAM\nBeer.\n\n"
                               "SAM\nJuice.\n\nSam sips.\n")
    assert find_aliases(script) == {}


def test_cyber_bob_is_one_lead_with_alias_and_boss_is_one_character(samples_dir):
    from studio_kit.engines.writing.io import load_script

    script = load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain")
    bibles = {b.name: b for b in bibles_from_script(script)}
    # issue 14: the park's cute dog and the beam's talking chihuahua are two animals, as on the breakdown
    assert set(bibles) == {"Cyber Bob", "Dog", "Dog #2", "Margaret", "Cyber Boss"}
    bob = bibles["Cyber Bob"]
    assert bob.role == "lead" and bob.aliases == ["Bob"] and bob.answers_to("BOB") and bob.answers_to("cyber-bob")
    assert bob.source["dialogue_blocks"] == 18 and bob.age == 40 and bob.pronouns == "he/him"
    assert {"mild", "goofy", "daft"} <= set(bob.traits)
    assert bibles["Cyber Boss"].aliases == ["Boss"] and bibles["Cyber Boss"].role == "minor"
    assert bibles["Dog #2"].role == "supporting"       # 10 blocks in the traffic-light beam
    assert bibles["Dog"].role == "day player"          # one yip in the park
    assert bibles["Margaret"].role == "supporting"     # 4 blocks, enters in the lead's opening scene
    # asking for the short cue finds the merged character
    assert [b.name for b in bibles_from_script(script, ["bob"])] == ["Cyber Bob"]


def test_roles_from_blocks_scenes_and_first_appearance(tmp_path):
    scenes = []
    for i in range(4):
        body = "ANA\nLine.\n\n" * 5 + ("BEN\nYes.\n\n" * 5 if i < 3 else "")
        if i == 0:
            body += "CARLA\nHello.\n\nFAY\nA.\n\nFAY\nB.\n\nFAY\nC.\n\n"
        if i == 3:
            body += "DAN\nOne.\n\nDAN\nTwo.\n\nDAN\nThree.\n\nDAN\nFour.\n\n"
        if i in (1, 2):
            body += "EVE\nHi.\n\n"
        scenes.append(f"INT. ROOM {i} - DAY\n\n{body}")
    script = _script(tmp_path, "\n".join(scenes))
    roles = {e.name: e.role for e in cast_list(script)}
    # ANA 20 blocks/4 scenes; BEN 15/3 is a co-lead; CARLA one line in one scene is a day player;
    # FAY's 3 blocks in the opening scene next to the lead make a supporting part; DAN's 4 blocks in one late
    # scene (under a quarter of the lead's) and EVE's 2 lines over two scenes are minor parts
    assert roles == {"ANA": "lead", "BEN": "lead", "CARLA": "day player", "DAN": "minor", "EVE": "minor",
                     "FAY": "supporting"}


def test_first_name_cue_folds_into_the_full_name(tmp_path):
    script = _script(tmp_path, "INT. LAB - DAY\n\nDR. ADA LOVELACE, 36, sharp, adjusts a dial.\n\n"
                               "DR. ADA LOVELACE\nAgain.\n\nAda frowns.\n\nADA\nNo, again.\n")
    assert find_aliases(script) == {"ADA": "DR. ADA LOVELACE"}
    # LOVELACE alone is a suffix too, but never called so in the script: no evidence, no fold
    script = _script(tmp_path, "INT. LAB - DAY\n\nADA LOVELACE, 36, works.\n\nADA LOVELACE\nHm.\n\nLOVELACE\nYes.\n")
    assert find_aliases(script) == {}
