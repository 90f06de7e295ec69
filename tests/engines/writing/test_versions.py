"""Stored script versions: parents, revision colours, locked scene numbers, diffs."""
from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import pytest

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.script_diff import diff_scripts, lock_scene_numbers
from studio_kit.engines.writing.versions import diff_versions, list_versions, load_version, save_version
from studio_kit.exceptions import ScriptError

WHITE = """Title: Night Shift

INT. DINER - NIGHT

Margaret wipes the counter.

MARGARET
Another quiet one.

EXT. PARKING LOT - NIGHT

Rain on the asphalt.

INT. KITCHEN - NIGHT

The cook smokes by the fryer.

EXT. ROOF - DAWN

Bob watches the sun come up.
"""

# scene 2 rewritten, a new scene after 2, scene 3 cut
BLUE = """Title: Night Shift

INT. DINER - NIGHT

Margaret wipes the counter.

MARGARET
Another quiet one.

EXT. PARKING LOT - NIGHT

Rain hammers the asphalt.

EXT. ALLEY - NIGHT

A cat knocks over a bin.

EXT. ROOF - DAWN

Bob watches the sun come up.
"""


@pytest.fixture
def ctx(studio_home):
    from studio_kit.store import open_store

    return open_store().project("acme", "night-shift", user="ana")


def test_first_save_is_the_white_draft_with_locked_numbers(ctx):
    v1 = save_version(ctx, WHITE, name="night.fountain", date=dt.date(2026, 11, 20))
    assert v1.colour == "White" and v1.version == 1 and v1.parent_id is None
    assert v1.scene_numbers == ["1", "2", "3", "4"]
    stored = ctx.read_text(v1.asset_id)
    assert "INT. DINER - NIGHT #1#" in stored and "EXT. ROOF - DAWN #4#" in stored
    assert ctx.get_asset(v1.asset_id).kind == "script"


def test_revision_takes_next_colour_and_keeps_scene_numbers(ctx):
    v1 = save_version(ctx, WHITE, name="night.fountain", date=dt.date(2026, 11, 20))
    v2 = save_version(ctx, BLUE, name="night.fountain", revise=True, date=dt.date(2026, 11, 25))
    assert v2.parent_id == v1.asset_id and v2.version == 2
    assert v2.colour == "Blue" and v2.revision.date == dt.date(2026, 11, 25)
    assert v2.scene_numbers == ["1", "2", "2A", "4"]     # unchanged scenes keep numbers, the insert is 2A
    assert v2.omitted == ["3"]
    assert v2.summary == {"unchanged": 2, "changed": 1, "added": 1, "omitted": 1}
    stored = ctx.read_text(v2.asset_id)
    assert "EXT. ALLEY - NIGHT #2A#" in stored and "OMITTED #3#" in stored
    lines = stored.split("\n")
    marked = {lines[n - 1] for n in v2.revision.changed_lines}
    assert "Rain hammers the asphalt." in marked and "A cat knocks over a bin." in marked
    assert "Margaret wipes the counter." not in marked and "Bob watches the sun come up." not in marked

    # a plain save stays Blue and the marks keep counting from the White draft
    v3 = save_version(ctx, stored.replace("Another quiet one.", "Another long night."), name="night.fountain")
    assert v3.colour == "Blue" and v3.parent_id == v2.asset_id
    lines3 = ctx.read_text(v3.asset_id).split("\n")
    marked3 = {lines3[n - 1] for n in v3.revision.changed_lines}
    assert {"Rain hammers the asphalt.", "Another long night."} <= marked3
    assert v3.scene_numbers == ["1", "2", "2A", "4"] and v3.omitted == ["3"]

    v4 = save_version(ctx, ctx.read_text(v3.asset_id) + "\nINT. DINER - DAY\n\nClosing time.\n",
                      name="night.fountain", revise=True)
    assert v4.colour == "Pink" and v4.scene_numbers[-1] == "4A"
    assert [v.version for v in list_versions(ctx, "night.fountain")] == [1, 2, 3, 4]


def test_diff_between_versions_is_per_scene_and_line(ctx):
    v1 = save_version(ctx, WHITE, name="night.fountain")
    v2 = save_version(ctx, BLUE, name="night.fountain", revise=True)
    diff = diff_versions(ctx, v1.asset_id, v2.asset_id)
    by_status = {s.status: s for s in diff.scenes}
    assert by_status["changed"].number == "2"
    assert by_status["changed"].lines == [("-", "Rain on the asphalt."), ("+", "Rain hammers the asphalt.")]
    assert by_status["added"].new_heading == "EXT. ALLEY - NIGHT"
    assert by_status["omitted"].old_number == "3" and ("-", "The cook smokes by the fryer.") in by_status["omitted"].lines
    assert diff.to_dict()["summary"]["unchanged"] == 2


def test_scene_numbers_lock_without_a_store():
    old = parse_fountain("INT. A - DAY #11#\n\nOne.\n\nINT. B - DAY #12#\n\nTwo.\n\nINT. C - DAY #13#\n\nThree.\n")
    new = parse_fountain("INT. A - DAY\n\nOne.\n\nINT. B - DAY\n\nTwo.\n\nINT. X - DAY\n\nNew.\n\n"
                         "INT. Y - DAY\n\nNewer.\n\nINT. C - DAY\n\nThree.\n\nINT. Z - DAY\n\nLast.\n")
    locked, diff = lock_scene_numbers(old, new)
    numbers = [e.scene_number for e in locked.elements if e.scene_number]
    assert numbers == ["11", "12", "12A", "12B", "13", "13A"]
    assert [s.status for s in diff.scenes] == ["unchanged", "unchanged", "added", "added", "unchanged", "added"]
    # inserting before the first scene
    first, _ = lock_scene_numbers(old, parse_fountain("INT. NEW - DAY\n\nHi.\n\nINT. NEWER - DAY\n\nHo.\n\n"
                                                      "INT. A - DAY\n\nOne.\n"))
    assert [e.scene_number for e in first.elements if e.scene_number][:3] == ["A11", "B11", "11"]
    assert diff_scripts(old, old).is_empty
    # a scene omitted in an earlier revision keeps its number even if the writer deletes the placeholder
    omitted = parse_fountain("INT. A - DAY #11#\n\nOne.\n\n.OMITTED #12#\n\nINT. C - DAY #13#\n\nThree.\n")
    kept, diff = lock_scene_numbers(omitted, parse_fountain("INT. A - DAY\n\nOne.\n\nINT. C - DAY\n\nThree.\n"))
    assert [(e.text, e.scene_number) for e in kept.elements if e.scene_number] == [
        ("INT. A - DAY", "11"), ("OMITTED", "12"), ("INT. C - DAY", "13")]
    assert diff.summary()["omitted"] == 0


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext")
def test_stored_revision_prints_its_colour_and_marks(ctx, tmp_path):
    from studio_kit.engines.writing.pdf import render_pdf

    save_version(ctx, WHITE, name="night.fountain")
    v2 = save_version(ctx, BLUE, name="night.fountain", revise=True, date=dt.date(2026, 11, 25))
    out = render_pdf(load_version(ctx, v2.asset_id), tmp_path / "blue.pdf", title_page=False)
    text = subprocess.run(["pdftotext", "-layout", str(out.path), "-"], capture_output=True, text=True).stdout
    assert "BLUE REVISION \u2013 2026-11-25" in text
    assert "OMITTED" in text and "2A" in text
    starred = [ln for ln in text.splitlines() if ln.rstrip().endswith("*")]
    assert any("Rain hammers" in ln for ln in starred) and not any("Margaret wipes" in ln for ln in starred)


def test_bad_saves_are_refused_and_store_nothing(ctx):
    with pytest.raises(ScriptError, match="empty"):
        save_version(ctx, "", name="night.fountain")
    with pytest.raises(ScriptError):
        save_version(ctx, b"INT. A - DAY", name="night.fountain")
    assert list_versions(ctx, "night.fountain") == []
    other = ctx.put_asset(b"not a script", kind="note", name="x.txt")
    with pytest.raises(ScriptError, match="not a script"):
        load_version(ctx, other.id)
