"""Script Room dashboard: Fountain editor beside its printed pages, page count and eighths as you type,
stats, a draft from a logline, and stored versions with revision colours and diffs (`studio serve`)."""
import panel as pn

from studio_kit.ui.screenplay_html import font_face_css
from studio_kit.ui.script_room import ScriptRoom

pn.extension(sizing_mode="stretch_width", raw_css=[font_face_css()], notifications=False)

room = ScriptRoom()
pn.template.FastListTemplate(
    title="studio_kit · Script Room",
    sidebar=[room.sidebar_panel()],
    main=[room.main_panel()],
    accent="#8b1e3f",
    sidebar_width=350,
    main_layout=None,
).servable()
