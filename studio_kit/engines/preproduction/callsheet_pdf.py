"""Call sheet PDF layout (reportlab platypus, US Letter), used by ``callsheet.write_pdf``."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio_kit.domain.callsheet import CallSheet


def _esc(text: object) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def build_pdf(cs: CallSheet, path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    small = styles["BodyText"].clone("cs_small", fontSize=8, leading=10)
    # a heading always travels with the table under it: never stranded at the foot of a page
    head = styles["Heading3"].clone("cs_head", spaceBefore=8, spaceAfter=2, keepWithNext=1)
    hhmm = lambda t: t.strftime("%H:%M")  # noqa: E731

    def para(text: str) -> Paragraph:
        return Paragraph(_esc(text), small)

    def table(rows: list[list], widths: list[float]) -> Table:
        t = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1)
        t.setStyle(TableStyle([
            ("FONTSIZE", (0, 0), (-1, -1), 8), ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
            ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    header = Table([
        [Paragraph(f"<b>{_esc(cs.title)}</b>", styles["Heading2"]), "Crew call", f"Sunrise {cs.sunrise}"],
        [f"Day {cs.day_number} of {cs.total_days}", hhmm(cs.crew_call), f"Sunset {cs.sunset}"],
        [f"{cs.weekday} {cs.date.isoformat()}", "Shooting call", f"Weather: {cs.weather}"],
        [para(f"{cs.location_name} ({cs.lat:.4f}, {cs.lon:.4f}, {cs.timezone})"), hhmm(cs.shooting_call),
         para(f"Nearest hospital: {cs.nearest_hospital}")],
        [para(f"Address: {cs.location_address}"), "Est. wrap", para(f"Parking: {cs.parking}")],
        [Paragraph(f'<link href="{_esc(cs.map_url)}" color="blue">Map: {_esc(cs.map_url)}</link>', small),
         hhmm(cs.estimated_wrap) if cs.estimated_wrap else "", ""],
        [para(f"Production office: {cs.production_office}"), "",
         para("; ".join(f"{c.get('role', '')}: {c.get('name', '')} {c.get('phone', '')}".strip() for c in cs.contacts)
              or "Contacts: FILL IN — production contacts in the project's call sheet settings")],
    ], colWidths=[3.0 * inch, 1.4 * inch, 2.9 * inch])
    header.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.5, colors.black), ("ALIGN", (1, 0), (1, -1), "CENTER"),
        ("FONTSIZE", (0, 0), (-1, -1), 9), ("FONTNAME", (1, 1), (1, 1), "Helvetica-Bold"),
        ("FONTNAME", (1, 3), (1, 3), "Helvetica-Bold"), ("FONTSIZE", (1, 1), (1, 1), 16),
        ("FONTSIZE", (1, 3), (1, 3), 16), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    story: list = [header]
    if cs.call_note:
        story.append(Paragraph(_esc(cs.call_note), small))
    for f in cs.forced_calls:
        story.append(Paragraph("<b>FORCED CALL</b> — " + _esc(f), small))
    story.append(para("Meals: " + " · ".join(f"{m.meal} {hhmm(m.time)}" for m in cs.meals)))
    story.append(Paragraph("Scenes", head))

    rows = [["Sc.", "Set", "I/E", "D/N", "Pages", "Cast", "Synopsis"]]
    rows += [[s.scene_number, para(s.set), s.int_ext, s.day_night, s.pages, ", ".join(map(str, s.cast_ids)),
              para(s.synopsis)] for s in cs.scenes]
    rows.append(["", "Total pages", "", "", cs.total_pages, "", ""])
    story.append(table(rows, [0.45, 1.9, 0.5, 0.4, 0.55, 0.8, 2.7]))

    story.append(Paragraph("Cast", head))
    rows = [["#", "Character", "Status", "Pickup", "Makeup/Hair", "On set", "Remarks"]]
    rows += [[str(c.cast_id), para(c.character), c.status, hhmm(c.pickup),
              hhmm(c.makeup) if c.kind == "on-camera" else "—", hhmm(c.on_set), para(c.remarks)]
             for c in cs.cast] or [["", "No cast called.", "", "", "", "", ""]]
    story.append(table(rows, [0.3, 1.7, 0.5, 0.6, 0.8, 0.6, 2.8]))

    story.append(Paragraph("Background", head))
    rows = [["Extras", "Count", "Scenes"]]
    rows += [[para(f"{e.item} ({e.category})"), str(e.count) if e.count else "tbc", ", ".join(e.scenes)]
             for e in cs.extras] or [["None.", "", ""]]
    story.append(table(rows, [4.0, 0.8, 2.5]))

    story.append(Paragraph("Special requirements", head))
    rows = [["Department", "Item", "Scenes"]]
    rows += [[r.category, para(r.item), ", ".join(r.scenes)] for r in cs.requirements] or [["None.", "", ""]]
    story.append(table(rows, [1.8, 3.5, 2.0]))

    title = "Advance schedule"
    if cs.advance_day:
        title += f": day {cs.advance_day}" + (f", {cs.advance_date.isoformat()}" if cs.advance_date else "")
    story.append(Paragraph(title, head))
    rows = [["Sc.", "Set", "I/E", "D/N", "Pages", "Cast"]]
    rows += [[s.scene_number, para(s.set), s.int_ext, s.day_night, s.pages, ", ".join(map(str, s.cast_ids))]
             for s in cs.advance_scenes] or [["", "No further shoot days.", "", "", "", ""]]
    story.append(table(rows, [0.5, 3.6, 0.6, 0.5, 0.8, 1.3]))

    story.append(Paragraph("Department calls", head))
    rows = [["Department", "Call", "Note"]] + [[d.department, hhmm(d.call), para(d.note)] for d in cs.departments]
    story.append(table(rows, [2.6, 0.8, 3.9]))
    story.append(Paragraph("Meals", head))
    rows = [["Meal", "Time", "Note"]] + [[m.meal, hhmm(m.time), para(m.note)] for m in cs.meals]
    story.append(table(rows, [2.6, 0.8, 3.9]))
    story.append(Paragraph("Safety", head))
    for n in cs.safety or ["No special hazards in today's scenes."]:
        story.append(Paragraph("• " + _esc(n), small))
    story.append(Paragraph("Notes", head))
    for n in cs.notes or ["None."]:
        story.append(Paragraph("• " + _esc(n), small))
    story.append(Spacer(1, 6))
    SimpleDocTemplate(str(path), pagesize=letter, title=f"{cs.title} call sheet day {cs.day_number}",
                      leftMargin=0.6 * inch, rightMargin=0.6 * inch, topMargin=0.5 * inch,
                      bottomMargin=0.5 * inch).build(story)
