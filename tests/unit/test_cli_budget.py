"""`studio budget` and `studio callsheet`: summaries, files, and clean errors."""
from __future__ import annotations

import csv
import datetime as dt
import re
import subprocess
import sys
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

pytest.importorskip("studio_kit.engines.writing.fountain")

from studio_kit.cli.budget import register  # noqa: E402
from studio_kit.engines.preproduction.budget import format_money  # noqa: E402

SCRIPT = """Title: Corner Store

INT. CORNER STORE - DAY

MAYA (30s) stacks cans. A CROWD of shoppers drifts past the window.

MAYA
We close at six, whatever happens.

LEO
Then I had better be quick.

EXT. PARKING LOT - NIGHT

Leo starts his MOTORCYCLE. Maya watches from the door.

MAYA
Drive safe.

INT. CORNER STORE - NIGHT

Maya counts the register alone.
"""


@pytest.fixture
def cli():
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def script(tmp_path):
    p = tmp_path / "corner.fountain"
    p.write_text(SCRIPT)
    return p


def test_budget_prints_the_top_sheet_summary_and_writes_matching_files(cli, script, tmp_path):
    out = tmp_path / "budget"
    result = cli("budget", script, "--preset", "micro-medium", "--contingency", "5", "--time-limit", "2", "-o", out)
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    m = re.search(r"Budget micro-short-medium: ATL (\$[\d,.]+), BTL (\$[\d,.]+), post (\$[\d,.]+), "
                  r"other (\$[\d,.]+), total (\$[\d,.]+) \(contingency 5%\)", text)
    assert m, text
    with (out / "budget_topsheet.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    grand = Decimal(next(r for r in rows if r["row"] == "grand_total")["total"])
    assert m.group(5) == format_money(grand)
    groups = [Decimal(r["total"]) for r in rows if r["row"] == "group"]
    assert [m.group(i) for i in range(1, 5)] == [format_money(g) for g in groups]
    assert sorted(p.name for p in out.iterdir()) == ["budget.pdf", "budget.xlsx", "budget_detail.csv",
                                                     "budget_topsheet.csv"]
    with (out / "budget_detail.csv").open() as fh:
        cast = [r["description"] for r in csv.DictReader(fh) if r["account"] == "1400"]
    assert any("MAYA" in c for c in cast) and any("LEO" in c for c in cast)


def test_budget_unknown_preset_is_a_clean_error(cli, script, tmp_path):
    result = cli("budget", script, "--preset", "blockbuster", "--time-limit", "1", "-o", tmp_path / "b")
    assert result.exit_code != 0
    assert "Unknown budget preset 'blockbuster'" in str(result.exception)
    assert not (tmp_path / "b" / "budget.xlsx").exists()


def test_callsheet_writes_html_and_pdf_with_sun_times_for_the_location(cli, script, tmp_path):
    from astral import Observer
    from astral.sun import sunrise

    out = tmp_path / "cs"
    result = cli("callsheet", script, "--day", "1", "--start-date", "2026-03-02", "--lat", "51.5074", "--lon",
                 "-0.1278", "--tz", "Europe/London", "--location-name", "London", "--hospital",
                 "St Thomas' Hospital, Westminster Bridge Rd", "--time-limit", "2", "-o", out)
    assert result.exit_code == 0, result.output
    expected = sunrise(Observer(51.5074, -0.1278), date=dt.date(2026, 3, 2), tzinfo=ZoneInfo("Europe/London"))
    text = " ".join(result.output.split())
    assert "Call sheet day 1 of" in text and "2026-03-02" in text and f"sunrise {expected:%H:%M}" in text
    html = (out / "callsheet_day01.html").read_text()
    assert f'id="sunrise">{expected:%H:%M}<' in html and "St Thomas&#39; Hospital" in html
    assert (out / "callsheet_day01.pdf").read_bytes().startswith(b"%PDF")


def test_callsheet_day_out_of_range_names_the_days(cli, script, tmp_path):
    result = cli("callsheet", script, "--day", "9", "--time-limit", "1", "-o", tmp_path / "cs")
    assert result.exit_code != 0
    assert "Shoot day 9 does not exist" in str(result.exception)
    bad = cli("callsheet", script, "--day", "1", "--crew-call", "7am", "-o", tmp_path / "cs")
    assert "is not a time" in str(bad.exception)


def test_command_module_imports_no_heavy_libraries():
    code = ("import sys, studio_kit.cli.budget; "
            "print(sorted(m for m in ('ortools', 'reportlab', 'xlsxwriter', 'astral', 'openpyxl', 'torch') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_studio_app_lists_budget_and_callsheet_through_entry_points():
    from studio_kit import cli as studio_cli

    names = {c.name for c in studio_cli.app.registered_commands}
    assert {"budget", "callsheet"} <= names


def test_callsheet_and_budget_follow_the_published_schedule_json(cli, script, tmp_path):
    """The crew's stripboard is the one on paper: --schedule reads it instead of solving again."""
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.preproduction.schedule import reschedule, schedule_breakdown
    from studio_kit.engines.writing.io import load_script

    sched = schedule_breakdown(break_down(load_script(script)), time_limit=2, num_workers=2)
    # the 1st AD reworks the board by hand: one scene a day, last scene first
    plan = [[s.scene_index] for s in sorted(sched.strips, key=lambda s: -s.scene_index)]
    published = reschedule(sched, [plan[0] + plan[-1]] + plan[1:-1])
    day1 = published.days[0]
    # ... and shoots the night scene before the day scene on day 1: that order is kept
    published.days[0] = day1.model_copy(update={"strips": sorted(day1.strips, key=lambda s: not s.night)})
    path = tmp_path / "board" / "schedule.json"
    path.parent.mkdir()
    path.write_text(published.model_dump_json(indent=2))
    out = tmp_path / "cs"
    result = cli("callsheet", script, "--day", "1", "--schedule", path.parent, "--start-date", "2026-03-02", "-o", out)
    assert result.exit_code == 0, result.output
    html = (out / "callsheet_day01.html").read_text()
    first = published.days[0].strips
    for s in first:
        assert f">{s.scene_number}<" in html and s.location in html
    assert first[0].night and html.index(f">{first[0].scene_number}<") < html.index(f">{first[1].scene_number}<")
    assert f"day 1 of {len(published.days)}" in " ".join(result.output.split())
    result = cli("budget", script, "--schedule", path, "--preset", "micro-low", "-o", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert f"{len(published.days)} shoot days" in result.output
    # a board made from another draft is refused by name
    other = tmp_path / "other.fountain"
    other.write_text(SCRIPT.replace("EXT. PARKING LOT - NIGHT", "EXT. ALLEY - NIGHT"))
    bad = cli("callsheet", other, "--day", "1", "--schedule", path, "-o", tmp_path / "cs2")
    assert bad.exit_code != 0 and "different draft" in str(bad.exception)


def test_budget_auto_preset_prices_a_short_as_a_short(cli, script, tmp_path):
    result = cli("budget", script, "--time-limit", "2", "-o", tmp_path / "b")
    assert result.exit_code == 0, result.output
    assert "Budget micro-short-medium:" in " ".join(result.output.split())
