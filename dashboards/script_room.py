"""Script Room dashboard: the project's latest script in a Fountain editor (highlighting, Final Draft Tab/Enter,
name and location autocomplete) beside its printed pages, page count and eighths as you type, index cards that
reorder scenes, notes on lines, stats, a draft from a logline, and stored versions with revision colours and
diffs (`studio serve`; ?org=&project= or the picker at the top choose the project)."""
import panel as pn

from studio_kit.ui.project_picker import ProjectPicker, configure, current_context
from studio_kit.ui.screenplay_html import font_face_css
from studio_kit.ui.script_room import ScriptRoom

# the Courier Prime faces (~380 KB inlined) go in the page head once, through the template: pn.extension's
# raw_css is copied into every component's stylesheets, which made the session's document ~28 MB
pn.extension(sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

room = ScriptRoom(context=current_context())
pn.template.FastListTemplate(
    title="studio_kit · Script Room",
    sidebar=[room.sidebar_panel()],
    main=[ProjectPicker(current="script_room"), room.main_panel()],
    accent="#8b1e3f",
    sidebar_width=350,
    main_layout=None,
    raw_css=[font_face_css()],
).servable()
