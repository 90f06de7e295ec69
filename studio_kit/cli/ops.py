"""`studio members | review | milestones | audit | inbox | webhooks`: studio operations.

Every command acts as the current user (STUDIO_USER) on the current project
(STUDIO_ORG / STUDIO_PROJECT) and goes through studio_kit.platform's services, so
the same permission rules hold here as in the dashboards and the API.
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer

members_app = typer.Typer(name="members", help="Project members, roles and invitations.", no_args_is_help=True)
review_app = typer.Typer(name="review", help="Review and approval of any asset: request, comment, approve, "
                         "send back (reject), lock, reopen.", no_args_is_help=True)
milestones_app = typer.Typer(name="milestones", help="Production calendar: milestones, the shoot from the published "
                             "schedule, slippage, .ics/.csv export. Without a subcommand: the list.",
                             invoke_without_command=True)
audit_app = typer.Typer(name="audit", help="The tamper-evident audit log: verify the hash chain, export, anchor.",
                        no_args_is_help=True)
webhooks_app = typer.Typer(name="webhooks", help="Outgoing webhooks of the project (HMAC-signed JSON).",
                           no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(members_app, name="members")
    app.add_typer(review_app, name="review")
    app.add_typer(milestones_app, name="milestones")
    app.add_typer(audit_app, name="audit")
    app.add_typer(webhooks_app, name="webhooks")
    app.command("inbox")(inbox)


def _console():
    from rich.console import Console

    return Console()


def _ctx():
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    return open_store().project(settings.org, settings.project, user=settings.user, create=False)


def _table(title: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    from rich.table import Table

    table = Table(title=title)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    _console().print(table)


# -- members --------------------------------------------------------------------------------------

@members_app.command("list")
def members_list() -> None:
    """Members and their roles, plus open invitations."""
    from studio_kit.platform import members

    ctx = _ctx()
    _table(f"Members of {ctx.scope_name}", ("user", "role", "added by", "since"),
           [(m.user, m.role, m.added_by, f"{m.created_at:%Y-%m-%d}") for m in members.list_members(ctx)])
    invites = members.pending_invites(ctx)
    if invites:
        _table("Open invitations", ("id", "role", "for", "by", "expires (UTC)"),
               [(i.id, i.role, i.invitee or "anyone", i.created_by, f"{i.expires_at:%Y-%m-%d %H:%M}") for i in invites])


@members_app.command("invite")
def members_invite(role: str = typer.Option(..., "--role", help="owner, producer, director, writer, artist, editor, viewer."),
                   user: str | None = typer.Option(None, "--user", help="Only this user may accept."),
                   days: float = typer.Option(7.0, "--days", help="Days the invitation stays valid (max 90).")) -> None:
    """Create an invitation; prints the token once (send it to the person)."""
    from studio_kit.platform import members

    token, invite = members.invite(_ctx(), role, invitee=user, days=days)
    _console().print(f"Invitation {invite.id} as [bold]{role}[/] for {user or 'anyone'}, valid until "
                     f"{invite.expires_at:%Y-%m-%d %H:%M} UTC.\nToken (shown once): {token}\n"
                     f"They join with: studio members accept {token}")


@members_app.command("accept")
def members_accept(token: str = typer.Argument(..., help="The invitation token.")) -> None:
    """Join the current project with an invitation token."""
    from studio_kit.platform import members

    row = members.accept(_ctx(), token)
    _console().print(f"{row.user} joined as {row.role}.")


@members_app.command("add")
def members_add(user: str, role: str) -> None:
    """Add a user of the organization directly with ROLE."""
    from studio_kit.platform import members

    row = members.add_member(_ctx(), user, role)
    _console().print(f"{row.user} added as {row.role}.")


@members_app.command("role")
def members_role(user: str, role: str) -> None:
    """Change USER's role (the last owner cannot be demoted)."""
    from studio_kit.platform import members

    row = members.change_role(_ctx(), user, role)
    _console().print(f"{row.user} is now {row.role}.")


@members_app.command("remove")
def members_remove(user: str) -> None:
    """Remove USER from the project (your own name: leave). The last owner cannot go."""
    from studio_kit.platform import members

    members.remove(_ctx(), user)
    _console().print(f"{user} removed.")


@members_app.command("admin")
def members_admin(user: str = typer.Argument(..., help="A user of the organization."),
                  revoke: bool = typer.Option(False, "--revoke", help="Take the admin role back.")) -> None:
    """Make USER an organization admin (every permission on every project), or --revoke it. Admins only;
    a new organization's first user makes its first admin."""
    from studio_kit.platform import members

    row = members.set_org_admin(_ctx(), user, admin=not revoke)
    _console().print(f"{row.name} is {'now an admin' if row.role == 'admin' else 'no longer an admin'} of the "
                     f"organization. Admins: {', '.join(members.org_admins(_ctx())) or 'none'}.")


@members_app.command("policy")
def members_policy(file: Path = typer.Argument(..., help="YAML with roles: {ROLE: [permission, ...]} to override "
                                               "for the whole organization (org admins).")) -> None:
    """Override role permissions for the organization (the shipped permissions.yaml is the default)."""
    from studio_kit.platform import permissions
    from studio_kit.platform._ops import OpsError
    from studio_kit.store.files import read_yaml_mapping

    data = read_yaml_mapping(file, "Policy file", OpsError, hint="Write roles: {viewer: [view, comment]}.")
    roles = permissions.set_org_policy(_ctx(), data)["roles"]
    _console().print(f"Organization policy saved for {', '.join(sorted(roles))}.")


@members_app.command("can")
def members_can(permission: str, user: str | None = typer.Option(None, "--user")) -> None:
    """Whether USER (default: you) has PERMISSION on the project; exit 1 when not."""
    from studio_kit.platform import permissions

    ctx = _ctx()
    who = user or ctx.user
    ok = permissions.can(ctx, permission, user=who)
    _console().print(f"{who} ({permissions.role_of(ctx, who) or 'not a member'}) "
                     f"{'may' if ok else 'may not'} {permission}.")
    if not ok:
        sys.exit(1)  # (typer.Exit is swallowed by main() under standalone_mode=False)


# -- review -----------------------------------------------------------------------------------------

ASSET_HELP = "Asset id, or KIND:NAME@VERSION (e.g. script:pilot.fountain@2), or KIND:NAME for the newest."


@review_app.command("request")
def review_request(asset: str = typer.Argument(..., help=ASSET_HELP),
                   reviewer: list[str] = typer.Option([], "--reviewer", "-r", help="Reviewer (repeat)."),
                   due: str | None = typer.Option(None, "--due", help="Due date YYYY-MM-DD."),
                   note: str | None = typer.Option(None, "--note")) -> None:
    """Send ASSET into review; reviewers get an inbox message."""
    from studio_kit.platform import reviews

    item = reviews.request(_ctx(), asset, reviewers=reviewer, due=due, note=note)
    _console().print(f"{item.subject} is in review"
                     f"{' with ' + ', '.join(item.reviewers) if item.reviewers else ''}"
                     f"{f', due {item.due_date}' if item.due_date else ''}.")


@review_app.command("comment")
def review_comment(asset: str = typer.Argument(..., help=ASSET_HELP), text: str = typer.Argument(...),
                   at: str | None = typer.Option(None, "--at", help="Anchor: scene:12, shot:12A, page:4 or "
                                                    "timecode:01:00:12:05.")) -> None:
    """Comment on ASSET's review (@name mentions notify them)."""
    from studio_kit.platform import reviews

    row = reviews.comment(_ctx(), asset, text, anchor=at)
    where = f" at {row.anchor_kind} {row.anchor}" if row.anchor_kind else ""
    _console().print(f"Comment {row.id} added{where}" + (f"; notified {', '.join(row.mentions)}." if row.mentions else "."))


@review_app.command("approve")
def review_approve(asset: str = typer.Argument(..., help=ASSET_HELP), note: str | None = typer.Option(None, "--note"),
                   version: int | None = typer.Option(None, "--version", help="Only if the review is still at "
                                                         "this version (someone else may have acted).")) -> None:
    """Approve ASSET."""
    from studio_kit.platform import reviews

    item = reviews.approve(_ctx(), asset, note=note, expected_version=version)
    _console().print(f"{item.subject} approved by {item.approved_by} ({item.approved_role}).")


@review_app.command("reject")
def review_reject(asset: str = typer.Argument(..., help=ASSET_HELP),
                  note: str = typer.Option(..., "--note", help="What should change."),
                  version: int | None = typer.Option(None, "--version")) -> None:
    """Send ASSET back with requested changes."""
    from studio_kit.platform import reviews

    item = reviews.request_changes(_ctx(), asset, note, expected_version=version)
    _console().print(f"{item.subject}: changes requested — {item.reason}")


@review_app.command("lock")
def review_lock(asset: str = typer.Argument(..., help=ASSET_HELP)) -> None:
    """Lock an approved ASSET."""
    from studio_kit.platform import reviews

    _console().print(f"{reviews.lock(_ctx(), asset).subject} locked.")


@review_app.command("reopen")
def review_reopen(asset: str = typer.Argument(..., help=ASSET_HELP),
                  reason: str = typer.Option(..., "--reason", help="Why it is reopened (kept on record).")) -> None:
    """Reopen an approved or locked ASSET (back to draft)."""
    from studio_kit.platform import reviews

    _console().print(f"{reviews.reopen(_ctx(), asset, reason).subject} reopened: {reason}")


@review_app.command("queue")
def review_queue(all_: bool = typer.Option(False, "--all", help="Every review, not only the open ones.")) -> None:
    """The review queue: what waits in review or for changes, soonest due first."""
    from studio_kit.platform import reviews

    ctx = _ctx()
    rows = reviews.items(ctx, None if all_ else ("in_review", "changes_requested"))
    _table(f"Reviews of {ctx.scope_name}", ("subject", "state", "reviewers", "due", "requested by", "version"),
           [(i.subject, i.state.replace("_", " "), ", ".join(i.reviewers), i.due_date, i.requested_by, i.version)
            for i in rows])


@review_app.command("show")
def review_show(asset: str = typer.Argument(..., help=ASSET_HELP)) -> None:
    """ASSET's review history and comments."""
    from studio_kit.platform import reviews

    ctx = _ctx()
    events, comments = reviews.history(ctx, asset)
    _table("History", ("when (UTC)", "who", "action", "from → to", "note"),
           [(f"{e.at:%Y-%m-%d %H:%M}", e.actor, e.action, f"{e.from_state} → {e.to_state}", e.note) for e in events])
    _table("Comments", ("when (UTC)", "who", "at", "comment"),
           [(f"{c.at:%Y-%m-%d %H:%M}", c.author, f"{c.anchor_kind} {c.anchor}" if c.anchor_kind else "", c.body)
            for c in comments])


@review_app.command("gate")
def review_gate(name: str = typer.Argument(..., help="breakdown.lock, character.final or schedule.lock."),
                on: bool = typer.Option(True, "--on/--off")) -> None:
    """Switch an approval gate on or off for this project."""
    from studio_kit.platform import permissions

    permissions.set_gate(_ctx(), name, on)
    _console().print(f"Gate {name} {'on' if on else 'off'}.")


# -- milestones --------------------------------------------------------------------------------------

@milestones_app.callback()
def milestones_main(ctx: typer.Context) -> None:
    if ctx.invoked_subcommand is None:
        milestones_list()


@milestones_app.command("list")
def milestones_list() -> None:
    """Milestones in calendar order with status and slippage."""
    from studio_kit.platform import milestones

    ctx = _ctx()
    _table(f"Milestones of {ctx.scope_name}", ("key", "name", "phase", "start", "due", "slip (days)", "status",
                                               "waiting on"),
           [(v.key, v.name, v.phase, v.start, v.due, f"{v.slip_days:+d}" if v.slip_days else "0", v.status,
             ", ".join(v.open_subjects)) for v in milestones.list_milestones(ctx)])


@milestones_app.command("add")
def milestones_add(key: str, name: str = typer.Option(..., "--name"),
                   phase: str = typer.Option(..., "--phase", help="development, prep, shoot, post, delivery, custom."),
                   due: str = typer.Option(..., "--due", help="YYYY-MM-DD."),
                   start: str | None = typer.Option(None, "--start", help="YYYY-MM-DD."),
                   depends: list[str] = typer.Option([], "--depends", help="Milestone it follows (repeat)."),
                   subject: list[str] = typer.Option([], "--subject", help="Review subject or run:TEMPLATE that "
                                                     "completes it (repeat).")) -> None:
    """Add a milestone."""
    from studio_kit.platform import milestones

    row = milestones.add(_ctx(), key, name, phase, due, start=start, depends_on=depends, subjects=subject)
    _console().print(f"Milestone {row.key} due {row.due_date}.")


@milestones_app.command("move")
def milestones_move(key: str, due: str = typer.Option(..., "--due"), start: str | None = typer.Option(None, "--start"),
                    version: int | None = typer.Option(None, "--version")) -> None:
    """Move a milestone; what depends on it slips along."""
    from studio_kit.platform import milestones

    moved = milestones.move(_ctx(), key, due, start=start, expected_version=version)
    _console().print(f"Moved {', '.join(moved)}.")


@milestones_app.command("done")
def milestones_done(key: str, undo: bool = typer.Option(False, "--undo")) -> None:
    """Mark a milestone done (or not, with --undo)."""
    from studio_kit.platform import milestones

    milestones.complete(_ctx(), key, not undo)
    _console().print(f"{key} {'reopened' if undo else 'done'}.")


@milestones_app.command("publish")
def milestones_publish(schedule: str = typer.Argument(..., help="The approved schedule asset.")) -> None:
    """Lock an approved schedule and derive the shoot milestones from it."""
    from studio_kit.platform import milestones

    views = milestones.publish_schedule(_ctx(), schedule)
    _console().print("Shoot milestones: " + "; ".join(f"{v.key} {v.start}–{v.due}" for v in views))


@milestones_app.command("export")
def milestones_export(out: Path = typer.Argument(..., help="calendar.ics or milestones.csv")) -> None:
    """Export the calendar as .ics (calendar apps) or .csv."""
    from studio_kit.platform import milestones

    _console().print(f"Wrote {milestones.export_milestones(_ctx(), out)}")


# -- audit ----------------------------------------------------------------------------------------------

@audit_app.command("verify")
def audit_verify(anchors: Path | None = typer.Option(None, "--anchors", help="Anchor file written by "
                                                        "`studio audit anchor`.")) -> None:
    """Check the organization's audit chain; exit 1 and name the first bad entry when it was tampered with."""
    from studio_kit.platform import audit

    result = audit.verify(_ctx(), anchors=anchors)
    _console().print(("[green]" if result.ok else "[bold red]") + result.summary())
    if not result.ok:
        sys.exit(1)  # (typer.Exit is swallowed by main() under standalone_mode=False)


@audit_app.command("export")
def audit_export(out: Path = typer.Argument(..., help="audit.csv or audit.jsonl"),
                 since: str | None = typer.Option(None, "--since", help="First day (YYYY-MM-DD)."),
                 until: str | None = typer.Option(None, "--until", help="Day after the last (YYYY-MM-DD).")) -> None:
    """Export the audit entries of a period."""
    from studio_kit.platform import audit

    path = audit.export_audit(_ctx(), out, since=since, until=until)
    _console().print(f"Wrote {path}")


@audit_app.command("anchor")
def audit_anchor(file: Path = typer.Argument(..., help="JSON-lines file to append the chain head to.")) -> None:
    """Append the chain head to FILE (run daily; keep FILE outside the database)."""
    from studio_kit.platform import audit

    line = audit.anchor(_ctx(), file)
    _console().print(f"Anchored #{line['seq']} {line['head_hash'][:16]} in {file}")


# -- inbox and webhooks ---------------------------------------------------------------------------------

def inbox(unread: bool = typer.Option(False, "--unread", help="Only unread messages."),
          read_all: bool = typer.Option(False, "--read", help="Mark everything read after showing it.")) -> None:
    """Your notifications: review requests, changes requested, approvals, mentions."""
    from studio_kit.platform import notify

    ctx = _ctx()
    rows = notify.inbox(ctx, unread_only=unread)
    _table(f"Inbox of {ctx.user}", ("", "when (UTC)", "kind", "message", "from"),
           [("•" if m.read_at is None else "", f"{m.at:%Y-%m-%d %H:%M}", m.kind.replace("_", " "), m.title, m.actor)
            for m in rows])
    if read_all:
        _console().print(f"{notify.mark_read(ctx)} marked read.")


@webhooks_app.command("add")
def webhooks_add(url: str, event: list[str] = typer.Option([], "--event", help="review.approved, review.* ... "
                                                            "(repeat; default all)."),
                 secret: str | None = typer.Option(None, "--secret", help="Signing secret (generated if omitted).")
                 ) -> None:
    """Register a webhook; prints its signing secret."""
    from studio_kit.platform import notify

    row = notify.add_webhook(_ctx(), url, events=event, secret=secret)
    _console().print(f"Webhook {row.id} → {row.url} ({', '.join(row.events) or 'all events'}); secret: {row.secret}")


@webhooks_app.command("list")
def webhooks_list() -> None:
    """Active webhooks and their last delivery."""
    from studio_kit.platform import notify

    ctx = _ctx()
    log = notify.deliveries(ctx)
    rows = []
    for h in notify.webhooks(ctx):
        last = [d for d in log if d.webhook_id == h.id][-1:]
        rows.append((h.id, h.url, ", ".join(h.events) or "all",
                     f"{last[0].event} → {last[0].status_code or last[0].error}" if last else ""))
    _table("Webhooks", ("id", "url", "events", "last delivery"), rows)


@webhooks_app.command("remove")
def webhooks_remove(webhook_id: int) -> None:
    """Stop a webhook."""
    from studio_kit.platform import notify

    notify.remove_webhook(_ctx(), webhook_id)
    _console().print(f"Webhook {webhook_id} removed.")
