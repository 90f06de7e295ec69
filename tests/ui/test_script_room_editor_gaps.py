"""Script Room editor gaps a Final Draft user notices: notes can be edited and deleted (appended to the
notes stream, so they survive a reload and concurrent sessions), and Tab on an empty line cycles the
element it will be (character cue → transition → scene heading → action)."""
import pytest

from studio_kit.exceptions import PermissionDenied, StudioError
from studio_kit.ui import fountain_editor as fe

PILOT = """Title: Pilot

INT. DINER - NIGHT

ANA pours coffee for a stranger.

ANA
Refill?

EXT. PARKING LOT - NIGHT

Rain on the neon sign.
"""


def _ctx(user):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user)


def test_notes_are_edited_and_deleted_by_appending_and_a_fresh_read_sees_it(studio_home):
    from studio_kit.store.edits import read_stream

    ana = _ctx("ana")                                  # creates the project: ana is its owner
    first = fe.add_note(ana, "pilot.fountain", 5, "Hesitate first.", "ANA pours coffee for a stranger.")
    second = fe.add_note(ana, "pilot.fountain", 12, "Rain towers.", "Rain on the neon sign.")
    fe.edit_note(ana, "pilot.fountain", first.seq, "  Hesitate, then pour.  ")
    fe.delete_note(ana, "pilot.fountain", second.seq)

    notes = fe.notes_for(_ctx("ana"), "pilot.fountain", PILOT)          # a new context: read from the store
    assert [(n.seq, n.line, n.text, n.author) for n in notes] == [(first.seq, 5, "Hesitate, then pour.", "ana")]
    assert notes[0].edited.startswith("ana ")
    ops = [e.payload for e in read_stream(ana, "notes:pilot.fountain")]
    assert len(ops) == 4 and ops[0]["text"] == "Hesitate first."         # nothing rewritten: the original stays
    assert ops[2:] == [{"op": "edit", "of": first.seq, "text": "Hesitate, then pour."},
                       {"op": "delete", "of": second.seq}]
    with pytest.raises(StudioError, match="is gone"):
        fe.edit_note(ana, "pilot.fountain", second.seq, "back?")
    with pytest.raises(StudioError, match="empty"):
        fe.edit_note(ana, "pilot.fountain", first.seq, "   ")


def test_someone_else_s_note_needs_edit_script(studio_home):
    ana = _ctx("ana")                                  # owner (single-user project created by ana)
    bob = _ctx("bob")                                  # no role on the project
    anas = fe.add_note(ana, "pilot.fountain", 5, "Ana's note.", "ANA pours coffee for a stranger.")
    bobs = fe.add_note(bob, "pilot.fountain", 8, "Bob's note.", "Refill?")
    with pytest.raises(PermissionDenied, match="bob may not edit ana's note") as err:
        fe.edit_note(bob, "pilot.fountain", anas.seq, "Bob was here.")
    assert err.value.hint.startswith("Fix:")
    with pytest.raises(PermissionDenied, match="may not delete"):
        fe.delete_note(bob, "pilot.fountain", anas.seq)
    fe.edit_note(bob, "pilot.fountain", bobs.seq, "Bob's note, clearer.")   # the author may
    fe.delete_note(ana, "pilot.fountain", bobs.seq)                         # the owner has edit_script
    notes = fe.notes_for(_ctx("bob"), "pilot.fountain", PILOT)
    assert [(n.author, n.text) for n in notes] == [("ana", "Ana's note.")]


@pytest.mark.browser
@pytest.mark.slow
def test_tab_on_an_empty_line_cycles_the_element_and_notes_are_edited_and_deleted(studio_home, serve_dashboard,
                                                                                  page):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.versions import save_version

    save_version(_ctx("ana"), PILOT, name="pilot.fountain")
    fe.add_note(_ctx("ana"), "pilot.fountain", 5, "Hesitate first.", "ANA pours coffee for a stranger.")
    fe.add_note(_ctx("ana"), "pilot.fountain", 12, "Rain towers.", "Rain on the neon sign.")
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    url = serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home), "STUDIO_USER": "ana"})
    page.goto(url)
    page.locator("#scene-count").wait_for()
    editor = page.locator(".fountain-editor")
    editor.locator(".ace_content").wait_for()

    editor.locator(".ace_content").click()
    page.keyboard.press("Control+End")          # the empty last line, after "Rain on the neon sign." + blank
    last = editor.locator(".ace_line").last
    page.keyboard.press("Tab")                  # empty → character cue (Fountain's forced @)
    expect(last).to_have_text("@")
    page.keyboard.press("Tab")                  # → transition
    expect(last).to_have_text(">")
    page.keyboard.press("Tab")                  # → scene heading
    expect(last).to_have_text(".")
    page.keyboard.press("Tab")                  # → action again
    expect(last).to_have_text("")
    page.keyboard.press("Tab")                  # → character cue; typing is upper-cased
    page.keyboard.type("marcus", delay=10)
    expect(editor.locator(".ace_character", has_text="MARCUS")).to_have_text("MARCUS")   # the "@" is its own, faint token
    page.keyboard.press("Enter")                # after the cue: dialogue
    page.keyboard.type("Anyone here?", delay=10)
    expect(editor.locator(".ace_dialogue", has_text="Anyone here?")).to_have_count(1)
    expect(page.locator("tr", has_text="EXT. PARKING LOT - NIGHT")).to_contain_text("MARCUS")

    page.locator(".bk-tab", has_text="Notes").click()
    expect(page.locator(".sr-note")).to_have_count(2)
    choice = page.locator("select").filter(has=page.locator("option", has_text="(choose a note)"))
    choice.select_option(label=next(t for t in choice.locator("option").all_inner_texts() if "Hesitate" in t))
    box = page.get_by_placeholder("Note for this line")
    expect(box).to_have_value("Hesitate first.")
    box.fill("Hesitate, then pour.")
    page.get_by_role("button", name="Save note edit").click()
    expect(page.locator(".sr-note", has_text="Hesitate, then pour.")).to_have_count(1)
    choice.select_option(label=next(t for t in choice.locator("option").all_inner_texts() if "Rain towers" in t))
    page.get_by_role("button", name="Delete note").click()
    expect(page.locator(".sr-note")).to_have_count(1)

    page.reload()                                # both changes were stored: a new session shows them
    page.locator("#scene-count").wait_for()
    page.locator(".bk-tab", has_text="Notes").click()
    expect(page.locator(".sr-note")).to_have_count(1)
    expect(page.locator(".sr-note")).to_contain_text("Hesitate, then pour.")
    expect(page.locator(".fountain-editor .ace_gutter-cell.ace_info")).to_have_count(1)
    assert failed == [] and errors == [], (failed, errors)
