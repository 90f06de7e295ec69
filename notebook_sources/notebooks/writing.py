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
# # Writing with studio_kit
# The screenplay engine in one sitting: parse Fountain, count pages and eighths the way a line producer does, read the stats, round-trip Final Draft, print an industry PDF, track revisions with colours and diffs, write a draft from a logline, and plan its shots.
# Everything runs offline on a laptop CPU in a few seconds.

# %%
import os, tempfile
from pathlib import Path
# A scratch studio home so this tutorial never touches your real one.
os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="studio-home-"))
from studio_kit.config import get_settings, reset_settings
reset_settings()
settings = get_settings()
work = Path(tempfile.mkdtemp(prefix="writing-"))
print("STUDIO_HOME:", settings.home)

# %% [markdown]
# ## Parse a screenplay
# `load_script` reads Fountain or Final Draft from a path or bytes. We use the public-domain *Cyber Bob* pilot that ships with studio_kit, and show a small inline script beside it.

# %%
from studio_kit.engines.writing import load_script, parse_fountain

from importlib.resources import files
SAMPLE = Path(str(files("studio_kit") / "data" / "samples" / "Cyber_Bob_ep00001.fountain"))
INLINE = '''Title: The Night Porter
Author: A. Writer

INT. HOTEL LOBBY - NIGHT

Rain streaks the revolving door. NINA (40s), night porter, polishes a brass bell that nobody rings.

A WET STRANGER pushes in, dripping on the marble.

STRANGER
(out of breath)
Room for one. Just till the storm passes.

NINA
We're full. We've been full since 1962.

EXT. HOTEL ROOF - CONTINUOUS

Nina climbs onto the roof. The town below is dark except for one window.

NINA (V.O.)
Every storm brings somebody back.

> CUT TO:

INT. ROOM 12 - NIGHT

The Stranger sets down a key with the hotel's old crest.

STRANGER
You kept my room.
'''
script = load_script(SAMPLE) if SAMPLE.exists() else parse_fountain(INLINE)
print(script.title, "-", len(script.scenes), "scenes,", script.dialogue_block_count, "speeches")
for scene in script.scenes:
    speaking = ", ".join(scene.speaking_characters)
    print(f"{scene.int_ext:8} {scene.location:32.32} {scene.time_of_day:10} speaking: {speaking}")

# %% [markdown]
# ## Pages and eighths
# `paginate` lays the script out on US Letter (55 lines) or A4 (57 lines) with the industry break rules: no break right after a heading, (MORE)/(CONT'D) when a speech splits, at the end of a sentence as Final Draft does (`sentence_splits=False` splits after any line, as afterwriting does). The page count is full pages + lines on the last page, as afterwriting counts; scene lengths are in eighths of a page, written `1 4/8`.

# %%
from studio_kit.engines.writing.pagination import format_eighths, paginate

letter = paginate(script, "letter")
a4 = paginate(script, "a4")
print(f"US Letter: {letter.fractional_pages:.2f} pages on {letter.page_count} sheets, "
      f"{letter.more_splits} (MORE) split(s)")
print(f"A4:        {a4.fractional_pages:.2f} pages on {a4.page_count} sheets")
if SAMPLE.exists():
    aw = paginate(script, "letter", sentence_splits=False)
    print(f"Split after any line, as afterwriting: {aw.fractional_pages:.2f} pages "
          "(afterwriting's own figure for this sample: 5.55 pages, 6 sheets, 1 (MORE) split)")
for scene, eighths, page in zip(script.scenes, letter.scene_eighths, letter.scene_pages):
    print(f"p.{page:<3} {format_eighths(eighths):>6}  {scene.heading}")

# %% [markdown]
# ## Stats
# Interior/exterior and day/night mix, locations and who talks how much, as polars DataFrames (or JSON with `to_json()`).

# %%
from studio_kit.engines.writing.stats import script_stats

stats = script_stats(script)          # uses the eighths set by paginate above
print("INT/EXT:", stats.int_ext, " day/night:", stats.day_night)
stats.characters_frame()

# %%
stats.scenes_frame().select("number", "int_ext", "location", "day_night", "eighths", "dialogue_blocks")

# %% [markdown]
# ## Final Draft round trip
# Export `.fdx` for a writer who lives in Final Draft and read it back: the scenes, the speakers and the speeches survive.

# %%
from studio_kit.engines.writing.fdx import read_fdx, write_fdx

fdx_path = work / "draft.fdx"
write_fdx(script, fdx_path)
back = read_fdx(fdx_path)
print(fdx_path.name, f"{fdx_path.stat().st_size} bytes")
print("scenes", len(script.scenes), "->", len(back.scenes),
      "| speeches", script.dialogue_block_count, "->", back.dialogue_block_count)
assert [s.heading for s in back.scenes] == [s.heading for s in script.scenes]
assert back.speaking_characters == script.speaking_characters

# %% [markdown]
# ## An industry PDF
# Courier Prime 12 pt, 1.5" left margin, dialogue at 2.5", character cues at 3.5", page numbers top right from page 2.

# %%
from pypdf import PdfReader
from studio_kit.engines.writing.pdf import render_pdf

pdf = render_pdf(script, work / "draft.pdf", paper="letter")
reader = PdfReader(pdf.path)
print(pdf.path.name, pdf.pdf_pages, "PDF pages (title page included:", pdf.has_title_page, ")")
print(reader.pages[1 if pdf.has_title_page else 0].extract_text()[:400])

# %%
import shutil, subprocess
from IPython.display import Image, display

# A look at the first body page (pdftoppm from poppler-utils, when installed).
if shutil.which("pdftoppm"):
    first = 2 if pdf.has_title_page else 1
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", str(first), "-l", str(first), str(pdf.path),
                    str(work / "page")], check=True)
    display(Image(filename=str(next(work.glob("page*.png")))))

# %% [markdown]
# ## Versions, revision colours and diffs
# Every save is a stored version (an asset whose parent is the previous save). The first save locks scene numbers; a revision takes the next colour (White, Blue, Pink, ...), new scenes get letters (`2A`), and changed lines are marked with an asterisk in the PDF.

# %%
from studio_kit.engines.writing.fountain_writer import write_fountain
from studio_kit.engines.writing.versions import diff_versions, list_versions, load_version, save_version
from studio_kit.store import open_store

ctx = open_store().project("my-studio", "writing-tutorial", user="me")
v1 = save_version(ctx, write_fountain(script), name="tutorial.fountain")

draft = ctx.read_text(v1.asset_id)
second = script.scenes[1].heading if len(script.scenes) > 1 else script.scenes[0].heading
insert = "EXT. BACK ALLEY - NIGHT\n\nA cat knocks over a bin. Nobody notices.\n\n"
at = draft.index(second)
revised = draft[:at] + insert + draft[at:]
v2 = save_version(ctx, revised, name="tutorial.fountain", revise=True)
for v in list_versions(ctx, "tutorial.fountain"):
    print(f"v{v.version} {v.colour:6} scenes {', '.join(v.scene_numbers)}  changes {v.summary}")

# %%
diff = diff_versions(ctx, v1.asset_id, v2.asset_id)
print(diff.summary())
for change in diff.added + diff.changed:
    print(change.status, change.number, change.heading)
    for sign, line in change.lines[:4]:
        print("   ", sign, line)
blue = render_pdf(load_version(ctx, v2.asset_id), work / "blue.pdf")
text = PdfReader(blue.path).pages[-1].extract_text()
print("header:", [line for line in text.splitlines() if "REVISION" in line][:1])

# %% [markdown]
# ## A draft from a logline
# The offline `procedural` writer plans beats, turns them into scenes with target lengths and writes dialogue in each character's voice. Same seed, same script. Other backends (`transformers`, `openai`) plug into the same call.

# %%
from studio_kit.engines.writing.generation import generate_script

generated = generate_script(logline="A night-shift nurse discovers her patients are all dreaming the same dream.",
                            format="short", genre="thriller", tone="tense", pages=3, seed=4)
draft = generated.script
story = paginate(draft)
print(draft.title, "-", len(draft.scenes), "scenes,", format_eighths(round(story.fractional_pages * 8)), "pages")
print("beats:", ", ".join(b.name for b in generated.beats))
print()
print(generated.fountain[:700])

# %% [markdown]
# ## Shot list
# For each scene: shot sizes, angles, movement, who is in frame, which lines each shot covers and how long it runs on screen, ready for the storyboard and production engines.

# %%
import polars as pl
from studio_kit.engines.writing.shots import shot_list

shots = shot_list(draft)
pl.DataFrame([{"shot": s.number, "size": s.size.value, "angle": s.angle, "movement": s.movement,
               "subjects": ", ".join(s.subjects), "seconds": round(s.seconds, 1)} for s in shots]).head(12)
