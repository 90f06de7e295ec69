"""Usage metering: totals per backend from the store's UsageEvents.

Every backend call made through :func:`studio_kit.registry.invoke` inside
``ctx.recording()`` is one UsageEvent; this module adds them up for a project
or a whole organization (the basis of quotas and billing).

Storage is metered too, as **GB-months** of the asset store (billing unit ``storage_gb_month``).
Once per UTC day and project, :func:`sample_storage` records the bytes the project's assets hold
(the ``size`` of each distinct stored file) as one UsageEvent: backend ``storage.assets``, unit
``gb_day``, ``units`` = GB held that day (1 GB = 10^9 bytes), idempotency key
``storage:<project id>:<YYYY-MM-DD>`` — re-sampling a day returns the stored sample and never
counts twice, even from two processes at once. The sample runs when usage is rolled up
(``studio usage``, :func:`studio_kit.platform.billing.issue_invoice`).

As cloud providers bill storage, the GB-months of a billing period are::

    GB-month = average daily GB × days / days-in-month
             = Σ over the sampled days d of the period of  GB(d) / days_in_month(d)

so 30 GB held all of a 30-day month is 30 GB-months, 30 GB held for 10 days of it is 10
GB-months, and a period spanning two months divides each day by its own month's length. A day
with no sample (nobody ran a rollup that day, or the project held nothing) adds nothing: the
meter never guesses storage it did not measure.
"""
from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Protocol

from studio_kit.store.context import ProjectContext
from studio_kit.store.models import Asset, UsageRecord


class HasUsage(Protocol):
    def list_usage(self, limit: int | None = None) -> list[UsageRecord]: ...


@dataclass(frozen=True)
class UsageTotal:
    """What one backend consumed: calls, failed calls, metered units and wall time in seconds."""

    backend: str
    unit: str
    calls: int
    failed: int
    units: float
    seconds: float


def summarize(events: Iterable[UsageRecord], since: datetime | None = None,
              until: datetime | None = None) -> list[UsageTotal]:
    """Totals per (backend, unit), optionally for ``since <= at < until``; sorted by backend."""
    totals: dict[tuple[str, str], list[float]] = {}
    for ev in events:
        if (since and ev.at < since) or (until and ev.at >= until):
            continue
        acc = totals.setdefault((ev.backend, ev.unit), [0, 0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += 0 if ev.ok else 1
        acc[2] += ev.units
        acc[3] += ev.seconds
    return [UsageTotal(backend, unit, int(c), int(f), u, s)
            for (backend, unit), (c, f, u, s) in sorted(totals.items())]


def usage_totals(scope: HasUsage, since: datetime | None = None,
                 until: datetime | None = None) -> list[UsageTotal]:
    """Totals for a ProjectContext (one project) or an OrgContext (every project of the org)."""
    return summarize(scope.list_usage(), since, until)


# -- storage GB-months -----------------------------------------------------------------------------

STORAGE_BACKEND = "storage.assets"
STORAGE_MODALITY = "storage"
STORAGE_UNIT = "gb_day"
BYTES_PER_GB = 10**9


def days_in_month(day: dt.date) -> int:
    return calendar.monthrange(day.year, day.month)[1]


def storage_key(project_id: int, day: dt.date) -> str:
    return f"storage:{project_id}:{day:%Y-%m-%d}"


def project_bytes(org: Any) -> dict[int, int]:
    """Bytes held in the asset store per project of ``org`` now: each distinct stored file once."""
    from sqlmodel import select


    sizes: dict[tuple[int, str], int] = {}
    with org.session() as s:
        for project_id, path, size in s.exec(select(Asset.project_id, Asset.path, Asset.size)).all():
            sizes[(project_id, path)] = max(size, sizes.get((project_id, path), 0))
    out: dict[int, int] = defaultdict(int)
    for (project_id, _), size in sizes.items():
        out[project_id] += size
    return dict(out)


@dataclass(frozen=True)
class StorageSample:
    project_id: int
    day: dt.date
    bytes: int
    created: bool       # False: the day was sampled before and this sample is the stored one


def sample_storage(org: Any, day: dt.date | None = None) -> list[StorageSample]:
    """Record today's (or ``day``'s) storage of every project of ``org`` that holds files, once per day.

    The bytes are measured now; a day already sampled keeps its first sample (idempotent).
    """
    day = day or datetime.now(dt.UTC).date()
    at = datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    slugs = {p.id: p.slug for p in org.projects()}
    out = []
    for project_id, size in sorted(project_bytes(org).items()):
        if size <= 0 or project_id not in slugs:
            continue
        ctx = ProjectContext(org.store, org.org_id, org.org_slug, project_id, slugs[project_id], None)
        row, created = ctx.record_usage_once(storage_key(project_id, day), backend=STORAGE_BACKEND,
                                             units=size / BYTES_PER_GB, unit=STORAGE_UNIT, method="sample",
                                             at=at)
        out.append(StorageSample(project_id, day, round(row.units * BYTES_PER_GB), created))
    return out


def is_storage(e: UsageRecord) -> bool:
    return e.modality == STORAGE_MODALITY and e.unit == STORAGE_UNIT


def gb_months(e: UsageRecord) -> Decimal:
    """The GB-months one daily storage sample adds: its GB / the days of its month."""
    return Decimal(repr(float(e.units))) / days_in_month(e.at.date() if e.at.tzinfo is None
                                                          else e.at.astimezone(dt.UTC).date())


@dataclass(frozen=True)
class StorageUse:
    """A project's storage over a period: days sampled, average GB on those days, GB-months."""

    project_id: int
    days: int
    average_gb: Decimal
    gb_months: Decimal


def storage_use(events: Iterable[UsageRecord], since: datetime | None = None,
                until: datetime | None = None) -> list[StorageUse]:
    """GB-months per project from the daily storage samples among ``events`` (``since <= at < until``)."""
    def utc(value: datetime) -> datetime:
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value

    acc: dict[int, list[Any]] = defaultdict(lambda: [0, Decimal(0), []])
    for e in events:
        if not is_storage(e) or (since and utc(e.at) < utc(since)) or (until and utc(e.at) >= utc(until)):
            continue
        a = acc[e.project_id]
        a[0] += 1
        a[1] += Decimal(repr(float(e.units)))
        a[2].append(e)
    return [StorageUse(pid, n, gb / n, total_gb_months(samples)) for pid, (n, gb, samples) in sorted(acc.items())]


def total_gb_months(samples: Iterable[UsageRecord]) -> Decimal:
    """GB-months of daily storage samples: GB-days summed per month, then divided by the month's days
    (one division per month keeps e.g. 3 × 0.001 GB / 30 exactly 0.0001)."""
    per_month: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    days: dict[tuple[int, int], int] = {}
    for e in samples:
        day = e.at.date() if e.at.tzinfo is None else e.at.astimezone(dt.UTC).date()
        per_month[(day.year, day.month)] += Decimal(repr(float(e.units)))
        days[(day.year, day.month)] = days_in_month(day)
    return sum((gb / days[m] for m, gb in sorted(per_month.items())), Decimal(0))
