"""Every dashboard in dashboards/, served for real: opens the project's work offline with zero failed
requests, zero console errors, nothing leaving the machine and no unused BokehJS bundle (MathJax, WebGL),
and lays out without overflow on a 1366×768 laptop and a 1920×1080 screen (screenshots of both are kept
for review).

New dashboards are picked up by the glob: the coming ones (audio mixer, shot generator, marketing kit,
studio ops, admin) are held to the same rules as soon as their file exists.

One ``panel serve`` serves every dashboard (started once for the module, on one project holding a script
version); the pages are opened one after the other, each in a fresh browser context per screen size.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DASHBOARDS = sorted(p.stem for p in (REPO / "dashboards").glob("*.py") if not p.name.startswith("_"))
SIZES = [(1366, 768), (1920, 1080)]
#: dashboards that already follow the shared pattern (picker at the top, packaged fonts); a coming dashboard
#: joins this list once it calls project_picker.configure() and shows ProjectPicker
PICKER_REQUIRED = {"studio_home", "script_room", "breakdown_board", "character_lab", "audio_mixer",
                   "shot_generator", "studio_ops", "admin"}
SHOTS = Path(os.environ.get("STUDIO_UI_SHOTS", "/tmp/studio-ui-shots"))

pytestmark = [pytest.mark.browser, pytest.mark.slow]

#: walks the whole page including shadow roots; reports what overflows
OVERFLOW_JS = """
() => {
  const all = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      all.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  const out = [];
  const page = document.documentElement;
  if (page.scrollWidth > window.innerWidth + 1) out.push(`page scrolls sideways: ${page.scrollWidth} > ${window.innerWidth}`);
  const label = (el) => (el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ?
      '.' + el.className.trim().split(/\\s+/).join('.') : '') + ' "' + (el.textContent || '').trim().slice(0, 40) + '"');
  for (const el of all) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const st = getComputedStyle(el);
    if (st.visibility === 'hidden' || st.display === 'none') continue;
    const tag = el.tagName.toLowerCase();
    // a control whose own label is cut off (no ellipsis to say so)
    if ((tag === 'button' || el.classList.contains('bk-tab')) && el.scrollWidth > el.clientWidth + 2
        && st.textOverflow !== 'ellipsis') out.push(`clipped label: ${label(el)} ${el.scrollWidth}>${el.clientWidth}`);
    // a control sticking out of the right edge of the window
    if (['button', 'input', 'select', 'textarea'].includes(tag) && r.right > window.innerWidth + 1)
      out.push(`off screen: ${label(el)} right=${Math.round(r.right)} > ${window.innerWidth}`);
  }
  return out;
}
"""


def _project_with_work(studio_home: Path) -> None:
    """The current project holds a script version (what every dashboard should open)."""
    from studio_kit.config import get_settings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import open_store
    from studio_kit.ui.board_state import SAMPLE_SCRIPT

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, user="ana", title="The Last Reel")
    save_version(ctx, SAMPLE_SCRIPT.read_text(encoding="utf-8"), name="the_last_reel.fountain")


@pytest.fixture(scope="module")
def studio_server(tmp_path_factory, serve_dashboards_once):
    """One server for every dashboard, on a fresh STUDIO_HOME whose current project holds a script version."""
    from studio_kit.config import reset_settings
    from studio_kit.store import dispose_engines

    home = tmp_path_factory.mktemp("every-dashboard") / "studio-home"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("STUDIO_HOME", str(home))
        mp.delenv("STUDIO_DATABASE_URL", raising=False)
        reset_settings()
        try:
            _project_with_work(home)
            # a closed page's session is let go after 5 s (not bokeh's 15-32 s), so the work a page
            # left running (the mixer's voicing) stops instead of slowing the next dashboard
            yield serve_dashboards_once([f"dashboards/{d}.py" for d in DASHBOARDS], {"STUDIO_HOME": str(home)},
                                        args=["--check-unused-sessions", "1000", "--unused-session-lifetime", "5000"])
        finally:
            dispose_engines()
            reset_settings()


@pytest.mark.parametrize("dashboard", DASHBOARDS)
def test_dashboard_is_offline_error_free_and_fits_laptop_and_desktop(dashboard, studio_server, browser):
    url = f"{studio_server}/{dashboard}"
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width, height in SIZES:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.set_default_timeout(120_000)
        failed, errors, outside, scripts = [], [], [], []
        page.on("requestfailed", lambda r, failed=failed: failed.append(f"{r.url} ({r.failure})"))
        page.on("console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
        local = ("http://127.0.0.1", "data:", "blob:", "about:")
        page.on("request", lambda r, outside=outside, local=local: None if r.url.startswith(local) else outside.append(r.url))
        page.on("request", lambda r, scripts=scripts: scripts.append(r.url) if r.resource_type == "script" else None)
        page.goto(url)
        page.locator(".bk-panel-models-layout-Column, .bk-Column").first.wait_for(state="attached")
        if dashboard in PICKER_REQUIRED:
            page.locator(".sk-where").first.wait_for()               # rendered: the shared picker is up
        page.wait_for_load_state("networkidle")
        page.wait_for_timeout(2000)                                  # icons and fonts settle
        shot = SHOTS / f"{dashboard}-{width}x{height}.png"
        page.screenshot(path=str(shot), full_page=False)
        picker = page.locator(".sk-where")
        has_picker = picker.count() > 0 and picker.first.inner_text().startswith("Project default/demo")
        problems = page.evaluate(OVERFLOW_JS)
        fonts = page.evaluate("() => [...document.fonts].map(f => f.family)")
        context.close()
        assert outside == [], f"{dashboard} at {width}x{height} asked the internet for {outside}"
        assert failed == [], f"{dashboard} at {width}x{height}: failed requests {failed}"
        assert errors == [], f"{dashboard} at {width}x{height}: console errors {errors}"
        assert problems == [], f"{dashboard} at {width}x{height} overflows ({shot}): {problems[:10]}"
        # BokehJS's MathJax (1.8 MB) and WebGL bundles: no dashboard uses them (offline.leave_out_unused_bokehjs)
        unused = [u for u in scripts if "bokeh-mathjax" in u or "bokeh-gl" in u]
        assert unused == [], f"{dashboard} loads BokehJS bundles it does not use: {unused}"
        assert any("bokeh.min.js" in u for u in scripts), scripts
        if dashboard in PICKER_REQUIRED:
            assert has_picker, f"{dashboard} has no project picker (studio_kit.ui.project_picker.ProjectPicker)"
            assert any("Open Sans" in f for f in fonts), f"Open Sans is not declared from the package: {fonts}"
    shutil.copy(shot, SHOTS / f"{dashboard}-latest.png")
