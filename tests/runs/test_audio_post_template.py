"""The audio_post template: a script in, a delivered mix, stems and QC out (stored, published)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """Title: Small Hours

INT. KITCHEN - NIGHT

ANNA, 30s, a woman, pours tea. The kettle whistles.

ANNA
(quietly)
You are up late.

BEN
I could not sleep. Too much on my mind.
"""


def test_the_template_delivers_a_mix_to_the_spec_and_publishes_its_qc(studio_home, tmp_path):
    from studio_kit.engines.post.loudness import measure_file
    from studio_kit.runs.runner import run_template

    script = tmp_path / "small.fountain"
    script.write_text(SCRIPT, encoding="utf-8")
    result = run_template("audio_post", {"script_path": str(script), "spec": "ebu-r128",
                                         "output_dir": str(tmp_path / "post"), "duck_depth": "10"}, progress=False)
    out = result.outputs
    assert result.status == "succeeded"
    assert out["passed"] is True and out["qc"].startswith("QC ebu-r128") and out["lines"] == 2
    assert abs(out["integrated_lufs"] + 23) <= 0.5 and out["true_peak_dbtp"] <= -1.0
    assert measure_file(out["mix"], "ebu-r128").passed          # the file on disk, measured again
    assert len(out["stems"]) == 4 and out["srt"].endswith(".srt")
