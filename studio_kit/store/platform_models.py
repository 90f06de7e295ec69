"""Tables of the enterprise platform (issue 16): API keys and the durable job queue.

* ``api_key`` — one row per key: only its argon2id hash is stored, ``prefix`` (the
  ``sk_live_<8 characters>`` part shown in listings) finds the row, scopes are data;
* ``job`` — the queue entry of one queued :class:`~studio_kit.store.models.Run`
  (the Run row is what users see; the job row is the queue's bookkeeping: attempts,
  back-off, the worker holding it and its heartbeat);
* ``job_event`` — progress events of a job, numbered per job (the WebSocket streams them).

Column and constraint names must match migration 0005.
"""
from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from studio_kit.store.models import utcnow

JOB_STATES = ("queued", "running", "succeeded", "failed")


def _when(**kw: Any) -> Any:
    return Field(default_factory=utcnow, sa_type=DateTime(timezone=True), **kw)


def _maybe_when(**kw: Any) -> Any:
    return Field(default=None, sa_type=DateTime(timezone=True), **kw)


class ApiKey(SQLModel, table=True):
    """An organization's API key; the secret itself is never stored."""

    __tablename__ = "api_key"
    __table_args__ = (UniqueConstraint("prefix", name="uq_api_key_prefix"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    prefix: str = Field(max_length=32, description="sk_live_ plus 8 characters: finds the row, safe to show.")
    secret_hash: str = Field(max_length=255, description="argon2id hash of the whole key.")
    name: str = Field(max_length=120)
    scopes: list[str] = Field(default_factory=list, sa_type=JSON,
                              description="'admin', '<engine>:read', '<engine>:write' or '*:read'/'*:write'.")
    user: str = Field(max_length=120, description="Who the key acts as (created_by of what it makes).")
    created_by: str | None = Field(default=None, max_length=120)
    created_at: dt.datetime = _when()
    expires_at: dt.datetime | None = _maybe_when()
    revoked_at: dt.datetime | None = _maybe_when()
    last_used_at: dt.datetime | None = _maybe_when()
    last_used_ip: str | None = Field(default=None, max_length=64)


class Job(SQLModel, table=True):
    """The queue entry of one Run: claimed by one worker at a time, retried with back-off."""

    __tablename__ = "job"
    __table_args__ = (UniqueConstraint("run_id", name="uq_job_run_id"),
                      Index("ix_job_state_available_at", "state", "available_at"))
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    run_id: int = Field(foreign_key="run.id")
    kind: str = Field(max_length=64, description="Operation: script.generate, template.run ...")
    state: str = Field(default="queued", max_length=16)
    attempts: int = Field(default=0)
    max_attempts: int = Field(default=3)
    available_at: dt.datetime = _when(description="Not claimed before this time (retry back-off).")
    worker: str | None = Field(default=None, max_length=255, description="host:pid of the worker holding it.")
    heartbeat_at: dt.datetime | None = _maybe_when()
    result: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    error: str | None = Field(default=None, sa_type=Text)
    created_at: dt.datetime = _when()
    finished_at: dt.datetime | None = _maybe_when()


class JobEvent(SQLModel, table=True):
    """One progress event of a job (state change, progress fraction, message)."""

    __tablename__ = "job_event"
    __table_args__ = (Index("ix_job_event_job_id_id", "job_id", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    job_id: int = Field(foreign_key="job.id")
    kind: str = Field(max_length=32, description="state, progress or message.")
    data: dict[str, Any] = Field(default_factory=dict, sa_type=JSON)
    at: dt.datetime = _when()


PLATFORM_ORG_TABLES: tuple[type[SQLModel], ...] = (ApiKey, Job, JobEvent)
PLATFORM_PROJECT_TABLES: tuple[type[SQLModel], ...] = (Job, JobEvent)


# -- billing -------------------------------------------------------------------------------------

class RateCard(SQLModel, table=True):
    """One version of an organization's prices: per unit, volume tiers, included allowances, tax."""

    __tablename__ = "rate_card"
    __table_args__ = (UniqueConstraint("org_id", "version", name="uq_rate_card_org_id_version"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    version: int
    currency: str = Field(max_length=3)
    tax_rate: str = Field(default="0", max_length=16, description="Decimal fraction, e.g. '0.2' for 20 %.")
    prices: dict[str, Any] = Field(default_factory=dict, sa_type=JSON,
                                   description="unit -> {included, tiers: [{up_to|null, price}]} (Decimal strings).")
    created_by: str | None = Field(default=None, max_length=120)
    created_at: dt.datetime = _when()


class Invoice(SQLModel, table=True):
    """An issued invoice or credit note: immutable (corrections are new credit notes)."""

    __tablename__ = "invoice"
    __table_args__ = (UniqueConstraint("org_id", "number", name="uq_invoice_org_id_number"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    number: str = Field(max_length=32)
    kind: str = Field(default="invoice", max_length=16, description="invoice or credit_note.")
    corrects_id: int | None = Field(default=None, foreign_key="invoice.id")
    period_start: dt.datetime = Field(sa_type=DateTime(timezone=True))
    period_end: dt.datetime = Field(sa_type=DateTime(timezone=True))
    currency: str = Field(max_length=3)
    rate_card_version: int
    tax_rate: str = Field(max_length=16)
    lines: list[dict[str, Any]] = Field(default_factory=list, sa_type=JSON)
    subtotal_cents: int
    tax_cents: int
    total_cents: int
    note: str | None = Field(default=None, sa_type=Text)
    issued_by: str | None = Field(default=None, max_length=120)
    issued_at: dt.datetime = _when()


PLATFORM_ORG_TABLES = PLATFORM_ORG_TABLES + (RateCard, Invoice)


class Quota(SQLModel, table=True):
    """A limit per organization (project_key 0) or project: units of a billing unit per period, or
    ``concurrent_jobs`` (queued + running)."""

    __tablename__ = "quota"
    __table_args__ = (UniqueConstraint("org_id", "project_key", "unit", name="uq_quota_org_id_project_key_unit"),)
    id: int | None = Field(default=None, primary_key=True)
    org_id: int = Field(foreign_key="organization.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id")
    project_key: int = Field(default=0, description="project_id, or 0 for the whole organization.")
    unit: str = Field(max_length=64)
    limit: str = Field(max_length=32, description="Decimal string.")
    period: str = Field(default="month", max_length=8, description="day or month (UTC); none for concurrent_jobs.")
    updated_by: str | None = Field(default=None, max_length=120)
    updated_at: dt.datetime = _when()


PLATFORM_ORG_TABLES = PLATFORM_ORG_TABLES + (Quota,)
