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
# # Characters: bible, renders, identity lock, versions, continuity
# A character is a first-class asset: its **bible** says who they are and how they look, a **render** draws them,
# **locking** freezes the look into an identity record that every later image must match, **versions** move the look
# from concept to casting to final with recorded approvals, and the **continuity** report checks their wardrobe scene by scene.
#
# Everything here runs offline on a CPU in a few seconds, with the `previz` renderer (a storyboard artist's quick figure).
# The same calls drive `studio character …` on the command line and the Character Lab dashboard.

# %%
import os, tempfile
from pathlib import Path

# A fresh scratch studio home (and its SQLite store) so this tutorial never touches your real one
# and starts from an empty cast every time it runs.
os.environ["STUDIO_HOME"] = tempfile.mkdtemp(prefix="studio-home-")
os.environ.pop("STUDIO_DATABASE_URL", None)
from studio_kit.config import get_settings, reset_settings

reset_settings()
settings = get_settings()
from studio_kit.engines.characters import service

ctx = service.project_context()      # the settings' project in the store: every bible, render and lock lands here
print("STUDIO_HOME:", settings.home, "| project:", ctx.scope_name)

# %% [markdown]
# ## Bibles from a screenplay
# `create_from_script` makes a bible for every speaking character. Descriptions, age, hair, build and marks are mined
# from the line that introduces them (`JUNE (40s, …)`).

# %%
SCRIPT = '''Title: Night Shift

INT. HOSPITAL CORRIDOR - NIGHT

JUNE (40s, a night-shift nurse with short grey hair and reading glasses, wearing blue scrubs) pushes a squeaky trolley.

JUNE
Room twelve is dreaming again.

LEO (20s, tall and lanky, curly red hair, a new orderly) jogs to catch up.

LEO
They all dream. It's a hospital.

INT. ROOM TWELVE - CONTINUOUS

June checks the monitor. Leo hovers by the door.

JUNE
Not like this. Listen.

LEO
To what? It's just breathing.

EXT. HOSPITAL ROOF - DAWN

June, now in a winter coat, watches the sun come up. Leo joins her with two coffees.

LEO
Same dream as yesterday?

JUNE
Same dream as everyone.
'''
script_path = Path(settings.home) / "night_shift.fountain"
script_path.write_text(SCRIPT, encoding="utf-8")

created, kept = service.create_from_script(script_path)
for bible in created:
    look = {k: v for k, v in bible.appearance.model_dump().items() if v}
    print(f"{bible.name:5} {bible.role:10} age {bible.age}, {bible.pronouns}; look {look}; seed {bible.seed}")
    print(f"      {bible.description}")
    print(f"      traits {bible.traits or '—'}; wardrobe {[w.description for w in bible.wardrobe.values()] or '—'}; "
          f"occupation {bible.source.get('occupation') or '—'}; species {bible.species}")

# %% [markdown]
# The role is the part's size on the cast list (lead, supporting, minor, day player) from dialogue and scenes;
# "short grey hair" is June's hair, not her build, and her job goes to the description, not her traits. Pronouns come
# only from evidence in the script (he/she/his/her near the name, or a gendered noun), otherwise they/them.
# A script can also cast animals and things (`species`) and cue one character by two names (`aliases`):

# %%
from studio_kit.engines.writing.io import load_script
from studio_kit.engines.characters.bible import bibles_from_script

park = Path(settings.home) / "park.fountain"
park.write_text(
    "EXT. PARK - DAY\n\nCAPTAIN NOVA REYES, 40, strolls past a SCRUFFY DOG.\n\nNOVA\nMorning.\n\n"
    "DOG\nWoof.\n\nNova scratches the dog behind its ears.\n\nCAPTAIN NOVA REYES\nGood boy.\n", encoding="utf-8")
for b in bibles_from_script(load_script(park)):
    print(f"{b.name:20} {b.role:10} species {b.species:6} aliases {b.aliases}  pronouns {b.pronouns}")

# %% [markdown]
# ## Dress them
# Bibles are edited with `update_character`: a palette (hex colours), named wardrobe looks (assignable per scene) and a style.
# Leo's costume plan puts him in his street clothes in scene 2 — we will see the continuity report catch that.

# %%
june = service.update_character("June", {
    "palette": ["#3b6ea5", "#d9d4c7"],
    "wardrobe": {"scrubs": {"name": "scrubs", "description": "blue hospital scrubs", "colors": ["#3b6ea5", "#2c4f77"]},
                 "coat": {"name": "coat", "description": "long winter coat", "colors": ["#5a3d2b", "#2c2c2c"]}},
    "default_look": "scrubs", "traits": ["patient", "dry", "observant"]})
leo = service.update_character("Leo", {
    "palette": ["#6b8f3a", "#f0e6d2"],
    "wardrobe": {"orderly": {"name": "orderly", "description": "green orderly tunic", "colors": ["#6b8f3a", "#e8e8e0"]},
                 "street": {"name": "street", "description": "hoodie and jeans", "colors": ["#b03a2e", "#34495e"]}},
    "default_look": "orderly", "scene_looks": {"2": "street"}, "pronouns": "he/him"})
print(june.name, june.palette, list(june.wardrobe), "| default:", june.default_look)
print(leo.name, leo.palette, list(leo.wardrobe), "| scene looks:", leo.scene_looks)

# %% [markdown]
# ## Render with previz
# A concept render: the figure is drawn from the bible (hair shape, build, palette, wardrobe colours, expression).
# It is stored as a `character_render` asset with its provenance (backend, seed, parameters).

# %%
from IPython.display import Image, display

concept = service.render("June", view="three-quarter", expression="happy")
print(f"stored {concept.asset.name} as asset {concept.asset.id}; provenance backend: {concept.asset.provenance.get('backend')}")
print("score:", concept.score, "(unlocked characters are concept art: nothing to compare against yet)")
display(concept.image.resize((256, 384)))

# %% [markdown]
# ## Lock the identity
# Locking freezes the appearance, the seed, the reference images and a reference embedding into an immutable, hashed
# identity record. Every render of the locked character uses it and is scored against it.

# %%
june = service.lock("June")
ident = june.identity
print(f"LOCKED v{ident.version} · seed {ident.seed} · identity {ident.hash[:19]}… (verifies: {ident.verify()})")
render = service.render("June", view="profile")
print(f"{render.asset.name}: consistency {render.score.score:.3f} by {render.score.method}, "
      f"threshold {render.score.threshold}, flagged: {render.flagged}")

# %% [markdown]
# A locked look cannot be edited in place — the error says what to do instead:

# %%
from studio_kit.exceptions import CharacterError

try:
    service.update_character("June", {"appearance": {"hair": "long braid"}})
except CharacterError as err:
    print("refused:", err.message)
    print("fix:", err.hint)

# %% [markdown]
# ## Storyboard frames
# `render_frame` draws a storyboard frame of several characters from their locked identities: a shot size (wide, medium,
# close-up, over-the-shoulder, insert), a scene heading that sets the backdrop and the light (INT/EXT, DAY/NIGHT/DAWN/DUSK)
# and a caption. Each locked character in it is scored against its identity, and the frame is stored.

# %%
leo = service.lock("Leo")
frame = service.render_frame(["June", "Leo"], size="wide", scene="EXT. HOSPITAL ROOF - DAWN",
                             description="June and Leo watch the sun come up.")
print(f"stored {frame.asset.name} (asset {frame.asset.id}), {frame.image.width}×{frame.image.height} px")
for cid, score in frame.scores.items():
    print(f"  {cid:5} {score.score:.3f} by {score.method} (threshold {score.threshold}, flagged {score.flagged})")
assert frame.scores and not frame.flagged
display(frame.image.resize((640, 360)))

# %% [markdown]
# ## The character sheet
# A turnaround (front, three-quarter, profile) and five expressions on one PNG, plus each panel alone.
# Every panel is stored as a scored render.

# %%
sheet = service.sheet("June", Path(settings.home) / "outputs" / "june")
print(sorted(p.name for p in sheet.values()))
display(Image(filename=str(sheet["sheet"]), width=760))

# %% [markdown]
# ## Versions and approvals
# Stages go concept → casting → final; each step needs an approval (who and when). Changing a locked look starts a new
# version number back at concept.

# %%
june = service.approve("June", "casting", by="ana", note="Matches the casting photos")
june = service.new_version("June")
june = service.update_character("June", {"appearance": {"hair": "long braid"}})
june = service.lock("June")
june = service.approve("June", "casting", by="ana")
june = service.approve("June", "final", by="director")
for v in service.history("June"):
    who = ", ".join(f"{a.stage.value} by {a.by} at {a.at:%H:%M:%S} UTC" for a in v.approvals) or "—"
    print(f"v{v.number} {v.stage.value:8} identity {(v.identity_hash or 'unlocked')[:19]:20} renders {len(v.render_ids):2}  approvals: {who}")

# %%
from studio_kit.engines.characters.versions import diff_bibles

history = service.history("June")
v1 = [v for v in history if v.number == 1][-1].bible
v2 = history[-1].bible
for change in diff_bibles(v1, v2):
    print(f"{change['field']:16} {str(change['old'])[:30]:32} -> {str(change['new'])[:30]}")

# %% [markdown]
# ## Scene continuity
# Which look each character wears in each scene, and where a look changes without a story reason: June's coat on the
# roof is tagged in the script; Leo's switch to street clothes in scene 2 is not, and scene 2 is CONTINUOUS with scene 1.

# %%
report = service.continuity_report(script_path)
for look in report.looks:
    print(f"scene {look.scene_number:>2} {look.character:5} {look.look:14} ({look.origin})")
print()
for issue in report.issues:
    print(f"{issue.kind:18} {issue.message}")
assert any(i.character == "LEO" for i in report.issues) and not report.issues_for("JUNE")
