"""Studio Home: the front door of the current project — links to every dashboard, the latest script,
schedule, budget and cast, the asset browser and the template runs (`studio serve`; ?org=&project= or the
picker at the top choose the project)."""
import panel as pn

from studio_kit.ui.project_picker import ProjectPicker, configure
from studio_kit.ui.studio_home import StudioHome

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

pn.template.FastListTemplate(
    title="studio_kit · Studio Home",
    main=[ProjectPicker(current="studio_home"), StudioHome()],
    accent="#8b1e3f",
).servable()
