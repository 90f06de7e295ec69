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
    assert (tmp_path / "sheet" / "mara_sheet.png").is_file() and "8 panels" in out
    out = _run("character", "history", "mara")
    assert "dana" in out and "v1 casting" in out
    out = _run("character", "continuity", str(script))
    assert "continuous change" in out and "MARA" in out


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
    for args, message in ((["character", "render", "nobody"], "No character named 'nobody'"),
                          (["character", "render", "mara", "--backend", "diffusers"], "STUDIO_IMAGE_MODEL_PATH"),
                          (["character", "render", "mara", "--view", "back"], "Unknown view"),
                          (["character", "approve", "mara", "--stage", "final"], "next stage is casting"),
                          (["character", "lock", "mara", "-r", str(bad)], "ref.png is not an image")):
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
