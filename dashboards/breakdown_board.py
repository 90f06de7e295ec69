"""Breakdown & Budget Board: breakdown sheets, stripboard, DOOD, budget and call sheets of one script.

Opens $STUDIO_BOARD_SCRIPT (a Fountain file) or, without it, the sample short
shipped with studio_kit; another script can be uploaded or pasted in the sidebar.
"""
import panel as pn

from studio_kit.ui.breakdown_board import BreakdownBoard

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)

board = BreakdownBoard()
pn.template.FastListTemplate(
    title="studio_kit · Breakdown & Budget Board",
    sidebar=board.sidebar(),
    main=[board],
    accent="#8b1e3f",
    sidebar_width=300,
).servable()
