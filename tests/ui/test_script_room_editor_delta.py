"""Typing in the Script Room sends the server only the splice typed, never the whole draft, and the server's
text stays exactly the editor's: typing mid-feature, a multi-line paste, a delete across lines, undo, an emoji."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]
REPO = Path(__file__).resolve().parents[2]


def test_edits_mid_feature_travel_as_splices_and_the_server_text_equals_the_editor(studio_home, serve_dashboard,
                                                                                      page):
    from playwright.sync_api import expect

    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import open_store

    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_parse import build_feature
    from bench_script_room import _middle_line

    feature, _ = build_feature(120)
    settings = get_settings()
    save_version(open_store().project(settings.org, settings.project), feature, name="feature.fountain")
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sent: list[int] = []
    received: list[int] = []
    typing: list[bool] = []

    def _ws(ws):
        ws.on("framesent", lambda f: sent.append(len(f)) if typing else None)
        ws.on("framereceived", lambda f: received.append(len(f)) if typing else None)
    page.on("websocket", _ws)
    page.goto(serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)}))
    page.locator("#scene-count").wait_for()
    page.locator(".sr-slot .sr-page").first.wait_for()
    ace = page.locator(".fountain-editor.ace_editor")
    page.locator(".fountain-editor .ace_content").wait_for()
    page.wait_for_timeout(1500)                   # the panes that follow the first render have come over
    middle = _middle_line(feature)                # an action line halfway through
    ace.evaluate("(el, row) => { const ed = el.__editor; ed.gotoLine(row, 0, false); ed.navigateLineEnd(); "
                 "ed.focus(); }", middle)
    typing.append(True)

    page.keyboard.type(" Quokka", delay=30)
    page.keyboard.press("Enter")
    page.keyboard.insert_text("First pasted line.\n\nMARCUS\nA pasted cue and its dialogue.\n")   # a paste
    page.wait_for_timeout(200)
    # select from two lines up to two lines down and delete it (a delete across lines)
    ace.evaluate("""el => { const ed = el.__editor, row = ed.getCursorPosition().row;
      const Range = window.ace.require("ace/range").Range;
      ed.selection.setRange(new Range(row - 2, 3, row + 2, 4)); }""")
    page.keyboard.press("Backspace")
    page.wait_for_timeout(200)
    page.keyboard.type("x🎬y", delay=30)
    page.keyboard.press("Control+z")             # undo twice: the delete comes back, then part of the paste
    page.wait_for_timeout(100)
    page.keyboard.press("Control+z")
    page.keyboard.press("Control+z")
    page.wait_for_timeout(300)
    expected = ace.evaluate("el => el.__editor.getValue()")
    assert expected != feature and "Quokka" in expected
    # the preview followed: its page (drawn once scrolled near) has the typed word
    expect(page.locator("#scene-count")).to_be_visible()
    page.wait_for_timeout(800)                    # the scene list, stats and cards follow the pause
    assert sent and max(sent) < 3_000, sent                 # splices: never the 131 KB draft
    assert received and max(received) < 20_000, received    # and the draft is never sent back

    # the server's text (what the Fountain button downloads) is the editor's, exactly
    with page.expect_download() as download:
        page.get_by_role("button", name="Fountain").click()
    assert Path(download.value.path()).read_text(encoding="utf-8") == expected
    page.locator(".sr-scroll").evaluate("(el, k) => { el.scrollTop = el.querySelectorAll('.sr-slot')[k].offsetTop; }",
                                        _page_of(expected, "Quokka") - 1)
    expect(page.locator(".sr-page", has_text="Quokka")).to_have_count(1)
    assert max(sent) < 3_000                                 # the blur's commit was a splice too
    # a double-click on an index card (cards carry no line numbers to the browser) goes to its scene
    from studio_kit.engines.writing.fountain import parse_fountain

    page.locator(".bk-tab", has_text="Index cards").click()
    page.locator(".sr-card").nth(2).dblclick()
    row = parse_fountain(expected).scenes[2].line
    expect(page.locator(".fountain-editor .ace_gutter-active-line")).to_have_text(str(row))

    # the stats are worked out when their tab is shown: a speaker typed now is counted there
    page.locator(".fountain-editor .ace_content").click()
    page.keyboard.press("Control+End")
    page.keyboard.insert_text("\n\nZELDAQUOKKA\nHello there.\n")
    page.wait_for_timeout(600)
    page.locator(".bk-tab", has_text="Stats").click()
    expect(page.locator("td", has_text="ZELDAQUOKKA")).to_have_count(1)      # its row in the speakers table
    assert not errors, errors


def _page_of(text: str, word: str) -> int:
    """The 1-based page of the preview that prints ``word`` (a full render, as the Script Room draws it)."""
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.ui.screenplay_html import preview_pages

    script = parse_fountain(text)
    pages = preview_pages(script, paginate(script), None, title_page=False)
    return next(n for n, html in enumerate(pages, start=1) if word in html)
