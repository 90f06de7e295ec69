"""The server's own share of a dashboard's first render: fewer Bokeh default look-ups, nothing compiled on a
visitor's clock.

A dashboard session is ~110 Bokeh models built by Panel (~0.4–0.6 s of one core on a 2-core machine, the
page's HTML waits for it). A third of that was Bokeh working out property *defaults*: every model asks for
each of its ~50 properties' defaults (when it is made, and again when its references are collected), and
each ask copies the class default, looks up the class overrides and validates the value again, although
for most properties it is the same ``None``, number or string every time.
:func:`cache_stable_bokeh_defaults` remembers those, per model class and property; a mutable default (a
list, a dict, a model) is still made afresh for each instance, as Bokeh makes it, and a themed value still
comes from the theme.

The first session of a server also compiled every Jinja template it used (Panel's page template, the
studio's fragments) and filled Panel's and Bokeh's class-level caches: :func:`warm_up`, run by the
``studio_kit.ui.preload`` plugin when the server starts, does that on a throwaway page that reads no
project (no store, no settings).
"""
from __future__ import annotations

from typing import Any

from studio_kit.templating import compile_all

_MISSING = object()
_IMMUTABLE = (type(None), bool, int, float, str, bytes)


def _immutable(value: Any) -> bool:
    """Can one value be shared by every instance: a primitive, or a tuple of them."""
    kind = type(value)
    if kind in _IMMUTABLE:
        return True
    return kind is tuple and all(_immutable(v) for v in value)


def cache_stable_bokeh_defaults() -> None:
    """Remember each Bokeh model class's immutable property defaults (idempotent; for the whole process).

    Patches ``PropertyDescriptor._get_default`` (what a property read returns when no value was set): the
    first answer for a (model class, property) pair is kept when Bokeh calls the default stable (not made by
    a function, not a container or a model) and the value is immutable; a property the instance's theme
    sets, and every other default, goes to Bokeh as before."""
    from bokeh.core.property.descriptors import PropertyDescriptor

    original = PropertyDescriptor._get_default
    if getattr(original, "caches_stable_defaults", False):
        return
    cache: dict[tuple[type, str], Any] = {}

    def get_default(self: Any, obj: Any) -> Any:
        name = self.name
        themed = obj.themed_values()
        if themed is not None and name in themed:
            return original(self, obj)
        key = (obj.__class__, name)
        value = cache.get(key, _MISSING)
        if value is not _MISSING:
            return value
        value = original(self, obj)
        if _immutable(value) and not self.has_unstable_default(obj):
            cache[key] = value
        return value

    get_default.caches_stable_defaults = True            # type: ignore[attr-defined]
    get_default.__wrapped__ = original                   # type: ignore[attr-defined]
    get_default.cache = cache                            # type: ignore[attr-defined]
    PropertyDescriptor._get_default = get_default        # type: ignore[method-assign]


def _warm_page(doc: Any) -> None:
    """A page made of what the dashboards are made of, in ``doc``: a first ``pn.extension()`` (its one-time
    set-up; with no arguments it changes no setting of the server's), the FAST list template, a sidebar,
    tabs, a card, the usual widgets, text panes and a table."""
    import pandas as pd
    import panel as pn

    pn.extension()
    widgets = [pn.widgets.Button(name="Go", button_type="primary"), pn.widgets.Select(options=["a", "b"]),
               pn.widgets.TextInput(placeholder="name"), pn.widgets.TextAreaInput(), pn.widgets.IntInput(),
               pn.widgets.FloatInput(), pn.widgets.FloatSlider(), pn.widgets.Checkbox(),
               pn.widgets.MultiChoice(options=["a", "b"]), pn.widgets.RadioButtonGroup(options=["a", "b"]),
               pn.widgets.ColorPicker(), pn.widgets.FileInput(), pn.widgets.FileDownload(file=None, filename="x")]
    panes = [pn.pane.HTML("<b>warm</b>"), pn.pane.Markdown("**warm**"), pn.pane.Alert("warm"), pn.layout.Divider(),
             pn.widgets.Tabulator(pd.DataFrame({"a": [1], "b": ["x"]}), disabled=True)]
    template = pn.template.FastListTemplate(
        title="warm-up", sidebar=[pn.Column(*widgets[:4])],
        main=[pn.FlexBox(*widgets[4:]), pn.Row(pn.HSpacer(), pn.Card(pn.GridBox(ncols=2), title="card")),
              pn.Tabs(("One", pn.Column(*panes)), ("Two", pn.Row()), dynamic=True)],
        main_layout=None)
    template.server_doc(doc)


def warm_up() -> None:
    """Compile the templates and build one throwaway page in a session of its own, then drop it."""
    from bokeh.application import Application
    from bokeh.application.handlers.function import FunctionHandler
    from panel.io.document import _cleanup_doc
    from panel.io.session import generate_session

    compile_all()
    session = generate_session(Application(FunctionHandler(_warm_page)))
    _cleanup_doc(session.document, destroy=True)
