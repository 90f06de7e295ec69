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
# # Production: shots, storyboard, camera plan, animatic, footage and the hybrid cut
# The production engine turns the script's shot list into pictures and a watchable draft:
#
# 1. **shots** drawn from the locked identities of their characters, each frame stored with its provenance and identity score;
# 2. one shot **re-rendered** (new seed or prompt tweak) while the others keep their frames;
# 3. the **storyboard** PDF and contact sheet, and a top-down **camera plan** per scene;
# 4. the **animatic**, timed by the film's timeline, with the mix as soundtrack;
# 5. **real footage** ingested, matched to the script, and cut with the AI shots into one OpenTimelineIO timeline.
#
# Everything runs offline on a CPU with the `previz` renderers.

# %%
import os, tempfile
from pathlib import Path

os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-home-")   # a scratch studio: nothing real is touched
os.environ.pop("STUDIO_DATABASE_URL", None)
from studio_kit.config import reset_settings, sample_path

reset_settings()
from studio_kit.engines.characters import service as characters
from studio_kit.engines.production import service

ctx = service.project_context()
work = Path(os.environ["STUDIO_HOME"]) / "work"
work.mkdir()
script = work / "harbour.fountain"
script.write_text(sample_path("harbour_lights.fountain").read_text(encoding="utf-8"), encoding="utf-8")
characters.create_from_script(script, "all", ctx=ctx)
for name in ("Mara", "Jonah"):
    characters.lock(name, ctx=ctx)
print("Cast locked:", ", ".join(b.name for b in characters.list_characters(ctx)))

# %% [markdown]
# ## 1. Shots from the shot list
# `render_shots` draws every shot that has no frame yet. Each frame is an asset with the backend call's provenance
# (backend, seed, inputs) and a consistency score per locked character.

# %%
plan = service.render_shots(script, ctx=ctx, width=640, height=360)
for s in plan.shots:
    print(f"{s.number:5} {s.size:18} {s.angle:9} {s.movement:9} {', '.join(s.subjects):12} "
          f"scores {s.consistency}")

# %%
sheet = service.export_storyboard(work / "board.pdf", ctx=ctx, panels=9, contact_sheet=work / "sheet.png")
from IPython.display import Image, SVG, Video, display

display(Image(filename=str(sheet["contact_sheet"]), width=900))

# %% [markdown]
# ## 2. Re-render one shot
# A prompt tweak (or a new seed) makes a new variant of one shot; every other shot keeps its frame, and any variant can be picked back.

# %%
before = {s.number: s.asset_id for s in plan.shots}
plan = service.rerender_shot("1.2", prompt_tweak="tighter, rain on the lens", ctx=ctx)
changed = [n for n, a in before.items() if plan.shot(n).asset_id != a]
print("changed:", changed, "| variants of 1.2:", plan.shot("1.2").variants)
display(Image(data=ctx.read_bytes(plan.shot("1.2").asset_id), width=480))

# %% [markdown]
# ## 3. Storyboard PDF and camera plan
# The PDF puts 6 or 9 panels on a Letter or A4 page with scene/shot numbers, camera, action, dialogue and move arrows.
# The camera plan is the top-down diagram of a scene: set, character marks, the 180° line, numbered cameras with lens and field of view.

# %%
import subprocess

subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "1", str(sheet["pdf"]), str(work / "page")], check=True)
display(Image(filename=str(next(work.glob("page*.png"))), width=900))
plan_files = service.export_camera_plan("1", work, ctx=ctx)
display(SVG(filename=str(plan_files["svg"])))

# %% [markdown]
# ## 4. The animatic
# Each shot lasts what the film's timeline (post-production's timing) says; moving shots get their camera move; title and end cards,
# burned-in timecode. No mix has been made in this scratch project, so the soundtrack is silent, with a warning.

# %%
result = service.render_animatic(script, work / "animatic.mp4", ctx=ctx, burn_timecode=True, labels=True)
print(f"{result.frames} frames ({result.duration_s:.2f} s) at {result.width}x{result.height}; "
      f"{result.rendered} segments encoded, {result.cached} cached")
print(*result.warnings, sep="\n")
display(Video(str(result.path), embed=True, width=720))

# %%
again = service.render_animatic(script, work / "animatic.mp4", ctx=ctx, burn_timecode=True, labels=True)
print(f"Rendered again with nothing changed: {again.rendered} segments encoded, {again.cached} from the cache, "
      f"{again.seconds:.1f} s instead of {result.seconds:.1f} s")

# %% [markdown]
# ## 5. Footage, coverage and the hybrid cut
# A clip named `S1_SH2_T1.mov` (scene 1, shot 2, take 1) is ingested: probe, proxy, thumbnails and its shots detected.
# The coverage report lists scripted shots with neither footage nor an AI shot; the cut uses the take in its slot and exports to OTIO / FCPXML / EDL.

# %%
from studio_kit import media

clip = work / "S1_SH2_T1.mov"
subprocess.run([media.ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "testsrc2=s=640x360:r=24:d=3",
                "-c:v", "libx264", "-pix_fmt", "yuv420p", str(clip)], check=True)
take = service.ingest_footage([clip], ctx=ctx)[0]
print(f"{take.name}: {take.media.video_codec} {take.media.width}x{take.media.height} {take.media.fps:g} fps, "
      f"scene {take.scene} shot {take.shot} take {take.take} ({take.matched_by})")
report = service.coverage_report(ctx=ctx)
print("missing coverage:", [r.number for r in report.missing] or "none")
service.cut_choice("1.2", source="take", take=take.name, note="the real wave", ctx=ctx)
cut = service.build_cut(script, ctx=ctx)
print([(c.name, c.metadata["studio_kit"]["source"]) for c in cut.tracks[0].find_clips()])
print(service.export_cut(work / "cut.fcpxml", script=script, ctx=ctx))

# %% [markdown]
# ## The Shot Generator
# The same project in the dashboard component (`studio serve shot_generator` serves it on its own).

# %%
import panel as pn

pn.extension()
from studio_kit.ui.shot_generator import ShotGenerator

ShotGenerator(context=ctx)
