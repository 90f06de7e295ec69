# ---
# jupyter:
#   jupytext:
#     formats: notebooks///ipynb,notebook_sources/notebooks///py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Post-production: voices, timing, score, mix and loudness
# The film's sound, offline on a CPU: every dialogue line spoken by its character's voice (Piper neural TTS; a
# character is told apart by pitch, formant, EQ, energy and breath from their **voice profile**), the film's
# **timeline** built from the voiced lines (the one source of timing for the animatic, subtitles and trailers),
# a **scene-aware score** (MIDI rendered by FluidSynth), room tone and spot effects, **ducking** under dialogue,
# and a master normalised to a **loudness spec** (ITU-R BS.1770) with its QC line.
#
# The same calls drive `studio voice|score|mix|dub|loudness` and the Audio Mixer dashboard.

# %%
import os, tempfile
from pathlib import Path

os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-home-")   # a scratch studio home
os.environ.pop("STUDIO_DATABASE_URL", None)
from studio_kit.config import reset_settings

reset_settings()
from IPython.display import Audio, display

from studio_kit.engines.post import service

SCRIPT = '''Title: Small Hours
Genre: drama

INT. KITCHEN - NIGHT

NORA, 60s, a gruff old woman, pours tea. Rain on the window. TOM, 20s, a nervous young man, hovers by the door.

NORA
(quietly)
You are up late.

TOM
I could not sleep. The phone kept ringing.

NORA
Then sit down and drink this.
'''
script = service.load_script(SCRIPT)
print(script.title, "-", len(script.scenes), "scene,", script.dialogue_block_count, "lines")

# %% [markdown]
# ## Voice profiles
# Derived from each character's bible (age, pronouns or gender words, role, personality words): deterministic, and
# kept at least two semitones apart when they share the one shipped speaker. In a project, the profile lives in the
# character bible and is frozen by the identity lock.

# %%
profiles = service.cast_profiles(script)
for name, p in profiles.items():
    print(f"{name}: pitch {p.pitch_semitones:+.1f} st, formant {p.formant_semitones:+.1f} st, rate {p.rate:.2f}, "
          f"low {p.low_shelf_db:+.1f} dB, high {p.high_shelf_db:+.1f} dB, breath {p.breathiness:.2f} ({p.notes})")
line = "I could not sleep. The phone kept ringing."
display(Audio(service.speak(line, profiles["TOM"]), rate=48000))

# %% [markdown]
# ### Tune a voice and hear it
# Edit any field; `source` becomes `edited` (store it with `service.set_voice_profile(name, profile, ctx)`).
# Parentheticals change delivery: whispering is quieter and breathier, shouting louder and brighter, a phone
# line is band-limited.

# %%
from studio_kit.engines.post.analysis import median_f0

deeper = profiles["TOM"].edited(pitch_semitones=profiles["TOM"].pitch_semitones - 3, low_shelf_db=3.0)
a, b = service.speak(line, profiles["TOM"]), service.speak(line, deeper)
print(f"median F0 {median_f0(a):.0f} Hz -> {median_f0(b):.0f} Hz")
display(Audio(b, rate=48000))
display(Audio(service.speak(line, deeper, parenthetical="(whispering)"), rate=48000))
display(Audio(service.speak(line, deeper, parenthetical="(on the phone)"), rate=48000))

# %% [markdown]
# ## The film's timeline
# Voicing builds the timeline: scenes → shots → events in frames at 24 fps. Changing one line's length shifts only
# what follows; it converts losslessly to OpenTimelineIO.

# %%
track = service.voice(script)
tl = track.timeline
for shot in tl.shots():
    for e in shot.events:
        print(f"{shot.shot_id:5} {tl.timecode(e.start_frame)} {e.kind:9} {e.duration_frames:4d} fr  "
              f"{(e.character or '')[:6]:6} {e.text[:50]}")
longer = tl.with_line_duration("s1-l1", tl.event("s1-l1").duration_frames + 24)
print("one line a second longer:", tl.duration_frames, "->", longer.duration_frames, "frames")
from studio_kit.domain.timeline import Timeline

assert Timeline.from_otio(tl.to_otio()) == tl

# %% [markdown]
# ## Score, effects, mix and loudness

# %%
score = service.score(script, tl)
for cue in score.cues:
    print(cue.plan.cue_id, cue.plan.key, cue.plan.mode, f"{cue.plan.tempo:g} BPM", cue.plan.mood)
fx, log = service.effects(script, tl)
print([entry["kind"] for entry in log])
result = service.mix_film(track, score, fx, service.MixSettings(spec="streaming"))
print(result.qc.line())
display(Audio(result.mix.T, rate=48000))

# %%
from studio_kit.engines.post.subtitles import export_srt

print(export_srt(tl))

# %% [markdown]
# ## The Audio Mixer
# The dashboard component in the notebook: faders, mute/solo, ducking, the spec, Re-mix, stem players and the
# 24-bit download (`studio serve audio_mixer` serves it on its own).

# %%
import panel as pn

pn.extension()
from studio_kit.ui.audio_mixer import AudioMixer

script_file = Path(os.environ["STUDIO_HOME"]) / "small_hours.fountain"
script_file.write_text(SCRIPT, encoding="utf-8")
mixer = AudioMixer(script=script_file)
mixer.load()
pn.Row(mixer.sidebar(), mixer)
