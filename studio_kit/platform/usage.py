"""Usage metering: totals per backend from the store's UsageEvents.

Every backend call made through :func:`studio_kit.registry.invoke` inside
``ctx.recording()`` is one UsageEvent; this module adds them up for a project
or a whole organization (the basis of quotas and billing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Protocol

from studio_kit.store.models import UsageRecord


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
