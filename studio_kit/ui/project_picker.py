"""The project every dashboard works on, and the picker (organization / project) at the top of each one.

Every dashboard opens the *current* project's own work. The current project is,
in order: the page's query string (``?org=acme&project=pilot``, which the
picker sets), else the settings (``STUDIO_ORG`` / ``STUDIO_PROJECT``). A new
dashboard does::

    from studio_kit.ui.project_picker import ProjectPicker, current_context
    ctx = current_context()                      # ProjectContext of this browser session
    template.header.append(ProjectPicker())      # or ProjectPicker().header_row()

and writes through :mod:`studio_kit.store.edits` (appends and versioned
documents), so two people on the same project never overwrite each other.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import panel as pn
import param

from studio_kit.config import get_settings
from studio_kit.exceptions import StudioError, TenantAccessError
from studio_kit.store import open_store
from studio_kit.store.store import SLUG
from studio_kit.templating import render_html
from studio_kit.ui.feedback import keep_pane_stylesheets
from studio_kit.ui.offline import use_packaged_assets
from studio_kit.ui.server_speed import cache_stable_bokeh_defaults

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.store import ProjectContext

#: every dashboard of the studio, in menu order: (file stem under dashboards/, title)
DASHBOARDS = [("studio_home", "Studio Home"), ("script_room", "Script Room"),
              ("breakdown_board", "Breakdown & Budget"), ("character_lab", "Character Lab"),
              ("shot_generator", "Shot Generator"), ("audio_mixer", "Audio Mixer"),
              ("marketing_kit", "Marketing Kit"), ("studio_ops", "Studio Ops"), ("admin", "Admin")]


def _query(name: str) -> str | None:
    args = getattr(pn.state, "session_args", None) or {}
    values = args.get(name)
    if not values:
        return None
    value = values[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def current_project() -> tuple[str, str]:
    """(org slug, project slug) of this session: the page's ?org=&project= or the settings."""
    settings = get_settings()
    org, project = _query("org"), _query("project")
    org = org if org and SLUG.match(org) else settings.org
    project = project if project and SLUG.match(project) else settings.project
    check_hub_org(org, project, settings)
    return org, project


def check_hub_org(org: str, project: str, settings) -> None:
    """Behind JupyterHub (``JUPYTERHUB_USER`` set in the user's server) the hub's groups fixed the user's
    organization (STUDIO_ORG, :mod:`studio_kit.hub.identity`): a page asking for another organization's
    project is refused, before the store is opened, whoever the user is (even one the store has never seen)."""
    hub_user = os.environ.get("JUPYTERHUB_USER")
    if hub_user and org != settings.org:
        raise TenantAccessError(f"{hub_user} works in organization '{settings.org}', not '{org}', so may not open "
                                f"project '{org}/{project}'.",
                                hint=f"Ask an owner or producer of {org}/{project} to invite you (and a hub admin to "
                                     f"add you to the group org:{org}); or open a project of {settings.org}.")


def current_user() -> str:
    """Who is editing: the logged-in user when the server has auth (JupyterHub, OAuth), else the settings' user."""
    return getattr(pn.state, "user", None) or get_settings().user


def current_context(create: bool = True) -> ProjectContext:
    """The :class:`ProjectContext` of this session's project, acting as the current user."""
    org, project = current_project()
    return open_store().project(org, project, user=current_user(), create=create)


def latest_asset(ctx: ProjectContext, kind: str):
    """The project's most recently stored asset of ``kind`` (any name, newest version), or None."""
    records = ctx.list_assets(kind=kind)
    return max(records, key=lambda r: (r.created_at, r.id)) if records else None


def available_dashboards(folder: Path | None = None) -> list[tuple[str, str]]:
    """The dashboards that exist in the served folder (coming ones appear once their file is there)."""
    folder = Path(folder or get_settings().resolved_dashboards_dir)
    return [(stem, title) for stem, title in DASHBOARDS if (folder / f"{stem}.py").is_file()]


def dashboard_url(stem: str, org: str, project: str) -> str:
    """Relative link to a dashboard of the same server, on the same project."""
    return f"./{stem}?org={org}&project={project}"


class ProjectPicker(pn.viewable.Viewer):
    """Organization / project selects and the studio's dashboard menu; "Open" reloads the page on that project."""

    org: param.Selector[str | None] = param.Selector(default=None, objects=[], doc="Organization.")
    project: param.Selector[str | None] = param.Selector(default=None, objects=[], doc="Project of the organization.")

    def __init__(self, current: str = "", **params):
        super().__init__(**params)

        self._store = open_store()
        self._current_org, self._current_project = current_project()
        self._here = current
        self._open = pn.widgets.Button(label="Open project", color="primary", width=120, align="end",
                                       disabled=True)
        # behind JupyterHub the user's organization is the hub's (check_hub_org): list no other
        orgs = [] if os.environ.get("JUPYTERHUB_USER") else [o.slug for o in self._store.orgs()]
        if self._current_org not in orgs:
            orgs.append(self._current_org)
        self.param.org.objects = sorted(orgs)
        self.org = self._current_org
        self._load_projects()
        self.project = self._current_project
        self._org_w = pn.widgets.Select.from_param(self.param.org, label="Organization", width=160)
        self._project_w = pn.widgets.Select.from_param(self.param.project, label="Project", width=200)
        self._open.js_on_click(args={"org_w": self._org_w, "project_w": self._project_w}, code="""
            const org = org_w.value, project = project_w.value;
            if (org && project) { window.location.search = '?org=' + encodeURIComponent(org) +
                                  '&project=' + encodeURIComponent(project); }""")

    @param.depends("org", watch=True)
    def _load_projects(self) -> None:
        slugs: list[str] = []
        try:
            slugs = [p.slug for p in self._store.org(self.org).projects()] if self.org else []
        except StudioError:  # an org that does not exist yet (settings' default before `studio init`)
            slugs = []
        if self.org == self._current_org and self._current_project not in slugs:
            slugs.append(self._current_project)
        self.param.project.objects = sorted(slugs)
        if self.project not in slugs:
            self.project = slugs[0] if slugs else None

    @param.depends("org", "project", watch=True)
    def _changed(self) -> None:
        self._open.disabled = (self.org, self.project) == (self._current_org, self._current_project)

    def nav_html(self) -> str:
        links = [(dashboard_url(stem, self._current_org, self._current_project), title, stem == self._here)
                 for stem, title in available_dashboards()]
        return render_html("project_picker/nav.html.j2", links=links, org=self._current_org,
                           project=self._current_project, user=current_user())

    def __panel__(self):
        nav = pn.pane.HTML(self.nav_html(), sizing_mode="stretch_width", stylesheets=[NAV_CSS], margin=(0, 5))
        return pn.FlexBox(self._org_w, self._project_w, self._open, nav, align_items="flex-end",
                          sizing_mode="stretch_width")


NAV_CSS = """
.sk-nav { display: flex; flex-wrap: wrap; gap: 4px 12px; font: 13px/1.6 sans-serif; }
.sk-nav a { color: #8b1e3f; text-decoration: none; white-space: nowrap; }
.sk-nav a.sk-nav-here { font-weight: 700; text-decoration: underline; }
.sk-where { font: 12px sans-serif; color: #555; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
"""


def configure() -> None:
    """What every dashboard shares, called in each dashboards/*.py right after ``pn.extension(...)`` (which may reset ``raw_css``).

    - quiet servers: bokeh/tornado's per-connection INFO lines ("WebSocket connection closed") and the
      tracebacks of a browser that went away mid-write are not logged as errors;
    - nothing loaded from the internet: Panel serves its own bundled JS/CSS/fonts (``pn.config`` defaults
      to the server's static routes); browser tests assert zero failed requests on every dashboard;
    - no header spinner: a template's busy indicator shows ``pn.state.busy``, one flag for the whole server, so
      every user's click turned every open page's spinner twice (two extra messages to every browser per
      action: with 8 sessions acting at once, 16 for each page to apply). Each action shows its own progress
      (its alert, a pane's loading state) in its own page;
    - a text pane's change sends its text, not its style sheets again (:func:`feedback.keep_pane_stylesheets`);
    - Bokeh's immutable property defaults are looked up once per model class
      (:func:`server_speed.cache_stable_bokeh_defaults`; the preload plugin does it at the server's start).
    """
    for name in ("bokeh.server.views.ws", "bokeh.server.protocol_handler", "bokeh.server.session",
                 "bokeh.server.tornado", "tornado.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("tornado.websocket").setLevel(logging.ERROR)   # "stream closed" when a tab goes away

    use_packaged_assets()
    from panel.template.base import BasicTemplate

    BasicTemplate.param.busy_indicator.default = None       # every template, before the dashboard makes its own
    keep_pane_stylesheets()
    cache_stable_bokeh_defaults()


def shared_thumb(record: Any, variant: str, make: Any) -> Any:
    """What ``make()`` derives from a stored file (a thumbnail, PDF page pictures), made once per server for every
    session (``pn.state.as_cached``), keyed by ``variant`` and the file's SHA-256: a session only asks for it with a
    record of its own project, so one org's pictures never reach another."""
    return pn.state.as_cached(f"{variant}-{record.sha256}", make)
