"""Scene continuity: look changes without a story reason, and changes between continuous scenes."""
from __future__ import annotations

from studio_kit.engines.characters.bible import bibles_from_script
from studio_kit.engines.characters.continuity import continuity_report, is_continuous, wardrobe_tags


def test_wardrobe_tags_belong_to_the_character_named_before_them(harbour_script):
    for use_breakdown, source in ((True, "breakdown"), (False, "action-lines")):
        tags, used = wardrobe_tags(harbour_script, use_breakdown=use_breakdown)
        assert used == source
        owned = {(t.character, t.scene_index): t.item for t in tags}
        assert "raincoat" in owned[("MARA", 0)] and "sweater" in owned[("JONAH", 0)]
        assert "tuxedo" in owned[("MARA", 1)]    # "She wears a black tuxedo now." -> last named: Mara
        assert ("JONAH", 1) not in owned


def test_continuous_scene_with_a_new_look_is_reported(harbour_script):
    for use_breakdown in (True, False):
        report = continuity_report(harbour_script, use_breakdown=use_breakdown)
        assert [(i.kind, i.character, i.scene_number) for i in report.issues] == \
            [("continuous_change", "MARA", "2")]
        looks = {(x.character, x.scene_number): x for x in report.looks}
        assert looks[("MARA", "3")].origin == "carried" and "tuxedo" in looks[("MARA", "3")].look
        assert looks[("JONAH", "4")].origin == "carried"


def test_assigned_look_without_a_script_reason_is_reported(harbour_script):
    bibles = bibles_from_script(harbour_script)
    mara = next(b for b in bibles if b.name == "Mara")
    mara.scene_looks = {"3": "evening dress", "4": "evening dress"}
    report = continuity_report(harbour_script, bibles)
    unmotivated = [i for i in report.issues if i.kind == "unmotivated_change"]
    assert len(unmotivated) == 1
    issue = unmotivated[0]
    assert (issue.character, issue.scene_number, issue.previous_scene_number) == ("MARA", "3", "2")
    assert issue.look == "evening dress" and "tuxedo" in issue.previous_look
    assert "no wardrobe change in the script" in issue.message
    assert report.issues_for("jonah") == []


def test_clean_script_has_no_issues_and_adding_a_garment_is_not_a_change():
    from studio_kit.engines.writing.fountain import parse_fountain

    script = parse_fountain("""EXT. FIELD - DAY

ROSA, 20, in a green coat, runs.

ROSA
Wait!

EXT. FIELD - CONTINUOUS

Rosa, still in the green coat, puts on a hat.

ROSA
Better.
""")
    assert is_continuous(script.scenes[1])
    report = continuity_report(script, use_breakdown=False)
    assert report.ok, report.issues


def test_one_person_under_two_cues_is_one_continuity_line(tmp_path):
    from studio_kit.engines.characters.continuity import continuity_report
    from studio_kit.engines.writing.io import load_script

    path = tmp_path / "alias.fountain"
    path.write_text("INT. OFFICE - DAY\n\nCYBER BOB, 40, a mild man in a grey suit, types.\n\nCYBER BOB\nDone.\n\n"
                    "INT. CORRIDOR - CONTINUOUS\n\nBob walks out in a yellow raincoat.\n\nBOB\nBye.\n", encoding="utf-8")
    report = continuity_report(load_script(path))
    assert {look.character for look in report.looks} == {"CYBER BOB"}       # BOB folded in, not a second person
    assert [(i.kind, i.character) for i in report.issues] == [("continuous_change", "CYBER BOB")]
