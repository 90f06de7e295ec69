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
# # Getting started with studio_kit
# The studio in one notebook: settings, the project store, backends and a template run.
# Everything here runs offline on a laptop CPU.

# %%
import os, tempfile
# A scratch studio home so this tutorial never touches your real one.
os.environ.setdefault("STUDIO_HOME", tempfile.mkdtemp(prefix="studio-home-"))
from studio_kit.config import get_settings, reset_settings
reset_settings()
settings = get_settings()
print("STUDIO_HOME:", settings.home)
print("store:", settings.resolved_database_url)

# %% [markdown]
# ## The project store
# Every artifact is an asset: a content-addressed file plus a row with kind, version, parent and provenance.

# %%
from studio_kit.store import open_store
store = open_store()
ctx = store.project("my-studio", "first-film", user="me", title="First Film")
v1 = ctx.put_asset(b"INT. CINEMA - NIGHT\n\nDust in the projector beam.\n", kind="script", name="first.fountain")
v2 = ctx.put_asset(b"INT. CINEMA - NIGHT\n\nDust dances in the projector beam.\n", kind="script",
                   name="first.fountain", parent_id=v1.id)
print([(a.name, a.version, a.parent_id) for a in ctx.versions("script", "first.fountain")])

# %% [markdown]
# ## Backends
# Each modality has offline defaults; model backends load local weights only.

# %%
from studio_kit.registry import list_backends
for b in list_backends():
    print(f"{b.modality:6} {b.name:12} {'ready' if b.available else 'unavailable'}: {b.reason}")

# %% [markdown]
# ## Templates
# `studio run TEMPLATE -p name value` executes a template with papermill and stores the run.

# %%
from studio_kit.runs import list_templates
for t in list_templates():
    print(t.name, [p.name for p in t.parameters])
