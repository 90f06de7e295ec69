"""Tenant-scoped sessions: a session bound to one organization (and project).

Reads: every ORM SELECT/UPDATE/DELETE run through a :class:`TenantSession` gets
``with_loader_criteria`` on each tenant table, so rows of another org are never
loaded, listed, updated or deleted, even by a query that forgets to filter.
Writes: ``before_flush`` stamps ``org_id``/``project_id`` on new rows and
refuses any row (new, changed or deleted) that belongs elsewhere.

Unscoped sessions (plain :class:`sqlmodel.Session`) are only used by the store
itself for admin listings and slug lookups.
"""
from __future__ import annotations

import contextlib
from typing import Any, Iterator

from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import with_loader_criteria
from sqlmodel import Session

from studio_kit.exceptions import StoreError, TenantAccessError
from studio_kit.store.models import ORG_TABLES, PROJECT_TABLES, Organization, Project


class TenantSession(Session):
    """A session that only sees rows of ``org_id`` (and ``project_id`` when given)."""

    def __init__(self, bind: Any, org_id: int, project_id: int | None = None, **kw: Any):
        super().__init__(bind=bind, expire_on_commit=False, **kw)
        self.info["org_id"] = org_id
        self.info["project_id"] = project_id


def _criteria(org_id: int, project_id: int | None) -> list[Any]:
    options = [with_loader_criteria(Organization, Organization.id == org_id, include_aliases=True)]
    for table in ORG_TABLES:
        options.append(with_loader_criteria(table, table.org_id == org_id, include_aliases=True))
    if project_id is not None:
        options.append(with_loader_criteria(Project, Project.id == project_id, include_aliases=True))
        for table in PROJECT_TABLES:
            options.append(with_loader_criteria(table, table.project_id == project_id, include_aliases=True))
    return options


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_statement(state: Any) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the parent row was already scoped
    if state.is_select or state.is_update or state.is_delete:
        info = state.session.info
        state.statement = state.statement.options(*_criteria(info["org_id"], info["project_id"]))


def _owner_mismatch(row: Any, org_id: int, project_id: int | None) -> bool:
    if isinstance(row, Organization):
        return row.id is not None and row.id != org_id
    if getattr(row, "org_id", org_id) != org_id:
        return True
    if project_id is not None and isinstance(row, Project):
        return row.id is not None and row.id != project_id
    row_project = getattr(row, "project_id", None)
    return project_id is not None and row_project is not None and row_project != project_id


@event.listens_for(TenantSession, "before_flush")
def _guard_writes(session: Session, flush_context: Any, instances: Any) -> None:
    org_id, project_id = session.info["org_id"], session.info["project_id"]
    for row in session.new:  # stamp the tenant on rows that did not name one
        if isinstance(row, ORG_TABLES) and row.org_id is None:
            row.org_id = org_id
        if project_id is not None and isinstance(row, PROJECT_TABLES) and row.project_id is None:
            row.project_id = project_id
    for row in list(session.new) + list(session.dirty) + list(session.deleted):
        if _owner_mismatch(row, org_id, project_id):
            raise TenantAccessError(
                f"{type(row).__name__} {getattr(row, 'id', None)} is not in this organization/project; "
                "the write was refused.",
                hint="Open the project the row belongs to with store.project(org, project).",
            )


@contextlib.contextmanager
def db_errors(engine: Any) -> Iterator[None]:
    """Turn a database failure (server gone, disk full, lock timeout) into a StoreError."""
    try:
        yield
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        raise StoreError(f"The store at {where} failed: {type(exc).__name__}: {getattr(exc, 'orig', None) or exc}",
                         hint="Check that the database is reachable (STUDIO_DATABASE_URL) and retry.") from exc


def scoped(engine: Any, org_id: int, project_id: int | None = None) -> TenantSession:
    """A new session bound to ``org_id`` (and ``project_id``); use it as a context manager."""
    return TenantSession(engine, org_id, project_id)
