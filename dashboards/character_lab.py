"""Character Lab: cast list, bible editor, renders with identity scores, lock / version / approve and the
turnaround sheet of the current project's characters (`studio serve character_lab`)."""
import panel as pn

from studio_kit.ui.character_lab import CharacterLab
from studio_kit.ui.character_views import ACCENT

pn.extension(sizing_mode="stretch_width", notifications=True)

lab = CharacterLab()
pn.template.FastListTemplate(
    title="studio_kit · Character Lab",
    sidebar=[lab.sidebar_panel()],
    main=[lab.main_panel()],
    accent=ACCENT,
    sidebar_width=310,
    main_layout=None,
).servable()
