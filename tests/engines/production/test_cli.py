"""`studio shots|storyboard|camera-plan|animatic|footage|cut`: the production commands end to end."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from studio_kit import media
from studio_kit.cli import app

sys.path.insert(0, str(Path(__file__).parent))
from clips import make_clip


def _run(*args):
    result = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.slow
def test_the_production_commands_from_script_to_cut(studio_home, script_path, tmp_path):
    _run("character", "new", "all", "--from-script", script_path)
    out = _run("shots", "render", script_path, "--size", "384x216")
    assert "1.1" in out and "Harbour Lights" in out
    assert "variant 2" in _run("shots", "rerender", "1.2", "--prompt", "tighter")
    board = tmp_path / "board.pdf"
    _run("storyboard", script_path, "-o", board, "--panels", "9", "--paper", "a4", "--contact-sheet",
         tmp_path / "sheet.png")
    text = subprocess.run(["pdftotext", str(board), "-"], capture_output=True, text=True, check=True).stdout
    assert "SHOT 1.2" in text and (tmp_path / "sheet.png").is_file()
    _run("camera-plan", script_path, "--scene", "2", "-o", tmp_path)
    assert (tmp_path / "camera-plan-scene-2.svg").read_text().startswith("<svg")
    movie = tmp_path / "animatic.mp4"
    out = _run("animatic", script_path, "-o", movie, "--timecode", "--no-cards")
    assert "No post-production mix" in out and media.probe(movie).width == 1280
    out = _run("footage", "ingest", make_clip(tmp_path / "S1_SH2_T1.mov"))
    assert "scene 1 shot 1.2 take 1 (name)" in out and "3 shots" in out
    assert "0 shots with neither" in _run("footage", "coverage")
    _run("cut", "choose", "1.2", "--take", "S1_SH2_T1", "--note", "the wave")
    assert "cut.fcpxml" in _run("cut", "export", "-o", tmp_path / "cut.otio", "--format", "fcpxml")
    assert (tmp_path / "cut.fcpxml").is_file()


def test_bad_input_prints_a_fix_and_exits_2(studio_home, tmp_path):
    bad = tmp_path / "broken.mov"
    bad.write_bytes(b"nope" * 100)
    proc = subprocess.run([sys.executable, "-m", "studio_kit", "footage", "ingest", str(bad)], capture_output=True,
                          text=True, env={**__import__("os").environ, "STUDIO_HOME": str(studio_home)}, check=False)
    assert proc.returncode == 2 and "broken.mov" in proc.stderr and "Fix:" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "studio_kit", "shots", "list"], capture_output=True, text=True,
                          env={**__import__("os").environ, "STUDIO_HOME": str(studio_home)}, check=False)
    assert proc.returncode == 2 and "studio shots render" in proc.stderr
