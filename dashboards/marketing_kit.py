"""Marketing Kit: trailer EDL editor with a player, poster layout picker with live preview, social clips with QC.

$STUDIO_MARKETING_SCRIPT opens a Fountain/FDX file (by default the bundled sample short); the project is the
shared picker's (?org=&project= in the URL).
"""
import os

import panel as pn

from studio_kit.ui.marketing_kit import MarketingKit
from studio_kit.ui.project_picker import ProjectPicker, configure, current_context

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

kit = MarketingKit(script=os.environ.get("STUDIO_MARKETING_SCRIPT") or None, ctx=current_context())
pn.template.FastListTemplate(
    title="studio_kit · Marketing Kit",
    sidebar=[kit.sidebar()],
    main=[ProjectPicker(current="marketing_kit"), kit],
    accent="#1f6feb",
    sidebar_width=320,
).servable()
