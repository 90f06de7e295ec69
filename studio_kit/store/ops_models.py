"""Tables of studio operations (issue 15): members and invites, reviews, inbox, webhooks,
milestones, policies and the hash-chained audit log.

Every table carries ``org_id`` (and ``project_id`` where it applies); they join the
scoped-session filters through ``OPS_ORG_TABLES`` / ``OPS_PROJECT_TABLES``, which
:mod:`studio_kit.store.models` adds to its own lists. Column and constraint names
must match migration 0003 (``tests/platform/test_ops_store.py`` compares them).

The audit chain
---------------
Every ``audit_event`` row, whoever writes it (the store's ``asset.put``, an engine's
``ctx.audit(...)``, the platform services), is mirrored into ``audit_entry`` in the
same transaction by the mapper hook at the end of this module. Each entry has a
per-organization sequence number and commits to the previous entry's hash; the
``audit_chain_head`` row (one per org) is locked while an entry is appended, so
concurrent writers queue instead of forking the chain. ``audit_event`` stays as it
was (nothing that reads it changes); the chain is the tamper-evident copy and
``studio audit verify`` also checks each event row against its entry.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Index, Text, UniqueConstraint, event, text
from sqlmodel import Field, SQLModel

from studio_kit.store.models import AuditEvent, table_of, utcnow

GENESIS = "0" * 64  #: prev_hash of an organization's first audit entry


def _when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kw)


def _maybe_when() -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True))


# -- members and invites -------------------------------------------------------------

class ProjectMember(SQLModel, table=True):
    """A user's role on one project."""

    __tablename__ = "project_member"
    __table_args__ = (UniqueConstraint("project_id", "user", name="uq_project_member_project_id_user"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    user: str = Field(max_length=120)
    role: str = Field(max_length=32)
    added_by: str | None = Field(default=None, max_length=120)
    version: int = Field(default=1, description="Optimistic lock: +1 on every change.")
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()


class ProjectInvite(SQLModel, table=True):
    """An invitation to a project with a role; only the SHA-256 of its token is stored."""

    __tablename__ = "project_invite"
    __table_args__ = (UniqueConstraint("token_sha256", name="uq_project_invite_token_sha256"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    token_sha256: str = Field(max_length=64)
    role: str = Field(max_length=32)
    invitee: str | None = Field(default=None, max_length=120, description="Who may accept it (any user if empty).")
    created_by: str = Field(max_length=120)
    created_at: dt.datetime = _when()
    expires_at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    accepted_by: str | None = Field(default=None, max_length=120)
    accepted_at: dt.datetime | None = _maybe_when()
    revoked_at: dt.datetime | None = _maybe_when()


# -- policies --------------------------------------------------------------------------

class OpsPolicy(SQLModel, table=True):
    """Overrides of the shipped permissions.yaml: ``scope`` 'org' (role lists) or 'project' (gates)."""

    __tablename__ = "ops_policy"
    __table_args__ = (UniqueConstraint("org_id", "scope", "project_key", name="uq_ops_policy_org_id_scope_project_key"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    scope: str = Field(max_length=16)
    project_key: int = Field(default=0, description="project_id, or 0 for the organization (unique key).")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    version: int = Field(default=1)
    updated_by: str | None = Field(default=None, max_length=120)
    updated_at: dt.datetime = _when()


# -- reviews ------------------------------------------------------------------------------

class ReviewItem(SQLModel, table=True):
    """One thing under review: a subject such as ``script:draft.fountain@3`` or ``character:mara@2``."""

    __tablename__ = "review_item"
    __table_args__ = (UniqueConstraint("project_id", "subject", name="uq_review_item_project_id_subject"),
                      Index("ix_review_item_project_id_state", "project_id", "state"))
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    subject: str = Field(max_length=255)
    kind: str = Field(max_length=64, description="Asset kind: script, character, schedule, storyboard ...")
    asset_id: int | None = Field(default=None, foreign_key="asset.id", ondelete="SET NULL")
    title: str = Field(default="", max_length=255)
    state: str = Field(default="draft", max_length=32)
    stage: str | None = Field(default=None, max_length=32, description="Named stage approved (casting, final).")
    requested_by: str | None = Field(default=None, max_length=120)
    reviewers: list[str] = Field(default_factory=list, sa_type=JSON)
    due_date: dt.date | None = Field(default=None, sa_type=Date)
    approved_by: str | None = Field(default=None, max_length=120)
    approved_role: str | None = Field(default=None, max_length=32)
    reason: str | None = Field(default=None, sa_type=Text, description="Why it was reopened or sent back.")
    version: int = Field(default=1, description="Optimistic lock: +1 on every change.")
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()


class ReviewEvent(SQLModel, table=True):
    """A state change of a review item (its history)."""

    __tablename__ = "review_event"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item_id: int = Field(foreign_key="review_item.id", index=True)
    actor: str = Field(max_length=120)
    action: str = Field(max_length=32)
    from_state: str = Field(max_length=32)
    to_state: str = Field(max_length=32)
    note: str | None = Field(default=None, sa_type=Text)
    at: dt.datetime = _when()


class ReviewComment(SQLModel, table=True):
    """A comment on a review, optionally anchored to a scene, shot, page or timecode."""

    __tablename__ = "review_comment"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    item_id: int = Field(foreign_key="review_item.id", index=True)
    author: str = Field(max_length=120)
    body: str = Field(sa_type=Text)
    anchor_kind: str | None = Field(default=None, max_length=16)
    anchor: str | None = Field(default=None, max_length=64)
    mentions: list[str] = Field(default_factory=list, sa_type=JSON)
    at: dt.datetime = _when()


# -- notifications ------------------------------------------------------------------------

class InboxMessage(SQLModel, table=True):
    """An in-app notification for one user."""

    __tablename__ = "inbox_message"
    __table_args__ = (Index("ix_inbox_message_org_id_recipient", "org_id", "recipient"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    recipient: str = Field(max_length=120)
    kind: str = Field(max_length=32, description="review_requested, changes_requested, approved, mentioned ...")
    title: str = Field(max_length=255)
    body: str = Field(default="", sa_type=Text)
    subject: str | None = Field(default=None, max_length=255)
    actor: str | None = Field(default=None, max_length=120)
    read_at: dt.datetime | None = _maybe_when()
    at: dt.datetime = _when()


class Webhook(SQLModel, table=True):
    """An outgoing webhook of a project: JSON POSTs signed with HMAC-SHA256 of ``secret``."""

    __tablename__ = "webhook"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    url: str = Field(max_length=1024)
    secret: str = Field(max_length=128)
    events: list[str] = Field(default_factory=list, sa_type=JSON, description="Event names; empty = all.")
    active: bool = True
    created_by: str | None = Field(default=None, max_length=120)
    created_at: dt.datetime = _when()


class WebhookDelivery(SQLModel, table=True):
    """One delivery attempt of one event to one webhook (the delivery log)."""

    __tablename__ = "webhook_delivery"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    webhook_id: int = Field(foreign_key="webhook.id", index=True)
    delivery_id: str = Field(max_length=64, description="Same for every attempt of one event.")
    event: str = Field(max_length=64)
    payload: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    attempt: int = 1
    status_code: int | None = None
    ok: bool = False
    error: str | None = Field(default=None, sa_type=Text)
    duration_ms: float = 0.0
    at: dt.datetime = _when()


# -- milestones ---------------------------------------------------------------------------

class Milestone(SQLModel, table=True):
    """A dated milestone of the production calendar."""

    __tablename__ = "milestone"
    __table_args__ = (UniqueConstraint("project_id", "key", name="uq_milestone_project_id_key"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    key: str = Field(max_length=64)
    name: str = Field(max_length=200)
    phase: str = Field(max_length=32, description="development, prep, shoot, post, delivery or custom.")
    start_date: dt.date | None = Field(default=None, sa_type=Date)
    due_date: dt.date = Field(sa_type=Date)
    baseline_due: dt.date = Field(sa_type=Date, description="The due date first planned (slippage = due - baseline).")
    depends_on: list[str] = Field(default_factory=list, sa_type=JSON)
    subjects: list[str] = Field(default_factory=list, sa_type=JSON, description="Review subjects that complete it.")
    source: str = Field(default="manual", max_length=32)
    done_at: dt.datetime | None = _maybe_when()
    version: int = Field(default=1)
    created_at: dt.datetime = _when()
    updated_at: dt.datetime = _when()


# -- audit chain ---------------------------------------------------------------------------

class AuditEntry(SQLModel, table=True):
    """One link of an organization's audit chain (a copy of an ``audit_event`` row plus hashes)."""

    __tablename__ = "audit_entry"
    __table_args__ = (UniqueConstraint("org_id", "seq", name="uq_audit_entry_org_id_seq"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    seq: int
    event_id: int | None = Field(default=None, description="The audit_event row (no FK: a deletion must show).")
    at: dt.datetime = Field(sa_type=DateTime(timezone=True))
    actor: str = Field(max_length=120)
    action: str = Field(max_length=120)
    target: str | None = Field(default=None, max_length=255)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    before_hash: str | None = Field(default=None, max_length=71)
    after_hash: str | None = Field(default=None, max_length=71)
    prev_hash: str = Field(max_length=64)
    entry_hash: str = Field(max_length=64)


class AuditChainHead(SQLModel, table=True):
    """The newest link of an organization's chain; locked while an entry is appended."""

    __tablename__ = "audit_chain_head"
    org_id: int = Field(foreign_key="organization.id", primary_key=True)
    seq: int = 0
    head_hash: str = Field(default=GENESIS, max_length=64)
    updated_at: dt.datetime = _when()


OPS_ORG_TABLES: tuple[type[SQLModel], ...] = (ProjectMember, ProjectInvite, OpsPolicy, ReviewItem, ReviewEvent,
                                               ReviewComment, InboxMessage, Webhook, WebhookDelivery, Milestone,
                                               AuditEntry, AuditChainHead)
# project-scoped sessions filter these on project_id (org-wide rows such as the chain are read org-scoped)
OPS_PROJECT_TABLES: tuple[type[SQLModel], ...] = (ProjectMember, ProjectInvite, ReviewItem, ReviewEvent,
                                                   ReviewComment, Webhook, WebhookDelivery, Milestone)


# -- chain hashing ---------------------------------------------------------------------------

def canonical_time(value: dt.datetime) -> str:
    """UTC, microseconds, 'Z': the same text whether the database kept the tzinfo or not."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def entry_digest(*, org_id: int, project_id: int | None, seq: int, at: dt.datetime, actor: str, action: str,
                 target: str | None, detail: dict, before_hash: str | None, after_hash: str | None,
                 prev_hash: str) -> str:
    """SHA-256 (hex) of the canonical JSON of an entry's content and the previous entry's hash."""
    body = {"org_id": org_id, "project_id": project_id, "seq": seq, "at": canonical_time(at), "actor": actor,
            "action": action, "target": target, "detail": detail or {}, "before_hash": before_hash,
            "after_hash": after_hash, "prev_hash": prev_hash}
    blob = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _content_hash(detail: dict, key: str) -> str | None:
    value = detail.get(f"{key}_hash")
    if value is None and key == "after" and isinstance(detail.get("sha256"), str):
        value = "sha256:" + detail["sha256"]  # asset.put / asset.meta: the content written
    return str(value)[:71] if value is not None else None


@event.listens_for(AuditEvent, "after_insert")
def _chain_audit_event(_mapper: Any, connection: Any, row: AuditEvent) -> None:
    """Append ``row`` to its organization's chain inside the inserting transaction."""
    dialect = connection.dialect.name
    org_id = row.org_id
    connection.execute(text("INSERT INTO audit_chain_head (org_id, seq, head_hash, updated_at) "
                            "VALUES (:o, 0, :g, :t) ON CONFLICT (org_id) DO NOTHING"),
                       {"o": org_id, "g": GENESIS, "t": utcnow()})
    lock = " FOR UPDATE" if dialect == "postgresql" else ""  # SQLite: this transaction already holds the write lock
    seq, prev = connection.execute(text(f"SELECT seq, head_hash FROM audit_chain_head WHERE org_id = :o{lock}"),
                                   {"o": org_id}).one()
    seq += 1
    detail = json.loads(json.dumps(row.detail or {}, default=str))
    at = row.at or utcnow()
    before, after = _content_hash(detail, "before"), _content_hash(detail, "after")
    digest = entry_digest(org_id=org_id, project_id=row.project_id, seq=seq, at=at, actor=row.actor,
                          action=row.action, target=row.target, detail=detail, before_hash=before,
                          after_hash=after, prev_hash=prev)
    connection.execute(table_of(AuditEntry).insert().values(
        org_id=org_id, project_id=row.project_id, seq=seq, event_id=row.id, at=at, actor=row.actor,
        action=row.action, target=row.target, detail=detail, before_hash=before, after_hash=after,
        prev_hash=prev, entry_hash=digest))
    connection.execute(text("UPDATE audit_chain_head SET seq = :s, head_hash = :h, updated_at = :t "
                            "WHERE org_id = :o"), {"s": seq, "h": digest, "t": utcnow(), "o": org_id})
