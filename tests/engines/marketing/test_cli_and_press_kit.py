"""`studio poster|press-kit|social|deliver` as a marketing coordinator uses them; the press kit's content."""
from __future__ import annotations

import json
import subprocess

import pytest
from typer.testing import CliRunner

from studio_kit.cli import app

from .conftest import FILM


@pytest.fixture
def script(tmp_path):
    path = tmp_path / "harbour.fountain"
    path.write_text(FILM, encoding="utf-8")
    return path


def test_poster_command_writes_png_and_pdf_and_warns_without_renders(studio_home, script, tmp_path):
    out = tmp_path / "poster.pdf"
    result = CliRunner().invoke(app, ["poster", str(script), "--layout", "youtube-thumbnail", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "frames only" in result.output and "1280×720" in result.output
    assert out.is_file() and out.with_suffix(".png").is_file()


def _studio(*args):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "studio_kit", *map(str, args)], check=False, capture_output=True, text=True,
                          timeout=120)


def test_bad_marketing_input_exits_2_with_the_known_choices(studio_home, script, tmp_path):
    r = _studio("poster", script, "--layout", "billboard", "-o", tmp_path / "p.pdf")
    assert r.returncode == 2 and "one-sheet" in r.stderr and "Fix:" in r.stderr
    r = _studio("social", script, "--platform", "myspace", "-o", tmp_path / "s")
    assert r.returncode == 2 and "tiktok" in r.stderr
    r = _studio("deliver", script, "--platforms", "tiktok,vine", "-o", tmp_path / "d")
    assert r.returncode == 2 and "Unknown platform 'vine'" in r.stderr
    assert not (tmp_path / "p.pdf").exists() and not (tmp_path / "p.png").exists()


def test_press_kit_pdf_tells_the_story_without_the_ending_and_lists_platform_metadata(studio_home, script, tmp_path):
    from pypdf import PdfReader

    from studio_kit.engines.marketing import service

    service.set_credits({"director": "Ana Lima", "producers": ["Bo Chen"], "contact": "press@harbour.example",
                         "tagline": "Some lights never go out."})
    result = CliRunner().invoke(app, ["press-kit", str(script), "-o", str(tmp_path / "kit.pdf")])
    assert result.exit_code == 0, result.output
    text = "\n".join(p.extract_text() for p in PdfReader(str(tmp_path / "kit.pdf")).pages)
    flat = " ".join(text.split())
    for needle in ("HARBOUR LIGHTS", "Logline", "Short synopsis", "Long synopsis", "Cast", "MARA", "JONAH",
                   "Key crew", "Ana Lima", "Bo Chen", "Technical specifications", "24 fps",
                   "press@harbour.example", "Some lights never go out."):
        assert needle in flat, needle
    assert "Morning sun" not in flat, "the final scene is not told"
    fonts = subprocess.run(["pdffonts", str(tmp_path / "kit.pdf")], capture_output=True, text=True, check=True).stdout
    assert "BarlowCondensed-Bold" in fonts and "Roboto" not in fonts   # the posters' OFL face, embedded
    meta = json.loads((tmp_path / "kit.platforms.json").read_text(encoding="utf-8"))
    assert {"youtube", "tiktok", "x", "screener"} <= set(meta)
    assert len(meta["x"]["description"]) <= 280 and len(meta["youtube"]["title"]) <= 100
    assert meta["youtube"]["tags"] and "Harbour Lights" in meta["youtube"]["title"]
