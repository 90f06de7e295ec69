"""Exports read back by content: CSV, XLSX (openpyxl), PDF (pypdf), HTML, JSON, iCalendar."""
from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.domain.preproduction import ScheduleLimits
from studio_kit.engines.preproduction import exports
from studio_kit.engines.preproduction.breakdown import break_down
from studio_kit.engines.preproduction.dood import day_out_of_days
from studio_kit.engines.preproduction.schedule import schedule_breakdown


@pytest.fixture
def package(reel_script):
    bd = break_down(reel_script)
    # a 2/8-page day so the four short scenes spread over several shoot days
    sched = schedule_breakdown(bd, time_limit=2.0, num_workers=2, start_date=dt.date(2026, 3, 2),
                               limits=ScheduleLimits(eighths_per_day=2))
    return bd, sched, day_out_of_days(sched)


def _pdf_text(path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(str(path)).pages]


def test_breakdown_csv_by_scene_and_by_category(package, tmp_path):
    bd, _, _ = package
    by_scene, by_cat = exports.breakdown_csv(bd, tmp_path)
    rows = list(csv.DictReader(by_scene.open(encoding="utf-8")))
    assert [r["Heading"] for r in rows] == [s.heading for s in bd.sheets]
    assert rows[0]["Cast Members"] == "1. BOB; 2. ALICE" and "FILM REEL" in rows[0]["Props"]
    assert rows[1]["Vehicles"] == "POLICE CAR" and rows[0]["Pages"] == bd.sheets[0].pages
    cats = list(csv.DictReader(by_cat.open(encoding="utf-8")))
    bob = next(r for r in cats if r["Element"] == "BOB")
    assert (bob["UCI"], bob["Scenes"], bob["Scene count"]) == ("100", "1, 2, 3", "3")
    reel = next(r for r in cats if r["Element"] == "FILM REEL")
    assert reel["UCI"] == "104" and reel["Colour"] == "#8E24AA"


def test_breakdown_xlsx_has_coloured_category_headers(package, tmp_path):
    from openpyxl import load_workbook

    bd, _, _ = package
    wb = load_workbook(exports.breakdown_xlsx(bd, tmp_path / "b.xlsx"))
    assert wb.sheetnames == ["By scene", "By category", "Cast"]
    ws = wb["By scene"]
    header = [c.value for c in ws[1]]
    col = header.index("Cast Members") + 1
    assert ws.cell(row=1, column=col).fill.fgColor.rgb.endswith("E53935")
    assert ws.cell(row=2, column=col).value == "1. BOB; 2. ALICE"
    assert ws.max_row == len(bd.sheets) + 1
    cast = [[c.value for c in r] for r in wb["Cast"].iter_rows(min_row=2)]
    assert cast == [[1, "BOB", 3], [2, "ALICE", 2], [3, "CARL", 1]]


def test_breakdown_pdf_has_one_sheet_per_scene_with_its_elements(package, tmp_path):
    bd, _, _ = package
    pages = _pdf_text(exports.breakdown_pdf(bd, tmp_path / "b.pdf"))
    assert len(pages) == len(bd.sheets)
    assert "INT. BOB'S APARTMENT - KITCHEN - NIGHT" in pages[0] and "FILM REEL" in pages[0]
    assert "Cast Members" in pages[0] and "1. BOB" in pages[0]
    assert "POLICE CAR" in pages[1] and "Vehicles" in pages[1] and "FILM REEL" not in pages[1]
    assert "Sheet" in pages[3] and "4 of 4" in pages[3]


def test_universal_category_json(package, tmp_path):
    bd, _, _ = package
    doc = json.loads(exports.uci_json(bd, tmp_path / "b.json").read_text(encoding="utf-8"))
    ids = {c["key"]: c["id"] for c in doc["categories"]}
    assert ids["cast"] == 100 and ids["props"] == 104 and ids["vfx"] == 119
    assert all(100 <= i <= 124 for i in ids.values())
    kitchen = doc["scenes"][0]
    reel = next(e for e in kitchen["elements"] if e["name"] == "FILM REEL")
    assert reel["category_id"] == 104 and reel["line"] == 6 and reel["origin"] == "auto"
    assert {e["cast_id"] for e in kitchen["elements"] if e["category"] == "cast"} == {1, 2}


def test_stripboard_html_and_pdf_show_strips_and_day_breaks(package, tmp_path):
    _, sched, _ = package
    page = exports.stripboard_html(sched, tmp_path / "s.html").read_text(encoding="utf-8")
    assert page.count("class='strip'") == 4
    assert page.count("class='day'") == len(sched.days) and "END OF DAY 1 — Mon 02 Mar 2026" in page
    assert "background:#64B5F6" in page and "background:#FFF176" in page       # night int blue, day ext yellow
    text = "\n".join(_pdf_text(exports.stripboard_pdf(sched, tmp_path / "s.pdf")))
    for d in sched.days:
        assert f"END OF DAY {d.number}" in text
    assert "TRAIN STATION" in text


def test_dood_csv_xlsx_pdf(package, tmp_path):
    from openpyxl import load_workbook

    _, sched, dood = package
    rows = list(csv.reader(exports.dood_csv(dood, tmp_path / "d.csv").open(encoding="utf-8")))
    assert rows[0][:3] == ["#", "Cast", "Day 1 03/02"]
    bob = next(r for r in rows if r[1] == "BOB")
    n = len(sched.days)
    assert bob[2] in {"SW", "SWF"} and int(bob[2 + n]) == dood.row(1).work
    ws = load_workbook(exports.dood_xlsx(dood, tmp_path / "d.xlsx"))["Day out of days"]
    assert ws.cell(row=2, column=2).value == "BOB"
    work_formula = ws.cell(row=2, column=3 + n).value
    assert work_formula.startswith("=COUNTIF(") and '"SW"' in work_formula
    text = "\n".join(_pdf_text(exports.dood_pdf(dood, tmp_path / "d.pdf")))
    assert "Day out of days" in text and "ALICE" in text and "CARL" in text


def test_ics_has_one_all_day_event_per_shoot_day(package, tmp_path):
    from icalendar import Calendar

    _, sched, _ = package
    cal = Calendar.from_ical(exports.schedule_ics(sched, tmp_path / "s.ics").read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == len(sched.days) >= 2
    starts = [e.decoded("dtstart") for e in events]
    assert starts[0] == dt.date(2026, 3, 2) and all(isinstance(s, dt.date) and not isinstance(s, dt.datetime) for s in starts)
    assert all(s.weekday() < 5 for s in starts)
    assert str(events[0]["summary"]) == f"The Reel: shoot day 1 of {len(sched.days)}"
    assert "Sc. " in str(events[0]["description"])


def test_export_bundles_write_every_file(package, tmp_path):
    bd, sched, dood = package
    files = {**exports.export_breakdown(bd, tmp_path), **exports.export_schedule(sched, dood, tmp_path)}
    assert all(p.exists() and p.stat().st_size > 0 for p in files.values())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]        # no temp files left behind
    assert Cat.PROPS.label in (tmp_path / "breakdown_by_scene.csv").read_text(encoding="utf-8")


def test_breakdown_sheets_print_head_counts(tmp_path):
    from studio_kit.engines.writing.fountain import parse_fountain

    bd = break_down(parse_fountain("EXT. RANCH - DAY\n\nThree horses graze. A dozen commuters wait.\n"))
    header, rows = exports.scene_rows(bd)
    row = dict(zip(header, rows[0]))
    assert row["Animals"] == "HORSE (3)" and row["Extras (Atmosphere)"] == "Commuters (12)"
    text = "\n".join(_pdf_text(exports.breakdown_pdf(bd, tmp_path / "b.pdf")))
    assert "HORSE (3)" in text and "Commuters (12)" in text


def test_breakdown_sheet_shows_every_category_box_like_a_scheduling_program(package, tmp_path):
    """Empty boxes are printed too: a blank Stunts box is a decision, a missing one is an oversight."""
    from studio_kit.domain.preproduction import BreakdownCategory

    bd, _, _ = package
    pages = _pdf_text(exports.breakdown_pdf(bd, tmp_path / "b.pdf"))
    for page in pages:
        flat = " ".join(page.split())
        for c in BreakdownCategory:
            assert f"{c.label}" in flat and f"({c.uci})" in flat, (c, flat[:200])
    assert "Script page" in pages[0] and bd.sheets[0].page == 1


def test_xlsx_numbers_are_numbers_and_pages_are_eighths_of_a_page(package, tmp_path):
    """Issue 14: a producer sums pages in Excel — lengths are numbers shown as fractions of a page."""
    from openpyxl import load_workbook

    bd = package[0]
    wb = load_workbook(exports.breakdown_xlsx(bd, tmp_path / "n.xlsx"))
    ws = wb["By scene"]
    header = [c.value for c in ws[1]]
    pages, eighths = header.index("Pages") + 1, header.index("Eighths") + 1
    for row, sheet in zip(range(2, ws.max_row + 1), bd.sheets):
        assert ws.cell(row=row, column=pages).value == sheet.eighths / 8
        assert ws.cell(row=row, column=pages).number_format == "# ?/8"
        assert ws.cell(row=row, column=eighths).value == sheet.eighths
    cat = wb["By category"]
    assert all(isinstance(r[0].value, int) and isinstance(r[4].value, int) for r in cat.iter_rows(min_row=2))


def test_dood_shows_days_off_between_shoot_days(tmp_path):
    import datetime as dt

    from studio_kit.domain.preproduction import DayOutOfDays, DoodCode, DoodRow

    dates = [dt.date(2026, 3, 5), dt.date(2026, 3, 6), dt.date(2026, 3, 9)]     # Thu, Fri, Mon
    dood = DayOutOfDays(title="T", day_numbers=[1, 2, 3], dates=dates, rows=[
        DoodRow(cast_id=1, name="MAYA", codes=[DoodCode("SW"), DoodCode("H"), DoodCode("WF")], work=2, hold=1)])
    header, rows = exports.dood_table(dood)
    assert header[2:7] == ["Day 1 03/05", "Day 2 03/06", "Sat 03/07 off", "Sun 03/08 off", "Day 3 03/09"]
    assert rows[0][2:7] == ["SW", "H", "", "", "WF"]
    from openpyxl import load_workbook

    ws = load_workbook(exports.dood_xlsx(dood, tmp_path / "d.xlsx"))["Day out of days"]
    assert ws.cell(row=2, column=5).fill.fgColor.rgb.endswith("D9D9D9")


def test_stripboard_pdf_has_a_cast_key_and_written_synopses(tmp_path):
    from studio_kit.engines.preproduction.service import SAMPLE_SCRIPT, plan_package

    pkg = plan_package(SAMPLE_SCRIPT, preset=None, call_days=[], time_limit=2, num_workers=2)
    text = "\n".join(_pdf_text(exports.stripboard_pdf(pkg.schedule, tmp_path / "board.pdf")))
    assert "Cast key" in text and "1" in text and "MAYA" in text and "OTTO" in text
    for sheet in pkg.breakdown.sheets:
        assert sheet.synopsis.endswith((".", "!", "?")) and "…" not in sheet.synopsis and len(sheet.synopsis) <= 90
    otto = pkg.breakdown.sheets[1].synopsis
    assert otto.startswith("OTTO sits in the front row")        # the introduction folded, not cut mid-word
