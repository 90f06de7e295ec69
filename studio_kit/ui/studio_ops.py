"""Studio Ops: the production timeline (Gantt with today's line and slippage), the review queue
with one-click approve / request changes, the team and its roles, the budget summary (for the
roles that may see it) and the audit trail with a verify button.

Identity comes from the serving layer (``pn.state.user`` behind JupyterHub or an OAuth
provider) and falls back to STUDIO_USER for single-user use. Everything goes through
studio_kit.platform's services, which enforce the permissions: a button the role may not
use is disabled, and what it may not see is not sent to the browser at all.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

import panel as pn
import param

from studio_kit.config import get_settings
from studio_kit.domain.budget import Budget, TopSheetGroup
from studio_kit.engines.preproduction.budget import compute, format_money
from studio_kit.exceptions import StudioError
from studio_kit.platform import audit, members, milestones, permissions, reviews
from studio_kit.store import open_store
from studio_kit.templating import render_macro
from studio_kit.ui.feedback import AlertKind, table_frame
from studio_kit.ui.project_picker import current_user

#: each table's columns and their dtypes, the same whether it has rows or not (``table_frame``): an empty
#: table keeps its header, and a line above it says why it is empty
MILESTONE_COLUMNS = {"milestone": "object", "phase": "object", "start": "object", "due": "object",
                     "planned": "object", "slip (days)": "int64", "status": "object", "completed on": "object",
                     "waiting on": "object"}
QUEUE_COLUMNS = {"subject": "object", "state": "object", "reviewers": "object", "due": "object",
                 "requested by": "object", "version": "int64"}
TEAM_COLUMNS = {"member": "object", "role": "object", "may": "object"}
AUDIT_COLUMNS = {"#": "int64", "when (UTC)": "object", "who": "object", "what": "object", "target": "object",
                 "hash": "object"}
STATUS_COLORS = {"done": "#2e7d32", "overdue": "#c62828", "at risk": "#ef6c00", "slipped": "#f9a825",
                 "in progress": "#1565c0", "planned": "#78909c"}


def _view(name: str, *args: Any) -> str:
    """One of Studio Ops' HTML pieces (template studio_ops/views.html.j2)."""
    return render_macro("studio_ops/views.html.j2", name, *args)


def gantt(views: list[Any], today: dt.date, title: str = "Production timeline") -> Any:
    """A HoloViews Gantt chart: one bar per milestone from start to due (colour = status), a black tick at
    the planned due date where it slipped, a green diamond on the day it was completed, and a dashed red
    line at today."""
    import holoviews as hv
    import pandas as pd

    hv.extension("bokeh", logo=False)
    if not views:
        return pn.pane.Markdown("No milestones yet: add one with `studio milestones add`.")
    rows = [{"name": v.name, "start": pd.Timestamp(v.start), "end": pd.Timestamp(v.due + dt.timedelta(days=1)),
             "status": v.status, "slip": v.slip_days, "due": str(v.due), "planned": str(v.baseline_due),
             "done_on": str(v.done_on or ""), "color": STATUS_COLORS.get(v.status, "#78909c")} for v in views]
    df = pd.DataFrame(rows)
    names = list(dict.fromkeys(df["name"]))[::-1]  # first milestone on top
    bars = hv.Segments(df, kdims=["start", "name", "end", "name"], vdims=["status", "slip", "due", "planned", "color"]
                       ).opts(color="color", line_width=18, tools=["hover"])
    slipped = df[df["slip"] > 0]
    marks = hv.Scatter(pd.DataFrame({"planned": [pd.Timestamp(v) for v in slipped["planned"]],
                                     "name": slipped["name"]}), "planned", "name"
                       ).opts(marker="dash", size=22, color="black", angle=90) if len(slipped) else hv.Overlay()
    finished = df[df["done_on"] != ""]
    done_marks = hv.Scatter(pd.DataFrame({"done": [pd.Timestamp(v) for v in finished["done_on"]],
                                          "name": finished["name"]}), "done", "name"
                            ).opts(marker="diamond", size=16, color="#1b5e20", line_color="white") \
        if len(finished) else hv.Overlay()
    today_line = hv.VLine(pd.Timestamp(today)).opts(color="#d50000", line_width=2, line_dash="dashed")
    days = [*df["start"], *df["end"], pd.Timestamp(today), *[pd.Timestamp(v) for v in finished["done_on"]]]
    pad = pd.Timedelta(days=3)
    return (bars * marks * done_marks * today_line).opts(
        hv.opts.Segments(yticks=None), hv.opts.Overlay(title=title, height=90 + 34 * len(names), responsive=True,
                                                       xlim=(min(days) - pad, max(days) + pad),
                                                       xlabel="", ylabel="", show_legend=False,
                                                       default_tools=["pan", "wheel_zoom", "reset"]))


class StudioOps(pn.viewable.Viewer):
    """The producer's desk: timeline, reviews, team, budget summary and audit for one project."""

    org = param.String(default="")
    project = param.String(default="")
    user = param.String(default="", doc="Acting user (default: the served user, else STUDIO_USER).")
    today = param.Date(default=None, doc="Day of the today line (default: today).")

    def __init__(self, ctx: Any = None, **params):
        settings = get_settings()
        params.setdefault("org", ctx.org_slug if ctx else settings.org)
        params.setdefault("project", ctx.project_slug if ctx else settings.project)
        if not params.get("user"):
            params["user"] = ctx.user if ctx else current_user()
        super().__init__(**params)
        if ctx is None:
            ctx = open_store().project(self.org, self.project, user=self.user, create=False)
        self.ctx = ctx
        w = pn.widgets
        self.who = pn.pane.HTML(sizing_mode="stretch_width")
        self.status = pn.pane.Alert("", alert_type="light", visible=False, sizing_mode="stretch_width")
        self.timeline = pn.Column(sizing_mode="stretch_width")
        self.milestone_table = w.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width", height=260)
        self.queue = w.Tabulator(disabled=True, show_index=False, selectable=1, sizing_mode="stretch_width",
                                 height=220)
        self.comment_text = w.TextAreaInput(placeholder="Comment or what should change (@name mentions)",
                                            height=70, sizing_mode="stretch_width")
        self.anchor = w.TextInput(placeholder="scene:12 · shot:4A · page:3 · timecode:01:00:12:05", width=300)
        self.approve_button = w.Button(name="Approve", button_type="success", width=130)
        self.changes_button = w.Button(name="Request changes", button_type="warning", width=160)
        self.comment_button = w.Button(name="Comment", width=110)
        self.approve_button.on_click(lambda _e: self._act("approve"))
        self.changes_button.on_click(lambda _e: self._act("request_changes"))
        self.comment_button.on_click(lambda _e: self._act("comment"))
        self.comments = pn.pane.HTML(sizing_mode="stretch_width")
        self.queue.param.watch(lambda _e: self._show_item(), "selection")
        self.team = w.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width", height=240)
        self.budget = pn.pane.HTML(sizing_mode="stretch_width")
        self.audit_table = w.Tabulator(disabled=True, show_index=False, sizing_mode="stretch_width", height=300)
        self.verify_button = w.Button(name="Verify audit chain", button_type="primary", width=180)
        self.verify_button.on_click(lambda _e: self.verify())
        self.verify_result = pn.pane.HTML(sizing_mode="stretch_width")
        # per table: the line that says why it is empty (hidden while it has rows)
        self.notes = {name: pn.pane.Markdown("", visible=False, sizing_mode="stretch_width", margin=(4, 10))
                      for name in ("milestones", "queue", "team", "audit")}
        self.refresh()

    # -- data -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.role = permissions.role_of(self.ctx)
        self.perms = permissions.matrix(self.ctx).get(self.role, set()) if self.role else set()
        self.who.object = _view("who", self.user, self.role, self.ctx.scope_name)
        self._draw_timeline()
        self._draw_queue()
        self._draw_team()
        self._draw_budget()
        self._draw_audit()

    def _draw_timeline(self) -> None:
        if "view" not in self.perms:
            self.timeline.objects = [pn.pane.Markdown("You are not a member of this project.")]
            self._fill("milestones", self.milestone_table, [], MILESTONE_COLUMNS,
                       "Only the project's members see its milestones.")
            return
        views = milestones.list_milestones(self.ctx)
        today = self.today or dt.date.today()
        self.timeline.objects = [pn.pane.HoloViews(gantt(views, today), sizing_mode="stretch_width",
                                                   name="gantt") if views else gantt(views, today)]
        self._fill("milestones", self.milestone_table, [
            {"milestone": v.name, "phase": v.phase, "start": str(v.start), "due": str(v.due),
             "planned": str(v.baseline_due), "slip (days)": v.slip_days, "status": v.status,
             "completed on": str(v.done_on or ""), "waiting on": ", ".join(v.open_subjects)} for v in views],
            MILESTONE_COLUMNS, "No milestones yet.")

    def _fill(self, name: str, table: Any, rows: list[dict[str, Any]], columns: dict[str, str], empty: str) -> None:
        """A table's rows (its columns the same with none), and its note saying ``empty`` when there are none."""
        table.value = table_frame(rows, columns)
        note = self.notes[name]
        note.object = "" if rows else empty
        note.visible = not rows

    def _draw_queue(self) -> None:
        member = "view" in self.perms
        items = reviews.items(self.ctx, ("draft", "in_review", "changes_requested")) if member else []
        self._items = items
        self._fill("queue", self.queue, [
            {"subject": i.subject, "state": i.state.replace("_", " "), "reviewers": ", ".join(i.reviewers),
             "due": str(i.due_date or ""), "requested by": i.requested_by or "", "version": i.version}
            for i in items], QUEUE_COLUMNS,
            "Nothing is waiting for review." if member else "Only the project's members see its reviews.")
        self.queue.selection = [0] if items else []
        self._show_item()

    def _selected(self) -> Any:
        sel = self.queue.selection
        return self._items[sel[0]] if sel and sel[0] < len(self._items) else None

    def _show_item(self) -> None:
        item = self._selected()
        pol = permissions.policy(self.ctx)
        may_approve = item is not None and reviews.approve_permission(item.kind, pol) in self.perms
        self.approve_button.disabled = not may_approve
        self.changes_button.disabled = not may_approve or (item is not None and item.state != "in_review")
        self.comment_button.disabled = item is None or "comment" not in self.perms
        if item is None:
            self.comments.object = ""
            return
        _events, comments = reviews.history(self.ctx, item.subject)
        self.comments.object = _view("comments", item.subject, comments)

    def _draw_team(self) -> None:
        matrix = permissions.matrix(self.ctx)
        member = "view" in self.perms
        self._fill("team", self.team, [
            {"member": m.user, "role": m.role, "may": ", ".join(sorted(matrix.get(m.role, set())))}
            for m in members.list_members(self.ctx)] if member else [], TEAM_COLUMNS,
            "No members yet." if member else "Only the project's members see its team.")

    def _draw_budget(self) -> None:
        """The top sheet of the newest stored budget — only for roles with see_budget."""
        if "see_budget" not in self.perms:
            self.budget.object = _view("budget_hidden", self.role)
            return

        stored = [a for a in self.ctx.list_assets(kind="budget") if a.name.endswith(".json")]
        if not stored:
            self.budget.object = _view("no_budget")
            return
        budget = Budget.model_validate_json(self.ctx.read_bytes(stored[-1].id))
        top = compute(budget)
        rows = [(g.label, format_money(top.group_total(g), top.currency)) for g in TopSheetGroup]
        self.budget.object = _view("budget", budget.title, rows, top.grand_total,
                                   format_money(top.grand_total, top.currency))

    def _draw_audit(self) -> None:
        self.verify_button.disabled = "view_audit" not in self.perms
        if "view_audit" not in self.perms:
            self._fill("audit", self.audit_table, [], AUDIT_COLUMNS, "The audit trail is for owners and producers.")
            return
        rows = audit.entries(self.ctx)[-200:][::-1]
        self._fill("audit", self.audit_table, [
            {"#": e.seq, "when (UTC)": str(e.at)[:19], "who": e.actor, "what": e.action, "target": e.target or "",
             "hash": e.entry_hash[:12]} for e in rows], AUDIT_COLUMNS, "No audit entries yet.")

    # -- actions --------------------------------------------------------------------------------------
    def _say(self, text: str, kind: AlertKind = "success") -> None:
        self.status.object, self.status.alert_type, self.status.visible = text, kind, True

    def _act(self, op: str) -> None:
        item = self._selected()
        if item is None:
            return self._say("Pick an item in the review queue first.", "warning")
        note = (self.comment_text.value or "").strip()
        try:
            if op == "approve":
                done = reviews.approve(self.ctx, item.subject, note=note or None, expected_version=item.version)
                self._say(f"{done.subject} approved by {self.user}.")
            elif op == "request_changes":
                done = reviews.request_changes(self.ctx, item.subject, note, expected_version=item.version)
                self._say(f"Changes requested on {done.subject}.")
            else:
                reviews.comment(self.ctx, item.subject, note, anchor=(self.anchor.value or "").strip() or None)
                self._say(f"Comment added to {item.subject}.")
        except StudioError as exc:  # refused, conflict, bad anchor: say so, keep the typed text
            return self._say(exc.message + (f" — {exc.hint}" if exc.hint else ""), "danger")
        self.comment_text.value = ""
        self.anchor.value = ""
        self.refresh()

    def verify(self) -> Any:
        try:
            result = audit.verify(self.ctx)
        except StudioError as exc:
            self.verify_result.object = _view("audit_result", False, exc.message)
            return None
        self.verify_result.object = _view("audit_result", result.ok, result.summary())
        return result

    def __panel__(self):
        review = pn.Column(self.notes["queue"], self.queue, pn.Row(self.anchor, self.comment_button), self.comment_text,
                           pn.Row(self.approve_button, self.changes_button), self.comments,
                           sizing_mode="stretch_width")
        return pn.Column(
            self.who, self.status,
            pn.Tabs(("Timeline", pn.Column(self.timeline, self.notes["milestones"], self.milestone_table,
                                           sizing_mode="stretch_width")),
                    ("Reviews", review),
                    ("Team", pn.Column(self.notes["team"], self.team, sizing_mode="stretch_width")),
                    ("Budget", self.budget),
                    ("Audit", pn.Column(pn.Row(self.verify_button), self.verify_result, self.notes["audit"],
                                        self.audit_table,
                                        sizing_mode="stretch_width")),
                    dynamic=False, sizing_mode="stretch_width"),
            sizing_mode="stretch_width")
