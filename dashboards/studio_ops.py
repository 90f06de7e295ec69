"""Studio Ops: the production timeline, review queue, team, budget summary and audit trail (`studio serve studio_ops`;
?org=&project= or the picker at the top choose the project). The acting user is the one the server authenticated
(pn.state.user), else STUDIO_USER; each role sees and may press only what it is allowed to."""
import panel as pn

from studio_kit.ui.project_picker import ProjectPicker, configure, current_context
from studio_kit.ui.studio_ops import StudioOps

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

pn.template.FastListTemplate(
    title="studio_kit · Studio Ops",
    main=[ProjectPicker(current="studio_ops"), StudioOps(ctx=current_context(create=False))],
    accent="#8b1e3f",
).servable()
