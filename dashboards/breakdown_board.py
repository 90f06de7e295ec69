"""Breakdown & Budget Board: breakdown sheets, stripboard, DOOD, budget and call sheets of the project's script.

Opens the current project's latest script (the picker at the top, or ?org=&project= in the URL) with its
saved board and published schedule; $STUDIO_BOARD_SCRIPT opens a Fountain file instead. The bundled sample
short is an explicit "Open sample short" action; another script can be uploaded or pasted in the sidebar.

The page (header, project picker) is sent at once; the board is built right after the browser has it
(``pn.state.onload``), behind a "Opening the board…" line, so a session never waits on a blank page.
"""
import panel as pn

from studio_kit.ui.project_picker import ProjectPicker, configure

pn.extension("tabulator", sizing_mode="stretch_width", notifications=False)
configure()                  # after pn.extension: packaged fonts/icons, quiet logs

main = pn.Column(pn.pane.Markdown("*Opening the board…*", css_classes=["board-opening"]), sizing_mode="stretch_width")
side = pn.Column(sizing_mode="stretch_width")


def _open_board() -> None:
    from studio_kit.ui.breakdown_board import BreakdownBoard

    try:
        board = BreakdownBoard()
    except Exception as exc:        # said on the page (not a page stuck on "Opening…"), and logged
        main.objects = [pn.pane.Alert(f"**The board could not be opened:** {exc}", alert_type="danger")]
        raise
    side.objects = board.sidebar()
    main.objects = [board]


pn.state.onload(_open_board)
pn.template.FastListTemplate(
    title="studio_kit · Breakdown & Budget Board",
    sidebar=[side],
    main=[ProjectPicker(current="breakdown_board"), main],
    accent="#8b1e3f",
    sidebar_width=300,
).servable()
