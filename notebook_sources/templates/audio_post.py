# ---
# jupyter:
#   jupytext:
#     formats: templates///ipynb,notebook_sources/templates///py:percent
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
# # Audio post
# Script in, the film's sound out: every dialogue line voiced in its character's voice (Piper neural voice,
# profiles from the character bibles), a scene-aware score (MIDI + FluidSynth), room tone and spot effects,
# dialogue-aware ducking, and a master normalised and true-peak limited to a delivery spec (ITU-R BS.1770).
#
# Writes 48 kHz 24-bit WAV masters, the dialogue / music / effects / M&E stems (sample-aligned, equal length),
# per-character stems, SRT and WebVTT subtitles from the film's timeline, the music cue sheet (CSV + PDF), the
# timeline (JSON + OpenTimelineIO) and a QC report, and stores each as an asset of the project.

# %% tags=["parameters"]
script_path: str = None  # required: Fountain or Final Draft screenplay (absolute, relative to where you run studio, or to STUDIO_HOME); run directly without it, the notebook uses the built-in sample short
spec: str = "streaming"  # delivery spec: streaming (-14 LUFS), ebu-r128 (-23 LUFS), netflix (-27 LKFS dialogue-gated), apple (-16 LUFS)
output_dir: str = ""  # folder for the files (blank: STUDIO_HOME/outputs/post/<script name>)
duck_depth: float = 12.0  # how far music and effects dip under dialogue, in dB
music: bool = True  # compose and render the score (False: dialogue and effects only)

# %%
import os
from pathlib import Path

from studio_kit.config import get_settings
from studio_kit.engines.post.mix import DuckSettings, MixSettings
from studio_kit.engines.post.service import produce
from studio_kit.engines.preproduction.service import resolve_script_path
from studio_kit.exceptions import ParameterError
from studio_kit.store import open_store

settings = get_settings()
script = resolve_script_path(script_path, settings.home)
if script_path is None:
    print("script_path not given: mixing the built-in sample short")
if not script.is_file():
    raise ParameterError(f"script_path {script_path!r} is not a file (looked for {script}).",
                         hint="Pass an absolute path to a .fountain or .fdx file.")
out = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "post" / script.stem
out = out if out.is_absolute() else settings.home / out
ctx = open_store().project(settings.org, settings.project, user=settings.user)
result = produce(script, spec=spec, out_dir=out, ctx=ctx, music=bool(music),
                 settings=MixSettings(duck=DuckSettings(depth_db=float(duck_depth)), spec=spec))
print(result.qc_line)

# %% [markdown]
# ## Listen
# The full mix, then the dialogue stem alone.

# %%
from IPython.display import Audio, display

display(Audio(filename=str(result.files["mix"])))
display(Audio(filename=str(result.files["stem:dialogue"])))

# %% [markdown]
# ## Timeline, voices and cues

# %%
if result.track:
    tl = result.track.timeline
    print(f"{len(tl.scenes)} scenes, {len(list(tl.shots()))} shots, {len(tl.dialogue())} lines, "
          f"{tl.timecode(tl.duration_frames)} at {tl.fps} fps")
    for name, p in result.track.profiles.items():
        print(f"  {name}: {p.backend} pitch {p.pitch_semitones:+.1f} st, formant {p.formant_semitones:+.1f} st, "
              f"rate {p.rate:.2f}, breath {p.breathiness:.2f} ({p.notes})")
for cue in (result.score.cues if result.score else []):
    print(f"  {cue.plan.cue_id} scenes {', '.join(cue.scenes)}: {cue.plan.key} {cue.plan.mode}, "
          f"{cue.plan.tempo:g} BPM, {cue.plan.seconds:.1f} s - {cue.plan.mood}")

# %%
from studio_kit.runs import publish

lo = result.mix.loudness
publish(qc=result.qc_line, passed=result.mix.qc.passed, spec=spec, integrated_lufs=round(lo.integrated_lufs, 2),
        loudness_range_lu=round(lo.loudness_range_lu, 2), true_peak_dbtp=round(lo.true_peak_dbtp, 2),
        seconds=round(lo.seconds, 2), lines=len(result.track.lines) if result.track else 0,
        cues=len(result.score.cues) if result.score else 0, output_dir=str(out),
        mix=str(result.files["mix"]), stems=[str(p) for k, p in result.files.items() if k.startswith("stem:")],
        srt=str(result.files.get("srt", "")), cue_sheet=str(result.files.get("cue_sheet_pdf", "")))
