"""Character voices: told apart by processing, consistent per character, shaped by parentheticals."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from studio_kit.domain.character import CharacterBible
from studio_kit.domain.voice import VoiceProfile, derive_voice_profile, spread_profiles
from studio_kit.engines.post.analysis import (
    band_energy_ratio,
    median_f0,
    spectral_centroid,
)
from studio_kit.engines.post.audio import SR, rms_db
from studio_kit.engines.post.service import speak

F0_MARGIN = 0.08          # 8 % of F0 (about 1.3 semitones) …
CENTROID_MARGIN = 0.10    # … or 10 % of the spectral centroid tells two characters apart
SAME_VOICE_F0 = 0.12      # one character's lines stay within 12 % of each other's median F0

SENTENCE = "I have been working at this desk for a very long time, and I know how these stories end."


def test_profiles_come_from_the_bible_deterministically():
    ruth = CharacterBible(character_id="ruth", name="RUTH", pronouns="she/her", age=45, traits=["tired"])
    walter = CharacterBible(character_id="walter", name="WALTER", pronouns="he/him", age=72, traits=["gruff"])
    a, b = derive_voice_profile(ruth), derive_voice_profile(walter)
    assert a == derive_voice_profile(ruth)                     # same bible, same voice
    assert a.pitch_semitones > b.pitch_semitones + 4           # a woman's voice sits higher than an old man's
    assert a.formant_semitones > b.formant_semitones
    assert b.rate < 1.0 and b.breathiness > 0                  # age: slower, breathier
    assert "female" in a.notes and "age 72" in b.notes


def test_derived_voices_on_one_speaker_are_spread_two_semitones_apart():
    same = {n: VoiceProfile(pitch_semitones=0.0) for n in ("A", "B", "C")}
    spread = spread_profiles(same)
    pitches = sorted(p.pitch_semitones for p in spread.values())
    assert all(b - a >= 2.0 - 1e-9 for a, b in itertools.pairwise(pitches))
    edited = {"A": VoiceProfile(pitch_semitones=1.0).edited(), "B": VoiceProfile(pitch_semitones=1.0)}
    assert spread_profiles(edited)["A"].pitch_semitones == 1.0  # a person's edit is never moved


@pytest.mark.slow
def test_every_pair_in_a_three_character_scene_sounds_different(voiced):
    measures = {}
    for name in ("RUTH", "DANNY", "WALTER"):
        audio = speak(SENTENCE, voiced.profiles[name])
        measures[name] = (median_f0(audio), spectral_centroid(audio))
    for (a, (fa, ca)), (b, (fb, cb)) in itertools.combinations(measures.items(), 2):
        f0_diff = abs(fa - fb) / min(fa, fb)
        centroid_diff = abs(ca - cb) / min(ca, cb)
        assert f0_diff >= F0_MARGIN or centroid_diff >= CENTROID_MARGIN, (a, b, measures)
    assert measures["RUTH"][0] > measures["WALTER"][0]         # the woman above the old man


@pytest.mark.slow
def test_a_character_sounds_like_themselves_across_scenes_and_languages(voiced):
    ruth = voiced.profiles["RUTH"]
    f0s = [median_f0(voiced.lines[i]) for i in ("s1-l1", "s2-l1")]
    spanish = speak("Hemos trabajado en esta mesa durante mucho tiempo.", ruth, language="es")
    assert all(f > 0 for f in f0s)
    assert abs(f0s[0] - f0s[1]) / min(f0s) <= SAME_VOICE_F0
    walter = median_f0(voiced.lines["s1-l3"])
    assert abs(f0s[0] - walter) / min(f0s[0], walter) > abs(f0s[0] - f0s[1]) / min(f0s)
    assert median_f0(spanish) > 0


def test_whispering_is_quieter_and_breathier_shouting_louder_and_brighter():
    p = VoiceProfile()
    plain = speak("Then we run it without them.", p)
    whisper = speak("Then we run it without them.", p, parenthetical="(whispering)")
    shout = speak("Then we run it without them.", p, parenthetical="(shouting)")
    assert rms_db(whisper) < rms_db(plain) - 6
    assert rms_db(shout) > rms_db(plain) + 1.5
    assert band_energy_ratio(whisper, 2000, 9000) > band_energy_ratio(plain, 2000, 9000)   # air
    assert band_energy_ratio(shout, 2000, 8000) > band_energy_ratio(plain, 2000, 8000)      # brighter
    assert median_f0(shout) > median_f0(plain)                                               # raised voice


def test_a_phone_voice_is_band_limited_and_off_screen_is_muffled():
    p = VoiceProfile()
    plain = speak("Hello? Who is this?", p)
    phone = speak("Hello? Who is this?", p, parenthetical="(on the phone)")
    offscreen = speak("Hello? Who is this?", p, extensions=["O.S."])
    assert band_energy_ratio(phone, 300, 3400) > 0.9
    assert band_energy_ratio(phone, 0, 200) < band_energy_ratio(plain, 0, 200) / 3
    assert band_energy_ratio(offscreen, 4000, 20000) < band_energy_ratio(plain, 4000, 20000) / 3


def test_every_line_sits_inside_its_slot_and_the_gaps_are_quiet(voiced):
    spf = SR // voiced.timeline.fps
    d = voiced.dialogue
    for e in voiced.timeline.dialogue():
        a, b = e.start_frame * spf, e.end_frame * spf
        assert rms_db(d[a:b]) > -35, e.line_id                  # audible in its slot
        assert len(voiced.lines[e.line_id]) <= b - a            # and it fits
    pauses = [e for e in voiced.timeline.events("pause")]
    assert pauses
    for e in pauses:
        assert rms_db(d[e.start_frame * spf: e.end_frame * spf]) < -60   # quiet between lines


def test_per_character_stems_add_up_to_the_dialogue_stem(voiced):
    assert set(voiced.characters) == {"RUTH", "DANNY", "WALTER"}
    total = np.sum(list(voiced.characters.values()), axis=0)
    assert np.allclose(total, voiced.dialogue, atol=1e-6)
    spf = SR // voiced.timeline.fps
    walter_line = voiced.timeline.event("s1-l3")
    others = voiced.characters["RUTH"] + voiced.characters["DANNY"]
    assert not np.any(others[walter_line.start_frame * spf: walter_line.end_frame * spf])


def test_locked_characters_keep_their_frozen_voice(studio_home, film_text):
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.post.service import (
        cast_profiles,
        load_script,
        set_voice_profile,
    )

    script = load_script(film_text)
    characters.create_from_script(script)
    set_voice_profile("RUTH", VoiceProfile(pitch_semitones=7.0, formant_semitones=3.0))
    assert cast_profiles(script, characters.project_context())["RUTH"].pitch_semitones == 7.0
    characters.lock("RUTH")
    set_voice_profile("RUTH", VoiceProfile(pitch_semitones=-3.0))  # an edit after the lock …
    frozen = cast_profiles(script, characters.project_context())["RUTH"]
    assert frozen.pitch_semitones == 7.0                        # … waits for a new version
    assert characters.get_character("RUTH").identity.verify()
