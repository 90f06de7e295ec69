"""Import once, when the server starts, what every dashboard session needs (``panel serve --plugins
studio_kit.ui.preload``, which `studio serve` and ``benchmarks/bench_dashboards.py`` pass).

``panel serve`` runs a dashboard's script for each browser session; the modules it imports stay
loaded, but the *first* visitor waited for all of them (pandas, the store and SQLAlchemy, Markdown,
Pillow, the studio's UI modules: several seconds on a busy machine) before seeing anything. Importing
them here moves that wait to the server's start. Nothing is opened or read (no store, no settings),
so the plugin changes nothing a session sees but how soon it sees it; a module that cannot be imported
is skipped (the dashboard that needs it reports the error as before). Panel's plugin contract asks for ``ROUTES``:
this plugin serves none.

Then it builds one throwaway page (:func:`~studio_kit.ui.server_speed.warm_up`: the Jinja templates
compiled, Panel's and Bokeh's class caches filled) and keeps Bokeh's immutable property defaults once
per model class (:func:`~studio_kit.ui.server_speed.cache_stable_bokeh_defaults`), so the first visitor's
page is built as fast as the next ones'.

What was imported then stays for the server's life, so it is frozen out of the garbage collector
(``gc.freeze``): a full collection walked those ~250,000 objects every time, 120–580 ms during
which no session was answered (the worst clicks of an 8-session burst). Objects are still freed when
nothing refers to them; the sessions' own objects are collected as before.
"""
from __future__ import annotations

import gc
import importlib
import logging
import time
from typing import Any

log = logging.getLogger(__name__)

#: what the dashboards import at their first session, heaviest first
MODULES = (
    "pandas",
    "PIL.Image",
    "markdown_it", "mdit_py_plugins", "linkify_it", "markdown",      # Panel's Markdown pane renders with these
    "panel.widgets.tables",
    "panel.template",
    "studio_kit.store",
    "studio_kit.templating",
    "studio_kit.ui.project_picker",
    "studio_kit.ui.offline",
    "studio_kit.ui.studio_home",
    "studio_kit.ui.character_lab",
    "studio_kit.engines.characters.service",
    "studio_kit.ui.breakdown_board",
    "studio_kit.ui.script_room",
)

#: Panel's plugin contract: extra (pattern, handler, kwargs) routes; none here
ROUTES: list[tuple[str, Any, dict[str, Any]]] = []


def preload(modules: tuple[str, ...] = MODULES) -> list[str]:
    """Import ``modules`` (skipping any that fail); returns the ones that were imported."""
    done = []
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # noqa: BLE001 - a dashboard needing it reports its own error
            log.warning("preload: %s not imported (%s)", name, exc)
        else:
            done.append(name)
    return done


def freeze_imported() -> int:
    """Collect once, then keep everything alive now out of later collections; returns how many objects."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def warm() -> None:
    """Cache Bokeh's stable defaults and build a throwaway page (a failure is logged: sessions still work)."""
    try:
        from studio_kit.ui.server_speed import cache_stable_bokeh_defaults, warm_up

        cache_stable_bokeh_defaults()
        warm_up()
    except Exception as exc:  # noqa: BLE001 - only speed is lost
        log.warning("preload: warm-up skipped (%s)", exc)


_t0 = time.perf_counter()
preload()
warm()
_frozen = freeze_imported()
log.info("preloaded %d modules in %.1f s (%d objects frozen out of the collector)", len(MODULES),
         time.perf_counter() - _t0, _frozen)
