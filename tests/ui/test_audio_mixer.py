"""The Audio Mixer dashboard, served for real and driven in headless Chromium."""
from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]

SCRIPT = """Title: Mixer Test

INT. KITCHEN - NIGHT

ANNA, 30s, a woman, pours tea. Rain on the window.

ANNA
You are up late again.

BEN
I could not sleep. The rain kept me up.

ANNA
Then sit with me for a while.
"""


def test_changing_the_duck_depth_and_remixing_changes_the_loudness_and_the_served_file(studio_home, serve_dashboard,
                                                                                        page, tmp_path):
    from playwright.sync_api import expect

    script = tmp_path / "mixer.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    url = serve_dashboard("dashboards/audio_mixer.py", env={"STUDIO_HOME": str(studio_home),
                                                            "STUDIO_MIXER_SCRIPT": str(script)})
    page.goto(url)
    page.set_default_timeout(120_000)
    status = page.locator(".am-status")
    expect(status).to_contain_text("QC streaming", timeout=180_000)
    expect(page.locator(".am-figures")).to_contain_text("PASS")
    first_lufs = page.locator("#am-lufs").inner_text()
    assert abs(float(first_lufs) + 14) <= 0.5
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download mix (24-bit WAV)").click()
    before = (tmp_path / "before.wav")
    dl.value.save_as(before)
    audio_src = page.locator(".am-play-mix audio").get_attribute("src")

    depth = page.get_by_label("Duck depth (dB)")
    depth.fill("30")
    depth.press("Enter")
    page.get_by_label("Delivery spec").select_option("ebu-r128")
    page.get_by_role("button", name="Re-mix").click()
    expect(status).to_contain_text("QC ebu-r128", timeout=120_000)
    expect(page.locator(".am-figures")).to_contain_text("30 dB")
    second_lufs = page.locator("#am-lufs").inner_text()
    assert abs(float(second_lufs) + 23) <= 0.5 and second_lufs != first_lufs
    with page.expect_download() as dl:
        page.get_by_role("button", name="Download mix (24-bit WAV)").click()
    after = tmp_path / "after.wav"
    dl.value.save_as(after)

    import soundfile as sf

    from studio_kit.engines.post.loudness import measure_file

    a, sr = sf.read(str(before))
    b, _ = sf.read(str(after))
    assert sr == 48000 and sf.info(str(after)).subtype == "PCM_24"
    assert a.shape == b.shape and not (abs(a - b) < 1e-6).all()            # a different mix was served
    assert abs(measure_file(after, "ebu-r128").loudness.integrated_lufs + 23) <= 0.5
    assert page.locator(".am-play-mix audio").get_attribute("src") != audio_src
    assert failed == [] and errors == []
