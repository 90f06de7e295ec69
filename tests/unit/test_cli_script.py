"""`studio script ...` commands, run through typer's CliRunner on the shared samples."""
from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from studio_kit.cli import app
from studio_kit.exceptions import ScriptError

runner = CliRunner()


@pytest.fixture
def bob(samples_dir):
    return samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"


def run(*args: str):
    return runner.invoke(app, ["script", *args], catch_exceptions=True)


def test_parse_prints_the_reference_figures(bob):
    result = run("parse", str(bob))
    assert result.exit_code == 0, result.output
    # 5.67 pages: our default splits speeches at sentence ends, as Final Draft does, so BOB's first
    # speech (no sentence end on page 1) moves whole to page 2; afterwriting's line split gives 5.55
    # (tests/data/samples/SOURCES.md; test_pagination checks that figure with sentence_splits=False)
    assert "3 scenes" in result.output and "5.67 pages" in result.output and "35 dialogue blocks" in result.output
    assert "PARK" in result.output and "2 7/8" in result.output       # eighths written the producer's way

    data = json.loads(run("parse", str(bob), "--json").output)
    assert data["dialogue_blocks"] == 35 and data["pages"] == 6
    assert data["fractional_pages"] == pytest.approx(5.67, abs=0.005)       # Final Draft-style splits (above)
    first = data["scenes"][0]
    assert (first["int_ext"], first["location"], first["time"]) == ("EXT", "PARK", "DAY")
    assert [s["eighths"] for s in data["scenes"]] == ["2", "4/8", "2 7/8"]    # afterwriting: 16/8, 4/8, 23/8
    assert "MARGARET" in data["speaking_characters"] and "MARGARET" in first["characters"]


def test_parse_json_is_complete_per_scene_and_for_the_script(bob):
    data = json.loads(run("parse", str(bob), "--json").output)
    assert data["scene_count"] == 3 and data["source_format"] == "fountain" and data["more_splits"] == 1
    assert data["title_page"]["Author"] == "Richard Alexander Hall"
    assert data["total_eighths"] == "5 3/8"                       # 16 + 4 + 23 eighths
    first = data["scenes"][0]
    assert first["index"] == 1 and first["page"] == 1 and first["line"] == 24 and first["eighths_count"] == 16
    assert "MARGARET" in first["speaking_characters"] and first["dialogue_blocks"] > 0
    assert "CYBER BOSS" in first["characters"]
    assert [s["page"] for s in data["scenes"]] == sorted(s["page"] for s in data["scenes"])
    assert sum(s["dialogue_blocks"] for s in data["scenes"]) == data["dialogue_blocks"]


def test_pdf_and_fdx_outputs_exist_and_read_back(bob, tmp_path):
    from pypdf import PdfReader

    from studio_kit.engines.writing.fdx import read_fdx

    pdf = tmp_path / "bob.pdf"
    result = run("pdf", str(bob), "-o", str(pdf))
    assert result.exit_code == 0, result.output
    assert len(PdfReader(pdf).pages) == 7 and "7 PDF pages" in result.output        # title page + 6
    a4 = tmp_path / "bob-a4.pdf"
    assert run("pdf", str(bob), "-o", str(a4), "--paper", "a4", "--no-title-page").exit_code == 0
    assert round(float(PdfReader(a4).pages[0].mediabox.height)) == 842

    fdx = tmp_path / "bob.fdx"
    result = run("fdx", str(bob), "-o", str(fdx))
    assert result.exit_code == 0, result.output
    back = read_fdx(fdx)
    assert len(back.scenes) == 3 and back.dialogue_block_count == 35


def test_stats_counts_scenes_and_speakers(bob):
    result = run("stats", str(bob))
    assert result.exit_code == 0, result.output
    assert "3 scenes" in result.output and "MARGARET" in result.output
    data = json.loads(run("stats", str(bob), "--json").output)
    assert data["scenes"] == 3 and data["dialogue_blocks"] == 35


def test_stats_lists_only_pairs_that_actually_talk(bob):
    out = run("stats", str(bob)).output
    # one cast list: BOB is CYBER BOB and the talking chihuahua is the second dog part (issue 14 item 2)
    assert "DOG #2 -> CYBER BOB (8)" in out and "(0)" not in out


def test_parse_stats_and_the_breakdown_count_the_same_parts(bob):
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.io import load_script

    parsed = json.loads(run("parse", str(bob), "--json").output)
    stats = json.loads(run("stats", str(bob), "--json").output)
    breakdown = break_down(load_script(bob))
    parts = sorted(c["part"] for c in parsed["cast"])
    assert sorted(c["name"] for c in stats["characters"]) == parts
    assert sorted(m.name for m in breakdown.cast) == parts
    assert parsed["scenes"][1]["characters"] == ["CYBER BOSS", "CYBER BOB"]   # Bob is on screen in scene 2


def test_diff_names_changed_added_and_omitted_scenes(tmp_path):
    old = tmp_path / "old.fountain"
    new = tmp_path / "new.fountain"
    old.write_text("INT. DINER - NIGHT\n\nMargaret wipes the counter.\n\nEXT. LOT - NIGHT\n\nRain.\n\n"
                   "INT. KITCHEN - NIGHT\n\nSmoke.\n", encoding="utf-8")
    new.write_text("INT. DINER - NIGHT\n\nMargaret scrubs the counter.\n\nEXT. LOT - NIGHT\n\nRain.\n\n"
                   "EXT. ROOF - DAWN\n\nSunrise over the city.\n", encoding="utf-8")
    result = run("diff", str(old), str(new))
    assert result.exit_code == 0, result.output
    assert "1 changed, 1 added, 1 omitted, 1 unchanged" in result.output
    assert "- Margaret wipes the counter." in result.output and "+ Margaret scrubs the counter." in result.output
    assert "OMITTED" in result.output and "INT. KITCHEN - NIGHT" in result.output
    data = json.loads(run("diff", str(old), str(new), "--json").output)
    assert [s["status"] for s in data["scenes"]] == ["changed", "unchanged", "added", "omitted"]
    assert "ADDED      2A  EXT. ROOF - DAWN" in result.output       # locked numbers: inserted after 2 -> 2A


def test_pdf_revised_from_prints_a_coloured_revision_with_locked_numbers(tmp_path):
    import subprocess

    old, new = tmp_path / "a.fountain", tmp_path / "b.fountain"
    old.write_text("INT. DINER - NIGHT #7A#\n\nTea.\n\nEXT. LOT - NIGHT #8#\n\nRain.\n", encoding="utf-8")
    new.write_text("INT. DINER - NIGHT #7A#\n\nCoffee.\n\nINT. KITCHEN - NIGHT\n\nSmoke.\n\n"
                   "EXT. LOT - NIGHT #8#\n\nRain.\n", encoding="utf-8")
    out = tmp_path / "rev.pdf"
    result = run("pdf", str(new), "-o", str(out), "--revised-from", str(old), "--revision", "pink",
                 "--date", "2026-11-25")
    assert result.exit_code == 0, result.output
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True).stdout
    assert "PINK REVISION \u2013 2026-11-25" in text
    kitchen = next(line for line in text.splitlines() if "KITCHEN" in line)
    assert kitchen.split() == ["7B", "INT.", "KITCHEN", "-", "NIGHT", "7B", "*"]     # new scene: 7B, starred
    assert next(line for line in text.splitlines() if "Coffee" in line).rstrip().endswith("*")
    assert not next(line for line in text.splitlines() if "Rain" in line).rstrip().endswith("*")
    bad = run("pdf", str(new), "-o", str(out), "--revised-from", str(old), "--revision", "white")
    assert isinstance(bad.exception, ScriptError) and "White" in str(bad.exception)


def test_diff_shows_the_locked_number_an_inserted_scene_will_print_with(tmp_path):
    old, new = tmp_path / "a.fountain", tmp_path / "b.fountain"
    old.write_text("INT. DINER - NIGHT #7A#\n\nTea.\n\nEXT. LOT - NIGHT #8#\n\nRain.\n", encoding="utf-8")
    new.write_text("INT. DINER - NIGHT #7A#\n\nTea.\n\nINT. KITCHEN - NIGHT\n\nSmoke.\n\n"
                   "EXT. LOT - NIGHT #8#\n\nRain.\n", encoding="utf-8")
    data = json.loads(run("diff", str(old), str(new), "--json").output)
    added = [s for s in data["scenes"] if s["status"] == "added"]
    assert len(added) == 1 and "7B" in json.dumps(added[0])


def test_bad_input_is_a_clear_error(tmp_path, bob):
    missing = run("parse", str(tmp_path / "nope.fountain"))
    assert missing.exit_code != 0 and isinstance(missing.exception, ScriptError)
    binary = tmp_path / "image.fountain"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    assert isinstance(run("parse", str(binary)).exception, ScriptError)
    bad_paper = run("pdf", str(bob), "-o", str(tmp_path / "x.pdf"), "--paper", "legal")
    assert isinstance(bad_paper.exception, ScriptError) and not (tmp_path / "x.pdf").exists()
    no_dir = run("fdx", str(bob), "-o", str(tmp_path / "missing" / "x.fdx"))
    assert isinstance(no_dir.exception, ScriptError)


def test_new_writes_a_script_and_its_pdf(tmp_path):
    pytest.importorskip("studio_kit.engines.writing.generation")
    out = tmp_path / "ghosts.fountain"
    pdf = tmp_path / "ghosts.pdf"
    args = ["new", "--logline", "A night-shift waitress learns the diner's regulars are ghosts.",
            "--format", "short", "--genre", "drama", "--pages", "3", "--cast", "ROSA:waitress,VICTOR:cook",
            "--seed", "7", "-o", str(out), "--pdf", str(pdf)]
    result = run(*args)
    assert result.exit_code == 0, result.output
    from pypdf import PdfReader

    from studio_kit.engines.writing.fountain import parse_fountain

    script = parse_fountain(out.read_text(encoding="utf-8"))
    assert script.scenes and {"ROSA", "VICTOR"} & set(script.speaking_characters)
    assert len(PdfReader(pdf).pages) >= 2
    again = tmp_path / "again.fountain"
    assert run(*[a if a != str(out) else str(again) for a in args if a not in ("--pdf", str(pdf))]).exit_code == 0
    assert again.read_text(encoding="utf-8") == out.read_text(encoding="utf-8")     # same seed, same script


def test_script_help_lists_every_command():
    result = runner.invoke(app, ["script", "--help"])
    assert result.exit_code == 0
    for command in ("parse", "pdf", "fdx", "stats", "diff", "new"):
        assert command in result.output
