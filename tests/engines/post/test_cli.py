"""`studio voice|score|mix|dub|loudness` as a sound editor uses them."""
from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner

from studio_kit.cli import app

from .test_dubbing import SHORT


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "short.fountain"
    path.write_text(SHORT, encoding="utf-8")
    return path


@pytest.mark.slow
def test_mix_prints_the_qc_line_and_writes_the_masters(studio_home, script, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["mix", str(script), "--spec", "ebu-r128", "-o", str(out), "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "QC ebu-r128" in result.output and "PASS" in result.output
    for name in ("mix_ebu-r128.wav", "stem_dialogue.wav", "stem_mne.wav", "subtitles_en.srt", "cue_sheet.pdf"):
        assert (out / name).is_file(), name
    check = CliRunner().invoke(app, ["loudness", str(out / "mix_ebu-r128.wav"), "--spec", "ebu-r128", "--json"])
    assert check.exit_code == 0 and '"passed": true' in check.output
    hot = CliRunner().invoke(app, ["loudness", str(out / "mix_ebu-r128.wav"), "--spec", "streaming"])
    assert hot.exit_code == 1 and "FAIL" in hot.output                     # −23 LUFS is not a streaming master
    from studio_kit.engines.characters.service import project_context

    kinds = {a.kind for a in project_context().list_assets()}
    assert {"post.line", "post.timeline", "post.mix", "post.stem"} <= kinds


def test_voice_and_score_summaries(studio_home, script, tmp_path):
    out = tmp_path / "v"
    result = CliRunner().invoke(app, ["voice", str(script), "-o", str(out), "--no-progress", "--no-save"])
    assert result.exit_code == 0, result.output
    assert "Voiced 2 lines for 2 characters" in result.output
    assert (out / "dialogue_anna.wav").is_file() and (out / "subtitles_en.vtt").is_file()
    result = CliRunner().invoke(app, ["score", str(script), "-o", str(out), "--no-progress"])
    assert result.exit_code == 0 and "Scored 1 scenes in 1 cues" in result.output


def test_dub_export_lines_writes_the_sheet(studio_home, script, tmp_path):
    sheet = tmp_path / "es.csv"
    result = CliRunner().invoke(app, ["dub", str(script), "--lang", "es", "--export-lines", str(sheet)])
    assert result.exit_code == 0 and "fill in the translation column" in result.output
    assert sheet.read_text(encoding="utf-8").splitlines()[0].startswith("line_id,character")


def test_bad_input_prints_the_fix_and_exits_2(studio_home, script, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not audio")
    proc = subprocess.run([sys.executable, "-m", "studio_kit", "loudness", str(notes)], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 2 and "notes.txt" in proc.stderr and "Fix:" in proc.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("line_id,translation\ns1-l1,Hola\n", encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "studio_kit", "dub", str(script), "--lang", "es", "--translations",
                           str(bad), "--no-save", "--no-progress"], capture_output=True, text=True, check=False)
    assert proc.returncode == 2 and "missing s1-l2" in proc.stderr
