"""Budget arithmetic, presets, overrides and the budget derived from breakdown + schedule."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from studio_kit.domain.budget import Account, Budget, DetailLine, Fringe, TopSheetGroup
from studio_kit.domain.preproduction import (
    Breakdown,
    BreakdownCategory,
    BreakdownSheet,
    CastMember,
    Schedule,
    ShootDay,
    Strip,
    Tag,
)
from studio_kit.engines.preproduction.budget import (
    compute,
    evaluate_formula,
    line_fringes,
    line_subtotal,
    load_budget_data,
    resolve_preset,
    set_global,
    summary_line,
)
from studio_kit.engines.preproduction.budget_derive import derive_budget, derive_facts, dood_from_schedule
from studio_kit.engines.preproduction.budget_presets import build_budget
from studio_kit.exceptions import BudgetError

PAYROLL = {
    "FICA": Fringe(code="FICA", name="Social Security", percent=D("6.2"), cutoff=D("176100")),
    "FUTA": Fringe(code="FUTA", name="Federal unemployment", percent=D("0.6"), cutoff=D("7000")),
    "SUI": Fringe(code="SUI", name="State unemployment", percent=D("3.4"), cutoff=D("7000")),
    "MEDI": Fringe(code="MEDI", name="Medicare", percent=D("1.45")),
}


def _budget(lines_by_group: dict[TopSheetGroup, list[DetailLine]], contingency=D("10")) -> Budget:
    accounts = [Account(code=str(1000 * (i + 1)), name=g.label, group=g, lines=lines)
                for i, (g, lines) in enumerate(lines_by_group.items())]
    return Budget(title="Test", accounts=accounts, fringes=PAYROLL, contingency_percent=contingency)


def test_detail_line_is_amount_times_units_times_rate_times_multiplier_in_cents():
    line = DetailLine(description="Grips", amount=D(2), units=D("4.4"), rate=D("1900"), multiplier=D("1.5"))
    assert line_subtotal(line) == D("25080.00")
    odd = DetailLine(description="Thirds", amount=D(1), units=D("3"), rate=D("0.335"))
    assert line_subtotal(odd) == D("1.01")          # 1.005 rounds half away from zero, like the spreadsheet


def test_fringe_cutoff_caps_the_wage_base_per_person():
    crew = DetailLine(description="Two electricians", amount=D(2), units=D(10), unit_label="weeks", rate=D(1000),
                      fringes=["FICA", "FUTA", "SUI", "MEDI"], labour=True)
    b = _budget({TopSheetGroup.BELOW_THE_LINE: [crew]})
    fr = line_fringes(crew, b)
    # each earns 10,000: FUTA/SUI stop at 7,000 per person, FICA and Medicare do not
    assert fr == {"FICA": D("1240.00"), "FUTA": D("84.00"), "SUI": D("476.00"), "MEDI": D("290.00")}
    star = DetailLine(description="Lead", amount=D(1), units=D(1), rate=D(200000), fringes=["FICA", "MEDI"], labour=True)
    assert line_fringes(star, b) == {"FICA": D("10918.20"), "MEDI": D("2900.00")}   # 6.2 % of the 176,100 base
    gear = DetailLine(description="Camera package", units=D(4), rate=D(4500), fringes=["FICA"], labour=False)
    assert line_fringes(gear, b) == {}


def test_totals_per_account_group_contingency_and_grand_total():
    b = _budget({
        TopSheetGroup.ABOVE_THE_LINE: [DetailLine(description="Director", rate=D(50000), fringes=["MEDI"], labour=True)],
        TopSheetGroup.BELOW_THE_LINE: [DetailLine(description="Camera", units=D(4), rate=D(4500))],
        TopSheetGroup.POST: [DetailLine(description="Mix", rate=D("12000.50"))],
        TopSheetGroup.OTHER: [DetailLine(description="Insurance", rate=D(3000))],
    }, contingency=D("7.5"))
    top = compute(b)
    assert top.groups[TopSheetGroup.ABOVE_THE_LINE] == D("50725.00")            # 50,000 + 1.45 % Medicare
    assert top.contingency == D("2250.04")                                      # 7.5 % of (18,000 + 12,000.50)
    assert top.group_total(TopSheetGroup.OTHER) == D("5250.04")
    assert top.grand_total == D("50725.00") + D("18000") + D("12000.50") + D("3000") + D("2250.04")
    assert "total $85,975.54 (contingency 7.5%)" in summary_line(top)


def test_formulas_of_globals_and_bad_formulas():
    assert evaluate_formula("ROUND(SHOOT_DAYS / DAYS_PER_WEEK, 1)", {"SHOOT_DAYS": D(22), "DAYS_PER_WEEK": D(5)}) == D("4.4")
    assert evaluate_formula("PREP_WEEKS / 2 + 0.4", {"PREP_WEEKS": D(3)}) == D("1.9")
    with pytest.raises(BudgetError, match="unknown global NOPE"):
        evaluate_formula("NOPE * 2", {"A": D(1)})
    with pytest.raises(BudgetError, match="unsupported"):
        evaluate_formula("__import__('os')", {})
    with pytest.raises(BudgetError, match="divides by zero"):
        evaluate_formula("A / B", {"A": D(1), "B": D(0)})


def test_shoot_days_global_drives_every_weekly_line():
    b = build_budget("indie-feature-medium")
    camera = next(ln for ln in b.account("2200").lines if ln.description == "Camera package")
    assert b.globals["SHOOT_WEEKS"].value == D(4) and camera.units == D(4)
    before = compute(b).grand_total
    set_global(b, "SHOOT_DAYS", 30)
    assert b.globals["SHOOT_WEEKS"].value == D(6) and camera.units == D(6)
    assert compute(b).grand_total > before


@pytest.mark.parametrize("scale", ["micro-short", "indie-feature"])
def test_presets_scale_low_medium_high(scale):
    totals = [compute(build_budget(f"{scale}-{lvl}")).grand_total for lvl in ("low", "medium", "high")]
    assert totals[0] < totals[1] < totals[2]
    assert all(t == t.quantize(D("0.01")) for t in totals)


def test_indie_feature_medium_shares_are_industry_typical():
    shares = compute(build_budget("indie-medium")).shares()
    assert 0.25 <= shares[TopSheetGroup.ABOVE_THE_LINE] <= 0.35
    assert 0.40 <= shares[TopSheetGroup.BELOW_THE_LINE] <= 0.50
    assert 0.10 <= shares[TopSheetGroup.POST] <= 0.20
    assert 0.05 <= shares[TopSheetGroup.OTHER] <= 0.10
    assert abs(sum(shares.values()) - 1) < 1e-9


def test_preset_aliases_and_unknown_preset():
    assert resolve_preset("indie-medium") == "indie-feature-medium"
    assert resolve_preset("Micro-Short-Low") == "micro-short-low"
    with pytest.raises(BudgetError, match="Unknown budget preset 'blockbuster'") as exc:
        resolve_preset("blockbuster")
    assert "indie-feature-high" in exc.value.hint


def test_contingency_override_and_range():
    assert compute(build_budget("micro-short-medium", contingency_percent=0)).contingency == 0
    with pytest.raises(BudgetError, match="out of range"):
        build_budget("micro-short-medium", contingency_percent=150)


def test_project_override_yaml_deep_merges_over_the_package(tmp_path):
    over = tmp_path / "rates.yaml"
    over.write_text("crew_week:\n  director_of_photography:\n    medium: 5000\nfringes:\n  SUI: {percent: 1.0}\n")
    data = load_budget_data(over)
    assert data["crew_week"]["director_of_photography"]["title"] == "Director of photography"   # kept
    assert data["fringes"]["SUI"]["cutoff"] == 7000                                              # kept
    b = build_budget("indie-feature-medium", data=data)
    dp = next(ln for ln in b.account("2200").lines if ln.description == "Director of photography")
    assert dp.rate == D(5000) and b.fringes["SUI"].percent == D("1.0")
    gaffer = next(ln for ln in b.account("2300").lines if ln.description == "Gaffer")
    assert gaffer.rate == D(2200)
    bad = tmp_path / "bad.yaml"
    bad.write_text("crew_week: [unclosed\n")
    with pytest.raises(BudgetError, match="not valid YAML"):
        load_budget_data(bad)
    with pytest.raises(BudgetError, match="does not exist"):
        load_budget_data(tmp_path / "missing.yaml")


def test_unknown_fringe_code_in_override_is_named(tmp_path):
    data = load_budget_data({"fringe_sets": {"payroll": ["FICA", "XYZ"]}})
    with pytest.raises(BudgetError, match="unknown fringe XYZ"):
        build_budget("micro-short-medium", data=data)


# -- derived from the boards ------------------------------------------------------

def _strip(idx, site, cast, eighths=8, night=False):
    return Strip(scene_index=idx, scene_number=str(idx + 1), heading=f"INT. {site} - DAY", int_ext="INT",
                 location=site, site=site, eighths=eighths, cast_ids=cast, night=night)


def _boards():
    """4 shoot days: ANA (1) works days 1, 2, 4 (hold on 3); BEN (2) day 1; CARL (3) days 2–4; DORA (4) day 3."""
    days = [[_strip(0, "DINER", [1, 2]), _strip(1, "DINER", [1])],
            [_strip(2, "PARK", [1, 3])],
            [_strip(3, "PARK", [3, 4]), _strip(4, "DINER", [3])],
            [_strip(5, "ROOFTOP", [1, 3], eighths=4)]]
    sched = Schedule(title="Boards", days=[ShootDay(number=n + 1, strips=s, eighths=sum(x.eighths for x in s))
                                           for n, s in enumerate(days)],
                     cast_names={1: "ANA", 2: "BEN", 3: "CARL", 4: "DORA"})
    crowd = Tag(category=BreakdownCategory.EXTRAS_ATMOSPHERE, name="Diners", element_id="extras:diners", count=12)
    walkers = Tag(category=BreakdownCategory.EXTRAS_ATMOSPHERE, name="Joggers", element_id="extras:joggers")
    sheets = []
    for s in sched.strips:
        tags = [crowd] if s.location == "DINER" else [walkers] if s.scene_index == 2 else []
        sheets.append(BreakdownSheet(scene_index=s.scene_index, scene_number=s.scene_number, heading=s.heading,
                                     location=s.location, eighths=s.eighths, tags=tags))
    bd = Breakdown(title="Boards", sheets=sorted(sheets, key=lambda x: x.scene_index),
                   cast=[CastMember(id=i, name=n) for i, n in sched.cast_names.items()])
    return bd, sched


def test_dood_days_locations_extras_and_ai_quantities_come_from_the_boards():
    bd, sched = _boards()
    dood = dood_from_schedule(sched)
    ana = dood.row(1)
    assert [c.value for c in ana.codes] == ["SW", "W", "H", "WF"] and (ana.work, ana.hold) == (3, 1)
    facts = derive_facts(bd, sched, level="medium")
    cast = {c.name: c for c in facts.cast}
    assert (cast["ANA"].tier, cast["ANA"].paid_days) == ("lead", 4)
    assert (cast["CARL"].tier, cast["CARL"].paid_days) == ("supporting", 3)
    assert (cast["DORA"].tier, cast["DORA"].paid_days) == ("day_player", 1)
    assert {loc.name: loc.days for loc in facts.locations} == {"DINER": 2, "PARK": 2, "ROOFTOP": 1}
    # diners: 12 heads on days 1 and 3 (twice on day 1, counted once); joggers: 10 heads per tag (medium) on day 2
    assert facts.extras_person_days == 12 + 10 + 12
    assert facts.shoot_days == 4 and facts.scenes == 6
    assert facts.runtime_minutes == D("5.5")                        # 44 eighths


def test_derived_budget_prices_cast_locations_and_ai_lines():
    bd, sched = _boards()
    b = derive_budget(bd, sched, "indie-medium", shots=50)
    assert b.globals["SHOOT_DAYS"].value == 4
    cast = {ln.description: ln for ln in b.account("1400").lines}
    ana = cast["1. ANA (lead)"]
    assert (ana.units, ana.rate, ana.labour) == (D(4), D(2000), True) and "SAG" in ana.fringes
    assert cast["4. DORA (day player)"].rate == D(700)
    locs = {ln.description: ln for ln in b.account("3000").lines}
    assert locs["Location fee: DINER"].units == 2 and locs["Location fee: DINER"].rate == 1500
    assert locs["Permits & site fees"].amount == 3
    ai = {ln.description: ln for ln in b.account("4400").lines}
    gpu = ai["GPU generation (image & video shots)"]
    assert line_subtotal(gpu) == D("50.00")                          # 50 shots × 0.4 GPU h × $2.50
    music = ai["Generated score"]
    assert music.units == D("3.3") and line_subtotal(music) == D("26.40")   # 5.5 min × 0.6, × 4 takes × $2
    assert "Synthetic voice (dialogue)" in ai                         # estimated without a script
    bg = b.account("2100").lines[0]
    assert bg.amount == 34 and bg.rate == 180


def test_derived_budget_without_shoot_days_is_refused():
    bd, sched = _boards()
    with pytest.raises(BudgetError, match="no shoot days"):
        derive_budget(bd, sched.model_copy(update={"days": []}))


def test_budget_of_a_sample_script_through_the_preproduction_engines(samples_dir):
    pytest.importorskip("studio_kit.engines.writing.fountain")
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.preproduction.schedule import schedule_breakdown
    from studio_kit.engines.writing.io import load_script

    script = load_script(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain")
    bd = break_down(script)
    sched = schedule_breakdown(bd, time_limit=2, num_workers=1)
    b = derive_budget(bd, sched, "micro-short-medium", script=script)
    top = compute(b)
    assert b.globals["SHOOT_DAYS"].value == len(sched.days)
    # issue 14: only on-camera actors are cast days; a CG cloud is VFX, a dog is an animal (a talking one
    # gets a voice session), so the cast account no longer has one day-rate line per cast-list entry
    actors = [m for m in bd.cast if m.on_camera_actor]
    cast_lines = b.account("1400").lines
    assert [ln for ln in cast_lines if "voice" not in ln.description] and \
        len([ln for ln in cast_lines if "voice" not in ln.description]) == len(actors)
    assert not any("CYBER BOSS" in ln.description for ln in cast_lines)
    voice = next(ln for ln in b.account("4400").lines if ln.description.startswith("Synthetic voice"))
    words = sum(len(blk.text.split()) for s in script.scenes for blk in s.dialogue)
    assert voice.units == max(D("0.1"), (D(words) / 150).quantize(D("0.1")))
    assert top.grand_total > 0


def test_detail_table_edits_flow_into_the_totals():
    from studio_kit.engines.preproduction.budget import detail_rows, update_line

    b = build_budget("micro-short-medium")
    rows = detail_rows(b)
    assert sum(r["total"] for r in rows) + compute(b).contingency == compute(b).grand_total
    cam = next(r for r in rows if r["description"] == "Camera package")
    update_line(b, cam["account"], cam["line"], rate="6000", units=2)
    line = b.account(cam["account"]).lines[cam["line"]]
    assert line_subtotal(line) == D("12000.00") and line.units_formula is None
    set_global(b, "SHOOT_DAYS", 10)                       # typed units no longer follow the global
    assert line.units == 2
    with pytest.raises(BudgetError, match="cannot be edited"):
        update_line(b, cam["account"], cam["line"], fringes=["SAG"])
    with pytest.raises(BudgetError, match="expected a number"):
        update_line(b, cam["account"], cam["line"], rate="lots")
    with pytest.raises(BudgetError, match="no line 99"):
        update_line(b, cam["account"], 99, rate=1)


def test_project_can_add_its_own_preset_through_the_override(tmp_path):
    over = tmp_path / "project.yaml"
    over.write_text(
        "presets:\n"
        "  festival-short:\n"
        "    scale: micro-short\n"
        "    level: high\n"
        "    contingency_percent: 5\n"
        "    globals: {SHOOT_DAYS: 4, PREP_WEEKS: 2, WRAP_WEEKS: 1, POST_WEEKS: 3, DAYS_PER_WEEK: 6}\n"
        "    defaults: {cast: {lead: [1, 4]}, locations: [2, 2], scenes: 10, runtime_minutes: 12,"
        " dialogue_words: 1000}\n")
    b = build_budget("festival-short", data=load_budget_data(over))
    assert b.preset == "festival-short" and b.contingency_percent == 5
    assert b.globals["SHOOT_WEEKS"].value == D("0.7")                  # ROUND(4 / 6, 1)
    assert [ln.description for ln in b.account("1400").lines] == ["1. Lead 1 (lead)"]
    assert b.account("1400").lines[0].rate == D(5000)                  # high-level lead day rate
