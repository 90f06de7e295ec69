"""The preproduction_package template: a script in, a stored pre-production package out."""
import datetime as dt

import pytest

from studio_kit.ui.board_state import SAMPLE_SCRIPT


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """One run of the template on the sample short (module-wide: the run takes ~10 s)."""
    import os

    from studio_kit.config import reset_settings

    home = tmp_path_factory.mktemp("studio-home")
    old = os.environ.get("STUDIO_HOME")
    os.environ["STUDIO_HOME"] = str(home)
    reset_settings()
    try:
        from studio_kit.engines.preproduction.edits import EditLog
        from studio_kit.runs.runner import run_template
        from studio_kit.ui.board_state import edit_log_path

        board_log = EditLog()                          # a correction made earlier on the Breakdown & Budget Board
        board_log.add("props", "CARBON RODS", "1")
        board_log.save(edit_log_path(home, SAMPLE_SCRIPT))

        result = run_template("preproduction_package", {
            "script_path": str(SAMPLE_SCRIPT), "output_dir": str(home / "package"), "pages_per_day": "3",
            "time_limit": "4", "preset": "micro-short-low", "start_date": "2027-03-01",
            "lat": "51.5074", "lon": "-0.1278", "timezone": "Europe/London"}, progress=False)
        yield home, result
    finally:
        if old is None:
            os.environ.pop("STUDIO_HOME", None)
        else:
            os.environ["STUDIO_HOME"] = old
        reset_settings()


def test_run_publishes_the_key_figures(package):
    home, result = package
    out = result.outputs
    assert result.status == "succeeded"
    from studio_kit.domain.preproduction import format_eighths
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.io import load_script

    eighths = break_down(load_script(SAMPLE_SCRIPT)).total_eighths
    assert out["scenes"] == 12 and out["pages"] == format_eighths(eighths) and out["cast"] == 4
    assert out["shoot_days"] >= -(-eighths // 24)    # at most 3 pages (24 eighths) a day
    assert out["company_moves"] <= out["script_order_moves"]
    assert out["preset"] == "micro-short-low" and float(out["budget_total"]) > 0
    assert out["output_dir"] == str(home / "package")


def test_budget_xlsx_opens_and_its_formulas_add_up_to_the_published_total(package):
    from decimal import Decimal

    import openpyxl
    from xlsx_formulas import Workbook

    _, result = package
    path = result.outputs["budget_xlsx"]
    wb = openpyxl.load_workbook(path)
    top = wb.worksheets[0]
    label = next(c for row in top.iter_rows() for c in row if "grand total" in str(c.value or "").lower())
    formulas = [c for c in top[label.row] if isinstance(c.value, str) and c.value.startswith("=")]
    assert formulas, "the grand total is a live formula"
    total = Workbook(path).value(top.title, formulas[-1].coordinate)
    assert Decimal(total).quantize(Decimal("0.01")) == Decimal(result.outputs["budget_total"])


def test_call_sheets_and_stripboard_pdfs_hold_the_schedule(package):
    from pypdf import PdfReader

    _, result = package
    sheets = result.outputs["callsheets"]
    assert len(sheets) == result.outputs["shoot_days"]
    text = "\n".join(p.extract_text() for p in PdfReader(sheets[0]).pages)
    assert "The Last Reel" in text and "2027-03-01" in text
    assert "Sunrise" in text or "sunrise" in text
    board = "\n".join(p.extract_text() for p in PdfReader(result.outputs["stripboard_pdf"]).pages)
    assert "ORPHEUM CINEMA" in board and "HARBOUR ROAD" in board


def test_ics_has_one_event_per_shoot_day_from_the_start_date(package):
    from icalendar import Calendar

    _, result = package
    cal = Calendar.from_ical(open(result.outputs["schedule_ics"], "rb").read())
    starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert len(starts) == result.outputs["shoot_days"]
    assert starts[0] == dt.date(2027, 3, 1) and all(d.weekday() < 5 for d in starts)


def test_dood_xlsx_lists_the_cast(package):
    import openpyxl

    _, result = package
    ws = openpyxl.load_workbook(result.outputs["dood_xlsx"]).active
    text = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
    for name in ("MAYA", "OTTO", "DEVLIN", "PRIYA"):
        assert name in text


def test_package_files_are_assets_of_the_project(package):
    from studio_kit.store import open_store

    home, result = package
    ctx = open_store(f"sqlite:///{home / 'studio.db'}", asset_root=home / "assets").project("default", "demo")
    kinds = {}
    for a in ctx.list_assets():
        kinds.setdefault(a.kind, []).append(a)
    assert len(kinds["callsheet"]) == 2 * result.outputs["shoot_days"]
    assert {a.name for a in kinds["budget"]} >= {"budget/budget.xlsx", "budget/budget.pdf"}
    assert {a.name for a in kinds["schedule"]} >= {"schedule/stripboard.pdf", "schedule/dood.xlsx", "schedule/schedule.ics"}
    assert "breakdown/breakdown.xlsx" in {a.name for a in kinds["breakdown"]}
    script = kinds["script"][0]
    assert all(a.parent_id == script.id for a in kinds["budget"])
    assert result.outputs["assets"] == sum(len(v) for k, v in kinds.items() if k not in ("script", "run_notebook"))


def test_missing_script_is_rejected_before_running(studio_home):
    from studio_kit.exceptions import ParameterError
    from studio_kit.runs.runner import run_template

    with pytest.raises(ParameterError, match="script_path"):
        run_template("preproduction_package", {"output_dir": "x"}, progress=False)


def test_corrections_from_the_board_are_in_the_breakdown(package):
    import openpyxl

    _, result = package
    book = openpyxl.load_workbook(result.outputs["breakdown_xlsx"])
    cells = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value]
    assert any("CARBON RODS" in c for c in cells)
