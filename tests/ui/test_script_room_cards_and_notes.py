"""Index cards and notes without a browser: reordering rewrites the Fountain text scene by scene, notes from
concurrent writers are all kept and follow their line when the text moves."""
import threading

import pytest

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.exceptions import StudioError
from studio_kit.ui import fountain_editor as fe

PILOT = ("Title: Pilot\n\nINT. DINER - NIGHT\n\nANA pours coffee.\n\nANA\nRefill?\n\n"
         "EXT. LOT - NIGHT\n\n[[beat: the stranger watches]]\n\nRain.\n\nINT. KITCHEN - DAWN\n\n= Ana finds the note.\n\n"
         "The grill is cold.\n")


def _ctx(user):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user)


def test_moving_the_last_scene_first_keeps_every_line_and_the_title_page():
    script = parse_fountain(PILOT)
    moved = fe.reorder_scenes(PILOT, script, [2, 0, 1])
    again = parse_fountain(moved)
    assert [s.heading for s in again.scenes] == ["INT. KITCHEN - DAWN", "INT. DINER - NIGHT", "EXT. LOT - NIGHT"]
    assert moved.startswith("Title: Pilot\n\nINT. KITCHEN - DAWN")
    assert sorted(x for x in moved.split("\n") if x) == sorted(x for x in PILOT.split("\n") if x)
    assert again.scenes[1].dialogue[0].text == "Refill?"
    with pytest.raises(StudioError, match="does not name each"):
        fe.reorder_scenes(PILOT, script, [0, 0, 1])


def test_cards_show_synopsis_beats_and_autocomplete_lists_come_from_the_script():
    script = parse_fountain(PILOT)
    cards = fe.scene_cards(script)
    assert cards[2]["synopsis"] == "Ana finds the note."
    assert cards[1]["beats"] == ["beat: the stranger watches"]
    assert cards[0]["synopsis"] == "ANA pours coffee."          # no synopsis: the first action sentence
    assert fe.character_names(script) == ["ANA"]
    assert fe.locations(script) == ["DINER", "LOT", "KITCHEN"]


def test_notes_from_concurrent_writers_are_all_kept_and_follow_their_line(studio_home):
    _ctx("setup")                                    # create the project once
    errors = []

    def write(user, i):
        try:
            fe.add_note(_ctx(user), "pilot.fountain", 5, f"note {i} by {user}", "ANA pours coffee.")
        except Exception as exc:  # noqa: BLE001 - the test reports every failure
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(u, i)) for i, u in enumerate(["ana", "bob"] * 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    notes = fe.notes_for(_ctx("ana"), "pilot.fountain", PILOT)
    assert len(notes) == 8 and {n.author for n in notes} == {"ana", "bob"}
    assert all(n.line == 5 for n in notes)
    shifted = "\n\n" + PILOT                          # two lines inserted above: the notes follow their line
    assert {n.line for n in fe.reanchor(notes, shifted)} == {7}
    with pytest.raises(StudioError, match="empty"):
        fe.add_note(_ctx("ana"), "pilot.fountain", 5, "  ", "x")
