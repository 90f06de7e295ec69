"""Admin: one organization's organizations list, members and roles, API keys (create — the key shown
once — and revoke), usage per day and backend, invoices, quotas with their use, and the job queue.

Usable in a notebook as in the served dashboard (``studio serve admin``)::

    from studio_kit.ui.admin import AdminDashboard
    AdminDashboard(org="acme", user="ada")

Everything goes through studio_kit.platform's services (keys, members, permissions, billing,
quotas, jobs); the page writes no SQL of its own. Who may do what:

* a member of any project of the organization (or an org admin) sees the organization;
  anyone else sees only that they are not a member;
* only an organization admin (``studio_user.role = 'admin'``, see
  :mod:`studio_kit.platform.permissions`) sees invoices and creates or revokes API keys; the
  others see the key list (prefixes, never keys) and a message saying who may.
"""
from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path
from typing import Any

import panel as pn
import param

from studio_kit.config import get_settings
from studio_kit.exceptions import InputError, PermissionDenied, StudioError
from studio_kit.platform import billing, jobs, keys, members, permissions, quotas
from studio_kit.platform.keys import SCOPE_AREAS
from studio_kit.platform.quotas import WARN_AT
from studio_kit.store import open_store
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import ActionFeedback
from studio_kit.ui.project_picker import current_user

PERIODS = {"Last 7 days": 7, "Last 30 days": 30, "Last 90 days": 90}
JOB_STATES = ("queued", "running", "succeeded", "failed")
CSS = """
.sk-secret { font: 14px/1.5 monospace; user-select: all; background: #fff8e1; border: 1px solid #f9a825;
             padding: 6px 10px; word-break: break-all; display: block; }
table.sk-quotas { border-collapse: collapse; width: 100%; font: 13px sans-serif; }
table.sk-quotas td, table.sk-quotas th { padding: 4px 8px; border-bottom: 1px solid #eee; text-align: left; }
.sk-bar { background: #eceff1; width: 220px; height: 12px; border-radius: 6px; overflow: hidden; }
.sk-bar > div { height: 100%; }
.sk-jobs span { display: inline-block; margin-right: 14px; font: 13px sans-serif; }
"""


def _view(name: str, *args: Any) -> str:
    """One of the admin page's HTML pieces (template admin/views.html.j2)."""
    return render_macro("admin/views.html.j2", name, *args)


def _when(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime(fmt)


def usage_chart(rows: list[Any], days: list[dt.date], measure: str = "calls", title: str = "") -> Any:
    """Stacked bars of ``measure`` ('calls' or 'seconds') per UTC day and backend, over every day of ``days``
    (days without usage stay as gaps); a note when nothing was used."""
    import holoviews as hv
    import pandas as pd

    hv.extension("bokeh", logo=False)
    if not rows:
        return pn.pane.Markdown("No usage in this period: backend calls made in the organization's projects "
                                "appear here per day and backend.", name="no-usage")
    totals: dict[tuple[str, str], float] = {}
    for r in rows:
        key = (str(r.day), r.backend)
        totals[key] = totals.get(key, 0.0) + float(getattr(r, measure))
    backends = sorted({b for _d, b in totals})
    df = pd.DataFrame([{"day": str(d), "backend": b, measure: totals.get((str(d), b), 0.0)}
                       for d in days for b in backends])
    label = "calls" if measure == "calls" else "wall seconds"
    return hv.Bars(df, kdims=["day", "backend"], vdims=[measure]).opts(
        stacked=True, responsive=True, height=300, title=title or f"{label.capitalize()} per day and backend",
        xrotation=60, xlabel="", ylabel=label, tools=["hover"], legend_position="right", show_grid=True,
        default_tools=["pan", "wheel_zoom", "reset"], cmap="Category10")


class AdminDashboard(ActionFeedback, pn.viewable.Viewer):
    """An organization's administration page: members, API keys, usage, invoices, quotas and jobs."""

    action_owner = "Admin"

    org = param.String(default="", doc="Organization slug (default: the settings' organization).")
    user = param.String(default="", doc="Acting user (default: the served user, else STUDIO_USER).")
    today = param.Date(default=None, doc="Last day of the usage charts (default: today, UTC).")

    def __init__(self, store: Any = None, **params):
        if not params.get("org"):
            params["org"] = get_settings().org
        if not params.get("user"):
            params["user"] = current_user()
        super().__init__(**params)
        if store is None:
            store = open_store()
        self.store = store
        w = pn.widgets
        self.who = pn.pane.HTML(sizing_mode="stretch_width")
        self.alert = pn.pane.Alert("", alert_type="light", visible=False, sizing_mode="stretch_width")
        self.refresh_button = w.Button(label="Refresh", width=100)
        self.refresh_button.on_click(lambda _e: self._act(self._refresh_action))
        table = {"disabled": True, "show_index": False, "sizing_mode": "stretch_width"}
        # organization
        self.orgs_table = w.Tabulator(height=160, **table)
        self.projects_table = w.Tabulator(height=180, **table)
        self.members_table = w.Tabulator(height=260, **table)
        # keys
        self.keys_note = pn.pane.Alert("", alert_type="info", visible=False, sizing_mode="stretch_width")
        self.keys_table = w.Tabulator(selectable=1, height=260, **table)
        self.keys_table.param.watch(lambda _e: self._key_buttons(), "selection")

        scopes = ["admin", "*:read", "*:write"] + [f"{a}:{m}" for a in SCOPE_AREAS for m in ("read", "write")]
        self.key_name = w.TextInput(label="Key name", placeholder="What it is for, e.g. render farm", width=260)
        self.key_scopes = w.MultiChoice(label="Scopes", options=scopes, value=["*:read"], width=320)
        self.key_user = w.TextInput(label="Acts as user", value=self.user, width=160)
        self.key_days = w.IntInput(label="Expires in days (0 = never)", value=0, start=0, end=3650, width=200)
        self.create_button = w.Button(label="Create key", color="primary", width=130, align="end")
        self.create_button.on_click(lambda _e: self._act(self.create_key))
        self.secret = pn.pane.HTML("", visible=False, sizing_mode="stretch_width", stylesheets=[CSS])
        self.hide_secret_button = w.Button(label="I stored it: hide the key", width=220, visible=False)
        self.hide_secret_button.on_click(lambda _e: self._hide_secret())
        self.revoke_button = w.Button(label="Revoke selected key", color="danger", width=180, disabled=True)
        self.revoke_button.on_click(lambda _e: self._act(self.revoke_selected))
        # usage
        self.period = w.Select(label="Period", options=list(PERIODS), value="Last 30 days", width=160)
        self.period.param.watch(lambda _e: self._draw_usage(), "value")
        self.usage_calls = pn.Column(sizing_mode="stretch_width")
        self.usage_seconds = pn.Column(sizing_mode="stretch_width")
        self.usage_table = w.Tabulator(height=240, **table)
        # invoices, quotas, jobs
        self.invoices_note = pn.pane.Markdown("", sizing_mode="stretch_width")
        self.invoices_table = w.Tabulator(selectable=1, height=260, **table)
        self.invoices_table.param.watch(lambda _e: self._invoice_buttons(), "selection")
        self.invoice_csv = w.FileDownload(callback=lambda: self.invoice_file("csv"), filename="invoice.csv",
                                          label="Selected invoice CSV", color="success", width=200, disabled=True)
        self.invoice_pdf = w.FileDownload(callback=lambda: self.invoice_file("pdf"), filename="invoice.pdf",
                                          label="Selected invoice PDF", color="success", width=200, disabled=True)
        self.quotas = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CSS])
        self.jobs_summary = pn.pane.HTML("", sizing_mode="stretch_width", stylesheets=[CSS])
        self.jobs_table = w.Tabulator(height=320, **table)
        self.refresh()

    # -- who ------------------------------------------------------------------------------------------
    def _load_org(self) -> None:
        """The organization, its projects and the acting user's role on each (via permissions.role_of)."""
        self.org_ctx = self.store.org(self.org)
        self.projects = self.org_ctx.projects()
        self.project_ctxs = {p.slug: self.store.project(self.org, p.slug, user=self.user, create=False)
                             for p in self.projects}
        self.roles = {slug: permissions.role_of(ctx) for slug, ctx in self.project_ctxs.items()}
        self.is_admin = permissions.ADMIN in self.roles.values()
        self.is_member = self.is_admin or any(self.roles.values())

    def require_admin(self, what: str) -> None:
        """PermissionDenied unless the acting user is an admin of the organization."""
        if not self.is_admin:
            raise PermissionDenied(f"Only an admin of organization {self.org} may {what}; {self.user} is not one.",
                                   user=self.user, role=None, permission="org_admin",
                                   hint="Ask an org admin (studio_user.role = admin) to do it, or to make you one.")

    def refresh(self) -> None:
        """Reload everything from the services."""
        try:
            self._load_org()
        except StudioError as exc:
            self.projects, self.project_ctxs, self.roles = [], {}, {}
            self.is_admin = self.is_member = False
            self.who.object = _view("missing", exc.message)
            self.notify(exc.message + (f"\n\n**Fix:** {exc.hint}" if exc.hint else ""), "warning")
            self._draw_all()
            return
        status = "organization admin" if self.is_admin else "member" if self.is_member else "not a member"
        self.who.object = _view("who", self.user, status, self.org, len(self.projects))
        if not self.is_member:
            self.notify(f"{self.user} is not a member of any project of organization {self.org}, so this page "
                        f"shows nothing of it.\n\n**Fix:** Ask an owner or producer of one of its projects to "
                        f"invite you (`studio members invite`).", "warning")
        self._draw_all()

    def _refresh_action(self) -> str:
        self.refresh()
        return f"Reloaded {self.org}."

    def _draw_all(self) -> None:
        self._draw_org()
        self._draw_keys()
        self._draw_usage()
        self._draw_invoices()
        self._draw_quotas()
        self._draw_jobs()

    @staticmethod
    def _frame(rows: list[dict[str, Any]], empty: dict[str, Any]) -> Any:
        import pandas as pd

        return pd.DataFrame(rows or [empty])

    # -- organization, projects, members ------------------------------------------------------------
    def _draw_org(self) -> None:
        if not self.is_member:
            for t in (self.orgs_table, self.projects_table, self.members_table):
                t.value = self._frame([], {"": "(members of the organization only)"})
            return
        self.orgs_table.value = self._frame(
            [{"organization": o.slug, "name": o.name, "created": _when(o.created_at, "%Y-%m-%d"),
              "": "this one" if o.slug == self.org else ""} for o in self.store.orgs()], {})
        self.projects_table.value = self._frame(
            [{"project": p.slug, "title": p.name, "created": _when(p.created_at, "%Y-%m-%d"),
              "created by": p.created_by or "", "your role": self.roles.get(p.slug) or "—"}
             for p in self.projects], {"project": "(no projects yet)"})
        rows = []
        admins: dict[str, bool] = {}
        for p in self.projects:
            ctx = self.project_ctxs[p.slug]
            listed = members.list_members(ctx)
            if not listed and p.created_by:  # single-user mode: the service lists the creator, as its owner
                listed = members.list_members(self.store.project(self.org, p.slug, user=p.created_by, create=False))
            for m in listed:
                if m.user not in admins:
                    admins[m.user] = permissions.role_of(ctx, m.user) == permissions.ADMIN
                rows.append({"project": p.slug, "member": m.user, "role": m.role,
                             "org admin": "yes" if admins[m.user] else "", "added by": m.added_by or "",
                             "since": _when(m.created_at, "%Y-%m-%d") if m.id is not None else ""})
        self.members_table.value = self._frame(rows, {"member": "(no members yet)"})

    # -- API keys ------------------------------------------------------------------------------------
    def _draw_keys(self) -> None:
        self._keys = keys.list_keys(self.store, self.org) if self.is_member else []
        self.keys_table.value = self._frame(
            [{"prefix": k.prefix, "name": k.name, "acts as": k.user, "scopes": " ".join(k.scopes),
              "status": k.status, "created": _when(k.created_at), "expires": _when(k.expires_at) or "never",
              "last used": _when(k.last_used_at) or "never", "from": k.last_used_ip or ""} for k in self._keys],
            {"prefix": "(no API keys yet)" if self.is_member else "(members of the organization only)"})
        self.keys_table.selection = []
        for widget in (self.key_name, self.key_scopes, self.key_user, self.key_days, self.create_button):
            widget.disabled = not self.is_admin
        if self.is_admin:
            self.keys_note.visible = False
        else:
            self.keys_note.object = (f"Only an organization admin may create or revoke API keys; {self.user} is "
                                     f"not an admin of {self.org}. Ask an org admin to do it.")
            self.keys_note.visible = True
        self._key_buttons()

    def _selected_key(self) -> Any:
        sel = self.keys_table.selection
        return self._keys[sel[0]] if sel and sel[0] < len(self._keys) else None

    def _key_buttons(self) -> None:
        key = self._selected_key()
        self.revoke_button.disabled = not self.is_admin or key is None or key.status == "revoked"

    def create_key(self) -> str:
        """Create the key of the form; it is shown once, below the form."""
        self.require_admin("create API keys")
        name = (self.key_name.value or "").strip()
        days = self.key_days.value or None
        key, info = keys.create_key(self.store, self.org, name, self.key_scopes.value,
                                    user=(self.key_user.value or "").strip() or self.user, expires_in_days=days,
                                    created_by=self.user)
        self.secret.object = _view("secret", info, key)
        self.secret.visible = self.hide_secret_button.visible = True
        self.key_name.value = ""
        self._draw_keys()
        return (f"Created key {info.prefix} '{info.name}' acting as {info.user}, scopes {', '.join(info.scopes)}"
                + (f", expires {_when(info.expires_at)} UTC." if info.expires_at else "."))

    def _hide_secret(self) -> None:
        self.secret.object, self.secret.visible, self.hide_secret_button.visible = "", False, False

    def revoke(self, prefix: str) -> str:
        self.require_admin("revoke API keys")
        info = keys.revoke_key(self.store, self.org, prefix, by=self.user)
        self._hide_secret()
        self._draw_keys()
        return f"Revoked {info.prefix} '{info.name}': the API refuses it from now on."

    def revoke_selected(self) -> str:
        key = self._selected_key()
        if key is None:
            raise InputError("No API key is selected.", hint="Click a key's row in the table, then Revoke.")
        return self.revoke(key.prefix)

    # -- usage ---------------------------------------------------------------------------------------
    def _days(self) -> list[dt.date]:
        last = self.today or dt.datetime.now(dt.UTC).date()
        n = PERIODS[self.period.value]
        return [last - dt.timedelta(days=i) for i in range(n - 1, -1, -1)]

    def usage_rows(self) -> list[Any]:
        """Usage of the chart's period rolled up per day, project, user, backend and billing unit."""
        days = self._days()
        start = dt.datetime.combine(days[0], dt.time(), tzinfo=dt.UTC)
        end = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(), tzinfo=dt.UTC)
        return billing.rollup(billing.usage_in(self.org_ctx, start, end))

    def _draw_usage(self) -> None:
        if not self.is_member:
            self.usage_calls.objects = [pn.pane.Markdown("(members of the organization only)")]
            self.usage_seconds.objects = []
            self.usage_table.value = self._frame([], {"": "(members of the organization only)"})
            return
        rows = self.usage_rows()
        days = self._days()
        slugs = {p.id: p.slug for p in self.projects}
        if rows:
            self.usage_calls.objects = [pn.pane.HoloViews(usage_chart(rows, days, "calls"),
                                                          sizing_mode="stretch_width", name="usage-calls")]
            self.usage_seconds.objects = [pn.pane.HoloViews(usage_chart(rows, days, "seconds"),
                                                            sizing_mode="stretch_width", name="usage-seconds")]
        else:
            self.usage_calls.objects = [usage_chart(rows, days)]
            self.usage_seconds.objects = []
        self.usage_table.value = self._frame(
            [{"day": str(r.day), "project": slugs.get(r.project_id, str(r.project_id)), "user": r.user or "",
              "backend": r.backend, "unit": r.unit, "calls": r.calls, "units": round(r.units, 3),
              "seconds": round(r.seconds, 1)} for r in reversed(rows)], {"day": "(no usage in this period)"})

    # -- invoices ------------------------------------------------------------------------------------
    def _draw_invoices(self) -> None:
        self._invoices = list(reversed(billing.list_invoices(self.org_ctx))) if self.is_admin else []
        self.invoices_table.selection = []
        self._invoice_buttons()
        if not self.is_admin:
            self.invoices_note.object = "Invoices are for organization admins."
            self.invoices_table.value = self._frame([], {"": "(organization admins only)"})
            return
        invoices = self._invoices
        self.invoices_note.object = (f"{len(invoices)} invoice(s) and credit note(s). Issue one with "
                                     "`studio invoices issue --start YYYY-MM-DD --end YYYY-MM-DD`.")
        self.invoices_table.value = self._frame(
            [{"number": i.number, "kind": i.kind.replace("_", " "),
              "period": f"{_when(i.period_start, '%Y-%m-%d')} → {_when(i.period_end, '%Y-%m-%d')}",
              "subtotal": billing.money(i.subtotal_cents, i.currency), "tax": billing.money(i.tax_cents, i.currency),
              "total": billing.money(i.total_cents, i.currency), "issued": _when(i.issued_at),
              "by": i.issued_by or "", "note": i.note or ""} for i in invoices], {"number": "(no invoices yet)"})

    def _selected_invoice(self) -> Any:
        sel = self.invoices_table.selection
        return self._invoices[sel[0]] if sel and sel[0] < len(self._invoices) else None

    def _invoice_buttons(self) -> None:
        inv = self._selected_invoice() if self.is_admin else None
        for fmt, button in (("csv", self.invoice_csv), ("pdf", self.invoice_pdf)):
            button.disabled = inv is None
            button.filename = f"{inv.number}.{fmt}" if inv is not None else f"invoice.{fmt}"

    def invoice_file(self, fmt: str) -> Any:
        """The selected invoice as CSV or PDF (billing's exports), for the download buttons."""
        self.require_admin("download invoices")
        inv = self._selected_invoice()
        if inv is None:
            raise InputError("No invoice is selected.", hint="Click an invoice's row first.")
        if fmt == "csv":
            return io.BytesIO(billing.export_invoice_csv(inv).encode("utf-8"))
        name = next((o.name for o in self.store.orgs() if o.slug == self.org), self.org)
        with tempfile.TemporaryDirectory() as tmp:
            return io.BytesIO(billing.export_invoice_pdf(inv, Path(tmp) / f"{inv.number}.pdf", name).read_bytes())

    # -- quotas --------------------------------------------------------------------------------------
    def quota_uses(self) -> list[Any]:
        """The organization's quotas and every project's own, with what is used now."""
        out = list(quotas.usage(self.org_ctx))
        for p in self.projects:
            out += [q for q in quotas.usage(self.org_ctx, p.id) if q.scope != "org"]
        return out

    def _draw_quotas(self) -> None:
        if not self.is_member:
            self.quotas.object = _view("quotas", None)
            return
        uses = self.quota_uses()
        slugs = {str(p.id): p.slug for p in self.projects}
        rows = []
        for q in uses:
            frac = q.fraction
            color = "#c62828" if frac >= 1 else "#ef6c00" if frac >= float(WARN_AT) else "#2e7d32"
            where = "organization" if q.scope == "org" else f"project {slugs.get(q.scope, q.scope)}"
            period = f"per {q.period}, resets {_when(q.resets_at)} UTC" if q.resets_at else "right now"
            rows.append({"unit": q.unit, "where": where, "used": f"{q.used.normalize():f}",
                         "limit": f"{q.limit.normalize():f}", "percent": f"{frac:.0%}",
                         "width": f"{min(frac, 1.0) * 100:.0f}", "colour": color, "period": period})
        self.quotas.object = _view("quotas", rows)

    # -- job queue -----------------------------------------------------------------------------------
    def _draw_jobs(self) -> None:
        if not self.is_member:
            self.jobs_summary.object = ""
            self.jobs_table.value = self._frame([], {"": "(members of the organization only)"})
            return
        listed = jobs.list_jobs(self.org_ctx, limit=200)
        counts = {s: sum(1 for j in listed if j.state == s) for s in JOB_STATES}
        self.jobs_summary.object = _view("jobs", counts, len(listed), self.org)
        slugs = {p.id: p.slug for p in self.projects}
        self.jobs_table.value = self._frame(
            [{"job": j.id, "project": slugs.get(j.project_id, str(j.project_id)), "kind": j.kind, "state": j.state,
              "attempts": f"{j.attempts}/{j.max_attempts}", "worker": j.worker or "", "queued": _when(j.created_at),
              "finished": _when(j.finished_at), "error": (j.error or "")[:200]} for j in listed],
            {"job": "(the queue is empty)"})

    def __panel__(self):
        key_form = pn.FlexBox(self.key_name, self.key_scopes, self.key_user, self.key_days, self.create_button,
                              align_items="flex-end", sizing_mode="stretch_width")
        keys_tab = pn.Column(self.keys_note, key_form, self.secret, self.hide_secret_button, self.keys_table,
                             pn.Row(self.revoke_button), sizing_mode="stretch_width")
        org_tab = pn.Column("### Organizations", self.orgs_table, "### Projects", self.projects_table,
                            "### Members and roles", self.members_table, sizing_mode="stretch_width")
        usage_tab = pn.Column(self.period, self.usage_calls, self.usage_seconds, self.usage_table,
                              sizing_mode="stretch_width")
        return pn.Column(
            pn.Row(self.who, self.refresh_button, sizing_mode="stretch_width"), self.alert,
            pn.Tabs(("Organization", org_tab), ("API keys", keys_tab), ("Usage", usage_tab),
                    ("Invoices", pn.Column(self.invoices_note, self.invoices_table,
                                           pn.Row(self.invoice_csv, self.invoice_pdf), sizing_mode="stretch_width")),
                    ("Quotas", self.quotas),
                    ("Jobs", pn.Column(self.jobs_summary, self.jobs_table, sizing_mode="stretch_width")),
                    dynamic=False, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
