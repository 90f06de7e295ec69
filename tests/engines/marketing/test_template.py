"""The marketing_kit template: the film in, a trailer, a poster and social clips out, every QC line published."""
from __future__ import annotations

import pytest

from .conftest import FILM

pytestmark = pytest.mark.slow


def test_the_template_makes_trailer_poster_and_social_clips_that_pass_qc(studio_home, tmp_path):
    from pypdf import PdfReader

    from studio_kit import media
    from studio_kit.runs.runner import run_template

    script = tmp_path / "harbour.fountain"
    script.write_text(FILM, encoding="utf-8")
    result = run_template("marketing_kit", {"script_path": str(script), "output_dir": str(tmp_path / "out"),
                                            "platforms": "tiktok,youtube", "scale": "0.25", "poster_dpi": "30"},
                          tmp_path / "run.ipynb", progress=False)
    out = result.outputs
    assert out["qc_passed"] is True and len(out["qc_lines"]) == 3
    assert all(line.startswith("PASS") for line in out["qc_lines"])
    assert media.video_frames(out["trailer"]) == 30 * 24
    assert (media.probe(out["trailer"]).width, media.probe(out["trailer"]).height) == (320, 180)
    page = PdfReader(out["poster_pdf"]).pages[0]
    assert round(float(page.mediabox.width) / 72) == 27
    assert {"tiktok", "youtube", "srt", "vtt"} <= set(out["social"])
