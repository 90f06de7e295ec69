"""Audio Mixer: the film's stems by scene, faders, mute/solo, ducking, loudness against a spec, re-mix, download.

It opens the current project's latest script version (?org=&project= or the picker at the top choose the
project; voices come from the project's character bibles); a project without a script offers the bundled
sample. $STUDIO_MIXER_SCRIPT opens a Fountain/FDX file instead.
"""
import os

import panel as pn

from studio_kit.ui.audio_mixer import AudioMixer
from studio_kit.ui.project_picker import ProjectPicker, configure, current_context

pn.extension(sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

mixer = AudioMixer(script=os.environ.get("STUDIO_MIXER_SCRIPT") or None, ctx=current_context())
pn.template.FastListTemplate(
    title="studio_kit · Audio Mixer",
    sidebar=[mixer.sidebar()],
    main=[ProjectPicker(current="audio_mixer"), mixer],
    accent="#1f6feb",
    sidebar_width=320,
).servable()
