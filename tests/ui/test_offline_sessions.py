"""Every resource comes from the server, however many sessions open at once and however slow the browser.

Under load (8 browsers opening a dashboard at once on 2 shared cores) Panel asked cdn.holoviz.org for
Tabulator's theme CSS, font-awesome and its own CSS. The cause: bokeh discards a session nobody has
connected to within ``--unused-session-lifetime`` (15 s by default); a browser still loading bokeh.js
after that opens its websocket with the page's token, and bokeh builds a *new* session for it on the
websocket, a path that never runs Panel's page renderer, so the stylesheet URLs Panel builds on its CDN
(``CDN_DIST``) and only rewrites to the server's ``static/extensions/panel/`` while rendering the page
stayed on the CDN. :func:`studio_kit.ui.offline.serve_panel_resources_locally` (run by every dashboard
through ``project_picker.configure()``) gives each session the server's resource path before anything
is built, whichever way it was created.

The first test makes that path happen every time (a 250 ms session lifetime and panel.min.js held back
1.5 s); the second opens 8 sessions at once and has each one search, as a producer's team would.
"""
from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

LOCAL = ("http://127.0.0.1", "data:", "blob:", "about:")
#: a session nobody connects to within 250 ms is discarded (bokeh's default is 15 s; a page that takes
#: longer than that to load, as 8 at once on 2 cores do, gets a session made on the websocket)
SHORT_LIFETIME = ["--check-unused-sessions", "250", "--unused-session-lifetime", "250"]


@pytest.fixture(scope="module")
def home_server(tmp_path_factory, serve_dashboards_once):
    """Studio Home (two Tabulators, the FAST design, icons) on a project holding a script version."""
    from studio_kit.config import get_settings, reset_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import dispose_engines, open_store
    from studio_kit.ui.board_state import SAMPLE_SCRIPT

    home = tmp_path_factory.mktemp("offline-sessions") / "studio-home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_HOME", str(home))
        mp.delenv("STUDIO_DATABASE_URL", raising=False)
        reset_settings()
        try:
            settings = get_settings()
            ctx = open_store().project(settings.org, settings.project, user="ana", title="The Last Reel")
            save_version(ctx, SAMPLE_SCRIPT.read_text(encoding="utf-8"), name="the_last_reel.fountain")
            yield serve_dashboards_once(["dashboards/studio_home.py"], {"STUDIO_HOME": str(home)},
                                        args=SHORT_LIFETIME) + "/studio_home"
        finally:
            dispose_engines()
            reset_settings()


def _watch(page, outside: list, failed: list, errors: list) -> None:
    page.on("request", lambda r: None if r.url.startswith(LOCAL) else outside.append(r.url))
    page.on("requestfailed", lambda r: failed.append(f"{r.url} ({r.failure})"))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))


def _panel_stylesheet_urls(page) -> list[str]:
    """Every stylesheet URL in the page, shadow roots included (Panel puts them in each component's)."""
    return page.evaluate("""() => {
      const out = [];
      const walk = (root) => {
        for (const el of root.querySelectorAll('link[rel=stylesheet]')) out.push(el.href);
        for (const el of root.querySelectorAll('*')) if (el.shadowRoot) walk(el.shadowRoot);
      };
      walk(document);
      return out;
    }""")


def test_a_session_made_on_the_websocket_loads_nothing_from_the_internet(home_server, browser):
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.set_default_timeout(120_000)
    outside, failed, errors = [], [], []
    _watch(page, outside, failed, errors)
    held = []

    def hold_back(route):             # a slow browser: the page's session is discarded before the websocket
        held.append(route.request.url)
        time.sleep(1.5)
        route.continue_()

    page.route("**/panel.min.js*", hold_back)
    page.goto(home_server)
    page.locator(".sk-where").first.wait_for()
    page.locator(".tabulator").first.wait_for()
    page.wait_for_load_state("networkidle")
    sheets = _panel_stylesheet_urls(page)
    context.close()
    assert held, "panel.min.js was not requested: the test no longer delays the websocket"
    assert outside == [], f"asked the internet for {sorted(set(outside))}"
    assert [s for s in sheets if not s.startswith(LOCAL)] == []
    assert any("tabulator" in s for s in sheets), "no Tabulator stylesheet found: the page did not render"
    assert failed == [] and errors == [], (failed, errors)


def test_eight_sessions_at_once_search_and_load_everything_from_the_server(home_server, browser):
    contexts = [browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(8)]
    pages = [c.new_page() for c in contexts]
    outside, failed, errors = [], [], []
    try:
        for p in pages:
            p.set_default_timeout(300_000)
            _watch(p, outside, failed, errors)
        for p in pages:                      # start all eight navigations before waiting on any
            p.evaluate("url => { window.location.href = url; }", home_server)
        for p in pages:
            p.locator(".sk-where").first.wait_for()
        for i, p in enumerate(pages):        # every session changes its Tabulator at about the same time
            box = p.get_by_placeholder("name contains…")
            box.fill(f"zzz{i}")
            box.press("Enter")
        for p in pages:
            p.get_by_text("0 asset(s)").first.wait_for()
            p.wait_for_load_state("networkidle")
        sheets = [s for p in pages for s in _panel_stylesheet_urls(p)]
    finally:
        for c in contexts:
            c.close()
    assert outside == [], f"8 sessions asked the internet for {sorted(set(outside))}"
    assert [s for s in sheets if not s.startswith(LOCAL)] == []
    assert failed == [] and errors == [], (failed[:5], errors[:5])
