"""A call sheet that can go out: department calls consistent with the cast, meals, location, contacts,
hospital or a FILL IN marker, weather from a provider or a labelled blank, safety from the day's elements."""
from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from pypdf import PdfReader

from studio_kit.engines.preproduction.callsheet import (
    WEATHER_BLANK,
    CallSheetSettings,
    build_call_sheet,
    render_html,
    write_pdf,
)
from studio_kit.engines.preproduction.service import plan_package

MONDAY = dt.date(2026, 6, 22)

SCRIPT = """Title: Dog Day

EXT. CITY PARK - DAY

MAYA, 30, a courier, jogs past joggers with her DOG on a leash. Traffic streams past on the avenue.

MAYA
Come on, Rex.

EXT. HARBOUR ROAD - NIGHT

Maya sprints along the wet dock. She leaps onto a moving boat and falls hard.

MAYA
Go!

INT. MAYA'S FLAT - NIGHT

OTTO, 60, her landlord, waits by the door.

OTTO
You're late.
"""


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    path = tmp_path_factory.mktemp("s") / "dog_day.fountain"
    path.write_text(SCRIPT, encoding="utf-8")
    settings = {"start_date": MONDAY, "production_office": "Stage 4, 100 Studio Way, 555-0100",
                "contacts": [{"role": "UPM", "name": "Lee Park", "phone": "555-0101"}],
                "locations": {"CITY PARK": {"address": "1 Park Ave", "parking": "Lot B off 2nd St",
                                            "hospital": "St Mary's, 2 Main St, 555-0199"}}}
    return plan_package(path, preset=None, callsheet=settings, time_limit=3, num_workers=2,
                        limits=None, pages_per_day="1")


def _sheet_for(pkg, scene_number):
    day = next(d for d in pkg.schedule.days if any(s.scene_number == scene_number for s in d.strips))
    return next(cs for cs in pkg.call_sheets if cs.day_number == day.number)


def test_department_calls_are_consistent_with_the_cast(package):
    for cs in package.call_sheets:
        dept = {d.department: d.call for d in cs.departments}
        for c in cs.cast:
            if c.kind == "on-camera":
                assert c.makeup < c.on_set                      # makeup before set
                assert dept["Hair & makeup"] <= c.makeup        # never before its department's call
                assert dept["Transport"] <= c.pickup
        assert dept["Camera"] == cs.crew_call and dept["Grip & electric"] == cs.crew_call
        assert dept["Production (1st AD, base camp)"] <= min(dept["Hair & makeup"], cs.crew_call)
        meals = {m.meal: m.time for m in cs.meals}
        first = dt.datetime.combine(cs.date, cs.crew_call) + dt.timedelta(hours=6)
        assert meals["First meal"] == first.time() and meals["Breakfast"] < cs.crew_call


def test_location_contacts_and_hospital_come_from_the_project_settings(package):
    park = _sheet_for(package, "1")
    assert park.location_address == "1 Park Ave" and park.parking == "Lot B off 2nd St"
    assert park.nearest_hospital.startswith("St Mary's") and park.map_url.startswith("https://www.openstreetmap.org/")
    assert park.production_office.startswith("Stage 4") and park.contacts[0]["name"] == "Lee Park"
    harbour = _sheet_for(package, "2")                       # no address set for the harbour: marked, not invented
    assert harbour.location_address.startswith("FILL IN") and harbour.nearest_hospital.startswith("FILL IN")
    assert "location address" in harbour.unfilled and "to be confirmed" not in render_html(harbour)


def test_safety_notes_follow_the_days_elements(package):
    park = " ".join(_sheet_for(package, "1").safety)
    assert "Animals" in park and "Traffic" in park
    harbour = " ".join(_sheet_for(package, "2").safety)
    assert "Stunts" in harbour and "Water" in harbour and "Night exterior" in harbour
    from studio_kit.domain.preproduction import ShootDay
    from studio_kit.engines.preproduction.callsheet import safety_notes

    flat = next(s for s in package.schedule.strips if s.scene_number == "3")
    assert flat.night and not flat.exterior
    assert not any("Night exterior" in n for n in safety_notes(ShootDay(number=1, strips=[flat]), package.breakdown))


def test_night_days_call_late(package):
    harbour = _sheet_for(package, "2")
    assert harbour.crew_call >= dt.time(12) and "night" in harbour.call_note


def test_weather_is_a_labelled_blank_offline_and_read_from_a_configured_provider(package):
    assert _sheet_for(package, "1").weather == WEATHER_BLANK
    asked = []

    class Forecast(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            asked.append(self.path)
            body = json.dumps({"daily": {"weather_code": [61], "temperature_2m_max": [24.2],
                                         "temperature_2m_min": [15.6], "precipitation_probability_max": [70],
                                         "wind_speed_10m_max": [18.0]}}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Forecast)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/v1/forecast"
        cs = build_call_sheet(package.schedule, package.breakdown, 1,
                              CallSheetSettings(start_date=MONDAY, weather_provider=url))
    finally:
        server.shutdown()
    assert cs.weather == "light rain, 16–24 °C, 70 % chance of rain, wind up to 18 km/h"
    assert "start_date=2026-06-22" in asked[0] and "latitude=34.0522" in asked[0]
    down = build_call_sheet(package.schedule, package.breakdown, 1,
                            CallSheetSettings(start_date=MONDAY, weather_provider="http://127.0.0.1:9/v1/forecast"))
    assert down.weather.startswith("no forecast") and "fill in" in down.weather


def test_no_heading_is_stranded_at_the_foot_of_a_pdf_page(package, tmp_path):
    cs = _sheet_for(package, "1")
    cs = cs.model_copy(update={"notes": [f"Note {i}: bring layers." for i in range(40)]})
    reader = PdfReader(write_pdf(cs, tmp_path / "long.pdf"))
    headings = ("Scenes", "Cast", "Background", "Special requirements", "Advance schedule", "Department calls",
                "Safety", "Notes")
    for page in reader.pages[:-1]:
        last = [ln.strip() for ln in page.extract_text().splitlines() if ln.strip()][-1]
        assert not any(last.startswith(h) for h in headings), last
