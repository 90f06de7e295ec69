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
# # Marketing & distribution: trailers, posters, social clips, deliverables
# Everything here reads the film's **timeline** (the one source of timing) and calls
# `studio_kit.engines.marketing.service`, as `studio trailer|poster|social|press-kit|deliver` and the Marketing Kit
# dashboard do:
#
# * **trailers** of 30, 60 or 90–150 s cut from the beat structure (setup, inciting, escalation, climax — never the
#   resolution or final scene), complete lines only, title cards, the title and a release card, the film's own score
#   ducked under the chosen lines, −14 LUFS; the **EDL** is stored, editable and exported as OpenTimelineIO;
# * **posters** in four layouts (one-sheet 27×40 in, square, banner, YouTube thumbnail) with a **billing block**;
# * **social clips** reframed per platform by following the subject (OpenCV face tracking, cut resets) with
#   word-highlighted captions in the safe zone;
# * **platform presets** as data; every export checks itself (probe + loudness) and a failed QC is an error.

# %%
import os, tempfile
from pathlib import Path

os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-home-")   # a scratch studio home
os.environ.pop("STUDIO_DATABASE_URL", None)
from studio_kit.config import reset_settings

reset_settings()
import pandas as pd
from IPython.display import Image, Video, display

from studio_kit.engines.marketing import service

work = Path(tempfile.mkdtemp(prefix="marketing-"))
SCRIPT = work / "harbour.fountain"
SCRIPT.write_text('''Title: Harbour Lights
Author: Ana Lima

EXT. HARBOUR - DAY

MARA, 30s, a wiry woman in a yellow raincoat, waits on the pier. JONAH, 60, a bearded man, mends a net.

MARA
The boat is late again.

JONAH
It always is. Sit down.

INT. HARBOUR OFFICE - NIGHT

Rain hammers the windows. Mara finds a soaked letter on the desk. She reads it twice, then a third time. The radio crackles with a distress call that cuts out mid-word. Mara turns the dial, searching, but only static answers.

MARA
Who left this here?

JONAH
Nobody comes in at this hour.

EXT. PIER - NIGHT

Waves crash over the pier. Mara runs along the rail, the letter in her fist. Lightning splits the sky. A fishing boat drifts past without its lamps, its engine dead, its deck empty. Jonah limps after her with a lantern, shouting into the wind, but the wind takes his words away.

JONAH
Mara! Come back! The tide is turning!

MARA
I won't lose him again. Not this time.

EXT. LIGHTHOUSE - NIGHT

The lamp flickers. Mara climbs the iron stairs, gasping. Glass shatters above her. The whole tower shudders as a wave breaks against its base, and rust rains down the stairwell.

MARA
Father? Are you up there? Answer me!

INT. HARBOUR OFFICE - DAY

Morning sun. Mara and Jonah drink coffee in silence.

JONAH
You were right to go.
''', encoding="utf-8")

# %% [markdown]
# ## The trailer's EDL
# `cut` picks the moments (here on the script's estimated timing, `voice=False`, for speed; `service.trailer`
# voices the lines, renders and QCs). Each row says why it was chosen; the last scene never appears.

# %%
edl = service.cut(SCRIPT, 30, voice=False)
pd.DataFrame([{"kind": e.kind, "shot": e.shot_id, "in": e.source_in, "frames": e.duration_frames,
               "lines": ", ".join(e.line_ids), "card": e.text, "why": e.reason} for e in edl.entries])

# %%
otio_path = service.export_edl_otio(edl, work / "trailer-30.otio")
print(otio_path.name, otio_path.stat().st_size, "bytes; total", edl.duration_seconds, "s")
# render it (voices, score, mix, picture, QC) with: service.trailer(SCRIPT, 30, work / "trailer.mp4")

# %% [markdown]
# ## Posters and the billing block
# Credits are stored per project (`set_credits`); the cast comes from the script when none is set. Type always fits:
# long and non-Latin titles wrap and shrink.

# %%
service.set_credits({"director": "Ana Lima", "producers": ["Bo Chen"], "music": "Ola Berg",
                     "production_company": "Lamp Films", "tagline": "Some lights never go out."})
for layout in ("one-sheet", "youtube-thumbnail"):
    png, warnings = service.poster_preview(SCRIPT, layout, width=360)
    print(layout, warnings)
    display(Image(png, width=360))

# %% [markdown]
# ## Platform presets, subject tracking and one-decode exports
# Presets are data (`studio_kit/data/marketing/platforms.yaml`). Below, a synthetic clip with a real face moving
# left to right is reframed for TikTok (9:16) and exported with YouTube in one ffmpeg run; both QC themselves.

# %%
from studio_kit.engines.marketing import platforms as P

pd.DataFrame([{"preset": p.key, "size": f"{p.width}x{p.height}", "fps": p.fps, "codec": f"{p.video_codec} {p.profile}",
               "kbps": p.video_bitrate_kbps, "loudness": p.loudness, "max s": p.max_seconds,
               "safe zone (t,r,b,l)": p.safe_zone} for p in P.presets().values()])

# %%
import subprocess

import numpy as np
from PIL import Image as PILImage
from skimage import data

from studio_kit import media
from studio_kit.engines.marketing import social

face = np.asarray(PILImage.fromarray(data.astronaut()[20:210, 130:320]).resize((80, 80)))
clip = work / "face.mp4"
proc = subprocess.Popen([media.ffmpeg_exe(), "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", "320x180",
                         "-r", "24", "-i", "-", "-f", "lavfi", "-i", "sine=frequency=330:sample_rate=48000:duration=6",
                         "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac", "-shortest", str(clip)],
                        stdin=subprocess.PIPE)
for n in range(144):
    frame = np.full((180, 320, 3), 70, np.uint8)
    x = int(5 + 230 * n / 143)
    frame[50:130, x:x + 80] = face
    proc.stdin.write(frame.tobytes())
proc.stdin.close(); proc.wait()
track = social.track_subject(clip)
print(f"face found in {track.detections}/{track.analysed} analysed frames ({track.fps:.0f} fps analysis)")
tiktok, youtube = P.scaled(P.get_preset("tiktok"), 1 / 6), P.scaled(P.get_preset("youtube"), 1 / 6)
lines = P.export(clip, [(tiktok, work / "face-tiktok.mp4", social.crop_filter(track, tiktok.aspect, 320, 180)),
                        (youtube, work / "face-youtube.mp4", None)])
for q in lines:
    print(q.line())
display(Video(str(work / "face-tiktok.mp4"), embed=True, width=180))

# %% [markdown]
# ## The Marketing Kit component
# The dashboard (`studio serve marketing_kit`) embedded: switch the poster layout; cut or re-render a trailer
# from its EDL; see every export with its QC badge.

# %%
import panel as pn

pn.extension("tabulator")
from studio_kit.ui.marketing_kit import MarketingKit

kit = MarketingKit(script=SCRIPT)
pn.Row(kit.sidebar(), kit)
