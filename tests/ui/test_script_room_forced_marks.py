"""Script Room editor: the marks Tab puts on an empty line read as Final Draft elements, not as punctuation.

Tab on an empty line cycles cue → transition → heading → action by writing Fountain's forced marks
(``@``, ``>``, ``.``). While the writer is on that line the mark is drawn faint (its own ``ace_forced``
token) and the rest of the line is highlighted as the element; once the caret leaves the line the mark is
removed where the text alone is already that element (``MARCUS`` after a blank line is a cue, ``CUT TO:``
a transition, ``EXT. PIER - DAY`` a heading) and kept, faint, where Fountain still needs it
(``.THE VOID``). The character-name completer fires after ``@`` as it does on a plain cue line.
"""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

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


def test_forced_marks_are_faint_dropped_when_redundant_and_the_cue_completes_after_at(studio_home, serve_dashboard,
                                                                                      page):
    from playwright.sync_api import expect

    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.versions import save_version

    save_version(_ctx("ana"), PILOT, name="pilot.fountain")
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: failed.append(f"off-machine {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    page.goto(serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)}))
    page.locator("#scene-count").wait_for()
    editor = page.locator(".fountain-editor")
    editor.locator(".ace_content").wait_for()
    ace = page.locator(".fountain-editor.ace_editor")
    text = lambda: ace.evaluate("el => el.__editor.getValue()")  # noqa: E731 - the editor's own text
    line = lambda: ace.evaluate("el => { const e = el.__editor; return e.session.getLine(e.getCursorPosition().row); }")  # noqa: E731,E501

    editor.locator(".ace_content").click()
    page.keyboard.press("Control+End")              # the empty last line, after "Rain on the neon sign." + blank

    # a cue: "@" written by Tab is faint, the name is a cue; leaving the line drops the now-needless "@"
    page.keyboard.press("Tab")
    page.keyboard.type("marcus", delay=10)
    assert line() == "@MARCUS"
    mark = editor.locator(".ace_forced", has_text="@")
    expect(mark).to_have_count(1)
    expect(editor.locator(".ace_character", has_text="MARCUS")).to_have_text("MARCUS")
    faint = mark.evaluate("el => getComputedStyle(el).color")
    cue = editor.locator(".ace_character", has_text="MARCUS").evaluate("el => getComputedStyle(el).color")
    assert faint != cue, (faint, cue)
    page.keyboard.press("Escape")
    page.keyboard.press("Enter")                    # after the cue: dialogue
    page.keyboard.type("Anyone here?", delay=10)
    expect(editor.locator(".ace_forced")).to_have_count(0)
    expect(editor.locator(".ace_character", has_text="MARCUS")).to_have_text("MARCUS")
    assert "\nMARCUS\nAnyone here?" in text() and "@" not in text()

    # the completer offers the script's characters after "@", as on a plain cue line
    page.keyboard.press("Enter")                    # after dialogue: a blank line, a new element
    page.keyboard.press("Tab")                      # → "@"
    page.keyboard.type("AN", delay=40)
    popup = page.locator(".ace_autocomplete")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("ANA")
    page.keyboard.press("Tab")                      # accept the name
    assert line() == "@ANA"
    page.keyboard.press("Enter")
    page.keyboard.type("Over here.", delay=10)
    assert "\nANA\nOver here." in text() and "@" not in text()

    # a transition: ">" then CUT TO: — Enter leaves a blank line below, so the ">" is not needed
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")                      # → ">"
    page.keyboard.type("cut to:", delay=10)
    assert line() == ">CUT TO:"
    expect(editor.locator(".ace_forced", has_text=">")).to_have_count(1)
    page.keyboard.press("Enter")
    expect(editor.locator(".ace_transition", has_text="CUT TO:")).to_have_text("CUT TO:")
    expect(editor.locator(".ace_forced")).to_have_count(0)

    # a heading Fountain recognises alone loses its ".", one it does not ("THE VOID") keeps it, faint
    for typed, kept in (("ext. pier - day", "EXT. PIER - DAY"), ("the void", ".THE VOID")):
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")
        page.keyboard.press("Tab")                  # → "."
        page.keyboard.type(typed, delay=10)
        page.keyboard.press("Escape")
        page.keyboard.press("Enter")                # after a heading: a blank line, then action
        page.keyboard.type("Waves.", delay=10)
        page.keyboard.press("Enter")
        assert f"\n{kept}\n\nWaves." in text(), text()
    expect(editor.locator(".ace_heading", has_text="EXT. PIER - DAY")).to_have_count(1)
    expect(editor.locator(".ace_heading", has_text="THE VOID")).to_have_text("THE VOID")
    expect(editor.locator(".ace_forced", has_text=".")).to_have_count(1)

    # what the server parses: the elements the writer meant
    script = parse_fountain(text())
    assert [s.heading for s in script.scenes] == ["INT. DINER - NIGHT", "EXT. PARKING LOT - NIGHT",
                                                  "EXT. PIER - DAY", "THE VOID"]
    assert "MARCUS" in script.scenes[1].characters and "ANA" in script.scenes[1].characters
    expect(page.locator("#scene-count")).to_contain_text("4")
    expect(page.locator("tr", has_text="EXT. PARKING LOT - NIGHT")).to_contain_text("MARCUS")
    assert failed == [] and errors == [], (failed, errors)
