"""Exports of the breakdown, stripboard, day-out-of-days and shoot calendar.

Breakdown: CSV and XLSX by category and by scene, one breakdown-sheet PDF page
per scene with the category colours, Universal Category interchange JSON.
Schedule: stripboard PDF and HTML (strip colours, day-break and week-break
rows), DOOD as XLSX/CSV/PDF, and an iCalendar file with one all-day event per
shoot day. Every writer writes to a temp file and renames it, so a failed
export never leaves half a file behind.
"""
from __future__ import annotations

import csv
import datetime as dt
import html
import json
from pathlib import Path
from typing import cast

from studio_kit.domain.preproduction import (
    CATEGORY_TABLE,
    DAY_BREAK_COLOUR,
    WEEK_BREAK_COLOUR,
    WORK_LABELS,
    Breakdown,
    BreakdownCategory,
    DayOutOfDays,
    Schedule,
    format_eighths,
    strip_colour,
)
from studio_kit.engines.preproduction.stripboard import shoot_dates
from studio_kit.store.files import atomic_open, atomic_path
from studio_kit.templating import render_html

CATEGORIES = list(BreakdownCategory)


def _atomic_save(path: Path, save) -> Path:
    """Run ``save(tmp_path)`` (for libraries that want a file name), then rename into place."""
    with atomic_path(path) as tmp:
        save(str(tmp))
    return Path(path)


# -- breakdown tables --------------------------------------------------------

def tag_label(tag) -> str:
    """A tag as a breakdown sheet prints it: cast by number ("1. MAYA"), heads counted ("Commuters (12)")."""
    if tag.cast_id:
        return f"{tag.cast_id}. {tag.name}"
    return f"{tag.name} ({tag.count})" if tag.count and tag.count > 1 else tag.name


def scene_rows(breakdown: Breakdown) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the by-scene table: one row per scene, one column per category."""
    header = ["Scene", "Heading", "INT/EXT", "Day/Night", "Location", "Pages", "Eighths", "Synopsis"] + \
        [c.label for c in CATEGORIES]
    rows = []
    for s in breakdown.sheets:
        cells = [s.scene_number, s.heading, s.int_ext, s.time_of_day, s.location, s.pages, str(s.eighths), s.synopsis]
        for c in CATEGORIES:
            names = [tag_label(t) for t in s.tags_in(c)]
            cells.append("; ".join(names))
        rows.append(cells)
    return header, rows


def category_rows(breakdown: Breakdown) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the by-category table: one row per element with the scenes it is in."""
    header = ["UCI", "Category", "Element", "Scenes", "Scene count", "Colour"]
    number = {s.scene_index: s.scene_number for s in breakdown.sheets}
    rows = []
    for c in CATEGORIES:
        for name, idx in breakdown.elements(c).items():
            rows.append([str(c.uci), c.label, name, ", ".join(number[i] for i in idx), str(len(idx)), c.colour])
    return header, rows


def breakdown_csv(breakdown: Breakdown, out_dir: str | Path) -> list[Path]:
    """breakdown_by_scene.csv and breakdown_by_category.csv in ``out_dir``."""
    out = []
    for name, (header, rows) in (("breakdown_by_scene.csv", scene_rows(breakdown)),
                                 ("breakdown_by_category.csv", category_rows(breakdown))):
        path = Path(out_dir) / name
        with atomic_open(path, "w") as fh:
            w = csv.writer(fh)
            w.writerow(header)
            w.writerows(rows)
        out.append(path)
    return out


#: Excel number format for page lengths: 1.375 pages shows as "1 3/8" and sums like a number
PAGES_FORMAT = "# ?/8"


def breakdown_xlsx(breakdown: Breakdown, path: str | Path) -> Path:
    """One workbook: "By scene" and "By category" sheets, category headers filled with their colour."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "By scene"
    header, rows = scene_rows(breakdown)
    ws.append(header)
    for i, c in enumerate(CATEGORIES, start=9):
        ws.cell(row=1, column=i).fill = PatternFill("solid", fgColor=c.colour.lstrip("#"))
    for sheet, row in zip(breakdown.sheets, rows):
        ws.append(row[:5] + [sheet.eighths / 8, sheet.eighths] + row[7:])     # pages and eighths as numbers
        ws.cell(row=ws.max_row, column=6).number_format = PAGES_FORMAT
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws2 = wb.create_sheet("By category")
    header, rows = category_rows(breakdown)
    ws2.append(header)
    for row in rows:
        ws2.append([int(row[0])] + row[1:4] + [int(row[4])] + row[5:])
        ws2.cell(row=ws2.max_row, column=2).fill = PatternFill("solid", fgColor=row[5].lstrip("#"))
    ws3 = wb.create_sheet("Cast")
    ws3.append(["#", "Character", "Scenes"])
    for m in breakdown.cast:
        ws3.append([m.id, m.name, m.scenes])
    return _atomic_save(Path(path), wb.save)


def uci_json(breakdown: Breakdown, path: str | Path) -> Path:
    """Universal Category interchange JSON: categories with ids and colours, scenes with element ids."""
    doc = {
        "format": "universal-category-breakdown", "version": 1, "title": breakdown.title,
        "categories": [{"id": info.uci, "key": c.value, "name": info.label, "colour": info.colour, "mark": info.mark}
                       for c, info in CATEGORY_TABLE.items()],
        "cast": [{"id": m.id, "name": m.name, "scenes": m.scenes} for m in breakdown.cast],
        "scenes": [{
            "number": s.scene_number, "index": s.scene_index, "heading": s.heading, "int_ext": s.int_ext,
            "time_of_day": s.time_of_day, "location": s.location, "eighths": s.eighths, "synopsis": s.synopsis,
            "elements": [{"category_id": t.uci, "category": t.category.value, "name": t.name, "element_id": t.element_id,
                          "line": t.line, "matched": t.matched, "confidence": round(t.confidence, 3),
                          "origin": t.origin.value, **({"cast_id": t.cast_id} if t.cast_id else {}),
                          **({"count": t.count} if t.count else {})} for t in s.tags]}
            for s in breakdown.sheets],
    }
    with atomic_open(path, "w") as fh:
        json.dump(doc, fh, indent=2, ensure_ascii=False)
    return Path(path)


def _esc(text: str) -> str:
    return html.escape(str(text), quote=False)


def breakdown_pdf(breakdown: Breakdown, path: str | Path) -> Path:
    """One breakdown sheet per page, laid out like a scheduling program's sheet.

    The header band takes the strip colour of the scene (day INT white, day
    EXT yellow, night INT blue, night EXT green) with scene number, INT/EXT,
    set, day/night, pages in eighths and sheet number; then the synopsis; then
    a box for every category (empty boxes too, so a missing element is a
    visible blank), each headed in its colour with its UCI id, cast by number.
    """
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle


    styles = getSampleStyleSheet()
    small = ParagraphStyle("small", parent=styles["Normal"], fontSize=8, leading=10)
    label = ParagraphStyle("label", parent=small, fontName="Helvetica-Bold")
    story = []
    width = 540
    for n, s in enumerate(breakdown.sheets):
        band, _ = strip_colour(s.int_ext, s.is_night)
        story.append(Paragraph(f"<b>{_esc(breakdown.title)}</b> — Breakdown sheet", styles["Title"]))
        head = [["Scene", "INT/EXT", "Set", "Day/Night", "Pages", "Script page", "Sheet"],
                [s.scene_number, s.int_ext or "-", Paragraph(f"<b>{_esc(s.location)}</b>", small),
                 s.time_of_day or "-", s.pages, str(s.page or "-"), f"{n + 1} of {len(breakdown.sheets)}"],
                [Paragraph(f"<b>{_esc(s.heading)}</b>", small), "", "", "", "", "", ""],
                [Paragraph(f"<i>{_esc(s.synopsis) or '&nbsp;'}</i>", small), "", "", "", "", "", ""]]
        t = Table(head, colWidths=[45, 50, 190, 60, 50, 65, 80])
        t.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1, colors.black), ("INNERGRID", (0, 0), (-1, 1), 0.5, colors.black),
                               ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor(band)),
                               ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("FONTSIZE", (0, 0), (-1, 0), 7),
                               ("FONTSIZE", (0, 1), (-1, 1), 11), ("FONTNAME", (0, 1), (1, 1), "Helvetica-Bold"),
                               ("SPAN", (0, 2), (-1, 2)), ("SPAN", (0, 3), (-1, 3)),
                               ("LINEABOVE", (0, 2), (-1, 2), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
        story += [t, Spacer(1, 8)]
        boxes = []
        for c in CATEGORIES:
            tags = s.tags_in(c)
            mark = {"circle": " (circled)", "asterisk": " *"}.get(c.info.mark, "")
            dark = c.info.colour_name in {"red", "purple", "blue", "dark green", "dark brown", "green"}
            head_style = ParagraphStyle(f"h{c.value}", parent=label, textColor=colors.white if dark else colors.black)
            items = "<br/>".join(_esc(tag_label(t)) for t in tags) or "&nbsp;"
            box = Table([[Paragraph(f"{_esc(c.label)}{mark} <font size=6>({c.uci})</font>", head_style)],
                         [Paragraph(items, small)]], colWidths=[width / 2 - 6], rowHeights=[None, None])
            box.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 0.75, colors.black),
                                     ("BACKGROUND", (0, 0), (0, 0), colors.HexColor(c.colour)),
                                     ("LINEBELOW", (0, 0), (0, 0), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                                     ("TOPPADDING", (0, 1), (0, 1), 3), ("BOTTOMPADDING", (0, 1), (0, 1), 6)]))
            boxes.append(box)
        if len(boxes) % 2:
            boxes.append("")
        grid = Table([boxes[i:i + 2] for i in range(0, len(boxes), 2)], colWidths=[width / 2, width / 2])
        grid.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                  ("RIGHTPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
        story.append(grid)
        if n + 1 < len(breakdown.sheets):
            story.append(PageBreak())
    return _atomic_save(Path(path), lambda p: SimpleDocTemplate(p, pagesize=letter, topMargin=30, bottomMargin=30,
                                                                title=f"{breakdown.title} breakdown").build(story))


def export_breakdown(breakdown: Breakdown, out_dir: str | Path) -> dict[str, Path]:
    """Every breakdown export into ``out_dir``; returns kind -> path."""
    out_dir = Path(out_dir)
    scene_csv, cat_csv = breakdown_csv(breakdown, out_dir)
    return {"csv_by_scene": scene_csv, "csv_by_category": cat_csv,
            "xlsx": breakdown_xlsx(breakdown, out_dir / "breakdown.xlsx"),
            "pdf": breakdown_pdf(breakdown, out_dir / "breakdown_sheets.pdf"),
            "uci_json": uci_json(breakdown, out_dir / "breakdown_uci.json")}


# -- stripboard --------------------------------------------------------------

def _board_rows(schedule: Schedule) -> list[tuple[str, list[str], str]]:
    """(kind, cells, colour) rows of a stripboard: strips, then a day break after each day, week breaks."""
    rows = []
    for i, day in enumerate(schedule.days):
        for s in day.strips:
            rows.append(("strip", [s.scene_number, s.int_ext, s.location, "N" if s.night else "D", s.pages,
                                   ", ".join(str(c) for c in s.cast_ids), s.synopsis], s.colour))
        date = f" — {day.date:%a %d %b %Y}" if day.date else ""
        rows.append(("day", [f"END OF DAY {day.number}{date} — {day.pages} pages, {day.company_moves} company moves"],
                     DAY_BREAK_COLOUR))
        nxt = schedule.days[i + 1] if i + 1 < len(schedule.days) else None
        if nxt is not None and nxt.week != day.week:
            rows.append(("week", [f"END OF WEEK {day.week}"], WEEK_BREAK_COLOUR))
    return rows


STRIP_HEADER = ["Scene", "I/E", "Set", "D/N", "Pages", "Cast", "Synopsis"]


def stripboard_html(schedule: Schedule, path: str | Path) -> Path:
    """A self-contained HTML stripboard (inline colours, printable)."""
    page = render_html("stripboard.html.j2", schedule=schedule, cast=sorted(schedule.cast_names.items()),
                       header=STRIP_HEADER, rows=_board_rows(schedule))
    with atomic_open(path, "w") as fh:
        fh.write(page)
    return Path(path)


def stripboard_pdf(schedule: Schedule, path: str | Path) -> Path:
    """Landscape stripboard PDF: coloured strips, black day-break and orange week-break rows."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("small", fontSize=8, leading=9)
    data = [STRIP_HEADER]
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
             ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    for kind, cells, colour in _board_rows(schedule):
        r = len(data)
        if kind == "strip":
            data.append(cells[:6] + [Paragraph(_esc(cells[6]), small)])
        else:
            data.append([cells[0]] + [""] * (len(STRIP_HEADER) - 1))
            style += [("SPAN", (0, r), (-1, r)), ("FONTNAME", (0, r), (-1, r), "Helvetica-Bold")]
            if kind == "day":
                style.append(("TEXTCOLOR", (0, r), (-1, r), colors.white))
        style.append(("BACKGROUND", (0, r), (-1, r), colors.HexColor(colour)))
    table = Table(data, colWidths=[40, 40, 190, 30, 40, 80, 300], repeatRows=1)
    table.setStyle(TableStyle(style))
    head = Paragraph(f"<b>{_esc(schedule.title)}</b> — stripboard: {len(schedule.days)} days, "
                     f"{schedule.company_moves} company moves", styles["Title"])
    # the cast key: the numbers on the strips, named
    key_rows = [["#", "Cast"]] + [[str(cid), _esc(name)] for cid, name in sorted(schedule.cast_names.items())]
    key = Table(key_rows, colWidths=[30, 200], repeatRows=1)
    key.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 8),
                             ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold")]))
    legend = Paragraph("Strips: white INT day · yellow EXT day · blue INT night · green EXT night · pink dawn · "
                       "orange dusk/magic hour; black = end of day, orange = end of week.", small)
    story = [head, Paragraph("Cast key", styles["Heading3"]), key, legend, table]
    return _atomic_save(Path(path), lambda p: SimpleDocTemplate(p, pagesize=landscape(letter), leftMargin=30, rightMargin=30,
                                                                title=f"{schedule.title} stripboard").build(story))


# -- day out of days -----------------------------------------------------------

def dood_calendar(dood: DayOutOfDays) -> list[tuple[int | None, dt.date | None]]:
    """The DOOD's columns: each shoot day (number, date) with the days off between them (None, date) —
    weekends and any other gap in the calendar — so the grid reads like the production calendar."""
    cols: list[tuple[int | None, dt.date | None]] = []
    prev: dt.date | None = None
    for n, d in zip(dood.day_numbers, dood.dates):
        if d is not None and prev is not None:
            gap = prev + dt.timedelta(days=1)
            while gap < d:
                cols.append((None, gap))
                gap += dt.timedelta(days=1)
        cols.append((n, d))
        prev = d or prev
    return cols


def dood_table(dood: DayOutOfDays) -> tuple[list[str], list[list[str]]]:
    """Header and rows: a column per shoot day ("Day 3 03/04") and per day off ("Sat 03/07 off"), then totals."""
    cal = dood_calendar(dood)
    header = ["#", "Cast"] + [f"Day {n}" + (f" {d:%m/%d}" if d else "") if n is not None else f"{d:%a %m/%d} off"
                              for n, d in cal] + \
        ["Work", "Hold", "Travel", "Rehearsal", "Drop/Pickup", "Total", "Start", "Finish"]
    rows = []
    for r in dood.rows:
        labels = r.labels
        cells = [labels[n - 1] if n is not None and n - 1 < len(labels) else "" for n, _ in cal]
        rows.append([str(r.cast_id), r.name] + cells +   # printed cells: "WD"/"PW" carry the drop/pickup
                    [str(r.work), str(r.hold), str(r.travel), str(r.rehearsal), str(r.drop_pickups), str(r.total),
                     str(r.start_day or ""), str(r.finish_day or "")])
    return header, rows


def _dood_fill(label: str) -> str:
    """Cell fill (hex, no #) of a printed DOOD cell: holds yellow, drop/pickup days red/green, travel, rehearsal."""
    if label in {"H", "T", "R"}:
        return {"H": "FFF59D", "T": "90CAF9", "R": "CE93D8"}[label]
    if label.endswith("D") and "W" in label:
        return "EF9A9A"
    if label.startswith("P"):
        return "A5D6A7"
    return ""


def dood_csv(dood: DayOutOfDays, path: str | Path) -> Path:
    header, rows = dood_table(dood)
    with atomic_open(path, "w") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)
    return Path(path)


def dood_xlsx(dood: DayOutOfDays, path: str | Path) -> Path:
    """DOOD workbook; totals are formulas (COUNTIF over the day cells) so hand edits recount."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    ws.title = "Day out of days"
    header, rows = dood_table(dood)
    ws.append(header)
    cal = dood_calendar(dood)
    n = len(cal)
    first, last = get_column_letter(3), get_column_letter(2 + n)
    for i, row in enumerate(rows, start=2):
        rng = f"{first}{i}:{last}{i}"
        work = "+".join(f'COUNTIF({rng},"{c}")' for c in WORK_LABELS)
        drops = "+".join(f'COUNTIF({rng},"{c}")' for c in ("WD", "SWD", "PWD"))   # one per drop/pickup pair
        formulas = [f"={work}", f'=COUNTIF({rng},"H")', f'=COUNTIF({rng},"T")', f'=COUNTIF({rng},"R")',
                    f"={drops}"]
        total = f"={get_column_letter(3 + n)}{i}+{get_column_letter(4 + n)}{i}+{get_column_letter(5 + n)}{i}+{get_column_letter(6 + n)}{i}"
        ws.append([int(row[0]), row[1]] + row[2:2 + n] + formulas + [total] +
                  [int(x) if x else None for x in row[-2:]])
        for j, code in enumerate(row[2:2 + n], start=3):
            if cal[j - 3][0] is None:
                ws.cell(row=i, column=j).fill = PatternFill("solid", fgColor="D9D9D9")      # a day off
            elif _dood_fill(code):
                ws.cell(row=i, column=j).fill = PatternFill("solid", fgColor=_dood_fill(code))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    return _atomic_save(Path(path), wb.save)


def dood_pdf(dood: DayOutOfDays, path: str | Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, legal
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    header, rows = dood_table(dood)
    cal = dood_calendar(dood)
    header = ["#", "Cast"] + [(f"{n}" if n is not None else "off") + (f"\n{d:%a}\n{d:%m/%d}" if d else "")
                              for n, d in cal] + ["Wk", "Hld", "Trv", "Reh", "D/P", "Tot", "Start", "Fin"]
    table = Table([header] + rows, repeatRows=1)
    style = [("GRID", (0, 0), (-1, -1), 0.3, colors.grey), ("FONTSIZE", (0, 0), (-1, -1), 6),
             ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("ALIGN", (2, 0), (-1, -1), "CENTER")]
    for i, row in enumerate(rows, start=1):
        for j, code in enumerate(row[2:2 + len(cal)], start=2):
            if cal[j - 2][0] is None:
                style.append(("BACKGROUND", (j, i), (j, i), colors.HexColor("#D9D9D9")))
            elif _dood_fill(code):
                style.append(("BACKGROUND", (j, i), (j, i), colors.HexColor("#" + _dood_fill(code))))
    table.setStyle(TableStyle(style))
    title = Paragraph(f"<b>{_esc(dood.title)}</b> — Day out of days (drop/pickup after {dood.drop_after_days} idle days)",
                      getSampleStyleSheet()["Heading2"])
    return _atomic_save(Path(path), lambda p: SimpleDocTemplate(p, pagesize=landscape(legal), leftMargin=20, rightMargin=20,
                                                                title=f"{dood.title} DOOD").build([title, table]))


# -- calendar ------------------------------------------------------------------

def schedule_ics(schedule: Schedule, path: str | Path, *, start_date: dt.date | None = None) -> Path:
    """One all-day event per shoot day. Days without dates get consecutive weekdays from
    ``start_date`` (default: next Monday)."""
    from icalendar import Calendar, Event

    start = start_date or schedule.start_date
    if start is None:
        today = dt.date.today()
        start = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    known = [d.date for d in schedule.days if d.date is not None]
    # from a start date every shoot day has a date
    dates = known if len(known) == len(schedule.days) else \
        cast("list[dt.date]", [x for x, _ in shoot_dates(start, len(schedule.days))])
    cal = Calendar()
    cal.add("prodid", "-//studio_kit//shoot schedule//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", f"{schedule.title} shoot")
    slug = "".join(ch for ch in schedule.title.lower() if ch.isalnum()) or "film"
    for day, date in zip(schedule.days, dates):
        ev = Event()
        ev.add("uid", f"{slug}-day-{day.number}-{date.isoformat()}@studio-kit")
        ev.add("summary", f"{schedule.title}: shoot day {day.number} of {len(schedule.days)}")
        ev.add("dtstart", date)
        ev.add("dtend", date + dt.timedelta(days=1))
        ev.add("dtstamp", dt.datetime(date.year, date.month, date.day, tzinfo=dt.UTC))
        lines = [f"Sc. {s.scene_number} {s.heading} ({s.pages} pg) cast {', '.join(map(str, s.cast_ids)) or '-'}"
                 for s in day.strips]
        ev.add("description", f"{day.pages} pages, {day.company_moves} company moves\n" + "\n".join(lines))
        ev.add("location", ", ".join(day.sites))
        cal.add_component(ev)
    with atomic_open(path, "wb") as fh:
        fh.write(cal.to_ical())
    return Path(path)


def export_schedule(schedule: Schedule, dood: DayOutOfDays, out_dir: str | Path) -> dict[str, Path]:
    """Stripboard PDF/HTML, DOOD XLSX/CSV/PDF and the .ics calendar into ``out_dir``."""
    out_dir = Path(out_dir)
    return {"stripboard_pdf": stripboard_pdf(schedule, out_dir / "stripboard.pdf"),
            "stripboard_html": stripboard_html(schedule, out_dir / "stripboard.html"),
            "dood_xlsx": dood_xlsx(dood, out_dir / "dood.xlsx"), "dood_csv": dood_csv(dood, out_dir / "dood.csv"),
            "dood_pdf": dood_pdf(dood, out_dir / "dood.pdf"), "ics": schedule_ics(schedule, out_dir / "schedule.ics"),
            "schedule_json": _json(out_dir / "schedule.json", schedule.model_dump_json(indent=2))}


def _json(path: Path, text: str) -> Path:
    with atomic_open(path, "w") as fh:
        fh.write(text)
    return path


__all__ = ["export_breakdown", "export_schedule", "breakdown_csv", "breakdown_xlsx", "breakdown_pdf", "uci_json",
           "stripboard_html", "stripboard_pdf", "dood_csv", "dood_xlsx", "dood_pdf", "schedule_ics", "format_eighths"]
