"""The 3D nudges of the Shot Generator, served for real and driven in headless Chromium: an orbit and a lens
change redraw the shot in 3D, the nudge is stored (a reload shows it), the camera plan tab shows the line flags."""
from __future__ import annotations

import json

import pytest
from previz3d_scenes import BOOTH

from studio_kit.backends.image.blender3d.backend import bpy_installed

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not bpy_installed(), reason="bpy (extra previz3d) is not installed")]

SCRIPT = BOOTH


@pytest.fixture
def seeded(studio_home, tmp_path):
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.production import service

    path = tmp_path / "booth.fountain"
    path.write_text(SCRIPT)
    characters.create_from_script(path, "all")
    characters.lock("maya")
    service.render_shots(path, width=320, height=180, backend="blender3d")
    return path


def test_orbit_and_lens_nudges_redraw_the_shot_and_survive_a_reload(seeded, studio_home, serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.production import service

    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    url = serve_dashboard("dashboards/shot_generator.py", env={"STUDIO_HOME": str(studio_home)})
    page.goto(url)
    page.locator("#sg-frame").wait_for()
    page.locator(".bk-tab", has_text="3D nudges").first.click()
    frame = page.locator("#pn-frame")
    frame.wait_for()
    number, before = frame.get_attribute("data-shot"), frame.get_attribute("data-asset")
    page.get_by_role("button", name="Orbit +15° ⟳").click()
    page.locator(".alert", has_text="redrawn in 3D").wait_for(timeout=120_000)
    expect(page.locator("#pn-frame")).not_to_have_attribute("data-asset", before)
    page.get_by_role("button", name="85 mm").click()
    expect(page.locator("#pn-frame")).to_have_attribute("data-previz", json.dumps({"lens": 85.0, "orbit": 15.0}),
                                                        timeout=120_000)
    stored = service.shot_plan().shot(number)
    assert stored.previz == {"orbit": 15.0, "lens": 85.0} and len(stored.variants) == 3
    page.reload()
    page.locator("#sg-frame").wait_for()
    expect(page.locator("#sg-frame")).to_have_attribute("data-asset", str(stored.asset_id))
    page.locator(".bk-tab", has_text="3D nudges").first.click()
    expect(page.locator("#pn-frame")).to_have_attribute("data-previz", json.dumps({"lens": 85.0, "orbit": 15.0}))
    page.locator(".bk-tab", has_text="Camera plan").first.click()
    expect(page.locator(".line-flag").first).to_be_visible()
    assert failed == [] and errors == []
