"""Budget exports: XLSX with live formulas, CSV, PDF — all agreeing to the cent.

The workbook is what a producer keeps editing, so every number that is a
result is a formula, written together with its computed value (xlsxwriter
caches it, so viewers that do not recalculate still show the totals):

* ``Detail``: ``Subtotal = ROUND(Amount*Units*Rate*Mult, 2)``; units that
  follow a global are ``=Globals!$B$n``; ``Fringes`` sums
  ``ROUND(Fringes!pct/100*MIN(Units*Rate*Mult, Fringes!cutoff)*Amount, 2)``
  per fringe code; each account ends with ``SUM`` rows;
* ``Top sheet``: each account references its ``Detail`` total row, groups are
  ``SUM``\\ s, contingency is ``ROUND(pct/100*(BTL+post), 2)`` with the
  percentage in an editable cell, the grand total adds the groups;
* ``Fringes`` and ``Globals``: the tables the formulas read.

Change a rate or SHOOT_DAYS in Excel/LibreOffice and everything follows.
"""
from __future__ import annotations

import csv
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from studio_kit.domain.budget import Budget, TopSheet, TopSheetGroup
from studio_kit.engines.preproduction.budget import compute, format_money, line_fringes, line_subtotal
from studio_kit.exceptions import BudgetError
from studio_kit.store.files import atomic_path

TOP, DETAIL, FRINGES, GLOBALS = "Top sheet", "Detail", "Fringes", "Globals"
_NAME = re.compile(r"\b([A-Z_][A-Z0-9_]*)\b(?!\s*\()")




def _n(value: Decimal) -> float | int:
    """A Decimal as the number type a spreadsheet stores."""
    return int(value) if value == value.to_integral_value() else float(value)


def _cell(col: int, row: int, absolute: bool = False) -> str:
    """0-based (col, row) -> A1 (or $A$1)."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"${letters}${row + 1}" if absolute else f"{letters}{row + 1}"


def _ref(sheet: str, a1: str) -> str:
    return f"'{sheet}'!{a1}" if " " in sheet else f"{sheet}!{a1}"


def write_xlsx(budget: Budget, path: str | Path) -> Path:
    """Top sheet, detail, fringes and globals with live formulas and cached values."""
    import xlsxwriter

    path = Path(path)
    top = compute(budget)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp))
        f_money = wb.add_format({"num_format": "#,##0.00"})
        f_bold = wb.add_format({"bold": True})
        f_bold_money = wb.add_format({"bold": True, "num_format": "#,##0.00", "top": 1})
        f_head = wb.add_format({"bold": True, "bg_color": "#DDDDDD", "bottom": 1})
        f_title = wb.add_format({"bold": True, "font_size": 14})
        ws_top = wb.add_worksheet(TOP)
        ws_det = wb.add_worksheet(DETAIL)
        ws_fr = wb.add_worksheet(FRINGES)
        ws_gl = wb.add_worksheet(GLOBALS)

        # Globals: name -> $B$n, formulas rewritten onto the cells.
        ws_gl.write_row(0, 0, ["Global", "Value", "Description"], f_head)
        gcell = {name: _ref(GLOBALS, _cell(1, i + 1, True)) for i, name in enumerate(budget.globals)}
        for i, g in enumerate(budget.globals.values()):
            ws_gl.write(i + 1, 0, g.name)
            if g.formula:
                ws_gl.write_formula(i + 1, 1, "=" + _excel_formula(g.formula, gcell), None, _n(g.value))
            else:
                ws_gl.write_number(i + 1, 1, _n(g.value))
            ws_gl.write(i + 1, 2, g.description)
        ws_gl.set_column(0, 0, 16), ws_gl.set_column(2, 2, 44)

        ws_fr.write_row(0, 0, ["Code", "Fringe", "Percent", "Cutoff (per person)", "Note"], f_head)
        fcell: dict[str, tuple[str, str | None]] = {}
        for i, fr in enumerate(budget.fringes.values()):
            ws_fr.write_row(i + 1, 0, [fr.code, fr.name])
            ws_fr.write_number(i + 1, 2, _n(fr.percent))
            if fr.cutoff is not None:
                ws_fr.write_number(i + 1, 3, _n(fr.cutoff), f_money)
            ws_fr.write(i + 1, 4, fr.note)
            fcell[fr.code] = (_ref(FRINGES, _cell(2, i + 1, True)),
                              _ref(FRINGES, _cell(3, i + 1, True)) if fr.cutoff is not None else None)
        ws_fr.set_column(1, 1, 34), ws_fr.set_column(3, 3, 18), ws_fr.set_column(4, 4, 50)

        # Detail sheet.
        cols = ["Acct", "Description", "Amount", "Units", "Unit", "Rate", "Mult", "Subtotal", "Fringe codes",
                "Fringes", "Total", "Note"]
        ws_det.write_row(0, 0, cols, f_head)
        ws_det.freeze_panes(1, 0)
        ws_det.set_column(1, 1, 40), ws_det.set_column(5, 5, 12), ws_det.set_column(7, 10, 14)
        ws_det.set_column(11, 11, 40)
        account_rows: dict[str, int] = {}
        row = 1
        for acc in budget.accounts:
            ws_det.write(row, 0, acc.code, f_bold)
            ws_det.write(row, 1, acc.name, f_bold)
            row += 1
            first = row
            for line in acc.lines:
                r = row + 1  # 1-based row number in formulas
                ws_det.write(row, 0, acc.code)
                ws_det.write(row, 1, line.description)
                ws_det.write_number(row, 2, _n(line.amount))
                if line.units_formula:
                    ws_det.write_formula(row, 3, "=" + _excel_formula(line.units_formula, gcell), None, _n(line.units))
                else:
                    ws_det.write_number(row, 3, _n(line.units))
                ws_det.write(row, 4, line.unit_label)
                ws_det.write_number(row, 5, _n(line.rate), f_money)
                ws_det.write_number(row, 6, _n(line.multiplier))
                sub = line_subtotal(line)
                ws_det.write_formula(row, 7, f"=ROUND(C{r}*D{r}*F{r}*G{r},2)", f_money, _n(sub))
                fr_vals = line_fringes(line, budget)
                ws_det.write(row, 8, " ".join(line.fringes) if line.labour else "")
                parts = []
                for code in fr_vals:
                    pct, cut = fcell[code]
                    wage = f"D{r}*F{r}*G{r}"
                    base = f"MIN({wage},{cut})" if cut else wage
                    parts.append(cents(f"{pct}/100*{base}*C{r}"))
                fr_total = sum(fr_vals.values(), Decimal(0))
                ws_det.write_formula(row, 9, "=" + ("+".join(parts) or "0"), f_money, _n(fr_total))
                ws_det.write_formula(row, 10, f"=H{r}+J{r}", f_money, _n(sub + fr_total))
                ws_det.write(row, 11, line.note)
                row += 1
            acc_total = next(a for a in top.accounts if a.code == acc.code)
            ws_det.write(row, 1, f"Total {acc.code} {acc.name}", f_bold)
            for col, value in ((7, acc_total.subtotal), (9, acc_total.fringe_total), (10, acc_total.total)):
                letter = _cell(col, 0)[:-1]
                rng = f"{letter}{first + 1}:{letter}{row}" if row > first else None
                ws_det.write_formula(row, col, f"=SUM({rng})" if rng else "=0", f_bold_money, _n(value))
            account_rows[acc.code] = row
            row += 2

        _write_top(ws_top, budget, top, account_rows, f_title, f_head, f_bold, f_money, f_bold_money)
        wb.close()
    return path


def cents(expr: str) -> str:
    """ROUND to the cent as the budget does (half away from zero on the exact value).

    Spreadsheet engines multiply in binary floating point, so 35.375 can arrive as
    35.374999…; Excel hides that by working to 15 significant digits, other engines
    (LibreOffice with some settings, the ``formulas`` evaluator) round it down. A nudge of
    1e-9 in the value's own direction — far below a cent, far above the float error —
    makes every engine agree with the budget's decimal arithmetic.
    """
    return f"ROUND({expr}+SIGN({expr})*1E-9,2)"


def _excel_formula(formula: str, gcell: dict[str, str]) -> str:
    """Global names in a budget formula -> absolute Globals!$B$n references."""
    def sub(m: re.Match) -> str:
        name = m.group(1)
        if name not in gcell:
            raise BudgetError(f"Formula {formula!r} uses unknown global {name}")
        return gcell[name]
    return _NAME.sub(sub, formula.replace(" ", ""))


def _write_top(ws, budget: Budget, top: TopSheet, account_rows: dict[str, int],
               f_title, f_head, f_bold, f_money, f_bold_money) -> None:
    ws.write(0, 0, f"{budget.title}: budget top sheet", f_title)
    ws.write(1, 0, f"Preset {budget.preset} · {budget.currency} · {date.today().isoformat()}")
    ws.write_row(3, 0, ["Acct", "Account", "Subtotal", "Fringes", "Total"], f_head)
    ws.set_column(1, 1, 40), ws.set_column(2, 4, 16)
    row = 4
    group_cells: dict[TopSheetGroup, str] = {}
    by_code = {a.code: a for a in top.accounts}
    for group in TopSheetGroup:
        ws.write(row, 1, group.label.upper(), f_bold)
        row += 1
        first = row
        for acc in (a for a in budget.accounts if a.group == group):
            t, d = by_code[acc.code], account_rows[acc.code] + 1
            ws.write(row, 0, acc.code)
            ws.write(row, 1, acc.name)
            ws.write_formula(row, 2, f"={DETAIL}!H{d}", f_money, _n(t.subtotal))
            ws.write_formula(row, 3, f"={DETAIL}!J{d}", f_money, _n(t.fringe_total))
            ws.write_formula(row, 4, f"=C{row + 1}+D{row + 1}", f_money, _n(t.total))
            row += 1
        extra = ""
        if group == TopSheetGroup.OTHER:
            base = "+".join(group_cells[g] for g in budget.contingency_base if g in group_cells) or "0"
            ws.write(row, 0, budget.contingency_code)
            ws.write(row, 1, "Contingency (% of " + " + ".join(g.short for g in budget.contingency_base) + ")")
            ws.write_number(row, 2, _n(top.contingency_percent))
            ws.write(row, 3, "%")
            ws.write_formula(row, 4, "=" + cents(f"C{row + 1}/100*({base})"), f_money, _n(top.contingency))
            extra = f"+E{row + 1}"
            row += 1
        total = top.group_total(group)
        body = f"SUM(E{first + 1}:E{row - (1 if extra else 0)})" if row - (1 if extra else 0) > first else "0"
        ws.write(row, 1, f"Total {group.label.lower()}", f_bold)
        ws.write_formula(row, 4, f"={body}{extra}", f_bold_money, _n(total))
        group_cells[group] = f"E{row + 1}"
        row += 2
    ws.write(row, 1, "GRAND TOTAL", f_bold)
    ws.write_formula(row, 4, "=" + "+".join(group_cells[g] for g in TopSheetGroup), f_bold_money, _n(top.grand_total))


def write_csv(budget: Budget, out_dir: str | Path, stem: str = "budget") -> dict[str, Path]:
    """``<stem>_topsheet.csv`` (accounts, groups, contingency, grand total) and ``<stem>_detail.csv``."""
    out_dir = Path(out_dir)
    top = compute(budget)
    detail, topsheet = out_dir / f"{stem}_detail.csv", out_dir / f"{stem}_topsheet.csv"
    with atomic_path(detail) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["account", "account_name", "group", "description", "amount", "units", "unit", "rate",
                    "multiplier", "subtotal", "fringe_codes", "fringes", "total", "note"])
        totals = iter(top.lines)
        for acc in budget.accounts:
            for line in acc.lines:
                t = next(totals)
                w.writerow([acc.code, acc.name, acc.group.value, line.description, line.amount, line.units,
                            line.unit_label, line.rate, line.multiplier, t.subtotal,
                            " ".join(t.fringes), t.fringe_total, t.total, line.note])
    with atomic_path(topsheet) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["row", "code", "name", "group", "subtotal", "fringes", "total"])
        for group in TopSheetGroup:
            for a in (a for a in top.accounts if a.group == group):
                w.writerow(["account", a.code, a.name, group.value, a.subtotal, a.fringe_total, a.total])
            if group == TopSheetGroup.OTHER:
                w.writerow(["contingency", budget.contingency_code, f"Contingency {top.contingency_percent}%",
                            group.value, "", "", top.contingency])
            w.writerow(["group", "", group.label, group.value, "", "", top.group_total(group)])
        w.writerow(["grand_total", "", "Grand total", "", "", "", top.grand_total])
    return {"detail": detail, "topsheet": topsheet}


def write_pdf(budget: Budget, path: str | Path) -> Path:
    """Top sheet on page one, then the detail by account (reportlab, US Letter)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import inch
    from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    path = Path(path)
    top = compute(budget)
    cur = budget.currency
    styles = getSampleStyleSheet()
    story = [Paragraph(f"{_esc(budget.title)}: budget top sheet", styles["Title"]),
             Paragraph(f"Preset {_esc(budget.preset)} · {cur} · {date.today().isoformat()}", styles["Normal"]),
             Spacer(1, 0.2 * inch)]
    rows: list[list[str]] = [["Acct", "Account", "Subtotal", "Fringes", "Total"]]
    bold_rows: list[int] = [0]
    for group in TopSheetGroup:
        rows.append(["", group.label.upper(), "", "", ""])
        bold_rows.append(len(rows) - 1)
        for a in (a for a in top.accounts if a.group == group):
            rows.append([a.code, a.name, format_money(a.subtotal, cur), format_money(a.fringe_total, cur),
                         format_money(a.total, cur)])
        if group == TopSheetGroup.OTHER:
            rows.append([budget.contingency_code, f"Contingency {top.contingency_percent.normalize():f}% of "
                         + " + ".join(g.short for g in budget.contingency_base), "", "",
                         format_money(top.contingency, cur)])
        rows.append(["", f"Total {group.label.lower()}", "", "", format_money(top.group_total(group), cur)])
        bold_rows.append(len(rows) - 1)
    rows.append(["", "GRAND TOTAL", "", "", format_money(top.grand_total, cur)])
    bold_rows.append(len(rows) - 1)
    story.append(_table(rows, [0.6, 3.2, 1.2, 1.1, 1.3], bold_rows, Table, TableStyle, colors, inch))

    story += [PageBreak(), Paragraph("Budget detail", styles["Heading1"])]
    totals = iter(top.lines)
    small = styles["BodyText"].clone("small", fontSize=7.5, leading=9)
    for acc in budget.accounts:
        acc_t = next(a for a in top.accounts if a.code == acc.code)
        rows = [["Description", "Amt", "Units", "Rate", "Subtotal", "Fringes", "Total"]]
        for line in acc.lines:
            t = next(totals)
            units = f"{line.units.normalize():f} {line.unit_label}"
            if line.multiplier != 1:
                units += f" ×{line.multiplier.normalize():f}"
            rows.append([Paragraph(_esc(line.description), small), f"{line.amount.normalize():f}", units,
                         format_money(line.rate, cur), format_money(t.subtotal, cur),
                         format_money(t.fringe_total, cur), format_money(t.total, cur)])
        rows.append([f"Total {acc.code}", "", "", "", format_money(acc_t.subtotal, cur),
                     format_money(acc_t.fringe_total, cur), format_money(acc_t.total, cur)])
        story += [Paragraph(f"{acc.code} {_esc(acc.name)}", styles["Heading3"]),
                  _table(rows, [2.4, 0.45, 1.15, 0.9, 0.95, 0.8, 0.95], [0, len(rows) - 1], Table, TableStyle, colors, inch)]
    with atomic_path(path) as tmp:
        SimpleDocTemplate(str(tmp), pagesize=letter, title=f"{budget.title} budget", leftMargin=0.6 * inch,
                          rightMargin=0.6 * inch, topMargin=0.6 * inch, bottomMargin=0.6 * inch).build(story)
    return path


def _table(rows, widths, bold_rows, Table, TableStyle, colors, inch):
    t = Table(rows, colWidths=[w * inch for w in widths], repeatRows=1)
    style = [("FONTSIZE", (0, 0), (-1, -1), 8), ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
             ("ALIGN", (0, 0), (1, -1), "LEFT"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
             ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
             ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5)]
    style += [("FONTNAME", (0, r), (-1, r), "Helvetica-Bold") for r in bold_rows]
    t.setStyle(TableStyle(style))
    return t


def _esc(text: str) -> str:
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def export_budget(budget: Budget, out_dir: str | Path, stem: str = "budget") -> dict[str, Path]:
    """XLSX + CSV (top sheet and detail) + PDF in ``out_dir``; returns the paths by kind."""
    out_dir = Path(out_dir)
    paths = {"xlsx": write_xlsx(budget, out_dir / f"{stem}.xlsx"), "pdf": write_pdf(budget, out_dir / f"{stem}.pdf")}
    csvs = write_csv(budget, out_dir, stem)
    paths["csv_detail"], paths["csv_topsheet"] = csvs["detail"], csvs["topsheet"]
    return paths
