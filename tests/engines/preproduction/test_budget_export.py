"""Budget exports: XLSX formulas that still add up after an edit, CSV and PDF agreeing to the cent."""
from __future__ import annotations

import csv
import subprocess
from decimal import Decimal as D

import openpyxl
import pytest
from pypdf import PdfReader
from xlsx_formulas import Workbook  # recalculated by the `formulas` spreadsheet engine

from studio_kit.domain.budget import Account, Budget, DetailLine, Fringe, TopSheetGroup
from studio_kit.engines.preproduction.budget import compute, format_money, set_global
from studio_kit.engines.preproduction.budget_export import export_budget, write_xlsx
from studio_kit.engines.preproduction.budget_presets import build_budget


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    budget = build_budget("indie-feature-medium")
    out = tmp_path_factory.mktemp("budget")
    return budget, export_budget(budget, out)


def _find(ws, col: int, text: str) -> int:
    for row in ws.iter_rows(min_col=col, max_col=col):
        if row[0].value == text:
            return row[0].row
    raise AssertionError(f"{text!r} not in column {col} of {ws.title}")


def _detail_row(ws, description: str) -> int:
    return _find(ws, 2, description)


def test_xlsx_holds_formulas_not_just_numbers(exported):
    budget, paths = exported
    wb = openpyxl.load_workbook(paths["xlsx"], data_only=False)
    assert wb.sheetnames == ["Top sheet", "Detail", "Fringes", "Globals"]
    det, top = wb["Detail"], wb["Top sheet"]
    r = _detail_row(det, "Director of photography")
    assert det[f"H{r}"].value == f"=ROUND(C{r}*D{r}*F{r}*G{r},2)"
    assert det[f"D{r}"].value.startswith("=Globals!$B$")                # units follow PREP_WEEKS/SHOOT_WEEKS
    assert f"MIN(D{r}*F{r}*G{r},Fringes!$D$" in det[f"J{r}"].value  # fringe with a wage-base cutoff
    assert det[f"K{r}"].value == f"=H{r}+J{r}"
    acc = _find(det, 2, "Total 2200 Camera")
    assert det[f"K{acc}"].value.startswith("=SUM(K")
    cam = _find(top, 1, "2200")
    assert top[f"C{cam}"].value == f"=Detail!H{acc}" and top[f"D{cam}"].value == f"=Detail!J{acc}"
    grand = _find(top, 2, "GRAND TOTAL")
    assert top[f"E{grand}"].value.count("+") == 3
    cont = _find(top, 1, budget.contingency_code)
    assert top[f"E{cont}"].value.startswith(f"=ROUND(C{cont}/100*(")
    assert wb["Globals"]["B" + str(_find(wb["Globals"], 1, "SHOOT_WEEKS"))].value == "=ROUND(Globals!$B$2/Globals!$B$6,1)"


def test_cached_values_and_recalculation_match_the_engine(exported):
    budget, paths = exported
    top = compute(budget)
    cached = openpyxl.load_workbook(paths["xlsx"], data_only=True)
    ws = cached["Top sheet"]
    grand = _find(ws, 2, "GRAND TOTAL")
    assert D(str(ws[f"E{grand}"].value)) == top.grand_total
    for a in top.accounts:
        row = _find(ws, 1, a.code)
        assert D(str(ws[f"E{row}"].value)).quantize(D("0.01")) == a.total
    # every formula re-evaluated from the inputs gives the cached number
    wb = Workbook(paths["xlsx"])
    checked = 0
    for (sheet, coord), raw in wb.cells.items():
        if isinstance(raw, str) and raw.startswith("="):
            assert float(wb.value(sheet, coord)) == pytest.approx(cached[sheet][coord].value, abs=0.005), (sheet, coord, raw)
            checked += 1
    assert checked > 100
    assert wb.value("Top sheet", f"E{grand}") == top.grand_total


def test_editing_a_rate_in_the_workbook_still_adds_up(exported):
    budget, paths = exported
    wb = Workbook(paths["xlsx"])
    det = openpyxl.load_workbook(paths["xlsx"])["Detail"]
    r = _detail_row(det, "Director of photography")
    grand = f"E{_find(openpyxl.load_workbook(paths['xlsx'])['Top sheet'], 2, 'GRAND TOTAL')}"
    wb.set("Detail", f"F{r}", 5000)                                    # producer types a new weekly rate
    edited = budget.model_copy(deep=True)
    next(ln for ln in edited.account("2200").lines if ln.description == "Director of photography").rate = D(5000)
    assert wb.value("Top sheet", grand) == compute(edited).grand_total != compute(budget).grand_total

    globals_ws = openpyxl.load_workbook(paths["xlsx"])["Globals"]
    wb.set("Globals", f"B{_find(globals_ws, 1, 'SHOOT_DAYS')}", 30)     # the schedule grew to 30 days
    set_global(edited, "SHOOT_DAYS", 30)
    assert wb.value("Top sheet", grand) == compute(edited).grand_total


def test_fringe_cutoff_edit_in_the_workbook_matches_hand_computation(tmp_path):
    b = Budget(title="Cutoff", fringes={"FUTA": Fringe(code="FUTA", name="FUTA", percent=D("0.6"), cutoff=D(7000))},
               accounts=[Account(code="2000", name="Crew", group=TopSheetGroup.BELOW_THE_LINE, lines=[
                   DetailLine(description="Grips", amount=D(3), units=D(5), rate=D(2000), fringes=["FUTA"], labour=True)])],
               contingency_percent=D(0))
    path = write_xlsx(b, tmp_path / "cutoff.xlsx")
    wb = Workbook(path)
    assert wb.value("Detail", "J3") == D("126.00")                     # 0.6 % × 7,000 × 3 people
    wb.set("Fringes", "D2", 20000)                                      # raise the wage base above the 10,000 earned
    assert wb.value("Detail", "J3") == D("180.00")                     # 0.6 % × 10,000 × 3


def test_csv_and_pdf_totals_match_the_xlsx_to_the_cent(exported):
    budget, paths = exported
    top = compute(budget)
    with paths["csv_topsheet"].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert D(next(r for r in rows if r["row"] == "grand_total")["total"]) == top.grand_total
    groups = {r["group"]: D(r["total"]) for r in rows if r["row"] == "group"}
    assert groups == {g.value: top.group_total(g) for g in TopSheetGroup}
    with paths["csv_detail"].open(encoding="utf-8") as fh:
        detail = list(csv.DictReader(fh))
    assert sum(D(r["total"]) for r in detail) + top.contingency == top.grand_total
    xlsx = openpyxl.load_workbook(paths["xlsx"], data_only=True)["Top sheet"]
    xlsx_grand = D(str(xlsx[f"E{_find(xlsx, 2, 'GRAND TOTAL')}"].value))

    text = "\n".join(p.extract_text() for p in PdfReader(paths["pdf"]).pages)
    assert format_money(top.grand_total) in text and format_money(xlsx_grand) in text
    for g in TopSheetGroup:
        assert format_money(top.group_total(g)) in text
    assert "Director of photography" in text and "budget top sheet" in text
    layout = subprocess.run(["pdftotext", "-layout", str(paths["pdf"]), "-"], capture_output=True, text=True).stdout
    grand_line = next(ln for ln in layout.splitlines() if "GRAND TOTAL" in ln)
    assert grand_line.split()[-1] == format_money(top.grand_total)
