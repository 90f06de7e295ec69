"""What keeps the dashboards light and the Board's tag edits incremental (issue 10): pages list no BokehJS
bundle no dashboard uses, an edit re-tags nothing (the shared automatic breakdown is found again) and reads
only the stream entries it has not seen, with the same board as a session that reads everything."""
from __future__ import annotations

import panel as pn
from bokeh.resources import Resources
from panel.io.resources import Resources as PanelResources
from panel.io.resources import bundle_resources

from studio_kit.engines.preproduction.service import price
from studio_kit.store.edits import read_stream
from studio_kit.ui import board_state, offline
from studio_kit.ui.board_state import SAMPLE_SCRIPT, BoardState


def test_served_pages_leave_out_mathjax_and_webgl(monkeypatch):
    # process-wide in a server; put back after this test
    monkeypatch.setattr(Resources, "_default_components", list(Resources._default_components))
    for name in ("global_css", "js_files"):
        monkeypatch.setattr(pn.config, name, getattr(pn.config, name))
    offline.use_packaged_assets()
    offline.use_packaged_assets()                              # idempotent
    # what the server builds a page from: a fresh Resources per request, then Panel's bundle for the page's
    # roots (a Markdown pane makes Panel ask for MathJax)
    resources = PanelResources.from_bokeh(Resources(mode="server", root_url="/"))
    bundle = bundle_resources([pn.pane.Markdown("Budget **$1,200**").get_root()], resources)
    files = [str(f) for f in bundle.js_files]
    assert any("bokeh.min.js" in f for f in files) and any("bokeh-widgets" in f for f in files)
    assert any("bokeh-tables" in f for f in files)              # Tabulator's columns need it
    assert not [f for f in files if "mathjax" in f or "bokeh-gl" in f], files


def test_a_tag_edit_retags_nothing_and_reads_only_new_entries(studio_home, monkeypatch):
    a = BoardState(SAMPLE_SCRIPT, time_limit=1)
    b = BoardState(SAMPLE_SCRIPT, time_limit=1)
    keys = set(board_state._SHARED)
    calls: list[str] = []
    tag = board_state.automatic_breakdown
    monkeypatch.setattr(board_state, "automatic_breakdown", lambda *args, **kw: calls.append("tagged") or tag(*args, **kw))
    reads: list[int] = []

    def counting_read(ctx, stream, after=0):
        entries = read_stream(ctx, stream, after=after)
        reads.append(len(entries))
        return entries

    monkeypatch.setattr(board_state, "read_stream", counting_read)
    first = a.breakdown.sheets[0].scene_index
    a.add_tag(first, "props", "CARBON RODS")
    assert calls == [] and set(board_state._SHARED) == keys     # the automatic tags were found, not redone
    assert reads == []                                          # nobody else appended: nothing re-read
    b.add_tag(first, "props", "FILM CAN")                       # b has not seen a's entry: reads it, not its own
    assert reads == [2] and b.log.edits[-2].name == "CARBON RODS"
    a.add_tag(first, "cast", "PROJECTIONIST")
    assert reads[-1] == 2                                       # b's entry and its own, nothing before
    monkeypatch.undo()
    fresh = BoardState(SAMPLE_SCRIPT, time_limit=1)             # reads the whole stream, replays every edit
    assert a.refresh_edits() is False and b.refresh_edits() is True
    assert a.log == fresh.log == b.log
    assert a.breakdown == fresh.breakdown == b.breakdown
    assert {"CARBON RODS", "FILM CAN"} <= set(a.breakdown.elements(board_state.BreakdownCategory.PROPS))
    # the budget follows the edits, priced as the engine prices it with the rate cards read afresh
    assert a.budget == price(a.breakdown, a.schedule, a.dood, preset=a.preset_name, script=a.script)


def test_board_tabs_not_open_yet_are_drawn_when_opened_with_the_edits_made_meanwhile(studio_home):
    from studio_kit.ui.breakdown_board import CALLS_TAB, BreakdownBoard

    board = BreakdownBoard()
    board.__panel__()
    board.sample_button.clicks += 1
    assert [bool(slot.objects) for slot in board._tab_slots] == [True] + [False] * 5   # only the Breakdown tab
    assert board.callsheet_pane.object is None and board._calls_stale                 # no call sheet drawn yet
    first = board.state.breakdown.sheets[0]
    cast_rows = board.dood_pane.object.count('<th class="who"')
    board.scene_select.value = first.scene_index
    board.tag_category.value, board.tag_name.value = "cast", "PROJECTIONIST"
    board.add_button.clicks += 1
    assert "PROJECTIONIST" in board.sheet_pane.object and not board._alert.visible
    assert board.callsheet_pane.object is None                                        # still closed: not drawn
    board.tabs.active = CALLS_TAB
    day = next(d.number for d in board.state.call_days if any(s.scene_index == first.scene_index for s in d.strips))
    board.day_select.value = day
    assert "PROJECTIONIST" in board.callsheet_pane.object and not board._calls_stale
    board.tabs.active = 3                                                               # Day out of days
    assert board._tab_slots[3].objects and board.dood_pane.object.count('<th class="who"') == cast_rows + 1


def test_one_users_action_does_not_turn_every_pages_spinner(monkeypatch):
    """A template's busy indicator follows ``pn.state.busy``, one flag for the whole server: with it, a click in
    one session updated the header spinner of every open session (two messages to every browser per action).
    The dashboards' templates have none: what a session's event marks busy reaches no other page."""
    from bokeh.document import Document
    from panel.template.base import BasicTemplate

    from studio_kit.ui.project_picker import configure

    # process-wide in a server; put back after this test
    monkeypatch.setattr(BasicTemplate.param.busy_indicator, "default", BasicTemplate.param.busy_indicator.default)
    for name in ("global_css", "js_files", "raw_css"):
        monkeypatch.setattr(pn.config, name, getattr(pn.config, name))
    indicators = list(pn.state._indicators)
    configure()
    pages = [pn.template.FastListTemplate(title=f"session {i}", main=[pn.pane.Markdown("x")]) for i in range(2)]
    assert [p.busy_indicator for p in pages] == [None, None]
    for page in pages:
        page.server_doc(Document())                             # as a served session renders it
    assert pn.state._indicators == indicators                   # nothing a busy flag would turn


def test_one_update_rewalks_the_page_only_when_models_came_or_went(monkeypatch):
    """An action's changes go out as one update; the page's model graph is recomputed once when the action
    put a model in or took one out, and not at all when it only changed text and options."""
    from bokeh.document import Document
    from bokeh.document.models import DocumentModelManager
    from panel.io.state import set_curdoc

    from studio_kit.ui.feedback import one_update

    html, select = pn.pane.HTML("old"), pn.widgets.Select(options=["a"])
    column = pn.Column(html, select)
    doc = Document()
    column.server_doc(doc)
    root = doc.roots[0]
    walks: list[int] = []
    recompute = DocumentModelManager.recompute
    monkeypatch.setattr(DocumentModelManager, "recompute", lambda self: walks.append(1) or recompute(self))
    with set_curdoc(doc):
        with one_update():
            html.object, select.options = "new", ["a", "b"]
            html.object = "newer"
            held = [(type(e.model).__name__, e.attr) for e in doc.callbacks._held_events]
            assert sorted(held) == [("CustomSelect", "options"), ("HTML", "text")]   # one message, combined
        assert walks == [] and doc.models._freeze_count == 0     # no model came or went: no re-walk
        assert root.children[0].text.endswith("newer") and root.children[1].options == ["a", "b"]

        extra = pn.pane.Markdown("**added**")
        with one_update():
            with one_update():                                   # nested: the outer one decides
                column.objects = [html, select, extra]
            column.objects = [html, extra]                      # and again: still one walk
        assert walks == [1] and doc.models._freeze_count == 0
        added = root.children[1]
        assert doc.get_model_by_id(added.id) is added            # the new model is part of the page
        assert len(root.children) == 2 and "_push_freeze" not in vars(doc.models)
        assert "invalidate" not in vars(doc.models)


def test_the_servers_preload_freezes_what_it_imported_out_of_the_collector():
    """``panel serve --plugins studio_kit.ui.preload``: the modules every session needs are imported at the
    server's start and then frozen out of the garbage collector, so a full collection no longer walks them
    (120-580 ms with no session answered)."""
    import subprocess
    import sys

    code = ("import gc, sys; import studio_kit.ui.preload as p; "
            "print(gc.get_freeze_count(), all(m in sys.modules for m in p.MODULES), len(p.ROUTES))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    frozen, imported, routes = int(out[0]), out[1], int(out[2])
    assert frozen > 100_000 and imported == "True" and routes == 0


def _text_change_events(html: pn.pane.HTML, md: pn.pane.Markdown) -> tuple[list[tuple[str, str]], bool]:
    """The document events of a first change of two text panes in a served template, and whether the HTML
    pane's model kept the style sheets it was drawn with."""
    from bokeh.document import Document
    from panel.io.state import set_curdoc

    doc = Document()
    with set_curdoc(doc):
        pn.template.FastListTemplate(title="t", main=[pn.Column(html, md)]).server_doc(doc)
        model = next(iter(html._models.values()))[0]
        drawn_with = list(model.stylesheets)
        events: list[tuple[str, str]] = []
        trigger = doc.callbacks.trigger_on_change
        doc.callbacks.trigger_on_change = lambda ev: (events.append((type(ev.model).__name__, ev.attr)), trigger(ev))
        html.object, md.object = "<b>new</b>", "**new**"
        assert model.text.endswith("new&lt;/b&gt;")
        kept = model.stylesheets == drawn_with
        html.stylesheets = [".mine { color: red; }"]          # a pane's own new sheets go out with its next text
        html.object = "<b>newer</b>"
        assert ".mine { color: red; }" in model.stylesheets and model.text.endswith("newer&lt;/b&gt;")
    return events, kept


def test_a_text_panes_change_sends_its_text_not_its_style_sheets_again(monkeypatch):
    """Panel re-sent a text pane's style sheets with its first new text, with a theme sheet the page was drawn
    without as a new model (the page re-walked, the pane's styles recomputed in every browser);
    ``keep_pane_stylesheets`` (every dashboard's ``configure``) sends the text alone."""
    from panel.pane.markup import HTMLBasePane

    from studio_kit.ui.feedback import keep_pane_stylesheets

    panel_update = getattr(HTMLBasePane._update, "__wrapped__", HTMLBasePane._update)
    monkeypatch.setattr(HTMLBasePane, "_update", panel_update)           # as Panel ships it
    monkeypatch.setattr(HTMLBasePane, "_get_properties",
                        getattr(HTMLBasePane._get_properties, "__wrapped__", HTMLBasePane._get_properties))
    events, kept = _text_change_events(pn.pane.HTML("<b>old</b>"), pn.pane.Markdown("old"))
    assert ("HTML", "stylesheets") in events[:4] and not kept            # what the fix is for
    keep_pane_stylesheets()
    keep_pane_stylesheets()                                              # once only
    assert HTMLBasePane._update.__wrapped__ is panel_update
    events, kept = _text_change_events(pn.pane.HTML("<b>old</b>"), pn.pane.Markdown("old"))
    assert events[:2] == [("HTML", "text"), ("HTML", "text")] and kept
    assert events[2:] == [("HTML", "stylesheets"), ("HTML", "text")]     # the pane's own new sheets
