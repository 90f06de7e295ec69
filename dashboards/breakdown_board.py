"""Breakdown & Budget Board: breakdown sheets, stripboard, DOOD, budget and call sheets of the project's script.

Opens the current project's latest script (the picker at the top, or ?org=&project= in the URL) with its
saved board and published schedule; $STUDIO_BOARD_SCRIPT opens a Fountain file instead. The bundled sample
short is an explicit "Open sample short" action; another script can be uploaded or pasted in the sidebar.
"""
import panel as pn

from studio_kit.ui.breakdown_board import BreakdownBoard
from studio_kit.ui.project_picker import ProjectPicker, configure

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

board = BreakdownBoard()
pn.template.FastListTemplate(
    title="studio_kit · Breakdown & Budget Board",
    sidebar=board.sidebar(),
    main=[ProjectPicker(current="breakdown_board"), board],
    accent="#8b1e3f",
    sidebar_width=300,
).servable()
