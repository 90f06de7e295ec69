"""The score: cues on scene boundaries, exactly as long as their scenes, changing with the mood."""
from __future__ import annotations

import csv
import io
import subprocess

import numpy as np
import pytest

from studio_kit.backends.music.midi import MidiMusicBackend, find_soundfont
from studio_kit.domain.requests import CuePlan
from studio_kit.engines.post.audio import SR, rms_db
from studio_kit.engines.post.music import plan_cues, scene_moods
from studio_kit.engines.post.service import load_script, score
from studio_kit.engines.post.timeline_build import build_timeline
from studio_kit.exceptions import BackendUnavailableError

MOODS = """Title: Two Moods

EXT. BEACH - DAY

Children laugh and dance in the sun. A beautiful warm day. Friends hug.

INT. BASEMENT - NIGHT

Blood on the floor. A scream. She runs, panic, the gun, the dark. Sirens! Danger!
"""


def test_a_cue_renders_to_the_exact_sample_and_ends_musically():
    plan = CuePlan(cue_id="1M1", title="Test", samples=SR * 6 + 321, key="D", mode="minor", tempo=92,
                   progression=["i", "VI", "III", "VII"], intensity=0.6)
    audio = MidiMusicBackend().render(plan)
    assert audio.shape == (SR * 6 + 321, 2)
    assert rms_db(audio[: SR * 5]) > -40                        # music, not silence
    assert np.abs(audio[-10:]).max() < 1e-3                     # released to silence on the last sample


def test_bars_are_fitted_to_the_cue_so_the_last_chord_lands_on_the_end():
    plan = CuePlan(cue_id="1M1", title="Test", samples=int(SR * 7.3), tempo=100)
    pm = MidiMusicBackend().midi(plan)
    end = max(n.end for i in pm.instruments for n in i.notes)
    assert end == pytest.approx(7.3, abs=1e-3)
    downbeats = pm.get_downbeats()
    assert len(downbeats) >= 2 and (7.3 / (downbeats[1] - downbeats[0])) == pytest.approx(
        round(7.3 / (downbeats[1] - downbeats[0])), abs=1e-3)


def test_the_mood_changes_key_mode_tempo_and_intensity_between_scenes():
    script = load_script(MOODS)
    timeline = build_timeline(script)
    moods = scene_moods(script, timeline)
    assert moods[0].valence > 0 > moods[1].valence
    assert moods[1].arousal > moods[0].arousal
    cues = plan_cues(script, timeline)
    assert len(cues) == 2                                       # the music changes when the mood does
    happy, dark = cues[0].plan, cues[1].plan
    assert happy.mode == "major" and dark.mode in {"minor", "phrygian"}
    assert dark.tempo > happy.tempo and dark.intensity > happy.intensity
    for cue, slot in zip(cues, timeline.scenes, strict=True):   # on the scene boundaries, to the sample
        assert cue.start_frame == slot.start_frame and cue.end_frame == slot.end_frame
        assert cue.plan.samples == slot.duration_frames * SR // 24


@pytest.mark.slow
def test_the_score_stem_covers_the_film_and_the_cue_sheet_lists_every_cue(tmp_path):
    script = load_script(MOODS)
    timeline = build_timeline(script)
    result = score(script, timeline)
    assert result.stem.shape == (timeline.duration_frames * 2000, 2)
    for cue in result.cues:
        a, b = cue.start_frame * 2000, cue.end_frame * 2000
        assert rms_db(result.stem[a + SR // 4: b - SR // 2]) > -45
    rows = list(csv.DictReader(io.StringIO(result.cue_sheet_csv(timeline))))
    assert [r["cue"] for r in rows] == ["1M1", "1M2"]
    assert rows[1]["in"] == timeline.timecode(timeline.scenes[1].start_frame)
    assert rows[1]["out"] == timeline.timecode(timeline.duration_frames)
    from studio_kit.engines.post.music import export_cue_sheet_pdf

    pdf = export_cue_sheet_pdf(result.cues, timeline, tmp_path / "cues.pdf")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Music cue sheet" in text and "1M2" in text and rows[1]["in"] in text


def test_a_missing_soundfont_names_the_debian_package(tmp_path):
    with pytest.raises(BackendUnavailableError, match="fluid-soundfont-gm"):
        find_soundfont(tmp_path / "none.sf2")
