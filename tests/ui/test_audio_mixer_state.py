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
