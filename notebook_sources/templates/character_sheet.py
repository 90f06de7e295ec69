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
# # Character sheet
# Creates a character's bible from a screenplay (or takes the one already in the project), renders it, optionally locks its identity, and writes the turnaround (front, three-quarter, profile) and expression (neutral, happy, angry, sad, surprised) sheet as PNGs. Every panel is stored as a render with its identity-consistency score.

# %% tags=["parameters"]
name: str = "Maya"  # required, the character name as it speaks in the script (or as stored in the project)
script_path: str = "sample:the_last_reel.fountain"  # Fountain script to create the bible from (sample:NAME for a script shipped with studio_kit, empty for the bible already in the project)
backend: str = ""  # image backend: empty for the configured one (auto: the 3D previz when bpy is installed, else the 2D previz), or previz, blender3d, diffusers (needs STUDIO_IMAGE_MODEL_PATH)
lock: bool = True  # lock the identity (look, seed, reference embedding) before the sheet, so every panel is scored
output_dir: str = ""  # folder for the PNGs, empty for STUDIO_HOME/outputs/characters/<character id>

# %%
from pathlib import Path

import studio_kit
from studio_kit.config import get_settings
from studio_kit.domain.character import slugify
from studio_kit.engines.characters import service
from studio_kit.exceptions import CharacterError
from studio_kit.registry import resolve_name

settings = get_settings()
backend = resolve_name("image", backend or settings.image_backend, settings)
ctx = service.project_context()
if not name.strip():
    raise CharacterError("The character_sheet template needs a character name.", hint="Pass -p name MAYA.")


def resolve_script(value: str) -> Path:
    """A script path; "sample:NAME" is one of the samples shipped in studio_kit/data/samples."""
    if value.startswith("sample:"):
        return Path(studio_kit.__file__).parent / "data" / "samples" / value.split(":", 1)[1]
    return Path(value).expanduser()


if script_path:
    script_file = resolve_script(script_path)
    if not script_file.is_file():
        raise CharacterError(f"Script {script_file} does not exist.",
                             hint="Pass a Fountain file, or script_path='' to use the stored bible.")
    created, kept = service.create_from_script(script_file, name, ctx)
    print(f"{'Created' if created else 'Kept the stored'} bible of {name} from {script_file.name}.")
bible = service.get_character(name, ctx)
look = bible.appearance
print(f"{bible.name} ({bible.character_id}): {bible.role}, {bible.mode.value}, v{bible.version} {bible.stage.value}; "
      f"age {bible.age if bible.age is not None else '?'}, {bible.pronouns}")
print("Look:", ", ".join(f"{k}={v}" for k, v in look.model_dump().items() if v) or "from the renderer's defaults")
if bible.species != "human" or bible.aliases:
    print(f"Species: {bible.species}; also cued as: {', '.join(bible.aliases) or '—'}")
if bible.description:
    print("Description:", bible.description)
print("Traits:", ", ".join(bible.traits) or "—", "| wardrobe:",
      "; ".join(f"{k}: {w.description or '—'}" for k, w in bible.wardrobe.items()) or "—")

# %% [markdown]
# ## Concept render and identity lock
# One front view first (a concept render while unlocked). Locking freezes the look, the seed and the reference embedding; every later panel is scored against it.

# %%
concept = service.render(bible.character_id, backend=backend, ctx=ctx)
print(f"Rendered {concept.asset.name} ({concept.image.width}×{concept.image.height} px) with {backend}.")
if lock:
    bible = service.lock(bible.character_id, ctx=ctx)
    print(f"Locked v{bible.version}: seed {bible.identity.seed}, identity {bible.identity.hash}")
else:
    print("Not locked: the sheet's panels are concept renders and carry no consistency score.")

# %% [markdown]
# ## Turnaround and expression sheet

# %%
from studio_kit.engines.characters.versions import RENDER_KIND

out_dir = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "characters" / bible.character_id
paths = service.sheet(bible.character_id, out_dir, backend=backend, ctx=ctx)
sheet_asset = ctx.latest("character_sheet", f"{bible.character_id}-sheet.png")

# the sheet's eight panels are the newest renders of this character (stored by service.sheet)
renders = sorted((a for a in ctx.list_assets(kind=RENDER_KIND) if a.meta.get("character_id") == bible.character_id),
                 key=lambda a: a.id)[-(len(paths) - 1):]
from studio_kit.ui.character_views import scorer_summary

scores, flagged, scorers = {}, [], {}
for asset in renders:
    key = asset.meta["view"] if not asset.name.endswith("-cu.png") else f"expression-{asset.meta['expression']}"
    scores[key] = asset.meta.get("score")
    scorers[key] = scorer_summary(asset.meta.get("consistency"))[0]   # previz exact / face identity / perceptual
    if asset.meta.get("flagged"):
        flagged.append(key)
print(f"Sheet: {paths['sheet']} (stored as asset {sheet_asset.id})")
for key, path in paths.items():
    if key != "sheet":
        score = scores.get(key)
        print(f"  {key:22} {'unscored' if score is None else f'{score:.3f}'} {scorers.get(key, ''):14}"
              f"{'  FLAGGED' if key in flagged else ''}  {path.name}")

# %%
from IPython.display import Image, display

display(Image(filename=str(paths["sheet"]), width=900))

# %%
from studio_kit.runs import publish

publish(character=bible.name, character_id=bible.character_id, version=bible.version, stage=bible.stage.value,
        locked=bible.locked, identity_hash=bible.identity.hash if bible.identity else None, backend=backend,
        sheet=str(paths["sheet"]), panels={k: str(p) for k, p in paths.items() if k != "sheet"},
        sheet_asset_id=sheet_asset.id, scores=scores, flagged=flagged)
