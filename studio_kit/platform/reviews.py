"""Review and approval of any asset kind: draft → in review → changes requested → approved → locked.

A review item is keyed by a *subject* ``KIND:NAME@VERSION`` (``script:pilot.fountain@3``,
``character:mara@2``, ``schedule:pilot-schedule.json@1``); pass an asset id, a subject,
or ``KIND:NAME`` for the newest version. Transitions:

================  ===========================================  ==================
operation         from                                          to
================  ===========================================  ==================
request           draft, changes requested                      in review
request_changes   in review                                     changes requested
approve           draft, in review, changes requested           approved
lock              approved                                      locked
reopen            changes requested, approved, locked           draft (reason kept)
================  ===========================================  ==================

Approving, sending back, locking and reopening need the approve permission of the
kind (``approve_permission`` in permissions.yaml: a script needs approve_script ...).
Comments can be anchored to a scene, shot, page or timecode and @mention people.
Every change is audited, notifies the inbox and the project's webhooks, and updates
the milestones that wait on the subject. ``expected_version`` makes a change
conditional on the version the caller saw (optimistic locking: :class:`ConflictError`).

Gates (:func:`require_gate`) let what follows demand an approval: only an approved
script version feeds the breakdown lock, only an approved character version becomes
final, a schedule is locked only after a producer approved it. A project switches a
gate off with :func:`studio_kit.platform.permissions.set_gate`.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from sqlmodel import col, select

from studio_kit.exceptions import ApprovalGateError, StudioError  # noqa: F401 - ApprovalGateError re-exported from its old path
from studio_kit.platform import notify, permissions
from studio_kit.platform._ops import (
    OpsError,
    audit,
    bump,
    check_version,
    lock_rows,
    parse_date,
    row_state,
    write_session,
)
from studio_kit.store.models import Asset, stored_id
from studio_kit.store.ops_models import ReviewComment, ReviewEvent, ReviewItem

STATES = ("draft", "in_review", "changes_requested", "approved", "locked")
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "request": (frozenset({"draft", "changes_requested"}), "in_review"),
    "request_changes": (frozenset({"in_review"}), "changes_requested"),
    "approve": (frozenset({"draft", "in_review", "changes_requested"}), "approved"),
    "lock": (frozenset({"approved"}), "locked"),
    "reopen": (frozenset({"changes_requested", "approved", "locked"}), "draft"),
}
ANCHOR_KINDS = ("scene", "shot", "page", "timecode")
ITEM_FIELDS = ("subject", "state", "stage", "reviewers", "due_date", "approved_by", "reason", "version")
SUBJECT = re.compile(r"^(?P<kind>[A-Za-z0-9_.-]{1,64}):(?P<name>[^@]{1,180})(?:@(?P<version>\d{1,9}))?$")
TIMECODE = re.compile(r"^\d{2}:[0-5]\d:[0-5]\d[:;]\d{2}$")


#: called inside every review transition's transaction, with (session, ctx, item), before it commits
_LISTENERS: list[Callable[[Any, Any, ReviewItem], None]] = []


def on_change(listener: Callable[[Any, Any, ReviewItem], None]) -> None:
    """Call ``listener(session, ctx, item)`` inside every review transition, before it commits, so what depends on a
    review (the milestones that wait on its subject) changes in the same transaction. Registered once per listener.
    ``studio_kit.platform`` registers the milestones' listener when it is imported, so no transition misses it."""
    if listener not in _LISTENERS:
        _LISTENERS.append(listener)


def _label(state: str) -> str:
    return state.replace("_", " ")


# -- subjects ---------------------------------------------------------------------------------

def resolve(ctx: Any, ref: Any) -> tuple[str, str, int | None]:
    """(subject, kind, asset_id) of an asset id, ``KIND:NAME@VERSION`` or ``KIND:NAME`` (newest version)."""
    if isinstance(ref, int) or (isinstance(ref, str) and ref.strip().isdigit()):
        asset = ctx.get_asset(int(ref))
        return f"{asset.kind}:{asset.name}@{asset.version}", asset.kind, asset.id
    m = SUBJECT.match(str(ref).strip()) if isinstance(ref, str) else None
    if m is None:
        raise OpsError(f"{ref!r} is not an asset id or a subject.",
                       hint="Give an asset id (`studio assets`), or KIND:NAME@VERSION such as script:pilot.fountain@2.")
    kind, name, version = m["kind"], m["name"], m["version"]
    asset = None
    if version is None:
        asset = ctx.latest(kind, name)
        if asset is None:
            raise OpsError(f"No {kind} asset named {name!r} in {ctx.scope_name}.",
                           hint="Add @VERSION for a subject that is not a stored asset (e.g. character:mara@2).")
        version = str(asset.version)
    else:
        with ctx.session() as s:
            asset = s.exec(select(Asset).where(Asset.kind == kind, Asset.name == name,
                                               Asset.version == int(version))).first()
    return f"{kind}:{name}@{version}", kind, asset.id if asset else None


def subject_matches(pattern: str, subject: str) -> bool:
    """A milestone's ``script:pilot.fountain`` matches every version; ``…@3`` only that one."""
    return subject == pattern or ("@" not in pattern and subject.startswith(pattern + "@"))


def get(ctx: Any, ref: Any) -> ReviewItem | None:
    subject = resolve(ctx, ref)[0]
    with ctx.session() as s:
        return s.exec(select(ReviewItem).where(ReviewItem.subject == subject)).first()


def items(ctx: Any, states: tuple[str, ...] | None = None, kind: str | None = None) -> list[ReviewItem]:
    """Review items of the project (the review queue with ``states=('in_review', 'changes_requested')``)."""
    with ctx.session() as s:
        stmt = select(ReviewItem).order_by(col(ReviewItem.due_date).is_(None), col(ReviewItem.due_date),
                                         col(ReviewItem.id))
        if states:
            stmt = stmt.where(col(ReviewItem.state).in_(list(states)))
        if kind:
            stmt = stmt.where(ReviewItem.kind == kind)
        return list(s.exec(stmt).all())


def history(ctx: Any, ref: Any) -> tuple[list[ReviewEvent], list[ReviewComment]]:
    item = get(ctx, ref)
    if item is None:
        return [], []
    with ctx.session() as s:
        events = list(s.exec(select(ReviewEvent).where(ReviewEvent.item_id == item.id).order_by(col(ReviewEvent.id))).all())
        comments = list(s.exec(select(ReviewComment).where(ReviewComment.item_id == item.id)
                               .order_by(col(ReviewComment.id))).all())
    return events, comments


# -- transitions ---------------------------------------------------------------------------------

def approve_permission(kind: str, pol: dict[str, Any]) -> str:
    table = pol.get("approve_permission", {})
    return table.get(kind, table.get("default", "approve_asset"))


def _item(s: Any, ctx: Any, subject: str, kind: str, asset_id: int | None, create: bool) -> ReviewItem:
    row = s.exec(lock_rows(select(ReviewItem).where(ReviewItem.subject == subject), s)).first()
    if row is None:
        if not create:
            raise OpsError(f"{subject} has no review yet.", hint=f"Start one: `studio review request {subject}`.")
        row = ReviewItem(org_id=ctx.org_id, project_id=ctx.project_id, subject=subject, kind=kind,
                         asset_id=asset_id, title=subject, requested_by=ctx.user)
        s.add(row)
        s.flush()
    return row


def _transition(ctx: Any, ref: Any, op: str, *, permission: str | None = None, note: str | None = None,
                expected_version: int | None = None, reviewers: list[str] | None = None, due: Any = None,
                stage: str | None = None, by: str | None = None, title: str | None = None) -> ReviewItem:
    subject, kind, asset_id = resolve(ctx, ref)
    pol = permissions.policy(ctx)
    allowed, to_state = TRANSITIONS[op]
    due_date = parse_date(due, "Due date")
    with write_session(ctx) as s:
        role = permissions.require(ctx, permission or approve_permission(kind, pol), s=s, pol=pol)
        item = _item(s, ctx, subject, kind, asset_id, create=op in ("request", "approve"))
        check_version(item, expected_version, f"The review of {subject}")
        if item.state not in allowed:
            ok_from = " or ".join(_label(x) for x in sorted(allowed))
            raise OpsError(f"{subject} is {_label(item.state)}; it can only be {op.replace('_', ' ')}ed from {ok_from}."
                           if op != "request_changes" else
                           f"{subject} is {_label(item.state)}; changes can only be requested while it is in review.",
                           hint="See its history: `studio review show " + subject + "`.")
        before = row_state(item, ITEM_FIELDS)
        from_state = item.state
        item.state = to_state
        if op == "request":
            item.requested_by = ctx.user
            item.reviewers = list(dict.fromkeys(reviewers or item.reviewers or []))
            item.due_date = due_date or item.due_date
            item.title = title or item.title
            item.reason = None
        elif op == "approve":
            item.approved_by, item.approved_role = by or ctx.user, role
            item.stage = stage or item.stage
        elif op == "lock":
            item.stage = stage or item.stage
        elif op in ("reopen", "request_changes"):
            item.reason = note
        bump(item)
        s.add(item)
        s.add(ReviewEvent(org_id=ctx.org_id, project_id=ctx.project_id, item_id=stored_id(item), actor=ctx.user,
                          action=op, from_state=from_state, to_state=to_state, note=note))
        audit(s, ctx, f"review.{op}", f"review:{subject}",
              {"from": from_state, "to": to_state, "note": note, "stage": item.stage, "by": by or ctx.user},
              before=before, after=row_state(item, ITEM_FIELDS))
        _notify(s, ctx, item, op, note)
        for listener in _LISTENERS:   # inside the transition's transaction: milestones waiting on the subject
            listener(s, ctx, item)
        s.commit()
    notify.emit(ctx, f"review.{_EVENT[op]}", {"subject": subject, "kind": kind, "asset_id": asset_id,
                                               "from": from_state, "to": to_state, "by": ctx.user, "note": note,
                                               "version": item.version})
    return item


_EVENT = {"request": "requested", "request_changes": "changes_requested", "approve": "approved", "lock": "locked",
          "reopen": "reopened"}
_INBOX = {"request": "review_requested", "request_changes": "changes_requested", "approve": "approved",
          "lock": "locked", "reopen": "reopened"}


def _notify(s: Any, ctx: Any, item: ReviewItem, op: str, note: str | None) -> None:
    recipients: Iterable[str | None]  # add_messages skips the empty ones (an item nobody requested)
    if op == "request":
        recipients = item.reviewers
        title = f"{ctx.user} asks for your review of {item.subject}"
        if item.due_date:
            title += f" by {item.due_date:%Y-%m-%d}"
    else:
        recipients = [item.requested_by] + ([] if op == "approve" else list(item.reviewers))
        title = f"{item.subject} {_label(item.state)} by {ctx.user}"
    notify.add_messages(s, ctx, recipients, _INBOX[op], title, note or "", item.subject)


def request(ctx: Any, ref: Any, *, reviewers: list[str] | None = None, due: Any = None, note: str | None = None,
            title: str | None = None, expected_version: int | None = None) -> ReviewItem:
    """Send ``ref`` into review (reviewers get an inbox message; ``due`` YYYY-MM-DD)."""
    return _transition(ctx, ref, "request", permission="request_review", reviewers=reviewers, due=due, note=note,
                       title=title, expected_version=expected_version)


def approve(ctx: Any, ref: Any, *, note: str | None = None, stage: str | None = None, by: str | None = None,
            expected_version: int | None = None) -> ReviewItem:
    """Approve ``ref`` (``by`` records who signed off when the acting user records it for them)."""
    return _transition(ctx, ref, "approve", note=note, stage=stage, by=by, expected_version=expected_version)


def request_changes(ctx: Any, ref: Any, note: str, *, expected_version: int | None = None) -> ReviewItem:
    """Send ``ref`` back to its author with what to change (a note is required)."""
    if not (note or "").strip():
        raise OpsError("Say what should change when sending a review back.", hint='Add --note "..."')
    return _transition(ctx, ref, "request_changes", note=note.strip(), expected_version=expected_version)


reject = request_changes


def lock(ctx: Any, ref: Any, *, stage: str | None = None, expected_version: int | None = None) -> ReviewItem:
    """Lock an approved item: it no longer changes without a reopen."""
    return _transition(ctx, ref, "lock", stage=stage, expected_version=expected_version)


def reopen(ctx: Any, ref: Any, reason: str, *, expected_version: int | None = None) -> ReviewItem:
    """Back to draft, with the reason on record (required)."""
    if not (reason or "").strip():
        raise OpsError("Reopening needs a reason.", hint='Add --reason "what changed"')
    return _transition(ctx, ref, "reopen", note=reason.strip(), expected_version=expected_version)


def _anchor(anchor: Any) -> tuple[str | None, str | None]:
    if anchor in (None, ""):
        return None, None
    if isinstance(anchor, str):
        kind, _, value = anchor.partition(":") if ":" in anchor and anchor.split(":", 1)[0] in ANCHOR_KINDS \
            else anchor.partition(" ")
    else:
        kind, value = anchor
    kind, value = str(kind).strip().lower(), str(value).strip()
    if kind not in ANCHOR_KINDS or not value:
        raise OpsError(f"Comment anchor {anchor!r} is not a scene, shot, page or timecode.",
                       hint="Use scene:12, shot:12A, page:4 or timecode:01:02:03:04.")
    if kind == "timecode" and not TIMECODE.match(value):
        raise OpsError(f"Timecode {value!r} is not HH:MM:SS:FF.", hint="e.g. timecode:01:00:12:05 (frames at 24 fps).")
    if kind == "timecode" and int(value[-2:]) >= 24:
        raise OpsError(f"Timecode {value!r} has frame {value[-2:]}; at 24 fps frames run 00-23.",
                       hint="Use a frame number below 24.")
    if kind in ("scene", "shot", "page") and not re.match(r"^[A-Za-z]?\d{1,5}[A-Za-z]{0,3}(-\d+)?$", value):
        raise OpsError(f"{kind.title()} {value!r} is not a {kind} number.", hint=f"e.g. {kind}:12 or {kind}:12A.")
    return kind, value


def comment(ctx: Any, ref: Any, body: str, *, anchor: Any = None) -> ReviewComment:
    """Comment on the review of ``ref`` (created as a draft if needed); @name mentions notify them."""
    if not (body or "").strip():
        raise OpsError("A comment needs text.", hint='Write it after the asset: `studio review comment 12 "text"`.')
    anchor_kind, anchor_value = _anchor(anchor)
    subject, kind, asset_id = resolve(ctx, ref)
    names = notify.mentions(body)
    with write_session(ctx) as s:
        permissions.require(ctx, "comment", s=s)
        item = _item(s, ctx, subject, kind, asset_id, create=True)
        row = ReviewComment(org_id=ctx.org_id, project_id=ctx.project_id, item_id=stored_id(item), author=ctx.user,
                            body=body.strip(), anchor_kind=anchor_kind, anchor=anchor_value, mentions=names)
        s.add(row)
        where = f" at {anchor_kind} {anchor_value}" if anchor_kind else ""
        notify.add_messages(s, ctx, names, "mentioned", f"{ctx.user} mentioned you on {item.subject}{where}",
                            body.strip(), item.subject)
        audit(s, ctx, "review.comment", f"review:{subject}", {"anchor": f"{anchor_kind}:{anchor_value}"
                                                              if anchor_kind else None, "mentions": names})
        s.commit()
    notify.emit(ctx, "review.commented", {"subject": subject, "by": ctx.user, "body": row.body,
                                          "anchor": {"kind": anchor_kind, "value": anchor_value}})
    return row


# -- gates ------------------------------------------------------------------------------------------

def require_gate(ctx: Any, gate: str, ref: Any) -> ReviewItem | None:
    """Refuse what follows unless ``ref`` is approved (or locked) as the project's gate demands.

    Returns the review item (None when the gate is switched off for the project)."""
    pol = permissions.policy(ctx)
    if gate not in pol["gates"]:
        raise OpsError(f"Unknown approval gate {gate!r}.", hint=f"Gates: {', '.join(pol['gates'])}.")
    spec = pol["gates"][gate]
    item = get(ctx, ref)
    if not spec["enabled"]:
        return item
    subject = resolve(ctx, ref)[0]
    if item is None or item.state not in ("approved", "locked"):
        state = _label(item.state) if item else "not in review"
        raise ApprovalGateError(f"{spec['description']}: {subject} is {state}.",
                                hint=f"Approve it first (`studio review approve {subject}`), or switch the gate off "
                                     f"for this project: `studio review gate {gate} --off`.")
    roles = spec.get("approver_roles")
    if roles and item.approved_role not in roles:
        raise ApprovalGateError(f"{spec['description']}: {subject} was approved by {item.approved_by} "
                                f"({item.approved_role}), not by a {' or '.join(roles)}.",
                                hint=f"Ask a {roles[0]} to approve it: `studio review approve {subject}`.")
    return item


def latest_approved(ctx: Any, kind: str, name: str) -> ReviewItem | None:
    """The newest approved (or locked) version of (kind, name) — e.g. the script the breakdown may lock."""
    prefix = f"{kind}:{name}@"
    best = None
    for item in items(ctx, states=("approved", "locked"), kind=kind):
        if item.subject.startswith(prefix):
            if best is None or int(item.subject.rsplit("@", 1)[1]) > int(best.subject.rsplit("@", 1)[1]):
                best = item
    return best
