"""Structured JSON logs with request and job ids, Prometheus metrics, health and readiness.

Logs never carry secrets: the middleware logs the key's *prefix* only, query strings
are dropped (keys are never accepted there anyway) and :class:`RedactingFilter`
masks anything that looks like a key or a bearer token in any record.
"""
from __future__ import annotations

import json
import logging
import re
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily

from studio_kit.platform.jobs import queue_depth
from studio_kit.store.models import Organization, UsageEvent
from studio_kit.store.session import admin_session

KEY_PATTERN = re.compile(r"sk_live_[A-Za-z0-9]{8}_[A-Za-z0-9_\-]+|(?i:bearer)\s+\S+")
log = logging.getLogger("studio_kit.api")


def redact(text: str) -> str:
    return KEY_PATTERN.sub(lambda m: m.group(0)[:16] + "…[redacted]" if m.group(0).startswith("sk_live_")
                           else "Bearer [redacted]", text)


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args) \
                if isinstance(record.args, tuple) else record.args
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and the record's extra fields."""

    FIELDS = ("event", "request_id", "job_id", "method", "path", "status", "duration_ms", "org", "key_prefix",
              "client")

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {"time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created))
                               + f".{int(record.msecs):03d}Z", "level": record.levelname.lower(),
                               "logger": record.name, "message": redact(record.getMessage())}
        for name in self.FIELDS:
            if hasattr(record, name):
                out[name] = getattr(record, name)
        if record.exc_info:
            out["error"] = redact(self.formatException(record.exc_info))
        return json.dumps(out, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the API's and the worker's loggers."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RedactingFilter())
    for name in ("studio_kit.api", "studio_kit.worker"):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(level)
        logger.propagate = False


class _StoreCollector:
    """Scrape-time gauges read from the database: queue depth, usage units by org and backend."""

    def __init__(self, store: Any):
        self.store = store

    def collect(self):
        from sqlalchemy import func
        from sqlmodel import select


        depth = GaugeMetricFamily("studio_jobs", "Jobs by state.", labels=["state"])
        for state, n in sorted(queue_depth(self.store).items()):
            depth.add_metric([state], n)
        yield depth
        calls = GaugeMetricFamily("studio_backend_calls", "Backend calls recorded, by org and backend.",
                                  labels=["org", "backend"])
        units = GaugeMetricFamily("studio_backend_units", "Units metered, by org, backend and unit.",
                                  labels=["org", "backend", "unit"])
        with admin_session(self.store.engine) as s:
            rows = s.exec(select(Organization.slug, UsageEvent.backend, UsageEvent.unit, func.count(),
                                 func.sum(UsageEvent.units)).where(UsageEvent.org_id == Organization.id)
                          .group_by(Organization.slug, UsageEvent.backend, UsageEvent.unit)).all()
        for org, backend, unit, n, total in rows:
            calls.add_metric([org, backend], n)
            units.add_metric([org, backend, unit], float(total or 0))
        yield calls
        yield units


class Metrics:
    def __init__(self, store: Any):
        self.registry = CollectorRegistry()
        self.latency = Histogram("studio_http_request_seconds", "API request latency.",
                                 ["method", "route", "status"], registry=self.registry,
                                 buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
        self.job_seconds = Histogram("studio_job_seconds", "Job durations (finished jobs seen by this process).",
                                     ["kind", "state"], registry=self.registry)
        self.auth_failures = Counter("studio_auth_failures", "Refused API authentications.", ["reason"],
                                     registry=self.registry)
        self.registry.register(_StoreCollector(store))


def install(app: Any) -> None:
    from starlette.middleware.base import BaseHTTPMiddleware

    async def observe(request, call_next):
        rid = request.headers.get("x-request-id") or uuid.uuid4().hex[:16]
        if not re.fullmatch(r"[A-Za-z0-9\-_.]{1,64}", rid):
            rid = uuid.uuid4().hex[:16]
        request.state.request_id = rid
        t0 = time.perf_counter()
        response = await call_next(request)
        elapsed = time.perf_counter() - t0
        effective = (request.scope.get("fastapi") or {}).get("effective_route_context")
        template = getattr(effective, "path", None) or getattr(request.scope.get("route"), "path", "unmatched")
        app.state.metrics.latency.labels(request.method, template, str(response.status_code)).observe(elapsed)
        if response.status_code in (401, 429):
            app.state.metrics.auth_failures.labels(str(response.status_code)).inc()
        ident = getattr(request.state, "identity", None)
        log.info("request", extra={"event": "request", "request_id": rid, "method": request.method,
                                   "path": request.url.path, "status": response.status_code,
                                   "duration_ms": round(elapsed * 1000, 2),
                                   "org": getattr(ident, "org_slug", None), "key_prefix": getattr(ident, "prefix", None),
                                   "client": request.client.host if request.client else None})
        response.headers["X-Request-ID"] = rid
        return response

    app.add_middleware(BaseHTTPMiddleware, dispatch=observe)
