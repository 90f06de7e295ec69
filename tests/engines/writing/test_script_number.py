"""`studio script number FILE`: scene numbers as Final Draft gives them (issue 14 item 9).

A fresh script is numbered 1, 2, 3 ...; kept numbers never move; new scenes get
insert numbers (A1 before scene 1, 1A after it); once locked, a gap in the
numbers (a cut scene) comes back as OMITTED. Fountain is edited line by line, so
everything but the heading lines stays byte for byte.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studio_kit.cli import app
from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fdx import read_fdx
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.scenes import LOCK_NOTE, number_scenes, scene_numbers_locked
from studio_kit.exceptions import ScriptError

runner = CliRunner()

DRAFT = ("Title: Night Shift\nAuthor: Ana Lopez\n\n"
         "INT. KITCHEN - DAY\n\nBob cooks.\n\nBOB\nHi.\n\n"
         "EXT. YARD - NIGHT\r\n\r\nRain.\n\n"          # a CRLF pair in a LF file: kept as it is
         ".FLASHBACK\n\nOld days.\n")


def run(*args: str):
    return runner.invoke(app, ["script", "number", *args], catch_exceptions=True)


def numbers(path: Path) -> list[tuple[str, str | None]]:
    script = parse_fountain(path.read_text(encoding="utf-8"))
    return [(sc.heading, sc.number) for sc in script.scenes]


def test_a_fresh_script_is_numbered_in_order_and_nothing_else_changes(tmp_path):
    src = tmp_path / "night.fountain"
    src.write_bytes(DRAFT.encode("utf-8"))
    result = run(str(src))
    assert result.exit_code == 0, result.output
    out = tmp_path / "night.numbered.fountain"                       # written beside the source
    assert src.read_bytes() == DRAFT.encode("utf-8")                 # the source is untouched
    assert numbers(out) == [("INT. KITCHEN - DAY", "1"), ("EXT. YARD - NIGHT", "2"), ("FLASHBACK", "3")]
    before, after = DRAFT.encode().split(b"\n"), out.read_bytes().split(b"\n")
    assert len(before) == len(after)
    changed = [(a, b) for a, b in zip(before, after) if a != b]
    assert changed == [(b"INT. KITCHEN - DAY", b"INT. KITCHEN - DAY #1#"),
                       (b"EXT. YARD - NIGHT\r", b"EXT. YARD - NIGHT #2#\r"),
                       (b".FLASHBACK", b".FLASHBACK #3#")]
    assert "3 scenes numbered (1, 2, 3)" in result.output

    start = tmp_path / "from101.fountain"
    assert run(str(src), "-o", str(start), "--start", "101").exit_code == 0
    assert [n for _, n in numbers(start)] == ["101", "102", "103"]


def test_a_locked_script_gives_new_scenes_insert_numbers_and_keeps_cut_ones_as_omitted(tmp_path):
    src = tmp_path / "night.fountain"
    src.write_text(DRAFT, encoding="utf-8", newline="")
    assert run(str(src), "--in-place", "--lock").exit_code == 0
    locked = src.read_bytes().decode("utf-8")         # CRLF kept (read_text would translate it)
    assert f"[[{LOCK_NOTE}]]" in locked and scene_numbers_locked(parse_fountain(locked).elements)

    # the next draft: a scene before 1, one between 1 and 3, scene 2 cut, one after 3
    text = locked.replace("EXT. YARD - NIGHT #2#\r\n\r\nRain.\n\n", "")
    text = text.replace(f"[[{LOCK_NOTE}]]\n\n", f"[[{LOCK_NOTE}]]\n\nINT. HALL - DAY\n\nA prologue.\n\n")
    text = text.replace("Hi.\n\n", "Hi.\n\nINT. PANTRY - DAY\n\nCans.\n\n")
    text = text + "\nINT. ATTIC - DAY\n\nDust.\n"
    src.write_text(text, encoding="utf-8", newline="")
    result = run(str(src), "--in-place")
    assert result.exit_code == 0, result.output
    assert numbers(src) == [("INT. HALL - DAY", "A1"), ("INT. KITCHEN - DAY", "1"), ("INT. PANTRY - DAY", "1A"),
                            ("OMITTED", "2"), ("FLASHBACK", "3"), ("INT. ATTIC - DAY", "3A")]
    assert "1 OMITTED (2)" in result.output and "numbers locked" in result.output
    once = src.read_bytes()
    assert run(str(src), "--in-place").exit_code == 0                # numbering again changes nothing
    assert src.read_bytes() == once

    # --unlock --renumber starts over: the OMITTED placeholder goes, the lock note too
    fresh = tmp_path / "fresh.fountain"
    assert run(str(src), "--unlock", "--renumber", "-o", str(fresh)).exit_code == 0
    assert numbers(fresh) == [("INT. HALL - DAY", "1"), ("INT. KITCHEN - DAY", "2"), ("INT. PANTRY - DAY", "3"),
                              ("FLASHBACK", "4"), ("INT. ATTIC - DAY", "5")]
    assert LOCK_NOTE not in fresh.read_text(encoding="utf-8")


def test_unlocked_numbers_are_kept_and_gaps_are_not_filled(tmp_path):
    src = tmp_path / "partial.fountain"
    src.write_text("INT. A - DAY #12#\n\nOne.\n\nINT. NEW - DAY\n\nTwo.\n\nINT. B - DAY #14#\n\nThree.\n",
                   encoding="utf-8")
    assert run(str(src), "--in-place").exit_code == 0
    assert [n for _, n in numbers(src)] == ["12", "12A", "14"]        # not locked: no OMITTED 13


def test_final_draft_files_are_numbered_and_stay_final_draft(tmp_path):
    src = tmp_path / "night.fountain"
    src.write_text(DRAFT, encoding="utf-8")
    fdx = tmp_path / "night.fdx"
    assert runner.invoke(app, ["script", "fdx", str(src), "-o", str(fdx)]).exit_code == 0
    assert run(str(fdx), "--in-place", "--lock").exit_code == 0
    script = read_fdx(fdx)
    assert [sc.number for sc in script.scenes] == ["1", "2", "3"] and scene_numbers_locked(script.elements)
    assert 'Number="2"' in fdx.read_text(encoding="utf-8")
    result = run(str(fdx), "--renumber")
    assert isinstance(result.exception, ScriptError) and "locked" in result.exception.message
    as_fountain = tmp_path / "back.fountain"
    assert run(str(fdx), "-o", str(as_fountain)).exit_code == 0       # the suffix picks the format
    assert [n for _, n in numbers(as_fountain)] == ["1", "2", "3"]


def test_bad_input_gets_a_clear_error_and_leaves_the_file_untouched(tmp_path):
    studio = Path(sys.executable).with_name("studio")
    missing = subprocess.run([str(studio), "script", "number", str(tmp_path / "nope.fountain")],
                             capture_output=True, text=True, timeout=120)
    assert missing.returncode == 2 and "does not exist" in missing.stderr and "Traceback" not in missing.stderr

    src = tmp_path / "night.fountain"
    src.write_text(DRAFT, encoding="utf-8")
    assert run(str(src), "--in-place", "--lock").exit_code == 0
    before, mtime = src.read_bytes(), src.stat().st_mtime_ns
    refused = subprocess.run([str(studio), "script", "number", str(src), "--renumber", "--in-place"],
                             capture_output=True, text=True, timeout=120)
    assert refused.returncode == 2, refused.stderr
    assert "locked" in refused.stderr and "Fix:" in refused.stderr and "--unlock" in refused.stderr
    assert src.read_bytes() == before and src.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["night.fountain"]      # nothing else written

    for args, words in ((["--start", "5"], "--start"), (["-o", str(tmp_path / "x.fountain"), "--in-place"], "both"),
                        (["--lock", "--unlock"], "contradict"), (["-o", str(tmp_path / "x.pdf")], "neither"),
                        (["--unlock", "--renumber", "--start", "100000"], "99999")):
        result = run(str(src), *args)
        assert isinstance(result.exception, ScriptError) and words in result.exception.message, args
        assert src.read_bytes() == before
    headless = tmp_path / "notes.fountain"
    headless.write_text("Just some action.\n", encoding="utf-8")
    result = run(str(headless))
    assert isinstance(result.exception, ScriptError) and "no scene headings" in result.exception.message


def test_number_scenes_rules():
    scenes = parse_fountain("INT. A - DAY #3#\n\nx\n\nINT. B - DAY\n\ny\n\nINT. C - DAY #3#\n\nz\n\n"
                            "INT. D - DAY #6#\n\nw\n").scenes
    got, omitted, warnings = number_scenes(scenes, locked=True)
    assert got == ["3", "3A", "3B", "6"]                  # a repeated number counts as missing
    assert omitted == {3: ["4", "5"]} and any("used twice" in w for w in warnings)
    assert number_scenes(scenes, locked=False)[1] == {}
    with pytest.raises(ScriptError, match="start"):
        number_scenes(scenes, locked=False, start=0, renumber=True)
    with pytest.raises(ScriptError) as err:
        number_scenes(scenes, locked=True, renumber=True)
    assert "--unlock" in err.value.hint
    note = parse_fountain(f"[[{LOCK_NOTE}]]\n\nINT. A - DAY\n\nx\n").elements[0]
    assert note.type == ET.NOTE and scene_numbers_locked([note])
