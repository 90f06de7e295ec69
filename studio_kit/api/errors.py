"""Every error leaves the API as RFC 9457 problem+json, mapped once here.

A :class:`StudioError` carries its message as ``detail`` and its fix as ``fix``; the
status comes from its class (``STATUS``). Another organization's ids are 404 — the
same answer as an id that does not exist — never 403 with data.
"""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from studio_kit import exceptions as ex
from studio_kit.platform import keys
from studio_kit.platform.quotas import QuotaExceeded

PROBLEM = "application/problem+json"
BASE = "https://studio-kit.dev/problems/"
log = logging.getLogger("studio_kit.api")


class NotLanded(ex.StudioError):
    """The engine behind an endpoint is not available in this installation (HTTP 501)."""


class NotFound(ex.StudioError):
    """The id names nothing this organization can see (HTTP 404)."""


class Conflict(ex.StudioError):
    """The request conflicts with what is stored (HTTP 409)."""


class TooLarge(ex.StudioError):
    """An upload is over the size limit (HTTP 413)."""


class Unsupported(ex.StudioError):
    """An upload's content is not a media type the endpoint takes (HTTP 415)."""


#: most specific class first
STATUS: tuple[tuple[type[ex.StudioError], int], ...] = (
    (keys.AuthenticationError, 401), (keys.RateLimited, 429), (QuotaExceeded, 429), (keys.ScopeDenied, 403),
    (ex.PermissionDenied, 403), (ex.TenantAccessError, 404), (NotFound, 404), (NotLanded, 501),
    (Conflict, 409), (TooLarge, 413), (Unsupported, 415), (ex.CharacterError, 422), (ex.StudioError, 400),
)


def status_of(exc: ex.StudioError) -> int:
    if isinstance(exc, ex.CharacterError) and "No character named" in exc.message:
        return 404
    if isinstance(exc, ex.StoreError) and "does not exist" in exc.message:
        return 404
    return next(code for cls, code in STATUS if isinstance(exc, cls))


def _slug(name: str) -> str:
    return "".join("-" + c.lower() if c.isupper() else c for c in name).lstrip("-")


def problem(request: Request, status: int, title: str, detail: str, *, type_: str = "about:blank",
            fix: str | None = None, headers: dict[str, str] | None = None, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": type_, "title": title, "status": status, "detail": detail,
                            "instance": request.url.path}
    if fix:
        body["fix"] = fix
    rid = getattr(request.state, "request_id", None)
    if rid:
        body["request_id"] = rid
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def install(app: FastAPI) -> None:
    @app.exception_handler(ex.StudioError)
    async def studio_error(request: Request, exc: ex.StudioError) -> JSONResponse:
        status = status_of(exc)
        headers = {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, keys.RateLimited) else None
        if status == 401:
            headers = {"WWW-Authenticate": 'Bearer realm="studio_kit"'}
        extra = {}
        if isinstance(exc, QuotaExceeded):
            extra = {"quota": {"unit": exc.unit, "limit": exc.limit, "used": exc.used,
                               "resets_at": exc.resets_at.isoformat() if exc.resets_at else None}}
            if exc.resets_at:
                wait = int((exc.resets_at - dt.datetime.now(dt.UTC)).total_seconds()) + 1
                headers = {"Retry-After": str(max(1, wait))}
        return problem(request, status, type(exc).__name__, exc.message, type_=BASE + _slug(type(exc).__name__),
                       fix=exc.hint, headers=headers, **extra)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        where = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(request, 422, "Invalid request", f"The request does not match the schema: {where}.",
                       type_=BASE + "invalid-request", fix="Compare the request with /openapi.json.", errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(request, exc.status_code, str(exc.detail), str(exc.detail),
                       headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def crash(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error", exc_info=exc, extra={"event": "error"})
        return problem(request, 500, "Internal Server Error",
                       "The server failed on this request; it is logged with the request id.",
                       type_=BASE + "internal")
