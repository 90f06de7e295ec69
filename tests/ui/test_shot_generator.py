"""The Shot Generator dashboard, served for real and driven in headless Chromium."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = """Title: Harbour Lights

EXT. HARBOUR - DAY

MARA (30s), wiry, with close-cropped grey hair, stands in a yellow raincoat.

MARA
Boat's late.

JONAH, 60, a stocky bearded man in a navy sweater, waves from the pier.

JONAH
It always is.
"""


@pytest.fixture
def seeded(studio_home, tmp_path):
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.production import service

    path = tmp_path / "harbour.fountain"
    path.write_text(SCRIPT)
    characters.create_from_script(path, "all")
    characters.lock("mara")
    service.render_shots(path, width=384, height=216)
    return path


def test_rerender_changes_the_frame_and_the_animatic_plays_for_the_films_length(seeded, studio_home,
                                                                               serve_dashboard, page):
    from playwright.sync_api import expect

    from studio_kit.engines.production import animatic, service

    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(serve_dashboard("dashboards/shot_generator.py", env={"STUDIO_HOME": str(studio_home)}))
    frame = page.locator("#sg-frame")
    frame.wait_for()
    before = frame.get_attribute("src")
    before_asset = frame.get_attribute("data-asset")
    page.get_by_label("Prompt tweak").fill("rain on the lens")
    page.get_by_role("button", name="Re-render").click()
    page.locator(".alert", has_text="Re-rendered 1.1").wait_for()
    expect(page.locator("#sg-frame")).not_to_have_attribute("data-asset", before_asset)
    assert page.locator("#sg-frame").get_attribute("src") != before
    assert len(service.shot_plan().shot("1.1").variants) == 2

    page.locator(".bk-tab", has_text="Animatic").first.click()
    page.get_by_role("button", name="Render animatic").click()
    page.locator(".alert", has_text="Animatic:").wait_for(timeout=180_000)
    video = page.locator("#sg-animatic")
    video.wait_for()
    duration = video.evaluate("v => new Promise(ok => v.readyState >= 1 ? ok(v.duration) : "
                              "v.addEventListener('loadedmetadata', () => ok(v.duration)))")
    timeline = service.film_timeline(seeded)
    film = (timeline.duration_frames + animatic.TITLE_FRAMES + animatic.END_FRAMES) / 24
    assert abs(duration - film) <= 1 / 24 + 0.03
    page.locator(".bk-tab", has_text="Timeline").first.click()
    expect(page.locator(".sg-slot").first).to_contain_text("AI")
    assert failed == [] and errors == []
