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
# # Storyboard and animatic
# Script in, storyboard and animatic out. Every shot of the writing engine's shot list is drawn from the locked
# identities of its characters (previz, or diffusers when configured), boarded as a PDF of 6 or 9 panels a page
# with a contact sheet, and cut into an H.264/AAC animatic where each shot lasts what the film's timeline says.
# The post-production mix is the soundtrack; without one the animatic gets a silent track and a warning.
# A revised script re-flows: kept shots keep their numbers and frames, new ones are drawn and marked NEW.

# %% tags=["parameters"]
script_path: str = "sample:the_last_reel.fountain"  # Fountain / FDX screenplay (sample:NAME for a script shipped with studio_kit)
output_dir: str = ""  # folder for the PDF, PNG and MP4 (blank: STUDIO_HOME/outputs/production/<script name>)
paper: str = "letter"  # storyboard paper: letter or a4
panels: int = 6  # panels a storyboard page: 6 or 9
preset: str = "720p"  # animatic size: 720p (1280x720) or 1080p (1920x1080), 24 fps
mix_path: str = ""  # soundtrack WAV (blank: the project's latest post-production mix, if any)
burn_timecode: bool = False  # burn in timecode (01:00:00:00 at the first frame of picture)

# %%
from pathlib import Path

import studio_kit
from studio_kit.config import get_settings
from studio_kit.engines.production import service

settings = get_settings()
script = (Path(studio_kit.__file__).parent / "data" / "samples" / script_path.split(":", 1)[1]
          if script_path.startswith("sample:") else Path(script_path).expanduser())
out = Path(output_dir).expanduser() if output_dir else settings.home / "outputs" / "production" / script.stem
made = service.storyboard_and_animatic(script, out, paper=paper, panels=int(panels), preset=preset,
                                       mix=mix_path or None, burn_timecode=burn_timecode)
plan, result = made["plan"], made["animatic_result"]
print(f"{plan.title}: {len(plan.active)} shots, revision {plan.revision}")
print(f"Storyboard: {made['storyboard_pdf']}")
print(f"Animatic: {result.path} — {result.width}x{result.height}, {result.frames} frames "
      f"({result.duration_s:.2f} s), {result.rendered} segments encoded, {result.cached} from cache")
for warning in result.warnings:
    print("warning:", warning)

# %%
from IPython.display import Image, Video, display

display(Image(filename=str(made["contact_sheet"]), width=900))
display(Video(str(result.path), embed=True, width=720))

# %%
from studio_kit.runs import publish

publish(title=plan.title, shots=len(plan.active), revision=plan.revision, storyboard_pdf=str(made["storyboard_pdf"]),
        contact_sheet=str(made["contact_sheet"]), animatic=str(result.path), frames=result.frames,
        seconds=round(result.duration_s, 3), preset=preset, has_mix=result.has_mix, warnings=result.warnings)
