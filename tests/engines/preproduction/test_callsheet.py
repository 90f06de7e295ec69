"""Call sheets: header, sun times, scenes, cast calls, requirements, advance schedule, HTML and PDF."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from pypdf import PdfReader

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
from studio_kit.engines.preproduction.callsheet import (
    TO_BE_CONFIRMED,
    WEATHER_BLANK,
    CallSheetError,
    CallSheetSettings,
    build_call_sheet,
    render_html,
    write_html,
    write_pdf,
)

C = BreakdownCategory
MONDAY = dt.date(2026, 6, 22)   # the Monday after the June solstice


def _strip(idx, loc, cast, eighths, night=False, ie="INT"):
    return Strip(scene_index=idx, scene_number=str(idx + 1), heading=f"{ie}. {loc} - {'NIGHT' if night else 'DAY'}",
                 int_ext=ie, time_of_day="NIGHT" if night else "DAY", night=night, location=loc, site=loc,
                 eighths=eighths, cast_ids=cast, synopsis=f"Scene {idx + 1} happens")


def _tag(cat, name, count=None):
    return Tag(category=cat, name=name, element_id=f"{cat.value}:{name.lower()}", count=count)


@pytest.fixture
def boards():
    """3 shoot days; ANA (1) and BEN (2) lead, CARL (3) works one day (a day player)."""
    days = [[_strip(0, "DINER", [1, 2], 12), _strip(3, "DINER", [1], 3)],
            [_strip(1, "PARK", [1, 2, 3], 10, ie="EXT"), _strip(4, "ALLEY", [2], 5, night=True, ie="EXT")],
            [_strip(2, "ROOFTOP", [1, 2], 6, night=True, ie="EXT")]]
    sched = Schedule(title="Night Shift", days=[
        ShootDay(number=n + 1, strips=s, eighths=sum(x.eighths for x in s), company_moves=len({x.site for x in s}) - 1)
        for n, s in enumerate(days)], cast_names={1: "ANA", 2: "BEN", 3: "CARL"})
    tags = {0: [_tag(C.EXTRAS_ATMOSPHERE, "Diners", 12), _tag(C.PROPS, "Coffee pot")],
            1: [_tag(C.EXTRAS_ATMOSPHERE, "Joggers"), _tag(C.ANIMALS, "Dog"), _tag(C.PROPS, "Frisbee"),
                _tag(C.STUNTS, "Fall")],
            2: [_tag(C.SPECIAL_EFFECTS, "Rain")],
            4: [_tag(C.VEHICLES, "Taxi"), _tag(C.PROPS, "Frisbee")]}
    sheets = [BreakdownSheet(scene_index=s.scene_index, scene_number=s.scene_number, heading=s.heading,
                             location=s.location, eighths=s.eighths, tags=tags.get(s.scene_index, []))
              for s in sched.strips]
    bd = Breakdown(title="Night Shift", sheets=sorted(sheets, key=lambda x: x.scene_index),
                   cast=[CastMember(id=i, name=n) for i, n in sched.cast_names.items()])
    return sched, bd


def test_header_day_of_days_date_and_calls(boards):
    sched, bd = boards
    cs = build_call_sheet(sched, bd, 2, CallSheetSettings(start_date=MONDAY))
    assert (cs.title, cs.day_number, cs.total_days) == ("Night Shift", 2, 3)
    assert cs.date == dt.date(2026, 6, 23) and cs.weekday == "Tuesday"
    assert (cs.crew_call, cs.shooting_call) == (dt.time(7), dt.time(8))
    # issue 14: a finished sheet never says "to be confirmed" and weather is a labelled blank offline
    assert cs.nearest_hospital == TO_BE_CONFIRMED and cs.nearest_hospital.startswith("FILL IN")
    assert cs.weather == WEATHER_BLANK
    friday = build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=dt.date(2026, 6, 26)))
    assert friday.advance_date == dt.date(2026, 6, 29)            # weekend off: day 2 is Monday


def _minutes(hhmm: str) -> int:
    h, m = map(int, hhmm.split(":"))
    return 60 * h + m


def test_sunrise_and_sunset_follow_the_location_and_time_zone(boards):
    sched, bd = boards
    la = build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=MONDAY))
    # published almanac values for Los Angeles, 22 June 2026: sunrise 05:42, sunset 20:08 PDT
    assert abs(_minutes(la.sunrise) - _minutes("05:42")) <= 3
    assert abs(_minutes(la.sunset) - _minutes("20:08")) <= 3
    london = build_call_sheet(sched, bd, 1, CallSheetSettings(
        start_date=dt.date(2026, 12, 21), lat=51.5074, lon=-0.1278, timezone="Europe/London", location_name="London"))
    # London at the winter solstice: sunrise about 08:04, sunset about 15:53 GMT
    assert abs(_minutes(london.sunrise) - _minutes("08:04")) <= 3
    assert abs(_minutes(london.sunset) - _minutes("15:53")) <= 3
    svalbard = build_call_sheet(sched, bd, 1, CallSheetSettings(
        start_date=dt.date(2026, 12, 21), lat=78.22, lon=15.65, timezone="Arctic/Longyearbyen"))
    assert svalbard.sunrise.startswith("no sunrise")


def test_scenes_cast_and_call_times_worked_back_from_the_shooting_call(boards):
    sched, bd = boards
    cs = build_call_sheet(sched, bd, 2, CallSheetSettings(start_date=MONDAY, shooting_call=dt.time(9, 30),
                                                          crew_call=dt.time(8, 30)))
    assert [(s.scene_number, s.set, s.day_night, s.pages, s.cast_ids) for s in cs.scenes] == [
        ("2", "PARK", "D", "1 2/8", [1, 2, 3]), ("5", "ALLEY", "N", "5/8", [2])]
    assert cs.total_pages == "1 7/8"
    cast = {c.character: c for c in cs.cast}
    assert list(cast) == ["ANA", "BEN", "CARL"]
    ana, carl = cast["ANA"], cast["CARL"]
    assert (ana.status, carl.status) == ("W", "SWF")
    assert ana.on_set == dt.time(9, 15)                      # 15 min before the shooting call
    assert ana.makeup == dt.time(7, 45) and ana.pickup == dt.time(7, 15)      # lead: 90 min makeup, 30 min van
    assert carl.makeup == dt.time(8, 30) and carl.pickup == dt.time(8, 0)     # day player: 45 min


def test_extras_and_special_requirements_come_from_that_days_scenes(boards):
    sched, bd = boards
    cs = build_call_sheet(sched, bd, 2, CallSheetSettings(start_date=MONDAY))
    assert [(e.item, e.count, e.scenes) for e in cs.extras] == [("Joggers", None, ["2"])]
    reqs = {(r.category, r.item): r.scenes for r in cs.requirements}
    assert reqs == {("Stunts", "Fall"): ["2"], ("Props", "Frisbee"): ["2", "5"], ("Vehicles", "Taxi"): ["5"],
                    ("Animals", "Dog"): ["2"]}
    assert "Coffee pot" not in {r.item for r in cs.requirements}            # day 1's prop stays on day 1
    assert [s.scene_number for s in cs.advance_scenes] == ["3"] and cs.advance_day == 3
    assert any("company move" in n for n in cs.notes)
    # a stunt day carries the safety line a 1st AD puts on every stunt day's call sheet
    assert any(n.startswith("SAFETY") and "Stunts in sc. 2" in n and "stunt coordinator" in n for n in cs.notes)
    day1 = build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=MONDAY))
    assert not any(n.startswith("SAFETY — Stunts") for n in day1.notes)


def test_last_day_has_no_advance_and_says_so(boards):
    sched, bd = boards
    cs = build_call_sheet(sched, bd, 3, CallSheetSettings(start_date=MONDAY, notes=["Rain towers from 20:00."]))
    assert cs.advance_scenes == [] and cs.advance_day is None
    assert cs.notes[0] == "Rain towers from 20:00." and "Last day of principal photography." in cs.notes


def test_html_and_pdf_carry_the_sheet(boards, tmp_path):
    sched, bd = boards
    settings = CallSheetSettings(start_date=MONDAY, nearest_hospital="Cedars-Sinai, 8700 Beverly Blvd, 310-423-3277")
    cs = build_call_sheet(sched, bd, 2, settings)
    html = write_html(cs, tmp_path / "day2.html").read_text()
    assert re.search(rf'id="sunrise">{cs.sunrise}<', html) and re.search(rf'id="sunset">{cs.sunset}<', html)
    assert "Day 2 of 3" in html and "Cedars-Sinai" in html and "1 2/8" in html and "Frisbee" in html
    text = PdfReader(write_pdf(cs, tmp_path / "day2.pdf")).pages[0].extract_text()
    for needle in ("Night Shift", "Day 2 of 3", f"Sunrise {cs.sunrise}", "1 2/8", "CARL", "Taxi", "Cedars-Sinai",
                   "Advance schedule: day 3"):
        assert needle in text, needle
    empty = render_html(build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=MONDAY)))
    assert 'id="hospital" class="tbc">FILL IN' in empty and "to be confirmed" not in empty   # issue 14


def test_html_escapes_script_text(boards):
    sched, bd = boards
    sched.days[0].strips[0].synopsis = "<script>alert(1)</script>"
    assert "<script>alert" not in render_html(build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=MONDAY)))


@pytest.mark.parametrize("day, settings, match", [
    (0, CallSheetSettings(), "Shoot day 0 does not exist"),
    (4, CallSheetSettings(), "the schedule has 3 day"),
    (1, CallSheetSettings(timezone="Mars/Olympus"), "Unknown time zone"),
    (1, CallSheetSettings(lat=123.0), "not a valid latitude"),
    (1, CallSheetSettings(crew_call=dt.time(9), shooting_call=dt.time(8)), "after shooting call"),
])
def test_bad_input_is_named(boards, day, settings, match):
    sched, bd = boards
    with pytest.raises(CallSheetError, match=match):
        build_call_sheet(sched, bd, day, settings)


def test_project_settings_dict_is_accepted_and_validated(boards):
    sched, bd = boards
    cs = build_call_sheet(sched, bd, 1, {"lat": 40.7128, "lon": -74.006, "timezone": "America/New_York",
                                         "start_date": "2026-06-22", "nearest_hospital": "NYU Langone"})
    assert cs.timezone == "America/New_York" and cs.nearest_hospital == "NYU Langone"
    assert abs(_minutes(cs.sunrise) - _minutes("05:25")) <= 3            # New York, 22 June: about 05:25 EDT
    with pytest.raises(CallSheetError, match="settings are invalid"):
        build_call_sheet(sched, bd, 1, {"lat": "north"})


def test_a_call_sheet_for_every_shoot_day(boards, tmp_path):
    from studio_kit.engines.preproduction.callsheet import write_call_sheets

    sched, bd = boards
    paths = write_call_sheets(sched, bd, tmp_path, {"start_date": "2026-06-22"})
    assert [p.name for p in paths] == [f"callsheet_day0{d}.{ext}" for d in (1, 2, 3) for ext in ("html", "pdf")]
    assert "Day 3 of 3" in paths[4].read_text() and "2026-06-24" in paths[4].read_text()


def test_an_actor_whose_first_scene_is_late_in_the_day_gets_a_staggered_call(boards):
    """Two hours of ANA's scenes come first; BEN only works after them and a company move."""
    from studio_kit.domain.preproduction import Strip

    sched, bd = boards
    day = sched.days[0]
    first = day.strips[0].model_copy(update={"hours": 2.5, "cast_ids": [1]})
    later = day.strips[1].model_copy(update={"hours": 1.0, "cast_ids": [1, 2], "site": "ALLEY"})
    sched.days[0] = day.model_copy(update={"strips": [first, later]})
    cs = build_call_sheet(sched, bd, 1, CallSheetSettings(start_date=MONDAY, shooting_call=dt.time(8, 0)))
    cast = {c.character: c for c in cs.cast}
    assert cast["ANA"].on_set == dt.time(7, 45)                 # in the first scene: the general call
    assert cast["BEN"].on_set == dt.time(11, 15)                # 2.5 h of work + 1 h move after 08:00, less 15 min
    assert cast["BEN"].pickup > cast["ANA"].pickup
    assert isinstance(first, Strip)
