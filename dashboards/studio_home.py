"""Studio home dashboard: projects, runs and assets of the organization (`studio serve`)."""
import panel as pn

from studio_kit.ui.studio_home import StudioHome

pn.extension("tabulator", sizing_mode="stretch_width")

pn.template.FastListTemplate(
    title="studio_kit · Studio home",
    main=[StudioHome()],
    accent="#8b1e3f",
).servable()
