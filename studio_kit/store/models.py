"""SQLModel tables of the project store, one model family per entity.

``XBase`` holds the fields a caller sees; ``X(table=True)`` adds the primary key
and the tenant columns; ``XRecord`` is the detached, read-only copy the store
hands out (so callers never hold a live session). Every table with user data
carries ``org_id`` (and ``project_id`` where it applies): the scoped session in
:mod:`studio_kit.store.session` filters on them.

Times are UTC. Column and constraint names here must match the migrations
(``tests/store/test_migrations.py`` compares them).
"""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Table, UniqueConstraint, inspect
from sqlmodel import Field, SQLModel

from studio_kit.exceptions import StoreError

RUN_STATUSES = ("queued", "running", "succeeded", "failed")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kw)


# -- organizations, users, projects -------------------------------------------

class OrganizationBase(SQLModel):
    slug: str = Field(max_length=64, description="URL-safe name, e.g. 'acme'.")
    name: str = Field(max_length=200)


class Organization(OrganizationBase, table=True):
    __tablename__ = "organization"
    __table_args__ = (UniqueConstraint("slug", name="uq_organization_slug"),)
    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = _when()


class OrgRecord(OrganizationBase):
    id: int
    created_at: datetime


class UserBase(SQLModel):
    name: str = Field(max_length=120, description="Login or display name recorded as created_by.")
    role: str = Field(default="member", max_length=32, description="member or admin.")


class User(UserBase, table=True):
    __tablename__ = "studio_user"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_studio_user_org_id_name"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    created_at: datetime = _when()


class ProjectBase(SQLModel):
    slug: str = Field(max_length=64, description="URL-safe name, unique inside the organization.")
    name: str = Field(max_length=200)


class Project(ProjectBase, table=True):
    __tablename__ = "project"
    __table_args__ = (UniqueConstraint("org_id", "slug", name="uq_project_org_id_slug"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    created_at: datetime = _when()
    created_by: str | None = Field(default=None, max_length=120)


class ProjectRecord(ProjectBase):
    id: int
    org_id: int
    created_at: datetime
    created_by: str | None = None


# -- assets --------------------------------------------------------------------

class AssetBase(SQLModel):
    kind: str = Field(max_length=64, description="What the file is: script, breakdown, image, notebook ...")
    name: str = Field(max_length=255, description="File name inside the project; versions share it.")
    version: int = Field(description="1, 2, 3 ... per (project, kind, name).")
    parent_id: int | None = Field(default=None, description="Asset this one was derived from.")
    sha256: str = Field(max_length=64, description="Hex SHA-256 of the file content.")
    size: int = Field(description="File size in bytes.")
    mime: str | None = Field(default=None, max_length=127)
    path: str = Field(max_length=512, description="File path relative to the asset root.")
    provenance: dict[str, Any] = Field(default_factory=dict, sa_type=JSON,
                                       description="backend, model, seed, params, input_hashes, duration, created_by.")
    meta: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    created_by: str | None = Field(default=None, max_length=120)


class Asset(AssetBase, table=True):
    __tablename__ = "asset"
    __table_args__ = (
        UniqueConstraint("project_id", "kind", "name", "version", name="uq_asset_project_id_kind_name_version"),
        Index("ix_asset_org_id_project_id_kind", "org_id", "project_id", "kind"),
        Index("ix_asset_path", "path"),
    )
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="asset.id", ondelete="SET NULL")
    created_at: datetime = _when()


class AssetRecord(AssetBase):
    """A stored asset, detached from any session. ``path`` is relative to the asset root."""

    id: int
    org_id: int
    project_id: int
    created_at: datetime


# -- runs ------------------------------------------------------------------------

class RunBase(SQLModel):
    template: str = Field(max_length=255, description="Template name, e.g. 'hello_project'.")
    parameters: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    status: str = Field(default="queued", max_length=16, description="queued, running, succeeded or failed.")
    started_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    finished_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True))
    duration_s: float | None = Field(default=None, description="Wall time of the run in seconds.")
    output_asset_id: int | None = Field(default=None, description="Executed notebook asset.")
    error: str | None = Field(default=None)
    error_cell_index: int | None = Field(default=None, description="Index of the cell that raised.")
    created_by: str | None = Field(default=None, max_length=120)
    heartbeat_at: datetime | None = Field(default=None, sa_type=DateTime(timezone=True),
                                             description="Last sign of life from the process running it.")
    owner_pid: int | None = Field(default=None, description="Process id of the process running it.")
    owner_host: str | None = Field(default=None, max_length=255, description="Host name of that process.")


class Run(RunBase, table=True):
    __tablename__ = "run"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    output_asset_id: int | None = Field(default=None, foreign_key="asset.id", ondelete="SET NULL")
    created_at: datetime = _when()


class RunRecord(RunBase):
    id: int
    org_id: int
    project_id: int
    created_at: datetime


# -- audit and usage -----------------------------------------------------------------

class AuditEventBase(SQLModel):
    actor: str = Field(max_length=120)
    action: str = Field(max_length=120, description="Dotted verb, e.g. 'asset.put', 'character.lock'.")
    target: str | None = Field(default=None, max_length=255)
    detail: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)


class AuditEvent(AuditEventBase, table=True):
    __tablename__ = "audit_event"
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id", index=True)
    at: datetime = _when()


class AuditRecord(AuditEventBase):
    id: int
    org_id: int
    project_id: int | None = None
    at: datetime


class UsageEventBase(SQLModel):
    user: str | None = Field(default=None, max_length=120)
    backend: str = Field(max_length=120, description="modality.name, e.g. 'text.procedural'.")
    modality: str = Field(max_length=32)
    method: str = Field(max_length=64)
    model: str | None = Field(default=None, max_length=512)
    units: float = Field(default=0.0, description="Amount metered, in ``unit``.")
    unit: str = Field(default="calls", max_length=32)
    seconds: float = Field(default=0.0, description="Wall time of the backend call in seconds.")
    ok: bool = True
    key: str | None = Field(default=None, max_length=255,
                               description="Idempotency key of usage reported from outside a backend call "
                                           "(one server lifetime, one API report); unique per organization.")


class UsageEvent(UsageEventBase, table=True):
    __tablename__ = "usage_event"
    __table_args__ = (UniqueConstraint("org_id", "key", name="uq_usage_event_org_id_key"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    at: datetime = _when()


class UsageRecord(UsageEventBase):
    id: int
    org_id: int
    project_id: int
    at: datetime


#: this module's tables filtered by ``org_id`` in every scoped session (Organization by its id); the whole list,
#: studio ops' and the platform's tables with these, is ``studio_kit.store.tables.ORG_TABLES``
CORE_ORG_TABLES: tuple[type[SQLModel], ...] = (User, Project, Asset, Run, AuditEvent, UsageEvent)
#: this module's tables additionally filtered by ``project_id`` in a project-scoped session
CORE_PROJECT_TABLES: tuple[type[SQLModel], ...] = (Asset, Run, AuditEvent, UsageEvent)


def table_of(model: type[SQLModel]) -> Table:
    """The Core table of a table model (SQLAlchemy sets ``model.__table__``; SQLModel's types do not declare it)."""
    table: Table = inspect(model).local_table
    return table


def stored_id(row: SQLModel) -> int:
    """The primary key of a row that was read from the database or flushed to it (only unsaved rows lack one)."""
    row_id = getattr(row, "id", None)
    if not isinstance(row_id, int):
        raise StoreError(f"{type(row).__name__} row has no id: it was not saved to the database.",
                         hint="Add the row to a session and commit (or flush) it before using its id.")
    return row_id


def to_record(row: SQLModel, record_cls: type[SQLModel]) -> Any:
    """A detached copy of ``row``; SQLite drops tzinfo, so times come back as UTC-aware."""
    data = {name: getattr(row, name) for name in record_cls.model_fields}
    for key, value in data.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            data[key] = value.replace(tzinfo=UTC)
    return record_cls.model_validate(data)
