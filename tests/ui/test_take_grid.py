"""Take grid (Shot Generator tab): every slot with its candidates (AI shot + matched takes) as thumbnails;
the picks of several slots stored at once through service.cut_choice, on a real store, shown again after a
reload; a refused pick names its slot and keeps the others."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

PRODUCTION_TESTS = Path(__file__).parents[1] / "engines" / "production"
sys.path.insert(0, str(PRODUCTION_TESTS))
from clips import make_clip  # noqa: E402


def _production_fixtures():
    spec = importlib.util.spec_from_file_location("_production_conftest_for_take_grid",
                                                  PRODUCTION_TESTS / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_fixtures = _production_fixtures()
ctx, script_path, cast, plan = _fixtures.ctx, _fixtures.script_path, _fixtures.cast, _fixtures.plan


@pytest.fixture
def footage(plan, cast, tmp_path):
    from studio_kit.engines.production import service

    service.ingest_footage([make_clip(tmp_path / "S1_SH2_T1.mov"), make_clip(tmp_path / "S1_SH2_T2.mov"),
                            make_clip(tmp_path / "S2_T1.mov")], ctx=cast)
    return cast


def _stored(ctx, plan):
    from studio_kit.engines.production import cut

    return cut.load_choices(ctx, plan.script_name)


def test_the_grid_shows_every_slot_with_its_candidates(footage, plan):
    from studio_kit.ui.shot_generator import ShotGenerator
    from studio_kit.ui.take_grid import AI

    grid = ShotGenerator(context=footage).take_grid
    assert list(grid.rows) == [s.number for s in plan.active]              # one row per shot slot
    row = grid.rows["1.2"]
    assert list(row.pick.options.values()) == [AI, "S1_SH2_T1", "S1_SH2_T2"]  # the AI shot and its two takes
    html = row.pictures.object
    assert html.count("class='tg-cand'") == 3 and html.count("data:image/jpeg") == 3
    first_of_scene_2 = next(s.number for s in plan.active if s.scene_label == "2")
    assert "S2_T1" in grid.rows[first_of_scene_2].pick.options.values()     # a scene take: its master shot
    assert list(grid.rows["1.1"].pick.options.values()) == [AI]
    assert all(r.pick.value == AI for r in grid.rows.values()) and grid.changed() == []


def test_picks_for_several_slots_are_stored_at_once_and_survive_a_reload(footage, plan):
    from studio_kit.ui.shot_generator import ShotGenerator
    from studio_kit.ui.take_grid import AI

    gen = ShotGenerator(context=footage)
    grid = gen.take_grid
    scene2 = next(s.number for s in plan.active if s.scene_label == "2")
    grid.rows["1.2"].pick.value = "S1_SH2_T2"                             # as the director clicks it
    grid.rows["1.2"].in_frame.value = 30
    assert grid.rows["1.2"].match.visible                                  # next to the AI shot 1.1: offered
    grid.rows["1.2"].match.value = True
    grid.pick(scene2, "S2_T1", in_frame=5)
    assert grid.changed() == ["1.2", scene2] and "2 unsaved" in grid.summary.object
    assert "data-chosen='1'" in grid.rows["1.2"].pictures.object
    assert _stored(footage, plan) == {}                                    # nothing stored before Save
    grid.save_button.clicks += 1
    assert grid.alert.alert_type == "success" and f"Saved 2 slots: 1.2, {scene2}" in grid.alert.object
    stored = _stored(footage, plan)
    assert (stored["1.2"].source, stored["1.2"].take, stored["1.2"].in_frame) == ("take", "S1_SH2_T2", 30)
    assert stored["1.2"].extra["colour_match"]["reference"] == "AI shot 1.1"
    assert (stored[scene2].take, stored[scene2].in_frame, stored[scene2].extra) == ("S2_T1", 5, {})
    assert "REAL S1_SH2_T2" in gen.strip.object                             # the generator's strip follows

    again = ShotGenerator(context=footage).take_grid                       # what a reload builds
    assert (again.rows["1.2"].pick.value, again.rows["1.2"].in_frame.value, again.rows["1.2"].match.value) == (
        "S1_SH2_T2", 30, True)
    assert again.rows[scene2].pick.value == "S2_T1" and again.changed() == []

    again.pick("1.2", AI)                                                  # back to the AI shot
    again.save_button.clicks += 1
    assert _stored(footage, plan)["1.2"].source == "ai" and _stored(footage, plan)[scene2].take == "S2_T1"


def test_a_refused_pick_names_its_slot_and_keeps_the_rows_saved_before_it(footage, plan):
    from studio_kit.ui.shot_generator import ShotGenerator

    grid = ShotGenerator(context=footage).take_grid
    grid.pick("1.2", "S1_SH2_T1", in_frame=10)
    scene2 = next(s.number for s in plan.active if s.scene_label == "2")
    grid.pick(scene2, "S2_T1", in_frame=400)                               # past the take's 144 frames
    grid.save_button.clicks += 1
    assert grid.alert.alert_type == "danger"
    assert f"Shot {scene2}: In-frame 400 is outside take S2_T1" in grid.alert.object and "(1.2 saved)" in grid.alert.object
    assert "between 0 and 143" in grid.alert.object
    assert _stored(footage, plan)["1.2"].take == "S1_SH2_T1" and scene2 not in _stored(footage, plan)
    with pytest.raises(Exception, match="not a candidate for shot 1.1"):
        grid.pick("1.1", "S2_T1")


@pytest.mark.browser
@pytest.mark.slow
def test_in_the_browser_a_grid_pick_is_saved_and_shown_after_a_reload(footage, plan, studio_home,
                                                                        serve_dashboards_once, page):
    from browser_harness import studio_media
    from playwright.sync_api import expect

    args, env = studio_media(studio_home)
    base = serve_dashboards_once(["dashboards/shot_generator.py"], env={"STUDIO_HOME": str(studio_home), **env},
                                 args=args)
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{base}/shot_generator?org=acme&project=harbour")
    page.locator("#sg-frame").wait_for()
    page.locator(".bk-tab", has_text="Take grid").first.click()
    row = page.locator(".tg-row").nth(1)                                   # shot 1.2
    expect(row.locator(".tg-cands")).to_have_attribute("data-shot", "1.2")
    expect(row.locator(".tg-cand img")).to_have_count(3)
    row.get_by_role("button", name="S1_SH2_T2").click()
    expect(row.locator(".tg-cand[data-choice='S1_SH2_T2']")).to_have_attribute("data-chosen", "1")
    expect(page.locator("#tg-summary")).to_have_attribute("data-pending", "1")
    page.get_by_role("button", name="Save choices").click()
    page.locator(".alert", has_text="Saved 1 slot: 1.2").wait_for()
    assert _stored(footage, plan)["1.2"].take == "S1_SH2_T2"

    page.reload()
    page.locator("#sg-frame").wait_for()
    page.locator(".bk-tab", has_text="Take grid").first.click()
    row = page.locator(".tg-row").nth(1)
    expect(row.locator(".tg-cands")).to_have_attribute("data-stored", "S1_SH2_T2")
    expect(row.locator(".tg-cand[data-choice='S1_SH2_T2']")).to_have_attribute("data-chosen", "1")
    expect(page.locator("#tg-summary")).to_have_attribute("data-pending", "0")
    assert errors == []
