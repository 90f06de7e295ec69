"""Quotas: refuse work before it starts when a limit is reached; warn at 80 %.

A quota limits one billing unit (see :data:`studio_kit.platform.billing.BILLING_UNITS`)
per UTC day or calendar month, or ``concurrent_jobs`` (jobs queued or running), for the
whole organization or one project. :func:`check` runs when a job is queued
(:func:`studio_kit.platform.jobs.enqueue`), so the API, the CLI and the dashboards
refuse alike, before any row is written: :class:`QuotaExceeded` says what, the
limit, what is used and when it resets.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlmodel import col, func, select

from studio_kit.exceptions import InputError, StudioError
from studio_kit.platform.billing import billed_quantity
from studio_kit.store.models import UsageEvent, UsageRecord, to_record
from studio_kit.store.platform_models import Job, Quota

WARN_AT = Decimal("0.8")
CONCURRENT = "concurrent_jobs"
#: billing units each job kind meters (a quota on one of them gates the kind)
JOB_UNITS: dict[str, tuple[str, ...]] = {
    "script.generate": ("text_scene", "text_token"),
    "post.voice": ("voice_minute",),
    "post.music": ("music_minute",),
    "production.generate-shot": ("video_second", "image"),
    "marketing.trailer": ("voice_minute", "music_minute", "video_second", "image"),
    "marketing.poster": ("image",),
    "template.run": ("text_scene", "text_token", "image", "voice_minute", "music_minute", "video_second"),
}


class QuotaExceeded(StudioError):
    """A quota would be exceeded (HTTP 429): what, limit, used and when it resets."""

    def __init__(self, message: str, *, unit: str, limit: str, used: str, resets_at: dt.datetime | None,
                 hint: str | None = None):
        self.unit, self.limit, self.used, self.resets_at = unit, limit, used, resets_at
        super().__init__(message, hint=hint)


@dataclass(frozen=True)
class QuotaUse:
    unit: str
    scope: str            # 'org' or the project id
    limit: Decimal
    used: Decimal
    period: str
    resets_at: dt.datetime | None

    @property
    def fraction(self) -> float:
        return float(self.used / self.limit) if self.limit else 1.0


def period_bounds(period: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    if period == "day":
        start = now.replace(hour=0, minute=0, second=0, microsecond=0)
        return start, start + dt.timedelta(days=1)
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = (start + dt.timedelta(days=32)).replace(day=1)
    return start, nxt


def set_quota(org: Any, unit: str, limit: Any, *, period: str = "month", project_id: int | None = None,
              by: str | None = None) -> Quota:
    """Set (or replace) a quota of the organization or one of its projects."""
    if period not in ("day", "month"):
        raise InputError(f"Quota period {period!r} is not day or month.", hint="Use --period day or --period month.")
    try:
        value = Decimal(str(limit))
    except Exception:
        value = Decimal(-1)
    if not value.is_finite() or value < 0:
        raise InputError(f"Quota limit {limit!r} is not a non-negative number.", hint="e.g. 3600 (GPU-seconds).")
    with org.session() as s:
        row = s.exec(select(Quota).where(Quota.project_key == (project_id or 0), Quota.unit == unit)).first()
        row = row or Quota(org_id=org.org_id, project_id=project_id, project_key=project_id or 0, unit=unit, limit="0")
        row.limit, row.period, row.updated_by = str(value), period, by
        row.updated_at = dt.datetime.now(dt.UTC)
        s.add(row)
        s.commit()
        return row


def usage(org: Any, project_id: int | None = None, now: dt.datetime | None = None) -> list[QuotaUse]:
    """Every quota that applies to the organization (and ``project_id``) with what is used now."""
    now = now or dt.datetime.now(dt.UTC)
    out = []
    with org.session() as s:
        quotas = s.exec(select(Quota).where(col(Quota.project_key).in_([0, project_id or 0]))).all()
        for q in quotas:
            scope_where = [UsageEvent.project_id == q.project_id] if q.project_id else []
            if q.unit == CONCURRENT:
                jw = [Job.project_id == q.project_id] if q.project_id else []
                used = Decimal(s.exec(select(func.count()).select_from(Job)
                                      .where(col(Job.state).in_(["queued", "running"]), *jw)).one())
                out.append(QuotaUse(q.unit, str(q.project_id or "org"), Decimal(q.limit), used, "now", None))
                continue
            start, end = period_bounds(q.period, now)
            rows = s.exec(select(UsageEvent).where(UsageEvent.at >= start, UsageEvent.at < end, *scope_where)).all()
            used = Decimal(0)
            for r in rows:
                unit, quantity = billed_quantity(to_record(r, UsageRecord))
                if unit == q.unit:
                    used += quantity
            out.append(QuotaUse(q.unit, str(q.project_id or "org"), Decimal(q.limit), used, q.period, end))
    return out


def check(ctx: Any, kind: str) -> list[str]:
    """Refuse ``kind`` in the project of ``ctx`` if a quota it meters is used up; else the 80 % warnings."""
    units = set(JOB_UNITS.get(kind, ())) | {CONCURRENT}
    warnings = []
    for q in usage(ctx, ctx.project_id):
        if q.unit not in units:
            continue
        where = "the organization" if q.scope == "org" else f"project {q.scope}"
        if q.used >= q.limit:
            resets = f"; it resets at {q.resets_at:%Y-%m-%d %H:%M} UTC" if q.resets_at else \
                " until a running job finishes"
            raise QuotaExceeded(f"Quota of {q.unit} for {where} is used up: {q.used.normalize():f} of "
                                f"{q.limit.normalize():f}{' this ' + q.period if q.resets_at else ''}{resets}.",
                                unit=q.unit, limit=f"{q.limit.normalize():f}", used=f"{q.used.normalize():f}", resets_at=q.resets_at,
                                hint="Wait for the reset, or ask an admin to raise it with `studio usage quota`.")
        if q.fraction >= float(WARN_AT):
            warnings.append(f"{q.unit} for {where}: {q.fraction:.0%} of the quota used "
                            f"({q.used.normalize():f} of {q.limit.normalize():f}).")
    return warnings
