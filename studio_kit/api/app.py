"""The FastAPI application: routers under /api/v1, health, readiness, metrics, OpenAPI."""
from __future__ import annotations

import os
import time
from typing import Any

from fastapi import FastAPI, Response
from fastapi.responses import JSONResponse

from studio_kit.api import errors, observability, routes
from studio_kit.platform.jobs import queue_depth, worker_heartbeat_age
from studio_kit.platform.keys import KeyAuthenticator
from studio_kit.store import open_store

API_VERSION = "1.0.0"
WORKER_STALE_S = 60.0


def create_app(store: Any = None, *, authenticator: KeyAuthenticator | None = None) -> FastAPI:
    """The API over ``store`` (default: the configured store)."""
    if store is None:
        store = open_store()
    app = FastAPI(title="studio_kit API", version=API_VERSION,
                  description="The AI film studio's engines over HTTP. Authenticate with "
                              "`Authorization: Bearer sk_live_...` (create keys with `studio keys create`). "
                              "Errors are RFC 9457 problem+json with the fix in `fix`.",
                  generate_unique_id_function=lambda route: route.name)  # operationIds = function names
    app.state.store = store
    app.state.auth = authenticator or KeyAuthenticator(store)
    app.state.metrics = observability.Metrics(store)
    errors.install(app)
    observability.install(app)
    for router in routes.ROUTERS:
        app.include_router(router, prefix="/api/v1")
    app.add_api_websocket_route("/api/v1/jobs/{job_id}/events", routes.job_events)

    @app.get("/healthz", tags=["ops"])
    def healthz() -> dict[str, str]:
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], responses={503: {"description": "A dependency is not ready."}})
    def readyz() -> JSONResponse:
        """Database, asset store and workers: each check with its result; 503 if one fails."""
        from sqlalchemy import text


        checks: dict[str, dict[str, Any]] = {}
        t0 = time.perf_counter()
        try:
            with store.engine.connect() as conn:
                conn.execute(text("select 1"))
            checks["database"] = {"ok": True, "ms": round((time.perf_counter() - t0) * 1000, 2)}
        except Exception as exc:  # any driver error means not ready
            checks["database"] = {"ok": False, "error": type(exc).__name__}
        root = store.asset_root

        checks["asset_store"] = {"ok": root.is_dir() and os.access(root, os.W_OK)}
        try:
            depth = queue_depth(store)
            age = worker_heartbeat_age(store)
            stale = age is not None and age > WORKER_STALE_S
            checks["workers"] = {"ok": not stale, "queued": depth.get("queued", 0), "running": depth.get("running", 0),
                                 "last_heartbeat_s": None if age is None else round(age, 1)}
        except Exception as exc:
            checks["workers"] = {"ok": False, "error": type(exc).__name__}
        ok = all(c["ok"] for c in checks.values())
        return JSONResponse({"status": "ready" if ok else "not ready", "checks": checks},
                            status_code=200 if ok else 503)

    @app.get("/metrics", tags=["ops"], response_class=Response)
    def metrics() -> Response:
        """Prometheus exposition: request latency, job queue depth, backend calls and units by org."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return Response(generate_latest(app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

    return app
