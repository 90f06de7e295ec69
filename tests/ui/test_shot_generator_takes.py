"""The Shot Generator's cut: a shot slot cut to a real ingested take (or back to its AI shot) through the
production service, on a real SQLite store; served for real, the choice survives a reload and the animatic
plays from the /studio-media/ file route (range requests), not from a data URL."""
from __future__ import annotations

import importlib.util
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

PRODUCTION_TESTS = Path(__file__).parents[1] / "engines" / "production"
sys.path.insert(0, str(PRODUCTION_TESTS))
from clips import make_clip  # noqa: E402  (the production tests' folder goes on sys.path first)


def _production_fixtures():
    """tests/engines/production/conftest.py: the Harbour Lights script, its cast locked, its shots drawn."""
    spec = importlib.util.spec_from_file_location("_production_conftest_for_ui", PRODUCTION_TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_fixtures = _production_fixtures()
ctx, script_path, cast, plan = _fixtures.ctx, _fixtures.script_path, _fixtures.cast, _fixtures.plan
TAKE = "S1_SH2_T1"


@pytest.fixture
def footage(plan, cast, tmp_path):
    from studio_kit.engines.production import service

    service.ingest_footage([make_clip(tmp_path / f"{TAKE}.mov")], ctx=cast)
    return cast


def _stored(ctx, plan):
    from studio_kit.engines.production import cut

    return cut.load_choices(ctx, plan.script_name)


def test_choosing_a_take_stores_it_through_the_service_and_bad_input_shows_the_services_error(footage, plan):
    from studio_kit.engines.production import service
    from studio_kit.ui.shot_generator import AI, ShotGenerator

    gen = ShotGenerator(context=footage)
    gen.select("1.2")
    assert gen.cut_source.value == AI and TAKE in gen.cut_source.options.values()
    label = next(k for k, v in gen.cut_source.options.items() if v == TAKE)
    assert "144 frames" in label and "this shot" in label          # the take the slate names comes first
    assert list(gen.cut_source.options.values())[1] == TAKE

    gen.cut_source.value = TAKE
    assert "sg-take-thumb" in gen.cut_info.object and "data:image/jpeg" in gen.cut_info.object
    gen.in_frame.value, gen.cut_note.value = 12, "the wave"
    gen.cut_button.clicks += 1
    assert gen.alert.alert_type == "success" and "take S1_SH2_T1 from frame 12" in gen.alert.object
    choice = _stored(footage, plan)["1.2"]
    assert (choice.source, choice.take, choice.in_frame, choice.note) == ("take", TAKE, 12, "the wave")
    assert "REAL S1_SH2_T1" in gen.strip.object

    again = ShotGenerator(context=footage)                       # what a reload builds
    again.select("1.2")
    assert (again.cut_source.value, again.in_frame.value, again.cut_note.value) == (TAKE, 12, "the wave")
    assert "data-source='take'" in again.cut_info.object

    gen.in_frame.value = 500                                       # past the take's 144 frames
    gen.cut_button.clicks += 1
    assert gen.alert.alert_type == "danger"
    assert "In-frame 500 is outside take S1_SH2_T1 (144 frames)" in gen.alert.object
    assert "between 0 and 143" in gen.alert.object
    gen._act(lambda: gen.choose_cut("take", take="S9_T9"))
    assert gen.alert.alert_type == "danger" and "No ingested take 'S9_T9'" in gen.alert.object
    assert "S1_SH2_T1" in gen.alert.object                          # the fix lists the takes there are
    assert _stored(footage, plan)["1.2"].in_frame == 12               # refused choices stored nothing

    gen.cut_source.value = AI
    gen.cut_button.clicks += 1
    assert _stored(footage, plan)["1.2"].source == "ai"
    assert service.cut_choice("1.1", source="ai", ctx=footage)["1.2"].source == "ai"


def test_without_a_server_route_the_animatic_is_embedded(footage, plan, script_path, tmp_path, monkeypatch):
    from studio_kit.engines.production import service
    from studio_kit.ui import shot_generator

    monkeypatch.setenv(shot_generator.MEDIA_ENV, str(tmp_path / "previews"))    # set, but no server session
    service.render_animatic(script_path, tmp_path / "a.mp4", ctx=footage)
    gen = shot_generator.ShotGenerator(context=footage)
    assert "src='data:video/mp4;base64," in gen.video.object
    assert not (tmp_path / "previews").exists()


def test_publish_media_names_files_by_content(tmp_path):
    from studio_kit.ui.shot_generator import (
        media_dir,
        media_serve_options,
        publish_media,
    )

    a = publish_media(b"one", tmp_path, "animatic", ".mp4")
    assert a == publish_media(b"one", tmp_path, "animatic", ".mp4") != publish_media(b"two", tmp_path, "animatic", ".mp4")
    assert (tmp_path / a).read_bytes() == b"one" and a.startswith("animatic-") and a.endswith(".mp4")
    args, env = media_serve_options(tmp_path / "home")
    assert args == ["--plugins", "studio_kit.ui.media_route"]        # the checked route (test_media_route.py)
    assert Path(env["STUDIO_MEDIA_DIR"]) == (tmp_path / "home" / "previews").resolve() == media_dir(tmp_path / "home")
    assert Path(env["STUDIO_MEDIA_DIR"]).is_dir()


def test_previews_nobody_opened_for_a_week_go_when_another_is_published(tmp_path):
    import os
    import time

    from studio_kit.ui.shot_generator import MEDIA_MAX_AGE_S, publish_media

    old = publish_media(b"old cut", tmp_path, "animatic", ".mp4")
    kept = publish_media(b"watched cut", tmp_path, "animatic", ".mp4")
    stale = time.time() - MEDIA_MAX_AGE_S - 60
    for name in (old, kept):
        os.utime(tmp_path / name, (stale, stale))
    assert publish_media(b"watched cut", tmp_path, "animatic", ".mp4") == kept      # opened again: touched
    new = publish_media(b"new cut", tmp_path, "animatic", ".mp4")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([kept, new])      # the unwatched one went


@pytest.mark.browser
@pytest.mark.slow
def test_a_picked_take_survives_a_reload_and_the_animatic_streams_from_a_file_route(
        footage, plan, script_path, studio_home, tmp_path, serve_dashboards_once, page):
    from browser_harness import studio_media
    from playwright.sync_api import expect

    from studio_kit.engines.production import service

    service.render_animatic(script_path, tmp_path / "a.mp4", ctx=footage)
    args, env = studio_media(studio_home)
    base = serve_dashboards_once(["dashboards/shot_generator.py"], env={"STUDIO_HOME": str(studio_home), **env},
                                 args=args)
    url = f"{base}/shot_generator?org=acme&project=harbour"
    failed, errors = [], []
    page.on("requestfailed", lambda r: failed.append(r.url))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(url)
    page.locator("#sg-frame").wait_for()
    page.get_by_role("listbox").first.select_option("1.2")     # the sidebar's shot list
    expect(page.locator("#sg-cut")).to_have_attribute("data-shot", "1.2")
    expect(page.locator("#sg-cut")).to_contain_text("In the cut: AI shot")
    page.get_by_label("Cut to").select_option(label=f"{TAKE} · 144 frames · this shot")
    expect(page.locator(".sg-take-thumb")).to_be_visible()
    page.get_by_label("In-frame").fill("500")
    page.get_by_label("In-frame").press("Enter")
    page.get_by_role("button", name="Use in cut").click()
    page.locator(".alert", has_text="In-frame 500 is outside take").wait_for()
    page.get_by_label("In-frame").fill("24")
    page.get_by_label("In-frame").press("Enter")
    page.get_by_role("button", name="Use in cut").click()
    page.locator(".alert", has_text="is cut to take S1_SH2_T1 from frame 24").wait_for()
    assert service.shot_plan(ctx=footage) and _stored(footage, plan)["1.2"].in_frame == 24

    page.reload()
    page.locator("#sg-frame").wait_for()
    page.get_by_role("listbox").first.select_option("1.2")
    expect(page.locator("#sg-cut")).to_have_attribute("data-shot", "1.2")
    expect(page.locator("#sg-cut")).to_have_attribute("data-take", TAKE)
    expect(page.get_by_label("Cut to")).to_have_value(f"{TAKE} · 144 frames · this shot")
    expect(page.get_by_label("In-frame")).to_have_value("24")

    page.locator(".bk-tab", has_text="Animatic").first.click()
    video = page.locator("#sg-animatic")
    video.wait_for()
    src = video.evaluate("v => v.src")
    assert src.startswith(f"{base}/studio-media/acme/harbour/animatic-") and ".mp4?u=" in src
    duration = video.evaluate("v => new Promise(ok => v.readyState >= 1 ? ok(v.duration) : "
                              "v.addEventListener('loadedmetadata', () => ok(v.duration)))")
    assert duration > 1
    request = urllib.request.Request(src, headers={"Range": "bytes=0-99"})
    with urllib.request.urlopen(request, timeout=30) as r:
        assert r.status == 206 and len(r.read()) == 100
        assert r.headers["Content-Range"].startswith("bytes 0-99/")
    with pytest.raises(urllib.error.HTTPError) as refused:          # only the previews folder, not the home
        urllib.request.urlopen(f"{base}/studio-media/acme/harbour/..%2F..%2F..%2Fstudio.db", timeout=30)
    assert refused.value.code in (403, 404)
    assert failed == [] and errors == []
