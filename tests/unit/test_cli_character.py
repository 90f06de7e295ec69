"""`studio character …`: new from a script, render, lock, approve, sheet, list, continuity, clean errors."""
from __future__ import annotations

import subprocess
import sys

from PIL import Image
from typer.testing import CliRunner

from studio_kit.cli import app

SCRIPT = """Title: Harbour

EXT. HARBOUR - DAY

MARA (30s), wiry, with close-cropped grey hair, stands in a yellow raincoat.

MARA
Boat's late.

JONAH, 60, a stocky bearded man, wearing a navy sweater, waves.

JONAH
It always is.

INT. HARBOUR OFFICE - CONTINUOUS

Mara shakes off the rain. She wears a black tuxedo now.

MARA
Coffee?
"""


def _run(*args):
    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_character_workflow(studio_home, tmp_path):
    script = tmp_path / "harbour.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    out = _run("character", "new", "all", "--from-script", str(script))
    assert "created Mara (mara) lead, age 35, she/her" in out and "Jonah" in out and "2 created" in out
    out = _run("character", "render", "mara", "--view", "three-quarter", "-o", str(tmp_path / "m.png"))
    assert "unlocked: no identity score" in out
    assert Image.open(tmp_path / "m.png").size == (512, 768)
    assert "Locked Mara v1" in _run("character", "lock", "mara")
    assert "score 1.000 (previz-params" in _run("character", "render", "Mara", "--expression", "happy")
    assert "now at casting" in _run("character", "approve", "mara", "--stage", "casting", "--by", "dana")
    out = _run("character", "list")
    assert "mara" in out and "casting" in out and "yes" in out
    out = _run("character", "sheet", "mara", "-o", str(tmp_path / "sheet"))
    assert (tmp_path / "sheet" / "mara_sheet.png").is_file() and "9 panels" in out  # turnaround with the back view
    out = _run("character", "history", "mara")
    assert "dana" in out and "v1 casting" in out
    out = _run("character", "continuity", str(script))
    assert "continuous change" in out and "MARA" in out


def test_cast_from_the_cyber_bob_sample_and_a_storyboard_frame(studio_home, samples_dir, tmp_path):
    out = _run("character", "new", "all", "--from-script", str(samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain"))
    assert "created Cyber Bob (cyber-bob) lead, age 40, he/him" in out and "5 created" in out  # the two dogs are two parts (issue 14)
    assert "(boss)" not in out and "(bob)" not in out                   # short cues folded, not new people
    assert "Locked Cyber Bob" in _run("character", "lock", "bob")         # the short cue finds him
    out = _run("character", "frame", "bob", "dog", "--size", "medium", "--scene", "EXT. PARK - NIGHT",
               "--number", "7", "-o", str(tmp_path / "f.png"))
    assert "cyber-bob 1.000" in out and Image.open(tmp_path / "f.png").size == (1280, 720)


def _main(args, monkeypatch, capsys) -> tuple[int, str]:
    """Run `studio ARGS` through main() (the real error printer) in-process; (exit code, stderr)."""
    from studio_kit.cli import main

    monkeypatch.setattr(sys, "argv", ["studio", *args])
    monkeypatch.setenv("COLUMNS", "300")
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, " ".join(capsys.readouterr().err.split())


def test_character_errors_are_clean(studio_home, tmp_path, monkeypatch, capsys):
    script = tmp_path / "harbour.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    _run("character", "new", "all", "--from-script", str(script))
    bad = tmp_path / "ref.png"
    bad.write_text("not an image")
    empty = tmp_path / "notes.fountain"
    empty.write_text("Just some notes, nobody speaks.\n")
    for args, message in ((["character", "render", "nobody"], "No character named 'nobody'"),
                          (["character", "render", "mara", "--backend", "diffusers"], "STUDIO_IMAGE_MODEL_PATH"),
                          (["character", "render", "mara", "--view", "back"], "Unknown view"),
                          (["character", "approve", "mara", "--stage", "final"], "next stage is casting"),
                          (["character", "lock", "mara", "-r", str(bad)], "ref.png is not an image"),
                          (["character", "frame", "mara", "--size", "huge"], "Unknown shot size 'huge'"),
                          (["character", "new", "all", "--from-script", str(empty)], "nothing to cast")):
        code, err = _main(args, monkeypatch, capsys)
        assert code == 2, err
        assert message in err and "Traceback" not in err


def test_help_does_not_import_heavy_modules():
    code = ("import sys; from typer.testing import CliRunner; from studio_kit.cli import app; "
            "r = CliRunner().invoke(app, ['character', '--help']); assert r.exit_code == 0, r.output; "
            "heavy = [m for m in ('torch', 'PIL.ImageDraw', 'studio_kit.store', 'numpy') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
