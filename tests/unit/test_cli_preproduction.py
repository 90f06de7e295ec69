"""`studio breakdown` and `studio schedule`: summaries, files written, clean errors on bad input."""
from __future__ import annotations

import json
import subprocess
import sys

from typer.testing import CliRunner

from studio_kit.cli import app

SCRIPT = """Title: Two Sites

INT. OFFICE - DAY

MAYA types. A PHONE rings.

MAYA
Hello?

EXT. HARBOUR - NIGHT

MAYA runs along the dock. A boat pulls away. Two GUARDS chase her.

JONAS
Stop!

INT. OFFICE - NIGHT

MAYA slams the briefcase on the desk.

JONAS
You found it.
"""


def _write(tmp_path, text=SCRIPT, name="two_sites.fountain"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_breakdown_command_prints_summary_and_writes_exports(tmp_path):
    out = tmp_path / "bd"
    result = CliRunner().invoke(app, ["breakdown", str(_write(tmp_path)), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "3 scenes" in result.output and "2 cast" in result.output
    names = {p.name for p in out.iterdir()}
    assert {"breakdown.xlsx", "breakdown_sheets.pdf", "breakdown_by_scene.csv", "breakdown_by_category.csv",
            "breakdown_uci.json"} <= names
    doc = json.loads((out / "breakdown_uci.json").read_text(encoding="utf-8"))
    assert [c["name"] for c in doc["cast"]] == ["MAYA", "JONAS"]


def test_schedule_command_prints_moves_against_script_order(tmp_path):
    out = tmp_path / "sched"
    result = CliRunner().invoke(app, ["schedule", str(_write(tmp_path)), "--pages-per-day", "5.5", "--time-limit", "2",
                                      "--workers", "2", "--start-date", "2026-03-02", "-o", str(out)])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "3 scenes, 1 shoot days, 1 company moves (script order: 2" in flat
    assert "DOOD: 2 cast" in flat and "lower bound" in flat
    assert {"stripboard.pdf", "stripboard.html", "dood.xlsx", "dood.csv", "dood.pdf", "schedule.ics"} <= \
        {p.name for p in out.iterdir()}
    assert "DTSTART;VALUE=DATE:20260302" in (out / "schedule.ics").read_text()


def _studio(*args):
    return subprocess.run([sys.executable, "-m", "studio_kit", *args], capture_output=True, text=True, timeout=120)


def test_bad_input_gives_a_clear_error_not_a_traceback(tmp_path):
    no_headings = _write(tmp_path, "Just action, no scenes.\n\nMore action.\n", "flat.fountain")
    r = _studio("schedule", str(no_headings), "-o", str(tmp_path / "x"))
    assert r.returncode == 2 and "no scene headings" in r.stderr and "Traceback" not in r.stderr
    r = _studio("schedule", str(_write(tmp_path)), "--pages-per-day", "lots", "-o", str(tmp_path / "x"))
    assert r.returncode == 2 and "--pages-per-day" in r.stderr and "Traceback" not in r.stderr
    r = _studio("breakdown", str(tmp_path / "missing.fountain"))
    assert r.returncode == 2 and "does not exist" in r.stderr
    assert not (tmp_path / "x").exists()          # nothing half-written


def test_scene_longer_than_the_day_limit_is_split_into_parts_and_named(tmp_path):
    """A 1st AD splits a scene too long for one day ("1 pt 1", "1 pt 2") instead of refusing the board."""
    long_scene = "INT. VAULT - DAY\n\n" + "\n\n".join(f"The vault door creaks, line {i}." for i in range(60)) + "\n"
    r = _studio("schedule", str(_write(tmp_path, long_scene, "vault.fountain")), "--pages-per-day", "1",
                "--time-limit", "2", "-o", str(tmp_path / "y"))
    text = " ".join(r.stdout.split())
    assert r.returncode == 0, r.stderr
    assert "warning: scene 1" in text and "is longer than a shoot day" in text and "split into" in text
    doc = json.loads((tmp_path / "y" / "schedule.json").read_text(encoding="utf-8"))
    numbers = [s["scene_number"] for d in doc["days"] for s in d["strips"]]
    assert numbers[0] == "1 pt 1" and len(numbers) >= 2 and all(n.startswith("1 pt ") for n in numbers)
    assert [int(n.split()[-1]) for n in numbers] == list(range(1, len(numbers) + 1))      # shot in order
    assert all(d["eighths"] <= 8 for d in doc["days"])


def test_schedule_constraints_file_by_names_and_scene_numbers(tmp_path):
    rules = tmp_path / "rules.yaml"
    rules.write_text('fixed: {"3": 2}\ncast_unavailable: {MAYA: [3]}\n', encoding="utf-8")
    out = tmp_path / "s"
    result = CliRunner().invoke(app, ["schedule", str(_write(tmp_path)), "--constraints", str(rules), "--time-limit", "2",
                                      "--workers", "2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "schedule.json").read_text(encoding="utf-8"))
    day_of = {s["scene_number"]: d["number"] for d in doc["days"] for s in d["strips"]}
    assert day_of["3"] == 2 and all(n != 3 for n in day_of.values())

    rules.write_text("cast_unavailable: {JONAS: [" + ", ".join(map(str, range(1, 30))) + "]}\n", encoding="utf-8")
    r = _studio("schedule", str(_write(tmp_path)), "--constraints", str(rules), "-o", str(tmp_path / "z"))
    # the board has no fixed length, so the error says why growing it cannot help
    assert r.returncode == 2 and "cast member 2 JONAS is unavailable on shoot days 1-29, but only 1 scene(s) can be " \
        "shot without them" in " ".join(r.stderr.split())


def test_breakdown_lock_cast_writes_the_cast_list_into_the_edit_log(tmp_path):
    script = _write(tmp_path)
    log = tmp_path / "edits.json"
    result = CliRunner().invoke(app, ["breakdown", str(script), "-o", str(tmp_path / "bd"), "--edits", str(log),
                                      "--lock-cast"])
    assert result.exit_code == 0, result.output
    assert "Cast numbers locked" in result.output
    assert json.loads(log.read_text())["cast_numbers"] == {"MAYA": 1, "JONAS": 2}
    # JONAS now outgrows MAYA in a revision: the locked numbers hold
    revised = _write(tmp_path, SCRIPT + "".join(f"\nINT. DOCK - DAY {i}\n\nJONAS\nAgain.\n" for i in range(4)),
                     name="rev.fountain")
    result = CliRunner().invoke(app, ["breakdown", str(revised), "-o", str(tmp_path / "bd2"), "--edits", str(log)])
    assert result.exit_code == 0, result.output
    uci = json.loads(next((tmp_path / "bd2").glob("*uci*.json")).read_text())
    text = json.dumps(uci)
    assert '"MAYA"' in text and '"JONAS"' in text
    from studio_kit.engines.preproduction.breakdown import break_down
    from studio_kit.engines.writing.io import load_script

    assert {c.name: c.id for c in break_down(load_script(revised), edits=log).cast} == {"MAYA": 1, "JONAS": 2}
    bad = CliRunner().invoke(app, ["breakdown", str(script), "-o", str(tmp_path / "bd3"), "--lock-cast"])
    assert bad.exit_code != 0 and "--edits" in bad.output
