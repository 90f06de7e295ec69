"""Tenant-scoped sessions: a session bound to one organization (and project).

The wall has two layers.

In the application (SQLite and PostgreSQL), every statement run through a
:class:`TenantSession` is scoped or refused before it reaches the database:

* ORM SELECT/UPDATE/DELETE get ``with_loader_criteria`` on each tenant table, so
  rows of another org are never loaded, listed, updated or deleted, even by a
  query that forgets to filter (subqueries and aliases of ORM entities included);
* Core statements on the tables themselves (``select(Asset.__table__)``,
  ``update(Run.__table__)``, ``delete(...)``) get the same conditions added to
  their WHERE clause; a Core reference the session cannot scope (inside a
  subquery, an alias, a lightweight ``table()``) is refused;
* INSERTs (ORM bulk or Core) must name the session's own org (and project) in
  every row; ``INSERT ... SELECT`` and upserts are refused;
* UPDATEs may not change ``org_id``/``project_id`` (a row never moves tenant);
* textual SQL (``text()``, ``literal_column()`` with SQL in it) and the raw
  connection (``session.connection()``) are refused: they cannot be scoped here;
* ``before_flush`` stamps ``org_id``/``project_id`` on new ORM rows and refuses
  any row (new, changed or deleted) that belongs elsewhere.

In the database (PostgreSQL), migration 0002 puts row-level security on every
tenant table, keyed on ``studio.org_id``, which every transaction of a tenant
session sets with ``set_config(..., true)`` (transaction-local, the ``SET
LOCAL`` form); the store's own cross-org work (slug lookups, admin listings,
file sweeps) runs in an :func:`admin_session` that sets ``studio.all_orgs``.
A connection with neither setting sees no rows. This binds every role that is
not a superuser and has no BYPASSRLS, the tables' owner included (FORCE ROW
LEVEL SECURITY): connect the application through such a role (see
:func:`studio_kit.store.migrate.grant_app_role`) and even raw SQL sent over it
sees one organization. The settings are not secrets: the wall stops queries
that forget to filter, not an attacker who can run arbitrary SQL as the
application role.
"""
from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Iterator
from typing import Any, Protocol, cast

from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import with_loader_criteria
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.elements import BindParameter, ColumnClause, TextClause
from sqlalchemy.sql.schema import Table
from sqlalchemy.sql.selectable import (
    AliasedReturnsRows,
    FromClause,
    Select,
    SelectBase,
    TableClause,
)
from sqlmodel import Session, col

from studio_kit.exceptions import StoreError, TenantAccessError
from studio_kit.store.models import Organization, Project, table_of
from studio_kit.store.tables import ORG_TABLES, PROJECT_TABLES

#: table name -> (org column, project column or None) of every table the wall scopes
_TENANT_COLUMNS: dict[str, tuple[str, str | None]] = {"organization": ("id", None), "project": ("org_id", "id")}
_TENANT_COLUMNS.update({table_of(m).name: ("org_id", "project_id" if m in PROJECT_TABLES else None)
                        for m in ORG_TABLES if m is not Project})
_PLAIN_LITERAL = re.compile(r"^(\*|[A-Za-z_][A-Za-z0-9_]*)$")
_REFUSED_HINT = "Query the ORM entities (select(Asset), update(Run) ...) through the store's contexts."


class TenantSession(Session):
    """A session that only sees rows of ``org_id`` (and ``project_id`` when given)."""

    def __init__(self, bind: Any, org_id: int, project_id: int | None = None, **kw: Any):
        super().__init__(bind=bind, expire_on_commit=False, **kw)
        self.info["org_id"] = org_id
        self.info["project_id"] = project_id

    def connection(self, *args: Any, **kw: Any) -> Any:
        raise TenantAccessError("A scoped session does not hand out its raw connection: "
                                "SQL sent over it could not be scoped to the organization.",
                                hint=_REFUSED_HINT)


class AdminSession(Session):
    """The store's own cross-organization session (slug lookups, admin listings, sweeps)."""

    def __init__(self, bind: Any, **kw: Any):
        kw.setdefault("expire_on_commit", False)
        super().__init__(bind=bind, **kw)


def admin_session(engine: Any) -> AdminSession:
    """An unscoped session that PostgreSQL's row-level security lets see every organization."""
    return AdminSession(engine)


def _set_tenant(connection: Any, org_id: int | None, all_orgs: bool) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("select set_config('studio.org_id', :org, true), "
                                "set_config('studio.all_orgs', :all, true)"),
                           {"org": "" if org_id is None else str(int(org_id)), "all": "on" if all_orgs else "off"})


@event.listens_for(TenantSession, "after_begin")
def _begin_tenant(session: Session, transaction: Any, connection: Any) -> None:
    _set_tenant(connection, session.info["org_id"], all_orgs=False)


@event.listens_for(AdminSession, "after_begin")
def _begin_admin(session: Session, transaction: Any, connection: Any) -> None:
    _set_tenant(connection, None, all_orgs=True)


@contextlib.contextmanager
def tenant_connection(engine: Any, org_id: int) -> Iterator[Any]:
    """A raw connection, in one transaction, that PostgreSQL's row-level security holds to ``org_id``.

    Only PostgreSQL can wall raw SQL; on SQLite this is refused (use a scoped session).
    """
    if engine.dialect.name != "postgresql":
        raise TenantAccessError("Raw SQL cannot be scoped to an organization on SQLite (it has no "
                                "row-level security).", hint=_REFUSED_HINT)
    with engine.begin() as conn:
        _set_tenant(conn, org_id, all_orgs=False)
        yield conn


@functools.lru_cache(maxsize=1024)
def _criteria(org_id: int, project_id: int | None) -> tuple[Any, ...]:
    """The loader-criteria options of one tenant, built once: building them costs milliseconds per
    statement with the store's ~20 tables (benchmarks/bench_store_wall.py); the options are immutable."""
    options = [with_loader_criteria(Organization, col(Organization.id) == org_id, include_aliases=True)]
    for table in ORG_TABLES:  # the tenant columns by name: ORG_TABLES is typed as plain SQLModel classes
        org_column, _ = _TENANT_COLUMNS[table_of(table).name]
        options.append(with_loader_criteria(table, getattr(table, org_column) == org_id, include_aliases=True))
    if project_id is not None:
        options.append(with_loader_criteria(Project, col(Project.id) == project_id, include_aliases=True))
        for table in PROJECT_TABLES:
            _, project_column = _TENANT_COLUMNS[table_of(table).name]
            assert project_column is not None, f"{table_of(table).name} is in PROJECT_TABLES without a project column"
            options.append(with_loader_criteria(table, getattr(table, project_column) == project_id,
                                                include_aliases=True))
    return tuple(options)


def _refuse(what: str) -> TenantAccessError:
    return TenantAccessError(f"A scoped session cannot scope {what}; the statement was refused.",
                             hint=_REFUSED_HINT)


def _is_orm(elem: Any) -> bool:
    return "parententity" in (getattr(elem, "_annotations", None) or {})


def _core_tables(stmt: Any) -> set[Table]:
    """Tenant tables the statement names directly (not through an ORM entity), at its top level.

    Raises for what cannot be scoped: text, literal SQL, lightweight ``table()``
    constructs and Core references to tenant tables nested in subqueries or aliases.
    """
    found: set[Table] = set()

    def walk(elem: Any, nested: bool) -> None:
        if _is_orm(elem):
            return  # an ORM entity or attribute: with_loader_criteria scopes it, aliases and subqueries included
        if isinstance(elem, TextClause):
            raise _refuse("textual SQL (text())")
        if isinstance(elem, ColumnClause) and elem.is_literal and not _PLAIN_LITERAL.match(elem.name):
            raise _refuse(f"literal SQL ({elem.name!r})")
        if isinstance(elem, ColumnClause) and isinstance(getattr(elem, "table", None), FromClause):
            walk(elem.table, nested)  # a Core column names its table, even where the FROM list does not
        if isinstance(elem, TableClause) and elem.name in _TENANT_COLUMNS:
            if not isinstance(elem, Table):
                raise _refuse(f"a lightweight table() named {elem.name!r}")
            if nested:
                raise _refuse(f"the table {elem.name!r} inside a subquery or alias")
            found.add(elem)
        inner = nested or (elem is not stmt and isinstance(elem, (SelectBase, AliasedReturnsRows)))
        if isinstance(elem, Select):
            # the explicit parts only: get_children() also lists the FROMs a select derives from its
            # columns, stripped of the ORM annotations that tell an entity from a bare table
            children = [*elem._raw_columns, *elem._from_obj, *elem._where_criteria,
                        *elem._having_criteria, *elem._order_by_clauses, *elem._group_by_clauses,
                        *(j[0] for j in elem._setup_joins), *(j[1] for j in elem._setup_joins
                                                             if j[1] is not None)]
        else:
            children = list(elem.get_children())
        for child in children:
            walk(child, inner)

    walk(stmt, False)
    return found


def _where(table: Table, org_id: int, project_id: int | None) -> list[Any]:
    org_col, project_col = _TENANT_COLUMNS[table.name]
    conditions = [table.c[org_col] == org_id]
    if project_id is not None and project_col is not None:
        conditions.append(table.c[project_col] == project_id)
    return conditions


def _value(raw: Any, column: str) -> Any:
    if isinstance(raw, BindParameter):
        return raw.value
    if isinstance(raw, ClauseElement):
        raise _refuse(f"a SQL expression as the value of {column}")
    return raw


def _named(row: dict) -> dict[str, Any]:
    return {(getattr(k, "key", None) or getattr(k, "name", None) or str(k)): v for k, v in row.items()}


def _rows(stmt: Any, parameters: Any) -> list[dict[str, Any]]:
    # Insert/Update keep their VALUES in _values/_multi_values: SQLAlchemy has no public accessor
    rows = [_named(dict(stmt._values))] if stmt._values else []
    for multi in stmt._multi_values:
        rows.extend(_named(dict(r)) for r in multi)
    params = parameters if isinstance(parameters, list) else [parameters] if parameters else []
    if rows and params:
        rows = [{**r, **_named(p)} for r in rows for p in params]
    elif params:
        rows = [_named(p) for p in params]
    return rows


def _check_insert(stmt: Any, parameters: Any, org_id: int, project_id: int | None) -> None:
    name = stmt.table.name
    if name not in _TENANT_COLUMNS:
        return
    if name == "organization":
        raise _refuse("creating an organization (that is the store's own work)")
    if stmt.select is not None or getattr(stmt, "_post_values_clause", None) is not None:
        raise _refuse("INSERT ... SELECT or an upsert")
    org_col, project_col = _TENANT_COLUMNS[name]
    rows = _rows(stmt, parameters)
    if not rows:
        raise _refuse(f"an INSERT into {name} without values")
    for row in rows:
        if _value(row.get(org_col), org_col) != org_id:
            raise TenantAccessError(f"INSERT into {name} names org_id {row.get(org_col)!r}, not this "
                                    f"organization ({org_id}); the write was refused.",
                                    hint="Insert rows for this organization only (name its org_id).")
        if project_id is not None and project_col is not None and project_col in row:
            value = _value(row[project_col], project_col)
            if value is not None and value != project_id:
                raise TenantAccessError(f"INSERT into {name} names project_id {value!r}, not this project "
                                        f"({project_id}); the write was refused.",
                                        hint="Open the other project with store.project(org, project).")


def _check_update(stmt: Any, parameters: Any) -> None:
    name = stmt.table.name
    if name not in _TENANT_COLUMNS:
        return
    keys = set(_named(dict(stmt._values or {})))
    keys |= set(_named(dict(getattr(stmt, "_ordered_values", None) or ())))
    for p in parameters if isinstance(parameters, list) else [parameters] if parameters else []:
        keys |= set(_named(p))
    moved = keys & {"org_id", "project_id"} if name != "organization" else keys & {"id"}
    if moved:
        raise TenantAccessError(f"UPDATE of {name} sets {', '.join(sorted(moved))}: rows never move to "
                                "another organization or project; the write was refused.",
                                hint="Copy the data into the other project with its own context instead.")


@event.listens_for(TenantSession, "do_orm_execute")
def _scope_statement(state: Any) -> None:
    if state.is_column_load or state.is_relationship_load:
        return  # the parent row was already scoped
    info = state.session.info
    org_id, project_id = info["org_id"], info["project_id"]
    stmt = state.statement
    if not hasattr(stmt, "get_children") or isinstance(stmt, TextClause):
        raise _refuse("textual SQL (text())")
    core = _core_tables(stmt)
    if state.is_insert:
        _check_insert(stmt, state.parameters, org_id, project_id)
        return
    if not (state.is_select or state.is_update or state.is_delete):
        raise _refuse(f"a {type(stmt).__name__} statement")
    if state.is_update:
        _check_update(stmt, state.parameters)
    for table in sorted(core, key=lambda t: t.name):
        stmt = stmt.where(*_where(table, org_id, project_id))
    state.statement = stmt.options(*_criteria(org_id, project_id))


class _OrgRow(Protocol):
    """A row of one of ORG_TABLES (typed as plain SQLModel classes): it has the organization column."""
    org_id: int | None


class _ProjectRow(Protocol):
    """A row of one of PROJECT_TABLES: it has the project column."""
    project_id: int | None


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
        if isinstance(row, ORG_TABLES) and cast(_OrgRow, row).org_id is None:
            cast(_OrgRow, row).org_id = org_id
        if project_id is not None and isinstance(row, PROJECT_TABLES) and cast(_ProjectRow, row).project_id is None:
            cast(_ProjectRow, row).project_id = project_id
    for row in list(session.new) + list(session.dirty) + list(session.deleted):
        if _owner_mismatch(row, org_id, project_id):
            raise TenantAccessError(
                f"{type(row).__name__} {getattr(row, 'id', None)} is not in this organization/project; "
                "the write was refused.",
                hint="Open the project the row belongs to with store.project(org, project).",
            )


@event.listens_for(TenantSession, "before_flush")
@event.listens_for(AdminSession, "before_flush")
def _refuse_nul_bytes(session: Session, flush_context: Any, instances: Any) -> None:
    """PostgreSQL cannot store NUL in text; SQLite could, so both refuse it the same way, up front."""
    for row in list(session.new) + list(session.dirty):
        for name, value in vars(row).items():
            if isinstance(value, str) and "\x00" in value:
                raise StoreError(f"{type(row).__name__}.{name} contains a NUL byte: {value[:60]!r}.",
                                 hint="Remove the NUL (\\x00) characters; text fields cannot hold them.")


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
