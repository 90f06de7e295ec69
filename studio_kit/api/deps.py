"""Authentication and tenancy for every request: ``Depends(current_org)`` and scope checks."""
from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from fastapi import Depends, Request, WebSocket

from studio_kit.api.errors import NotFound
from studio_kit.exceptions import InputError
from studio_kit.platform.keys import Identity
from studio_kit.store.context import OrgContext
from studio_kit.store.models import Asset, Project


def _key_from(headers: Any) -> str | None:
    auth = headers.get("authorization") or ""
    if auth.lower().startswith("bearer "):
        return auth[7:].strip() or None
    return headers.get("x-api-key") or None


def current_org(request: Request) -> Identity:
    """The organization (and user, scopes) of the request's API key; 401/429 otherwise."""
    ident = request.app.state.auth.authenticate(_key_from(request.headers),
                                                request.client.host if request.client else None)
    request.state.identity = ident
    return ident


def ws_identity(websocket: WebSocket) -> Identity:
    return websocket.app.state.auth.authenticate(_key_from(websocket.headers),
                                                 websocket.client.host if websocket.client else None)


def need(area: str, mode: str = "read") -> Callable[..., Identity]:
    """A dependency: the caller's identity, if its key has ``area:mode`` (403 otherwise)."""
    def check(ident: Identity = Depends(current_org)) -> Identity:
        ident.require(area, mode)
        return ident
    check.__name__ = f"need_{area}_{mode}"
    return check


def store_of(request: Any) -> Any:
    return request.app.state.store


def org_ctx(request: Any, ident: Identity) -> Any:
    return OrgContext(store_of(request), ident.org_id, ident.org_slug)


def project_ctx(request: Any, ident: Identity, project_id: int) -> Any:
    """The project ``project_id`` of the caller's organization, acting as the key's user; 404 otherwise."""
    org = org_ctx(request, ident)
    with org.session() as s:
        row = s.get(Project, int(project_id))
        if row is None or row.org_id != ident.org_id:
            raise NotFound(f"Project {project_id} not found.", hint="List projects with GET /api/v1/projects.")
        slug = row.slug
    return store_of(request).project(ident.org_slug, slug, user=ident.user, create=False, org_checked=True)


def asset_ctx(request: Any, ident: Identity, asset_id: int, kind: str | None = None) -> tuple[Any, Any]:
    """(project context, asset record) of an asset of the caller's organization; 404 otherwise."""
    org = org_ctx(request, ident)
    with org.session() as s:
        row = s.get(Asset, int(asset_id))
        if row is None or row.org_id != ident.org_id or (kind and row.kind != kind):
            what = kind.replace("_", " ") if kind else "Asset"
            raise NotFound(f"{what.capitalize()} {asset_id} not found.",
                           hint="Use an id this organization's listings return.")
        project_id = row.project_id
    ctx = project_ctx(request, ident, project_id)
    return ctx, ctx.get_asset(int(asset_id))


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int | None:
    if not cursor:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = raw.partition(":")
        if kind != "id":
            raise ValueError(raw)
        return int(value)
    except (ValueError, UnicodeDecodeError):
        raise InputError(f"Cursor {cursor[:40]!r} is not one this API issued.",
                         hint="Pass the next_cursor of the previous page unchanged.") from None


def page(items: list[Any], limit: int, key: Callable[[Any], int]) -> dict[str, Any]:
    """``limit + 1`` items fetched → the page and the cursor of the next one (None at the end)."""
    more = len(items) > limit
    items = items[:limit]
    return {"items": items, "next_cursor": encode_cursor(key(items[-1])) if more and items else None}

