"""Revision colours, headers and changed-line marks."""
from __future__ import annotations

import datetime as dt

import pytest

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.revisions import (
    REVISION_COLOURS,
    Revision,
    changed_lines,
    colour_rgb,
    revision_colour,
    revision_number,
)
from studio_kit.exceptions import ScriptError

DRAFT = """INT. DINER - NIGHT

Margaret wipes the counter.

MARGARET
Another quiet one.

BOB
Not for long.

EXT. LOT - NIGHT

Rain.
"""


def test_colours_follow_the_industry_sequence():
    assert [revision_colour(i) for i in range(11)] == [
        "White", "Blue", "Pink", "Yellow", "Green", "Goldenrod", "Buff", "Salmon", "Cherry",
        "Double White", "Double Blue"]
    assert revision_colour(18) == "Triple White"
    for i in range(40):
        assert revision_number(revision_colour(i)) == i
    assert revision_number("double pink") == 11
    assert colour_rgb("Double Blue") == colour_rgb("Blue")
    with pytest.raises(ScriptError, match="Mauve"):
        revision_number("Mauve")
    with pytest.raises(ScriptError):
        revision_colour(-1)
    assert len(REVISION_COLOURS) == 9


def test_revision_header_and_next_colour():
    rev = Revision(number=1, date=dt.date(2026, 11, 25))
    assert rev.colour == "Blue" and rev.is_revision
    assert rev.header == "BLUE REVISION \u2013 2026-11-25"
    nxt = rev.next(dt.date(2026, 12, 1))
    assert nxt.colour == "Pink" and nxt.changed_lines == set()
    assert not Revision(number=0).is_revision
    again = Revision.from_meta({**rev.to_meta(), "changed_lines": [3, 5]})
    assert again.colour == "Blue" and again.changed_lines == {3, 5} and again.date == rev.date


def test_changed_lines_marks_rewrites_inserts_and_cuts_only():
    old = parse_fountain(DRAFT)
    new_text = (DRAFT.replace("Margaret wipes the counter.", "Margaret scrubs the counter.")
                .replace("Rain.", "Rain.\nA car door slams.")
                .replace("BOB\nNot for long.\n\n", ""))
    new = parse_fountain(new_text)
    marks = changed_lines(old, new)
    lines = new_text.split("\n")
    marked = sorted(lines[n - 1] for n in marks)
    # the rewritten speech, the added action line, and the line where Bob's speech was cut
    assert "Margaret scrubs the counter." in marked
    assert "A car door slams." in marked
    assert "EXT. LOT - NIGHT" in marked
    assert "Another quiet one." not in marked and "MARGARET" not in marked and "Rain." not in marked


def test_rewrapping_or_renumbering_is_not_a_change():
    old = parse_fountain(DRAFT)
    new = parse_fountain(DRAFT.replace("INT. DINER - NIGHT", "INT. DINER - NIGHT #1#")
                         .replace("Margaret wipes the counter.", "Margaret  wipes the counter. "))
    assert changed_lines(old, new) == set()
