"""Studio home: the projects of an organization, their recent runs and assets."""
from __future__ import annotations

import panel as pn
import param


class StudioHome(pn.viewable.Viewer):
    """Producer's overview: pick a project, see its runs and assets from the store."""

    org = param.String(default="", doc="Organization slug (default: STUDIO_ORG).")
    project = param.Selector(default=None, objects=[], doc="Project shown in the tables.")

    def __init__(self, **params):
        from studio_kit.config import get_settings
        from studio_kit.store import open_store

        settings = get_settings()
        params.setdefault("org", settings.org)
        super().__init__(**params)
        self._store = open_store()
        self._refresh_button = pn.widgets.Button(name="Refresh", button_type="primary")
        self._refresh_button.on_click(lambda event: self.refresh())
        self._projects = pn.widgets.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width",
                                              name="projects")
        self._runs = pn.widgets.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width")
        self._assets = pn.widgets.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width")
        self.refresh()

    def refresh(self) -> None:
        import pandas as pd

        org = self._store.org(self.org)
        projects = org.projects()
        self._projects.value = pd.DataFrame(
            [{"project": p.slug, "title": p.name or p.slug, "created": str(p.created_at)[:19]} for p in projects]
            or [{"project": "", "title": "(no projects yet: run `studio init`)", "created": ""}])
        slugs = [p.slug for p in projects]
        self.param.project.objects = slugs
        if self.project not in slugs:
            self.project = slugs[0] if slugs else None
        self._update_tables()

    @param.depends("project", watch=True)
    def _update_tables(self) -> None:
        import pandas as pd

        if not self.project:
            self._runs.value = pd.DataFrame(columns=["id", "template", "status"])
            self._assets.value = pd.DataFrame(columns=["id", "kind", "name"])
            return
        ctx = self._store.project(self.org, self.project, create=False)
        self._runs.value = pd.DataFrame(
            [{"id": r.id, "template": r.template, "status": r.status,
              "seconds": round(r.duration_s or 0, 1), "error": r.error or ""} for r in ctx.list_runs(limit=50)]
            or [{"id": "", "template": "(no runs yet)", "status": "", "seconds": "", "error": ""}])
        self._assets.value = pd.DataFrame(
            [{"id": a.id, "kind": a.kind, "name": a.name, "version": a.version, "bytes": a.size,
              "created": str(a.created_at)[:19]} for a in ctx.list_assets()]
            or [{"id": "", "kind": "(no assets yet)", "name": "", "version": "", "bytes": "", "created": ""}])

    def __panel__(self):
        return pn.Column(
            pn.Row(pn.pane.Markdown(f"## Projects of **{self.org}**"), self._refresh_button),
            self._projects,
            pn.Param(self.param.project, show_name=False, widgets={"project": {"name": "Project"}}),
            pn.Tabs(("Runs", self._runs), ("Assets", self._assets)),
            sizing_mode="stretch_width",
        )
