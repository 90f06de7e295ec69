"""Character Lab: cast list, bible editor, renders with identity scores, lock / version / approve and the
turnaround sheet of the current project's characters (`studio serve character_lab`; ?org=&project= or the
picker at the top choose the project)."""
import panel as pn

from studio_kit.ui.character_lab import CharacterLab
from studio_kit.ui.character_views import ACCENT
from studio_kit.ui.project_picker import ProjectPicker, configure, current_context

pn.extension(sizing_mode="stretch_width", notifications=True)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

lab = CharacterLab(context=current_context())
pn.template.FastListTemplate(
    title="studio_kit · Character Lab",
    sidebar=[lab.sidebar_panel()],
    main=[ProjectPicker(current="character_lab"), lab.main_panel()],
    accent=ACCENT,
    sidebar_width=310,
    main_layout=None,
).servable()
