"""What every dashboard does around a user's action: run it, show its result or its error with the fix,
never a traceback; and inline media as data URLs."""
from __future__ import annotations

import base64
import logging
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any, Literal

from studio_kit.exceptions import StudioError

log = logging.getLogger("studio_kit.ui")

#: the looks of a ``pn.pane.Alert`` (its ``alert_type``)
AlertKind = Literal["primary", "secondary", "success", "danger", "warning", "info", "light", "dark"]


def data_url(data: bytes, mime: str = "image/png") -> str:
    """``data:`` URL of some bytes, for an image, audio or video element that loads nothing from a server."""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def table_frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> Any:
    """A Tabulator's value: ``rows`` as a DataFrame whose columns have the given dtypes (``{"name": "object",
    "version": "int64"}``) whether there are rows or not. The table's column setup (sorters, formatters)
    follows the dtypes: an empty result had ``object`` everywhere, so a search finding nothing and the next
    finding something each sent a new setup, and the browser rebuilt the whole table (~200 ms of drawing)
    instead of swapping its rows."""
    import pandas as pd

    return pd.DataFrame(rows, columns=list(columns)).astype(columns)


def one_update() -> AbstractContextManager[Any]:
    """Everything a user's action changes on the page, sent as one update when it is done.

    Panel holds a widget's *value* changes this way, but not a button click (a Bokeh event): there every
    pane, option and flag the action set went out as its own message, and every open browser applied them
    one by one. Here the changes are held and combined (``pn.io.hold``), and the document's model graph is
    frozen meanwhile, so a layout that swaps children several times is re-walked once at the end, and not
    at all when the action only changed text, options and flags (:func:`_frozen_graph`). A sync action blocks
    the server's loop anyway, so nothing shown midway (a spinner) reached the browser before."""
    import panel as pn

    doc = pn.state.curdoc
    if doc is None or not hasattr(doc, "models"):
        return pn.io.hold()
    return _held_and_frozen(doc)


@contextmanager
def _held_and_frozen(doc: Any) -> Iterator[None]:
    import panel as pn

    with _frozen_graph(doc.models), pn.io.hold(doc):
        yield


@contextmanager
def _frozen_graph(models: Any) -> Iterator[None]:
    """Bokeh's ``models.freeze()``, less its unconditional cost: leaving a freeze re-walks every model of the
    page to find the reachable ones (12–14 ms for a dashboard's ~100 models, a third of an add-tag), even
    when no change put a model in or took one out. Inside this freeze a change that did (Bokeh invalidates
    the graph, or Panel or Bokeh freeze again around it) is noted, and only then is the graph recomputed."""
    if "_push_freeze" in vars(models):                       # inside another one: that one decides
        yield
        return
    changed = False
    invalidate, push = models.invalidate, models._push_freeze

    def note_invalidate() -> None:
        nonlocal changed
        changed = True
        invalidate()

    def note_push() -> None:
        nonlocal changed
        changed = True
        push()

    models.invalidate, models._push_freeze = note_invalidate, note_push
    push()
    try:
        yield
    finally:
        del models.invalidate, models._push_freeze          # the class's methods again
        if changed:
            models._pop_freeze()                             # recomputes once the outermost freeze ends
        else:
            models._freeze_count -= 1                        # nothing reachable changed: no re-walk


def keep_pane_stylesheets() -> None:
    """Text panes (Panel's HTML, Markdown, Alert …) keep the style sheets they were drawn with when their
    text changes, unless their ``stylesheets`` changed.

    Panel re-sends a pane's whole list of style sheets with every new text, built afresh: the first time, it
    adds the base theme's sheet (``default.css``) the page was drawn without, as a new model. So every
    pane's first change made the page look again (the document re-walked on the server, a new sheet in the
    pane's shadow root, its styles recomputed) and came to each browser with the sheet's model: in a burst
    of 8 Character Lab creates, each browser received three panes' sheets with the first answer. A pane's
    changed ``stylesheets`` still goes out with its next text, as Panel sends it."""
    from panel.pane.markup import HTMLBasePane

    update, properties = HTMLBasePane._update, HTMLBasePane._get_properties
    if getattr(update, "keeps_stylesheets", False):
        return

    def sheets_as_drawn(self: Any, doc: Any) -> dict[str, Any]:
        props = properties(self, doc)
        sheets = list(self.stylesheets)
        if vars(self).get("_text_update") and sheets == vars(self).get("_sheets_drawn"):
            props.pop("stylesheets", None)
        self._sheets_drawn = sheets                      # what the page's model was last given
        return props

    def text_update(self: Any, ref: str, model: Any) -> None:
        self._text_update = True
        try:
            update(self, ref, model)
        finally:
            self._text_update = False

    text_update.keeps_stylesheets = True                 # type: ignore[attr-defined]
    text_update.__wrapped__ = update                     # type: ignore[attr-defined]
    sheets_as_drawn.__wrapped__ = properties             # type: ignore[attr-defined]
    HTMLBasePane._update = text_update                   # type: ignore[method-assign]
    HTMLBasePane._get_properties = sheets_as_drawn       # type: ignore[method-assign]


class ActionFeedback:
    """Mixin for a dashboard component with an ``alert`` pane (``pn.pane.Alert``)."""

    #: named in the log when an action fails with a bug
    action_owner = "Dashboard"
    #: the kinds of message that also pop up as a toast (when the app has notifications on)
    toast_kinds: frozenset[str] = frozenset({"danger", "success", "info", "warning"})
    alert: Any

    def _act(self, action: Callable[[], str | None]) -> None:
        """Run a button's action; show its result, or its error (message + fix) instead of a traceback. What it
        changes on the page goes to the browser as one update (:func:`one_update`), so a sync action shows no
        spinner midway (it would never be drawn): a slow action runs off the loop and shows its own."""
        with one_update():
            try:
                message = action()
            except Exception as exc:
                self.failed(exc)
            else:
                if message:
                    self.notify(message, "success")

    def failed(self, exc: Exception) -> None:
        """Show why an action failed: a :class:`StudioError`'s message and fix, or, for a bug, its type and
        text (the log keeps the traceback; a bug must not take the session down)."""
        if isinstance(exc, StudioError):
            self.notify(exc.message + (f"\n\n**Fix:** {exc.hint}" if exc.hint else ""), "danger")
        else:
            log.exception("%s action failed", self.action_owner, exc_info=exc)
            self.notify(f"Something went wrong: {type(exc).__name__}: {exc}", "danger")

    def notify(self, message: str, kind: AlertKind = "info") -> None:
        """Show ``message`` in the component's alert (and as a toast when the app has notifications on)."""
        import panel as pn

        self.alert.object, self.alert.alert_type, self.alert.visible = message, kind, True
        toasts = getattr(pn.state, "notifications", None)
        if toasts is not None and kind in self.toast_kinds:
            first_line = message.split("\n")[0]
            (toasts.error if kind == "danger" else toasts.success if kind == "success" else toasts.info)(
                first_line, duration=6000 if kind == "danger" else 3000)
