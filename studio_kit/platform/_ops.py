"""Plumbing shared by the studio-ops services: locked write transactions, audit rows with
before/after hashes, optimistic-lock checks and detached records.

Not an API: the services (members, reviews, milestones, notify, audit) are.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from typing import Any, overload

from sqlalchemy import update
from sqlmodel import select

from studio_kit.exceptions import ConflictError, OpsError, StoreError, StudioError  # noqa: F401 - re-exported from the old path
from studio_kit.store.models import AuditEvent, Project, utcnow
from studio_kit.store.ops_models import AuditChainHead


@overload
def as_utc(value: dt.datetime) -> dt.datetime: ...
@overload
def as_utc(value: None) -> None: ...
@overload
def as_utc(value: dt.datetime | None) -> dt.datetime | None: ...
def as_utc(value: dt.datetime | None) -> dt.datetime | None:
    """SQLite hands back naive datetimes: they are UTC."""
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=dt.UTC)
    return value


def state_hash(data: Any) -> str:
    """'sha256:…' of the canonical JSON of a row state (the before/after hash of an audit entry)."""
    blob = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(blob.encode("utf-8")).hexdigest()


def row_state(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {f: (getattr(row, f).isoformat() if isinstance(getattr(row, f), (dt.date, dt.datetime))
                else getattr(row, f)) for f in fields}


@contextlib.contextmanager
def write_session(ctx: Any) -> Iterator[Any]:
    """A scoped session whose transaction holds the write lock before it reads (SQLite: a no-op
    UPDATE first; PostgreSQL: callers lock rows with ``FOR UPDATE``), so a check-then-write is atomic."""
    with ctx.session() as s:
        if s.get_bind().dialect.name == "sqlite":
            # the first statement of the transaction is a write: SQLite takes its write lock now
            # (waiting out busy_timeout), so everything read after it is current
            s.exec(update(AuditChainHead).where(AuditChainHead.org_id == ctx.org_id)
                   .values(seq=AuditChainHead.seq).execution_options(synchronize_session=False))
        yield s


def lock_rows(stmt: Any, s: Any) -> Any:
    """``SELECT … FOR UPDATE`` on PostgreSQL (SQLite is already write-locked by :func:`write_session`)."""
    return stmt.with_for_update() if s.get_bind().dialect.name == "postgresql" else stmt


def check_version(row: Any, expected: int | None, what: str, by: str | None = None) -> None:
    if expected is not None and row.version != expected:
        raise ConflictError(what, expected, row, by)


def bump(row: Any) -> None:
    row.version += 1
    row.updated_at = utcnow()


def audit(s: Any, ctx: Any, action: str, target: str, detail: dict | None = None, *, before: Any = None,
          after: Any = None) -> None:
    """Add an audit event (chained by the store's hook) with hashes of the state before and after."""
    detail = dict(detail or {})
    if before is not None:
        detail["before_hash"] = state_hash(before)
    if after is not None:
        detail["after_hash"] = state_hash(after)
    s.add(AuditEvent(actor=ctx.user, action=action, target=target,
                     detail=json.loads(json.dumps(detail, default=str)),
                     org_id=ctx.org_id, project_id=getattr(ctx, "project_id", None)))


def project_row(s: Any, ctx: Any) -> Project:
    return s.exec(select(Project).where(Project.id == ctx.project_id)).one()


def parse_date(value: Any, what: str) -> dt.date | None:
    """A date from a date, a datetime or 'YYYY-MM-DD' text (None stays None)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise OpsError(f"{what} {value!r} is not a date.", hint="Write dates as YYYY-MM-DD, e.g. 2027-03-01.") from None


def record(row: Any, **extra: Any) -> dict[str, Any]:
    """A detached plain-dict copy of a row (times UTC-aware)."""
    data = {k: getattr(row, k) for k in type(row).model_fields}
    for k, v in data.items():
        if isinstance(v, dt.datetime):
            data[k] = as_utc(v)
        elif isinstance(v, list):
            data[k] = list(v)
    data.update(extra)
    return data
