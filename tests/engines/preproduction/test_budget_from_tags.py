"""The budget priced from what was tagged: animals + wranglers, VFX shots by complexity, stunts, SFX, vehicles,
a built set on a stage, weekly deals for leads on a feature, and every line citing its elements and days."""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from studio_kit.engines.preproduction.service import plan_package

CYBER_BOB = Path(__file__).resolve().parents[2] / "data" / "samples" / "fountain" / "Cyber_Bob_ep00001.fountain"


@pytest.fixture(scope="module")
def bob():
    return plan_package(CYBER_BOB, call_days=[], time_limit=2, num_workers=2, preset="indie-feature-medium",
                        start_date="2026-03-02")


def _lines(pkg, code):
    return {ln.description: ln for ln in pkg.budget.account(code).lines}


def test_animals_come_with_wranglers_and_cite_their_scenes_and_days(bob):
    animals = _lines(bob, "2600")
    chi = animals["Animal: SEVEN CHIHUAHUAS ×7"]
    assert chi.amount == 7 and "sc. 3" in chi.note and "shoot days" in chi.note
    wr = animals["Animal trainers / wranglers"]
    assert wr.units >= 2 and wr.labour
    assert not any("CYBER BOSS" in d or "DOG" in d and "(" in d and "lead" in d for d in _lines(bob, "1400"))


def test_vfx_shots_are_priced_by_complexity(bob):
    vfx = _lines(bob, "4300")
    cloud = vfx["VFX (complex): CYBER BOSS (CG CHARACTER)"]
    screen = vfx["VFX (simple): PHONE SCREEN GRAPHICS"]
    assert cloud.rate > screen.rate and cloud.unit_label == "shots"
    assert screen.amount == 6 and "sc. 1, 2, 3" in screen.note          # 2 shots in each of 3 scenes
    assert "VFX (complex): TALKING DOG" in vfx


def test_the_traffic_light_interior_is_a_built_set_on_a_stage(bob):
    stage = _lines(bob, "3050")["Stage rental: TRAFFIC LIGHT HORIZONTAL BEAM"]
    assert stage.units > 1 and "build/strike" in stage.note
    assert "Set construction: TRAFFIC LIGHT HORIZONTAL BEAM" in _lines(bob, "2450")
    assert not any("TRAFFIC LIGHT HORIZONTAL BEAM" in d for d in _lines(bob, "3000"))   # not a location fee


def test_voice_parts_are_sessions_and_traffic_is_priced(bob):
    assert any("voice artist" in d for d in _lines(bob, "1400"))
    assert "Background traffic (cars, drivers or traffic control)" in _lines(bob, "2600")


def test_stunts_and_sfx_get_their_own_lines(tmp_path):
    script = tmp_path / "chase.fountain"
    script.write_text("""EXT. ROOFTOP - NIGHT

Rain hammers the roof. KAI, 30, leaps across the gap and tackles a THUG.

KAI
Stay down.
""", encoding="utf-8")
    pkg = plan_package(script, call_days=[], time_limit=2, num_workers=2)
    stunts = _lines(pkg, "2900")
    assert {"Stunt coordinator", "Stunt performers (doubles)", "Stunt rigging, pads and safety",
            "Special effect: RAIN", "SFX supervisor"} <= set(stunts)
    assert "leap" in stunts["Stunt coordinator"].note and "day" in stunts["Stunt coordinator"].note


def test_leads_on_a_feature_get_weekly_deals_and_day_players_day_rates(tmp_path):
    scenes = []
    for i in range(14):
        scenes.append(f"INT. OFFICE {i} - DAY\n\nMAYA works.\n\nMAYA\nLine {i}.\n" +
                      ("\nOTTO\nHello.\n" if i == 3 else ""))
    path = tmp_path / "long.fountain"
    path.write_text("\n".join(scenes), encoding="utf-8")
    pkg = plan_package(path, call_days=[], time_limit=2, num_workers=2, preset="indie-feature-medium",
                       pages_per_day="1")
    cast = _lines(pkg, "1400")
    maya = next(ln for d, ln in cast.items() if "MAYA" in d)
    assert "weekly deal" in maya.description and maya.unit_label == "weeks"
    assert maya.units == (D(next(r for r in pkg.dood.rows if r.name == "MAYA").total) / 5).quantize(D("0.01"))
    otto = next(ln for d, ln in cast.items() if "OTTO" in d)
    assert otto.unit_label == "days" and "weekly" not in otto.description      # one day: paid by the day
    short = plan_package(path, call_days=[], time_limit=2, num_workers=2, preset="micro-short-medium",
                         pages_per_day="1")
    assert all(ln.unit_label == "days" for ln in short.budget.account("1400").lines)   # a short pays by the day
