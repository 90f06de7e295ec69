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
# # Script from logline
# Writes a screenplay from a logline (beats → scenes → dialogue), saves it as a stored script version and an industry-format PDF, and prints its length in pages and eighths.

# %% tags=["parameters"]
logline: str = "A lighthouse keeper finds a message in a bottle that predicts the next storm."  # the story in one sentence
format: str = "short"  # short, film, save_the_cat, episode, ad15, ad30, ad60
pages: float = 10.0  # target length in pages, seconds for ads, 0 for the format default
seed: int = 0  # same seed, same script
genre: str = "drama"  # drama, thriller, comedy, horror, sci-fi, romance, crime, fantasy
tone: str = "grounded"  # grounded, dark, comic, whimsical, tense, warm
paper: str = "letter"  # page profile for the PDF and the page count: letter or a4
output_dir: str = ""  # folder for the .fountain and .pdf, empty for STUDIO_HOME/outputs/script

# %%
from pathlib import Path

from studio_kit.config import get_settings
from studio_kit.engines.writing.generation import generate_script
from studio_kit.ui.screenplay_html import script_file_name

settings = get_settings()
out_dir = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "script"
out_dir.mkdir(parents=True, exist_ok=True)
generated = generate_script(logline=logline, format=format, genre=genre, tone=tone,
                            pages=pages or None, seed=seed)
print(f"Wrote {generated.script.title!r}: {len(generated.plans)} scenes planned from {len(generated.beats)} beats "
      f"with the {generated.backend} writer.")

# %% [markdown]
# ## Store the draft
# The draft is saved as version 1 (White) of the script in the project: its scene numbers are locked from here on, so the breakdown and the schedule can refer to them.

# %%
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.pdf import render_pdf
from studio_kit.engines.writing.versions import save_version
from studio_kit.store import open_store

ctx = open_store().project(settings.org, settings.project, user=settings.user)
name = script_file_name(generated.script.title)
version = save_version(ctx, generated.fountain, name=name, provenance=generated.provenance)
stored_text = ctx.read_text(version.asset_id)
script = parse_fountain(stored_text)

fountain_path = out_dir / name
fountain_path.write_text(stored_text, encoding="utf-8")
pdf_path = fountain_path.with_suffix(".pdf")
rendered = render_pdf(script, pdf_path, paper=paper)
pdf_asset = ctx.put_asset(pdf_path, kind="script_pdf", name=pdf_path.name, parent_id=version.asset_id,
                          provenance={**generated.provenance, "engine": "writing.pdf", "paper": paper},
                          meta={"pages": rendered.pagination.fractional_pages, "pdf_pages": rendered.pdf_pages,
                                "title": script.title})
print(f"Stored {name} v{version.version} ({version.colour}) as asset {version.asset_id} and "
      f"{pdf_path.name} as asset {pdf_asset.id}.")

# %% [markdown]
# ## Length
# Page count as afterwriting counts it (full pages + lines on the last page), and each scene's length in eighths of a page.

# %%
from studio_kit.engines.writing.pagination import format_eighths

pagination = rendered.pagination
total = round(pagination.fractional_pages * 8)
print(f"{script.title}")
print(f"{len(script.scenes)} scenes, {format_eighths(total)} pages ({pagination.fractional_pages:.2f}; "
      f"{pagination.page_count} printed pages on {paper}), speaking: {', '.join(script.speaking_characters)}")
for scene, eighths, page in zip(script.scenes, pagination.scene_eighths, pagination.scene_pages):
    print(f"{scene.number or '':>4}  {format_eighths(eighths):>6}  p.{page:<3} {scene.heading}")

# %%
from studio_kit.runs import publish

publish(title=script.title, fountain=str(fountain_path), pdf=str(pdf_path), pages=round(pagination.fractional_pages, 3),
        eighths=total, scenes=len(script.scenes), fountain_asset_id=version.asset_id, pdf_asset_id=pdf_asset.id)
