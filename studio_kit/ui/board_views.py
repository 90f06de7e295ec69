"""HTML views of the board: breakdown sheet, day-out-of-days grid, headline figures.

Pure functions from domain objects to HTML strings, so the dashboard stays
thin and the views can be checked without a browser. Colours follow
STANDARDS.md (category colours from the domain's CATEGORY_TABLE).
"""
from __future__ import annotations

from studio_kit.domain.preproduction import (
    Breakdown,
    BreakdownCategory,
    BreakdownSheet,
    DayOutOfDays,
    DoodCode,
    TagOrigin,
    format_eighths,
    strip_colour,
)
from studio_kit.engines.preproduction.budget import format_money
from studio_kit.templating import render_macro

#: Cell fills of the DOOD grid (the usual scheduling-program palette).
DOOD_COLOURS = {
    DoodCode.START_WORK: "#A5D6A7", DoodCode.WORK: "#E8F5E9", DoodCode.WORK_FINISH: "#EF9A9A",
    DoodCode.START_WORK_FINISH: "#FFCC80", DoodCode.HOLD: "#FFF59D", DoodCode.DROP: "#B0BEC5",
    DoodCode.PICKUP: "#81D4FA", DoodCode.TRAVEL: "#CE93D8", DoodCode.REHEARSAL: "#F8BBD0", DoodCode.OFF: "#FFFFFF",
}


def dood_mark(label: str) -> str:
    """"pickup", "drop", "pickup drop" or "" for a printed DOOD cell ("PW", "WD", "PWD", "SW" ...).

    Movie Magic prints drop/pickup as marks on work days: a pickup cell starts
    with P ("PW", "PWF"), a drop cell is a work day ending in D ("WD", "SWD").
    """
    marks = []
    if label.startswith("P") and "W" in label:
        marks.append("pickup")
    if label.endswith("D") and "W" in label:
        marks.append("drop")
    return " ".join(marks)


def dood_fill(label: str) -> str:
    """CSS background of a printed DOOD cell: pickup blue, drop grey-blue (both, split, on a "PWD")."""
    mark = dood_mark(label)
    if mark == "pickup drop":
        return (f"linear-gradient(135deg, {DOOD_COLOURS[DoodCode.PICKUP]} 50%, "
                f"{DOOD_COLOURS[DoodCode.DROP]} 50%)")
    if mark:
        return DOOD_COLOURS[DoodCode.PICKUP if mark == "pickup" else DoodCode.DROP]
    try:
        return DOOD_COLOURS[DoodCode(label)]
    except ValueError:
        return DOOD_COLOURS[DoodCode.OFF]


def _ink(hex_colour: str) -> str:
    """Black or white text, whichever reads better on ``hex_colour``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i:i + 2], 16) for i in (0, 2, 4))
    return "#111" if (0.299 * r + 0.587 * g + 0.114 * b) > 150 else "#fff"


def _macro(name: str, *args, **kwargs) -> str:
    return render_macro("breakdown_board/views.html.j2", name, *args, **kwargs)


def sheet_html(sheet: BreakdownSheet, breakdown: Breakdown) -> str:
    """One breakdown sheet: the scene header (with script page and sheet n of N) and a box per category."""
    colour, colour_name = strip_colour(sheet.int_ext, sheet.is_night)
    number = next((n for n, s in enumerate(breakdown.sheets, start=1) if s.scene_index == sheet.scene_index), 0)
    cast = {c.id: c.name for c in breakdown.cast}
    boxes = []
    for cat in BreakdownCategory:
        tags = sheet.tags_in(cat)
        if not tags and cat not in (BreakdownCategory.CAST, BreakdownCategory.PROPS, BreakdownCategory.EXTRAS_ATMOSPHERE):
            continue
        info = cat.info
        chips = []
        for t in sorted(tags, key=lambda t: (t.cast_id or 999, t.name)):
            label = f"{t.cast_id}. {cast.get(t.cast_id, t.name)}" if t.cast_id else t.name
            if t.count:
                label += f" ({t.count})"
            cls = ["tag", info.mark or "plain"]
            if t.origin == TagOrigin.MANUAL:
                cls.append("manual")
            if t.confidence < 0.6:
                cls.append("unsure")
            tip = f"line {t.line}: “{t.matched}” · {t.origin.value}, confidence {t.confidence:.2f}" if t.line else t.origin.value
            chips.append({"cls": " ".join(cls), "tip": tip, "label": label})
        boxes.append({"category": cat.value, "colour": info.colour, "ink": _ink(info.colour), "label": info.label,
                      "uci": info.uci, "chips": chips})
    head = {"colour": colour, "colour_name": colour_name, "number": number, "total": len(breakdown.sheets)}
    return _macro("sheet", sheet, head, boxes)


SHEET_CSS = """
.bsheet { font-family: Helvetica, Arial, sans-serif; border: 1px solid #333; border-radius: 6px; overflow: hidden;
          background: #fff; }
.bs-head { display: flex; gap: 18px; padding: 10px 14px; border-bottom: 2px solid #333; align-items: flex-end; }
.bs-head .lbl, .bs-syn .lbl { display: block; font-size: 10px; text-transform: uppercase; color: #555; letter-spacing: .06em; }
.bs-head b { font-family: 'Courier Prime', 'Courier New', monospace; font-size: 15px; }
.bs-head b.big { font-size: 24px; }
.bs-heading { flex: 1; }
.bs-syn { padding: 8px 14px; border-bottom: 1px solid #ccc; font-size: 13px; background: #fafafa; }
.bs-syn .lbl { display: inline; margin-right: 6px; }
.bs-meta { float: right; color: #777; font-size: 11px; }
.cats { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: 8px; padding: 10px; }
.cat { border: 1px solid #bbb; border-radius: 4px; overflow: hidden; min-height: 64px; }
.cat-h { font-size: 11px; font-weight: 700; text-transform: uppercase; padding: 3px 6px; letter-spacing: .04em;
         border-bottom: 1px solid #999; }
.cat-h small { float: right; opacity: .75; font-weight: 400; }
.cat-b { padding: 6px; display: flex; flex-wrap: wrap; gap: 4px; }
.tag { font-family: 'Courier Prime', 'Courier New', monospace; font-size: 12px; padding: 1px 6px; border-radius: 3px;
       background: color-mix(in srgb, var(--c) 28%, white); border: 1px solid var(--c); }
.tag.circle { background: #fff; border: 1.5px solid #333; border-radius: 999px; }
.tag.asterisk::before { content: "* "; font-weight: 700; }
.tag.box { background: #fff; border: 1.5px solid #333; border-radius: 0; }
.tag.underline { background: #fff; border: 0; border-bottom: 2px solid #555; border-radius: 0; }
.tag.manual { box-shadow: 0 0 0 2px #ff6f00; }
.tag.unsure { border-style: dashed; opacity: .8; }
.none { color: #aaa; font-size: 11px; font-style: italic; }
.cast-list { display: flex; flex-wrap: wrap; gap: 4px; font-family: Helvetica, Arial, sans-serif; }
.tag.castno { --c: #ef5350; }
.tag.castno.locked { background: #fff; border: 1.5px solid #333; }
.cast-state { margin-top: 6px; font: 12px Helvetica, Arial, sans-serif; color: #555; }
"""


def cast_html(breakdown: Breakdown, locked: dict[str, int]) -> str:
    """The cast list as numbered on the board; a padlock on numbers locked in the edit log."""
    state = (f"Locked: {len(locked)} name(s). Revised drafts keep these numbers; new characters are numbered "
             f"after {max(locked.values())}, and a cut character's number is not reused." if locked else
             "Not locked: the numbers follow scene counts (1 = most scenes) and may change with a new draft.")
    return _macro("cast", breakdown.cast, {k.upper() for k in locked}, state)


def elements_html(breakdown: Breakdown) -> str:
    """Every element of the script by category with the scenes it is in (the breakdown's element list)."""
    numbers = {s.scene_index: s.scene_number for s in breakdown.sheets}
    sections = []
    for cat in BreakdownCategory:
        found = breakdown.elements(cat)
        if not found:
            continue
        info = cat.info
        rows = [(name, len(idx), ", ".join(numbers[i] for i in idx))
                for name, idx in sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0]))]
        sections.append({"category": cat.value, "colour": info.colour, "ink": _ink(info.colour), "label": info.label,
                         "uci": info.uci, "mark": info.mark or "plain", "rows": rows})
    return _macro("elements", sections)


ELEMENTS_CSS = """
.els { display: grid; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); gap: 10px;
       font-family: Helvetica, Arial, sans-serif; }
.el-cat { border: 1px solid #bbb; border-radius: 4px; overflow: hidden; background: #fff; }
.el { border-collapse: collapse; width: 100%; font-size: 12px; }
.el th { text-align: left; font-size: 10px; text-transform: uppercase; color: #666; padding: 3px 6px; }
.el td { border-top: 1px solid #eee; padding: 3px 6px; }
.el td.n { text-align: right; width: 3em; }
.el .tag { white-space: nowrap; }
"""


def dood_html(dood: DayOutOfDays) -> str:
    """Cast × shoot days as printed (``DoodRow.labels``: SW, W, WF, SWF, H, WD/SWD, PW/PWF/PWD, T, R),
    coloured by code (pickup cells blue, drop cells grey-blue), then work/hold/travel/total columns.

    A day between a drop and its pickup is hatched (off payroll, not a hold)."""
    days = [(n, d.strftime("%a") if d else "", d.strftime("%d %b") if d else "")
            for n, d in zip(dood.day_numbers, dood.dates)]
    rows = []
    for r in dood.rows:
        off = {d for a, b in zip(r.drop_days, r.pickup_days) for d in range(a + 1, b)}   # dropped: off payroll
        rows.append((r, [(label, n in off, dood_fill(label), dood_mark(label))
                         for n, label in enumerate(r.labels, start=1)]))
    legend = [(label, name, dood_fill(label)) for label, name in (
        ("SW", "start work"), ("W", "work"), ("WF", "work finish"), ("SWF", "start-work-finish"), ("H", "hold"),
        ("WD", "work, then drop (SWD: start, then drop)"), ("PW", "pickup, work (PWF: pickup, finish)"),
        ("T", "travel"), ("R", "rehearsal"))]
    return _macro("dood", dood, days, rows, legend)


DOOD_CSS = """
.dood { border-collapse: collapse; font-family: Helvetica, Arial, sans-serif; font-size: 13px; background: #fff; }
.dood-wrap { overflow-x: auto; max-width: 100%; }      /* a feature's 20+ days scroll, the cast column stays */
.dood th, .dood td { border: 1px solid #9e9e9e; padding: 5px 7px; text-align: center; }
.dood th.who { position: sticky; left: 0; z-index: 1; white-space: nowrap; }
.dood thead th { background: #263238; color: #fff; font-size: 11px; text-transform: uppercase; }
.dood thead th small { text-transform: none; opacity: .8; }
.dood th.who { text-align: left; min-width: 150px; background: #eceff1; color: #111; }
.dood thead th.who { background: #263238; color: #fff; }
.dood td.code { font-weight: 700; font-family: 'Courier Prime', 'Courier New', monospace; min-width: 38px; }
.dood td.tot { font-weight: 700; background: #eceff1; }
.dood td.gap, .legend .gap-key { background-image: repeating-linear-gradient(45deg, #cfd8dc 0 2px, transparent 2px 7px); }
.legend .gap-key { width: 18px; height: 12px; vertical-align: middle; }
.legend { margin-top: 8px; font-size: 12px; color: #444; font-family: Helvetica, Arial, sans-serif; }
.legend span { display: inline-block; padding: 0 6px; border: 1px solid #9e9e9e; font-weight: 700; margin-left: 8px; }
"""


def kpi_html(summary: dict) -> str:
    """The header cards: scenes and pages, shoot days, company moves against the baselines, budget."""
    cards = [
        ("Scenes", f"{summary['scenes']}", f"{format_eighths(summary['eighths'])} pages · {summary['cast']} cast"),
        ("Shoot days", f"{summary['days']}", f"board: {summary['status'].lower()}"),
        ("Company moves", f"{summary['company_moves']}",
         f"script order {summary['script_order_moves']} · greedy {summary['greedy_moves']}"),
        ("Budget", format_money(summary["total"], summary["currency"]), "grand total incl. contingency"),
    ]
    return _macro("kpis", cards, (summary.get("problems") or [])[:4])


KPI_CSS = """
.kpis { display: flex; gap: 12px; font-family: Helvetica, Arial, sans-serif; }
.kpi { flex: 1; background: #fff; border: 1px solid #ddd; border-left: 5px solid #8b1e3f; border-radius: 6px;
       padding: 8px 14px; }
.kpi .kt { font-size: 11px; text-transform: uppercase; color: #777; letter-spacing: .06em; }
.kpi .kv { font-size: 26px; font-weight: 700; color: #222; }
.kpi .ks { font-size: 12px; color: #555; }
.kpi-warn { margin-top: 8px; background: #ffebee; border: 1px solid #e53935; color: #b71c1c; padding: 6px 10px;
            border-radius: 4px; font-family: Helvetica, Arial, sans-serif; font-size: 12px; }
"""
