"""The storyboard_animatic template: a script in, a storyboard PDF and an animatic MP4 out, with the mix."""
from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.slow


def test_the_template_boards_and_cuts_the_script_with_the_mix(studio_home, script_path, tmp_path):
    import soundfile as sf

    from studio_kit import media
    from studio_kit.engines.production import animatic, service
    from studio_kit.runs.runner import run_template

    timeline = service.film_timeline(script_path)
    rate = 48000
    t = np.arange(int(timeline.duration_seconds * rate)) / rate
    sf.write(tmp_path / "mix.wav", 0.2 * np.sin(2 * np.pi * 330 * t), rate)
    result = run_template("storyboard_animatic", {"script_path": str(script_path), "output_dir": str(tmp_path / "out"),
                                                  "panels": "9", "mix_path": str(tmp_path / "mix.wav")},
                          tmp_path / "run.ipynb", progress=False)
    out = result.outputs
    assert out["has_mix"] is True and out["warnings"] == [] and out["shots"] == 7
    assert out["frames"] == timeline.duration_frames + animatic.TITLE_FRAMES + animatic.END_FRAMES
    assert abs(media.video_frames(out["animatic"]) - out["frames"]) <= 1
    assert (tmp_path / "out" / "harbour-lights-storyboard.pdf").is_file()
