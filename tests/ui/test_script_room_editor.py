"""The Script Room's Fountain editor in headless Chromium: highlighting, Final Draft keys, autocomplete,
index cards that reorder scenes into a saved version, and notes from two sessions."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PILOT = """Title: Pilot

INT. DINER - NIGHT

ANA pours coffee for a stranger.

ANA
Refill?

EXT. PARKING LOT - NIGHT

Rain on the neon sign.

INT. KITCHEN - DAWN

= Ana finds the stranger's note.

The grill is cold.
"""


def _store_ctx(user):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user)


def _watch(page):
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: failed.append(f"off-machine {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    return failed, errors


def _open(page, url):
    page.goto(url)
    page.locator("#scene-count").wait_for()
    page.locator(".fountain-editor .ace_content").wait_for()
    return page.locator(".fountain-editor textarea")


def _go_to_end(page):
    page.locator(".fountain-editor .ace_content").click()
    page.keyboard.press("Control+End")


def test_writer_types_and_sees_highlighting_tab_cue_and_autocomplete(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.versions import save_version

    save_version(_store_ctx("ana"), PILOT, name="pilot.fountain")
    failed, errors = _watch(page)
    _open(page, serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)}))
    editor = page.locator(".fountain-editor")
    expect(editor.locator(".ace_heading", has_text="INT. DINER - NIGHT")).to_have_count(1)
    expect(editor.locator(".ace_character", has_text="ANA")).to_have_count(1)
    expect(editor.locator(".ace_dialogue", has_text="Refill?")).to_have_count(1)

    _go_to_end(page)
    page.keyboard.press("Enter")
    page.keyboard.type("EXT. HARBOUR - DAY", delay=10)
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")                 # after a heading: a blank line, then action
    page.keyboard.type("marcus", delay=10)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")                   # action → character cue
    expect(editor.locator(".ace_heading", has_text="EXT. HARBOUR - DAY")).to_have_count(1)
    expect(editor.locator(".ace_character", has_text="MARCUS")).to_have_count(1)
    page.keyboard.press("Enter")                 # after a cue: dialogue on the next line
    page.keyboard.type("Anyone here?", delay=10)
    expect(editor.locator(".ace_dialogue", has_text="Anyone here?")).to_have_count(1)
    expect(page.locator("#scene-count")).to_contain_text("4")
    expect(page.locator("tr", has_text="EXT. HARBOUR - DAY")).to_contain_text("MARCUS")

    # a new cue: the script's characters are offered
    page.keyboard.press("Enter")                 # after dialogue: blank line, new element
    page.keyboard.type("AN", delay=30)
    popup = page.locator(".ace_autocomplete")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("ANA")
    page.keyboard.press("Tab")                   # Tab accepts the offered name
    expect(editor.locator(".ace_line", has_text="ANA").last).to_have_text("ANA")

    # a location after INT.
    page.keyboard.press("Enter")
    page.keyboard.type("Here.", delay=10)
    page.keyboard.press("Enter")
    page.keyboard.type("INT. DI", delay=30)
    expect(popup).to_contain_text("DINER")
    assert failed == [] and errors == [], (failed, errors)


def test_dragging_an_index_card_saves_the_new_scene_order(studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.versions import list_versions, save_version

    save_version(_store_ctx("ana"), PILOT, name="pilot.fountain")
    failed, errors = _watch(page)
    _open(page, serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)}))
    page.locator(".bk-tab", has_text="Index cards").click()
    kitchen = page.locator(".sr-card", has_text="INT. KITCHEN - DAWN")
    expect(kitchen).to_contain_text("Ana finds the stranger's note.")        # its synopsis
    kitchen.drag_to(page.locator(".sr-card", has_text="INT. DINER - NIGHT"))
    page.get_by_text("Moved scenes and saved v2").wait_for()
    expect(page.locator(".sr-card").first).to_contain_text("INT. KITCHEN - DAWN")

    ctx = _store_ctx("ana")
    versions = list_versions(ctx, "pilot.fountain")
    assert len(versions) == 2
    stored = parse_fountain(ctx.read_text(versions[-1].asset_id))
    # (with locked numbers the versions engine re-numbers the moved scene A1 and prints "3" as OMITTED)
    assert [s.heading for s in stored.scenes if s.heading != "OMITTED"] == [
        "INT. KITCHEN - DAWN", "INT. DINER - NIGHT", "EXT. PARKING LOT - NIGHT"]
    assert "Refill?" in ctx.read_text(versions[-1].asset_id)
    assert failed == [] and errors == [], (failed, errors)


def test_notes_from_two_sessions_are_both_kept_on_their_lines(studio_home, serve_dashboard, browser):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.versions import save_version

    save_version(_store_ctx("ana"), PILOT, name="pilot.fountain")
    url = serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)})
    pages, watched = [], []
    for _ in range(2):
        pg = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        pg.set_default_timeout(30_000)
        watched.append(_watch(pg))
        _open(pg, url)
        pages.append(pg)
    a, b = pages
    for pg, line, note in ((a, "ANA pours coffee", "Ana should hesitate first."),
                           (b, "Rain on the neon", "Night exterior: rain towers needed.")):
        row = next(i for i, text in enumerate(PILOT.split("\n")) if text.startswith(line))
        pg.locator(".fountain-editor .ace_content").click()
        pg.keyboard.press("Control+Home")
        for _ in range(row):
            pg.keyboard.press("ArrowDown")
        pg.keyboard.press("End")                 # the cursor line reaches the server
        pg.locator(".bk-tab", has_text="Notes").click()
        pg.get_by_placeholder("Note for this line").fill(note)
        pg.get_by_role("button", name="Add note").click()
        pg.locator(".sr-note", has_text=note).wait_for()
    # session b (which wrote second) sees both; session a sees both after a refresh — neither was lost
    expect(b.locator(".sr-note")).to_have_count(2)
    a.get_by_role("button", name="Refresh notes").click()
    expect(a.locator(".sr-note")).to_have_count(2)
    expect(a.locator(".sr-note", has_text="Ana should hesitate")).to_contain_text("ANA pours coffee")
    expect(a.locator(".sr-note", has_text="rain towers")).to_contain_text("Rain on the neon sign.")
    # each note marks its line in the editor's gutter
    expect(a.locator(".fountain-editor .ace_gutter-cell.ace_info")).to_have_count(2)
    for pg in pages:
        pg.context.close()
    for failed, errors in watched:
        assert failed == [] and errors == [], (failed, errors)
