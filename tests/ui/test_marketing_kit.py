"""The Marketing Kit dashboard, served for real and driven in headless Chromium."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = """Title: Kit Test

EXT. HARBOUR - DAY

MARA, 30s, a wiry woman in a yellow raincoat, waits on the pier.

MARA
The boat is late again.

INT. OFFICE - NIGHT

MARA
Who left this here?
"""


def test_switching_the_poster_layout_changes_the_preview_and_the_trailer_plays(studio_home, serve_dashboard, page,
                                                                                tmp_path):
    from playwright.sync_api import expect

    from studio_kit import media
    from studio_kit.store import open_store

    script = tmp_path / "kit.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    clip = tmp_path / "trailer.mp4"   # a real H.264/AAC file stands in for a rendered trailer in the project
    media.run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=320x180:rate=24:duration=4", "-f", "lavfi", "-i",
                      "sine=frequency=440:sample_rate=48000:duration=4", "-c:v", "libx264", "-pix_fmt", "yuv420p",
                      "-c:a", "aac", "-shortest", str(clip)], "test trailer")
    from studio_kit.config import get_settings

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, create=True)
    ctx.put_asset(clip, "marketing.trailer", "kit-test-trailer-30.mp4", meta={"qc": {"passed": True}})

    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    url = serve_dashboard("dashboards/marketing_kit.py", env={"STUDIO_HOME": str(studio_home),
                                                              "STUDIO_MARKETING_SCRIPT": str(script)})
    page.goto(url)
    page.set_default_timeout(120_000)
    poster = page.locator("img.mk-poster-img")
    expect(poster).to_have_attribute("data-layout", "one-sheet", timeout=120_000)
    first = poster.get_attribute("src")
    box = poster.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert box[1] > box[0]                                   # 2:3 portrait
    page.get_by_label("Poster layout").select_option("youtube-thumbnail")
    expect(poster).to_have_attribute("data-layout", "youtube-thumbnail")
    assert poster.get_attribute("src") != first
    box = poster.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert abs(box[0] / box[1] - 16 / 9) < 0.02             # the preview really is 16:9 now

    expect(page.locator(".mk-status")).to_contain_text("QC PASS")
    video = page.locator("video.mk-trailer")
    video.evaluate("v => { v.muted = true; return v.play(); }")
    played = 0.0
    for _ in range(60):                                      # the player lives in Bokeh's shadow DOM
        played = video.evaluate("v => v.currentTime")
        if played > 0.5:
            break
        page.wait_for_timeout(500)
    assert played > 0.5, f"the trailer did not play (currentTime {played})"
    assert failed == [] and errors == []
