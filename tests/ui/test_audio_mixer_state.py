"""What the Audio Mixer opens: the picked project's latest script version, or (explicitly) the bundled sample."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow          # imports Panel + HoloViews (~10-30 s on a loaded 2-core machine)

SCRIPT = """Title: Mixer State

INT. KITCHEN - NIGHT

ANNA pours tea.

ANNA
You are up late again.
"""


def _project(user: str = "ana"):
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=user, title="Mixer State")


def test_the_mixer_opens_the_projects_latest_script_version(studio_home):
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.ui.audio_mixer import AudioMixer

    ctx = _project()
    save_version(ctx, SCRIPT, name="kitchen.fountain")
    save_version(ctx, SCRIPT.replace("You are up late again.", "Still up?"), name="kitchen.fountain")
    mixer = AudioMixer(ctx=ctx)
    assert mixer.source_name == "kitchen.fountain v2"
    assert "Still up?" in mixer.source and "up late again" not in mixer.source
    assert not mixer.sample_button.visible and "Loading" in mixer.status.object


def test_a_project_without_a_script_offers_the_sample_instead_of_mixing_it_silently(studio_home):
    from studio_kit.ui.audio_mixer import SAMPLE_SCRIPT, AudioMixer

    mixer = AudioMixer(ctx=_project())
    assert mixer.source is None and mixer.sample_button.visible
    assert "no script yet" in mixer.status.object
    mixer.start()                                          # nothing to mix: no worker is started
    assert mixer._worker is None
    assert AudioMixer().source == SAMPLE_SCRIPT            # a notebook without a project mixes the sample


def test_the_waveform_overview_keeps_a_negative_peak_of_either_channel():
    """A stereo mix's overview draws each bucket's loudest sample of either channel and sign: a kick that swings
    to -0.9 on the right channel is a 0.9 peak, not the left channel's +0.1."""
    import numpy as np

    from studio_kit.ui.audio_mixer import SR, envelope

    x = np.zeros((SR, 2), dtype=np.float32)
    x[100, 0], x[100, 1] = 0.1, -0.9
    x[SR // 2, 0] = -0.4
    times, peaks = envelope(x, points=10)
    assert len(times) == len(peaks) == 10
    assert peaks[0] == np.float32(0.9) and peaks[5] == np.float32(0.4)
    assert peaks[1:5].max() == 0 and times[5] == 0.5
    mono_times, mono_peaks = envelope(x[:, 1], points=10)
    assert mono_peaks[0] == np.float32(0.9) and (mono_times == times).all()
