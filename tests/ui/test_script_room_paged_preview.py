"""The Script Room's page preview sends only the pages an edit changed, and the browser's pages stay a full render.

The Python tests replay what the browser receives (the first snapshot, then each patch) on a 120-page feature
(the one benchmarks/bench_parse.py builds); the browser test types into a long script in headless Chromium.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def feature() -> str:
    """About 120 pages: every sample's body, without title pages, until it prints 120 pages."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_parse import build_feature

    text, _ = build_feature(120)
    return text


class BrowserCopy:
    """What the browser holds of a PatchedList: the snapshot, then each patch applied (as FOLLOW_JS does)."""

    def __init__(self, component):
        self.component = component
        self.items = list(component.snapshot["items"])
        self.seq = component.snapshot["seq"]
        self.frames: list[int] = []          # JSON bytes of each snapshot / patch received
        self.first = len(json.dumps(component.snapshot))
        current = component.patch                # a view drawn now gets the snapshot and the last patch
        if current and current["seq"] > self.seq:
            self._patch(type("Event", (), {"new": current}))
            self.frames.clear()
        component.param.watch(self._snapshot, "snapshot")
        component.param.watch(self._patch, "patch")

    def _snapshot(self, event):
        self.items, self.seq = list(event.new["items"]), event.new["seq"]
        self.frames.append(len(json.dumps(event.new)))

    def frames_or_snapshot(self) -> int:
        return self.first

    def fetch_missing(self):
        """Ask for the items the snapshot left out, as the browser does when they come near the viewport."""
        missing = [i for i, item in enumerate(self.items) if item is None]
        if missing:
            self.component._handle_msg({"want": missing})
        return missing

    def _patch(self, event):
        p = event.new
        assert p["base"] == self.seq, "a patch was sent on top of a state the browser does not have"
        self.items = (self.items + [None] * p["count"])[:p["count"]]
        for k, item in p["items"].items():
            self.items[int(k)] = item
        self.seq = p["seq"]
        self.frames.append(len(json.dumps(p)))


def _full_pages(room) -> list[str]:
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.ui.screenplay_html import preview_pages

    script = parse_fountain(room.text)
    marks = room.revision.changed_lines if room.revision is not None and room.revision.is_revision else None
    return preview_pages(script, paginate(script, room.paper, revised_lines=marks), room.revision,
                         title_page=room.show_title_page)


def test_an_edit_mid_feature_sends_only_its_pages_and_the_browser_pages_equal_a_full_render(studio_home, feature):
    from studio_kit.ui.script_room import ScriptRoom

    room = ScriptRoom(text=feature)
    assert len(room.preview.pages) >= 120                 # every page: no cap on the preview
    pages = BrowserCopy(room.preview)
    scenes, cards = BrowserCopy(room.scenes), BrowserCopy(room.cards)
    assert len(pages.items) == len(room.preview.pages) and 0 < pages.frames_or_snapshot() < 100_000
    assert pages.fetch_missing() and pages.items == _full_pages(room)

    middle = feature.index("\n\n", len(feature) // 2)
    text = feature[:middle] + " And the rain keeps falling." + feature[middle:]
    pages.frames.clear()
    room.editor.value_input = text
    assert room.timing["mode"] == "incremental"
    sent = pages.frames[-1] + (scenes.frames[-1] if scenes.frames else 0) + (cards.frames[-1] if cards.frames else 0)
    assert len(pages.frames) == 1 and len(room.preview.patch["items"]) <= 3
    assert pages.frames[-1] < 20_000 and sent < 20_000, (pages.frames, scenes.frames, cards.frames)
    assert pages.items == _full_pages(room)

    # several more edits, anywhere: a new scene mid-script, a deleted line, a long insert near the end, Enter
    lines = text.split("\n")
    edits = [
        lambda t: t[:middle] + "\n\nINT. NEW ROOM - DAY\n\nA clock ticks.\n" + t[middle:],
        lambda t: "\n".join(x for i, x in enumerate(t.split("\n")) if i != len(lines) // 3),
        lambda t: t[:-200] + "\n\nMAYA\nThis goes on and on. " * 8 + t[-200:],
        lambda t: t.replace("\n\n", "\n\n\n", 1),
    ]
    for edit in edits:
        room.editor.value_input = edit(room.text)
        assert pages.items == _full_pages(room) == room.preview.pages
        assert scenes.items == room.scenes.items and cards.items == room.cards.items
    assert max(pages.frames[1:]) < 60_000        # a patch, never every page again

    # a title page typed in, then shown, then the paper switched: the browser still equals a full render
    room.editor.value_input = "Title: The Long Night\nAuthor: A. Writer\n\n" + room.text
    assert pages.items == _full_pages(room)
    room.show_title_page = True
    assert pages.items == _full_pages(room) and "sr-titlepage" in pages.items[0]
    room.paper = "a4"                             # a new page size: a new snapshot, the first pages only
    pages.fetch_missing()
    assert pages.items == _full_pages(room)
    whole = room.preview.object                   # the pane's HTML for Python callers: every page in one string
    assert 'class="sr-empty' not in whole and len(re.findall(r'class="sr-page[ "]', whole)) == len(pages.items)


def test_a_browser_that_missed_a_patch_gets_every_page_again(studio_home):
    from studio_kit.ui.script_room import ScriptRoom

    room = ScriptRoom(text="INT. HALL - DAY\n\nA door.\n")
    pages = BrowserCopy(room.preview)
    room.editor.value_input = "INT. HALL - DAY\n\nA door opens.\n"
    room.preview.resync = pages.seq - 1           # what the browser sets when a patch's base is not its state
    assert pages.items == room.preview.pages == _full_pages(room)
    assert room.preview.snapshot["seq"] == pages.seq


@pytest.mark.browser
def test_typing_patches_the_page_and_the_last_page_of_a_long_script_scrolls_into_view(studio_home, serve_dashboard,
                                                                                       page, feature):
    from playwright.sync_api import expect

    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import open_store

    settings = get_settings()
    save_version(open_store().project(settings.org, settings.project), feature, name="feature.fountain")
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: failed.append(f"off-machine {r.url}")
            if not r.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")) else None)
    received: list[int] = []
    pulled: list[bool] = []                       # the session's document came over the websocket

    def _frame(f):
        received.append(len(f))
        if str(f[:8]).startswith('{"doc"'):
            pulled.append(True)
    log: list[str] = []

    def _ws(ws):
        log.append(f"open {ws.url}")
        ws.on("framereceived", _frame)
        ws.on("framereceived", lambda f: log.append(f"R {len(f)} {str(f[:70])} .. {str(f[-150:])}")
              if len(f) > 3000 else None)
        ws.on("framesent", lambda f: log.append(f"S {len(f)} {str(f[:70])}") if len(f) > 3000 else None)
        ws.on("close", lambda w: log.append("close"))
    page.on("websocket", _ws)
    page.goto(serve_dashboard("dashboards/script_room.py", env={"STUDIO_HOME": str(studio_home)}))
    page.locator("#scene-count").wait_for()
    page.locator(".fountain-editor .ace_content").wait_for()
    slots = page.locator(".sr-slot")
    expect(slots).to_have_count(_page_count(feature))      # every page has its place (no title page here)
    # only the pages near the viewport are drawn
    drawn = page.locator(".sr-slot .sr-page").count()
    assert 0 < drawn < 20

    # type on the first page: the page is patched with the new text
    page.locator(".fountain-editor .ace_content").click()
    page.locator(".fountain-editor.ace_editor").evaluate(      # the caret to the end of an action line on page 1
        "el => { const ed = el.__editor; ed.find('strolls through the park.'); ed.clearSelection(); ed.focus(); }")
    line = page.locator(".fountain-editor .ace_line", has_text="strolls through the park")
    for _ in range(300):
        if pulled:
            break
        page.wait_for_timeout(200)
    received.clear()
    log.append("typing")
    page.keyboard.type(" Quokka", delay=20)
    expect(line).to_contain_text("Quokka")
    expect(page.locator('.sr-page[data-page="1"]')).to_contain_text("Quokka", timeout=30_000)
    page.wait_for_timeout(1000)                   # the scene list and cards follow after a pause
    assert received and max(received) < 20_000, "\n".join(log)

    # scroll to the last page: it gets drawn when it comes near the viewport
    last = _page_count(feature)
    page.locator(".sr-scroll").evaluate("el => { el.scrollTop = el.scrollHeight; }")
    expect(page.locator(f'.sr-page[data-page="{last}"]')).to_have_count(1)
    expect(page.locator('.sr-page[data-page="1"]')).to_have_count(0)      # and the first one is dropped
    assert not failed, failed
    assert not errors, errors


def _page_count(text: str) -> int:
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate

    return paginate(parse_fountain(text)).page_count

