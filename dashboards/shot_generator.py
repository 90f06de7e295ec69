"""Shot Generator: scenes with their shots and frames, re-render one shot, pick variants, camera plan, cut a
shot slot to a real take (from an in-frame, with a note) or its AI shot, the cut's timeline strip with AI/real
badges and the animatic in the page, streamed from /studio-media/ (`studio serve` serves that route;
?org=&project= or the picker at the top choose the project)."""
import panel as pn

from studio_kit.ui.project_picker import ProjectPicker, configure, current_context
from studio_kit.ui.shot_generator import ShotGenerator

pn.extension(sizing_mode="stretch_width", notifications=True)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

generator = ShotGenerator(context=current_context())
pn.template.FastListTemplate(
    title="studio_kit · Shot Generator",
    sidebar=[generator.sidebar_panel()],
    main=[ProjectPicker(current="shot_generator"), generator.main_panel()],
    accent="#3b5b9a",
    sidebar_width=310,
    main_layout=None,
).servable()
