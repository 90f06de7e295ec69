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
# # 3D previz: staged mannequins, a real camera, the 180° line
#
# The `blender3d` image backend (extra `previz3d`: Blender as a Python module) stages a scene the way a
# previz artist does in Shot Designer or Cine Tracer: posable mannequins of the characters on their marks,
# a set blocked out from the scene heading (built once per location and time of day), and a camera placed
# from the shot's size, angle and lens with the subject framed by the rule of thirds.
#
# Every frame also gives a depth map and an OpenPose skeleton from the same camera — the conditioning a
# diffusion ControlNet takes to keep the staging — and the top view of the scene is its camera plan.
# Rendering runs in a separate Blender process, so this notebook (or a dashboard) never blocks on it.
#
# Sizes here are small so the notebook runs in seconds; the benchmark (`benchmarks/bench_previz3d.py`)
# measures 1280×720.

# %%
import panel as pn

from studio_kit.domain.requests import ImageRequest
from studio_kit.backends.image.blender3d.backend import Blender3DImageBackend, bpy_installed

pn.extension()
print("bpy installed:", bpy_installed())
backend = Blender3DImageBackend()  # without bpy this warns, names the extra, and draws with the 2D previz

# %% [markdown]
# ## The cast and the scene
# Two characters as their bibles describe them (a locked identity carries the same fields plus the frozen 3D
# body). The scene lists its characters in order: the first two are the principals, and the 180° line runs
# between their marks.

# %%
MAYA = {"name": "MAYA", "seed": 11, "age": 34, "pronouns": "she/her",
        "appearance": {"hair": "long wavy", "hair_color": "black", "build": "slim"}, "palette": ["#8c2f39", "#2f2f38"]}
RAFA = {"name": "RAFA", "seed": 22, "age": 40, "pronouns": "he/him",
        "appearance": {"hair": "short", "hair_color": "brown", "build": "stocky", "marks": "beard, glasses"},
        "palette": ["#2e7d5b", "#5a4632"]}
scene = {"int_ext": "INT", "location": "DINER", "time_of_day": "NIGHT", "characters": ["MAYA", "RAFA"]}
action = "Maya sits at the table. Rafa holds a phone."

def frame(size="MS", subjects=("MAYA", "RAFA"), angle="eye level", lens=None, orbit=0.0, distance=1.0, w=384, h=216):
    shot = {"size": size, "angle": angle, "subjects": list(subjects), "description": action,
            "camera": {"orbit": orbit, "distance": distance}}
    if lens:
        shot["lens"] = lens
    return ImageRequest(kind="frame", identities=[MAYA, RAFA], scene=scene, shot=shot, width=w, height=h, seed=1)

if bpy_installed():
    f = backend.render_passes(frame("WS"), outputs=("picture", "depth", "pose"))
    print("poses:", f.meta["poses"], "| props:", f.meta["props"], "| lens:", f.meta["lens"], "mm")
    display(pn.Row(pn.pane.PNG(f.picture, width=384), pn.pane.PNG(f.control_depth(), width=384),
                   pn.pane.PNG(f.pose, width=384)))

# %% [markdown]
# ## An interactive camera
# Orbit the camera around the subject, change the lens (the camera moves to keep the shot size) or the
# distance, and pick the size and angle. Each change re-renders one frame in the Blender worker. The notes
# say when the camera has crossed the line.

# %%
size = pn.widgets.Select(name="size", options=["EWS", "WS", "FS", "MWS", "MS", "MCU", "CU", "BCU", "OTS"], value="MS")
angle = pn.widgets.Select(name="angle", options=["eye level", "high", "low", "overhead", "dutch", "pov"], value="eye level")
subject = pn.widgets.Select(name="subject", options=["MAYA", "RAFA"], value="MAYA")
lens = pn.widgets.IntSlider(name="lens (mm)", start=18, end=135, step=1, value=50)
orbit = pn.widgets.IntSlider(name="orbit (°)", start=-180, end=180, step=5, value=0)
distance = pn.widgets.FloatSlider(name="distance ×", start=0.6, end=2.0, step=0.1, value=1.0)

def view(size, angle, subject, lens, orbit, distance):
    if not bpy_installed():
        return pn.pane.Markdown("Install the extra: `pip install 'studio_kit[previz3d]'`")
    subjects = (subject,) if size in ("CU", "MCU", "BCU", "OTS") else ("MAYA", "RAFA")
    f = backend.render_passes(frame(size, subjects, angle, lens, orbit, distance), outputs=("picture",))
    line = f.meta["line"] or {}
    note = "**crosses the 180° line**" if line.get("crosses_line") else "on the established side of the line"
    return pn.Column(pn.pane.PNG(f.picture, width=480), pn.pane.Markdown(f"{f.meta['size']} · {f.meta['lens']:.0f} mm · {note}"))

camera = pn.Row(pn.Column(size, angle, subject, lens, orbit, distance),
                pn.bind(view, size, angle, subject, lens, orbit, distance))
camera

# %% [markdown]
# Moving the sliders in code works the same way (and is what runs when this notebook is tested):
# swinging the camera 180° round puts it across the line.

# %%
orbit.value = 180
camera

# %% [markdown]
# ## Coverage and the camera plan
# A scene's coverage: master, two singles, an over-the-shoulder, and a reverse deliberately taken from the
# other side. The top view shows the marks, the line, each camera's frustum and number; the crossing is red.

# %%
shots = [{"number": "1", "size": "WS", "subjects": ["MAYA", "RAFA"]},
         {"number": "2", "size": "CU", "subjects": ["MAYA"]},
         {"number": "3", "size": "OTS", "subjects": ["RAFA"]},
         {"number": "4", "size": "CU", "subjects": ["RAFA"], "camera": {"side": -1}}]
if bpy_installed():
    plan, report = backend.camera_plan(scene, shots, [MAYA, RAFA], width=640, height=480)
    for r in report:
        print(r["shot"], "CROSSES THE LINE" if r["crosses_line"] else "ok", r["note"])
    display(pn.pane.PNG(plan, width=640))

# %% [markdown]
# ## A camera move
# A push-in as a short frame sequence, the way the animatic asks for moves.

# %%
if bpy_installed():
    frames = backend.render_move(frame("WS", w=192, h=108), "push", frames=3)
    display(pn.Row(*[pn.pane.PNG(fr.picture, width=192) for fr in frames]))
