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
# # Marketing kit
# The film in, its marketing out: a trailer cut from the beat structure (never the ending; complete lines, title
# cards, the title and a release card, its own score ducked under the lines, −14 LUFS), a poster with title
# treatment and billing block (PNG + PDF), and social clips reframed per platform by following the subject, with
# word-highlighted captions. Every export checks itself against its platform preset and prints its QC line.

# %% tags=["parameters"]
script_path: str = "sample:the_last_reel.fountain"  # Fountain / FDX screenplay (sample:NAME for a script shipped with studio_kit)
output_dir: str = ""  # folder for the files (blank: STUDIO_HOME/outputs/marketing/<script name>)
trailer_length: int = 30  # seconds: 15, 30 or 60 (spots), 90-150 (theatrical), 0 for the longest spot the film gives
poster_layout: str = "one-sheet"  # one-sheet (27x40 in), square, banner or youtube-thumbnail
poster_dpi: int = 300  # print resolution of the one-sheet
platforms: str = "tiktok,instagram-feed,youtube"  # social platforms (see studio_kit/data/marketing/platforms.yaml)
scale: float = 1.0  # export size as a share of the presets' (1.0: full size; smaller for quick previews)

# %%
from pathlib import Path

import studio_kit
from studio_kit.config import get_settings
from studio_kit.engines.marketing import service

settings = get_settings()
script = (Path(studio_kit.__file__).parent / "data" / "samples" / script_path.split(":", 1)[1]
          if script_path.startswith("sample:") else Path(script_path).expanduser())
out = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "marketing" / script.stem
kit = service.marketing_kit(script, out, length=int(trailer_length), layout=poster_layout, platforms_=platforms,
                            scale=float(scale), dpi=int(poster_dpi))
print("Trailer:", kit["trailer"], "|", kit["trailer_mix_qc"])
print("Poster:", kit["poster_pdf"])
for warning in kit["poster_warnings"]:
    print("warning:", warning)
for line in kit["qc"]:
    print(line)

# %%
from IPython.display import Image, Video, display

display(Image(filename=str(kit["poster_png"]), width=360))
display(Video(str(kit["trailer"]), embed=True, width=640))

# %%
from studio_kit.runs import publish

publish(trailer=str(kit["trailer"]), trailer_otio=str(kit["trailer_otio"]), poster_pdf=str(kit["poster_pdf"]),
        poster_png=str(kit["poster_png"]), social=kit["social"], qc_passed=kit["passed"],
        qc=" | ".join(kit["qc"]), qc_lines=kit["qc"])
