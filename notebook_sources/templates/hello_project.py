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
# # Hello project
# Creates (or opens) a project in the store, stores a project card asset and prints a summary.

# %% tags=["parameters"]
project_title: str = "Hello Studio"  # human title of the project
logline: str = "A projectionist discovers the last reel of a lost film."  # one-line story pitch
tags: list = ["short", "drama"]  # free labels stored on the project card
runtime_minutes: int = 10  # target running time in minutes

# %%
import json
from studio_kit.config import get_settings
from studio_kit.store import open_store

settings = get_settings()
store = open_store()
ctx = store.project(settings.org, settings.project, user=settings.user, title=project_title)
card = {"title": project_title, "logline": logline, "tags": tags, "runtime_minutes": runtime_minutes}
asset = ctx.put_asset(json.dumps(card, indent=2).encode(), kind="project_card", name="project_card.json",
                      provenance={"template": "hello_project"}, meta={"title": project_title})
ctx.audit("project.card", target=asset.name, detail={"asset_id": asset.id})

# %%
assets = ctx.list_assets()
print(f"Project {ctx.org_slug}/{ctx.project_slug}: {project_title!r}")
print(f"Stored {asset.kind} v{asset.version} ({asset.size} bytes) at {ctx.asset_path(asset.id)}")
print(f"The project holds {len(assets)} asset(s); store: {store.url}")

# %%
from studio_kit.runs import publish
publish(project=f"{ctx.org_slug}/{ctx.project_slug}", asset_id=asset.id, asset_path=str(ctx.asset_path(asset.id)))
