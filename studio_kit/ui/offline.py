"""Dashboards load nothing from the internet: Open Sans and the Tabler icon font are served by the package.

Panel's FAST design imports Open Sans from fonts.googleapis.com and Bokeh's
``TablerIcon`` (every ``icon="..."`` on a Panel button) imports the icon font
from cdn.jsdelivr.net. On a studio network without internet both fail, the
browser console fills with errors and buttons lose their icons.
:func:`use_packaged_assets` (called by every dashboard through
``project_picker.configure()``):

- drops the Google font from the FAST design and inlines ``@font-face`` rules (in the page's head, once)
  for Open Sans (latin + latin-ext, 400/600/700, SIL OFL) served from
  ``studio_kit/ui/static/fonts``;
- loads ``static/tabler-offline.js`` right after Bokeh, which points Bokeh's
  Tabler icon view at ``static/tabler`` (Tabler Icons 3.35, MIT);
- gives the session Panel's own CSS from the server (:func:`serve_panel_resources_locally`), also when
  bokeh made the session on the websocket (a slow or busy browser), which Panel's page renderer never sees;
- leaves BokehJS's MathJax (1.8 MB) and WebGL (190 KB) bundles out of the pages (:func:`leave_out_unused_bokehjs`):
  no dashboard renders TeX or draws with WebGL, and the browser parsed both before drawing anything.

Files are served by Panel's component-resource route
(``components/studio_kit.ui.offline/PackagedAssets/__css__/static/...``), which
only hands out the files listed in :attr:`PackagedAssets.__css__`; the URLs are
relative, so the pages also work behind JupyterHub's proxy prefix.
"""
from __future__ import annotations

from pathlib import Path

STATIC = Path(__file__).resolve().parent / "static"
ROUTE = "components/studio_kit.ui.offline/PackagedAssets/__css__/"
FONT_WEIGHTS = (400, 600, 700)
#: unicode ranges of the two Open Sans subsets shipped (as fontsource splits them)
SUBSETS = {
    "latin": "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,"
             "U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD",
    "latin-ext": "U+0100-02BA,U+02BD-02C5,U+02C7-02CC,U+02CE-02D7,U+02DD-02FF,U+0304,U+0308,U+0329,U+1D00-1DBF,"
                 "U+1E00-1E9F,U+1EF2-1EFF,U+2020,U+20A0-20AB,U+20AD-20C0,U+2113,U+2C60-2C7F,U+A720-A7FF",
}


class PackagedAssets:
    """The files the dashboards may fetch from the package (Panel serves only what is listed here)."""

    __css__ = (["static/tabler/tabler-icons.min.css", "static/tabler/fonts/tabler-icons.woff2",
                "static/tabler-offline.js"]
               + [f"static/fonts/open-sans-{subset}-{w}-normal.woff2" for subset in SUBSETS for w in FONT_WEIGHTS])


def font_face_css(prefix: str = ROUTE) -> str:
    """``@font-face`` rules for Open Sans from the package (URLs relative to the page)."""
    rules = []
    for subset, unicode_range in SUBSETS.items():
        for weight in FONT_WEIGHTS:
            rules.append(f"@font-face{{font-family:'Open Sans';font-style:normal;font-weight:{weight};"
                         f"font-display:swap;src:url({prefix}static/fonts/open-sans-{subset}-{weight}-normal.woff2) "
                         f"format('woff2');unicode-range:{unicode_range};}}")
    return "\n".join(rules)


def use_packaged_assets() -> None:
    """Serve fonts and icons from the package for every template of this process (idempotent)."""
    import panel as pn
    from panel.theme.fast import Fast

    fonts = dict(Fast._resources.get("font", {}))
    if fonts:
        Fast._resources = {**Fast._resources, "font": {}}       # no fonts.googleapis.com
    css = font_face_css()
    # in the page's <head> once: ``raw_css`` would copy these rules into every component's stylesheets
    # (2.4 KB × ~150 models of a dashboard sent over the websocket and parsed by each shadow root, where
    # @font-face does not even apply)
    if css not in pn.config.global_css:
        pn.config.global_css = [*pn.config.global_css, css]
    script = f"{ROUTE}static/tabler-offline.js"
    if script not in pn.config.js_files.values():
        pn.config.js_files = {**pn.config.js_files, "studio_kit_tabler_offline": script}
    leave_out_unused_bokehjs()
    serve_panel_resources_locally()


#: BokehJS bundles no dashboard needs: TeX in text (``$$…$$``; Bokeh's ``MathText`` and Panel's HTML/Markdown
#: with math enabled) and ``output_backend="webgl"`` plots. Without them BokehJS draws math as plain text
#: (its MathJax provider reports "failed", nothing is fetched) and WebGL plots on the canvas.
UNUSED_BOKEHJS = ("bokeh-mathjax", "bokeh-gl")


def leave_out_unused_bokehjs() -> None:
    """Serve pages without :data:`UNUSED_BOKEHJS` (idempotent; for the whole server process).

    Panel adds ``bokeh-mathjax`` to every page holding an HTML or Markdown pane (all of ours), whether or not
    a ``$$`` is ever shown, and Bokeh lists ``bokeh-gl`` by default: 2 MB of script the browser downloads,
    parses and runs before the first dashboard is drawn (more than BokehJS itself). The server builds the
    page's bundle from a fresh ``bokeh.resources.Resources`` per request whose components default to
    ``Resources._default_components``; the unused ones are taken out of that list once. Pages made
    afterwards in this process (every dashboard, ``pn.save`` exports) list only BokehJS, its widgets and
    tables bundles and Panel's.
    """
    from bokeh.resources import Resources

    default = list(getattr(Resources, "_default_components", None) or ())
    if not default:     # a Bokeh without that list: pages keep its full bundle (heavier, still offline)
        return
    kept = [c for c in default if c not in UNUSED_BOKEHJS]
    if kept != default:
        Resources._default_components = kept


def serve_panel_resources_locally(doc=None) -> None:
    """Make every stylesheet URL Panel builds for this session point at the server, never at its CDN.

    Panel writes its components' stylesheet URLs (Tabulator's theme, font-awesome, ``css/*.css``, the
    design's ``theme/*.css``) on cdn.holoviz.org (``CDN_DIST``) and rewrites them to the server's
    ``static/extensions/panel/`` in two places only: while rendering the HTML page of a session
    (``server_html_page_for_session`` sets ``doc._template_variables["dist_url"]`` and patches the
    roots), and for models made later in a document that has that ``dist_url``. Bokeh discards a session
    no browser connected to within ``--unused-session-lifetime`` (15 s); a browser still loading bokeh.js
    by then (8 pages at once on a busy machine) opens its websocket with the page's token and bokeh
    builds a new session on the websocket, which never goes through the page renderer: every URL
    stayed on the CDN (offline: failed requests, unstyled tables).

    Called at the top of every dashboard (through :func:`use_packaged_assets`), before anything is
    built: the session's ``dist_url`` is set the way the page renderer sets it, so every model made for
    it is rewritten as it is made, and once the script has run (next tick, before the browser can ask
    for the document) the roots are patched as the page renderer patches them. Outside a server
    session (tests, notebooks) it does nothing.
    """
    from panel.io.resources import LOCAL_DIST, patch_model_css
    from panel.io.state import state

    doc = doc or state.curdoc
    if doc is None or doc.session_context is None:
        return
    variables = doc._template_variables
    if "dist_url" in variables:                 # the page renderer (or an earlier call) already did it
        return
    dist_url = variables["dist_url"] = f"{state.rel_path}/{LOCAL_DIST}" if state.rel_path else LOCAL_DIST

    def patch_roots() -> None:
        for root in doc.roots:
            patch_model_css(root, dist_url=variables.get("dist_url", dist_url))

    doc.add_next_tick_callback(patch_roots)
