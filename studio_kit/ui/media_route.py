"""The ``/studio-media/`` route: rendered previews (animatics) streamed to the browser, to readers of
their project only.

Previews live in ``<STUDIO_HOME>/previews/<org>/<project>/`` under content-hashed names, so the URL
``studio-media/<org>/<project>/<name>`` says whose preview it is. Every request (range requests
included) must carry a user who may ``view`` that project, decided by the same rule the dashboards
use (:func:`studio_kit.platform.permissions.allows`: a member with ``view`` or an org admin; while
nobody has joined the project, anyone of its organization):

* behind Panel's login (``--basic-auth`` / ``--oauth-provider``) the user is the signed ``user``
  cookie — the very value ``pn.state.user`` reads; no cookie: 401;
* without a login on the server (one person's `studio serve`, or a JupyterHub user's own server
  behind the hub's login) the page's link carries the session user and an HMAC of (user, path)
  keyed by a secret the server holds (:data:`SECRET_ENV`, made by ``media_serve_options``); no
  or a forged signature: 401/403.

A user who is not of the project's organization gets 403, as does one who may not view it.

``panel serve --plugins studio_kit.ui.media_route`` mounts :data:`ROUTES` (under ``--prefix`` too).
"""
from __future__ import annotations

import hashlib
import hmac
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import quote

from tornado import web

from studio_kit.exceptions import StudioError, TenantAccessError
from studio_kit.platform import permissions
from studio_kit.store import open_store
from studio_kit.store.models import Project, User
from studio_kit.store.ops_models import ProjectMember

#: the URL path previews are served under, the variable naming their folder, the variable holding the key
MEDIA_ROUTE = "studio-media"
MEDIA_ENV = "STUDIO_MEDIA_DIR"
SECRET_ENV = "STUDIO_MEDIA_SECRET"
_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")


def signature(user: str, path: str, secret: str | None = None) -> str:
    """HMAC-SHA256 of (user, ``org/project/name``) under the server's media secret."""
    key = (secret or os.environ.get(SECRET_ENV) or "").encode()
    if not key:
        raise web.HTTPError(500, "the media route has no secret: serve with `studio serve`")
    return hmac.new(key, f"{user}\n{path}".encode(), hashlib.sha256).hexdigest()


def media_url(org: str, project: str, name: str, user: str) -> str:
    """The page-relative link of a published preview, signed for ``user``."""
    path = f"{org}/{project}/{name}"
    return f"{MEDIA_ROUTE}/{path}?u={quote(user, safe='')}&s={signature(user, path)}"


def _cookie_user(handler: web.RequestHandler) -> str | None:
    """The user Panel's login stored in the signed ``user`` cookie (what ``pn.state.user`` returns)."""
    from panel.io.state import state

    raw = handler.get_secure_cookie("user")
    if raw is None:
        return None
    if state.encryption is not None:
        raw = state.encryption.decrypt(raw)
    return raw.decode("utf-8")


def server_has_login() -> bool:
    from panel.config import config

    return bool(config.cookie_secret and (config.basic_auth or config.oauth_provider))


def may_view(org: str, project: str, user: str) -> int:
    """HTTP status for ``user`` reading ``org/project``'s previews: 200, 403 (other org / no view), 404."""
    from sqlmodel import select


    try:
        ctx = open_store().project(org, project, user=user, create=False)
    except TenantAccessError:  # a user of another organization (the store's rule)
        return 403
    except StudioError:
        return 404
    with ctx.session() as s:   # scoped to the project's organization
        known = (s.exec(select(User.id).where(User.name == user)).first() is not None
                 or s.exec(select(ProjectMember.id).where(ProjectMember.user == user)).first() is not None
                 or s.exec(select(Project.created_by).where(Project.id == ctx.project_id)).first() == user)
    if not known:              # not of this organization
        return 403
    return 200 if permissions.allows(ctx, "view") else 403


class MediaHandler(web.StaticFileHandler):
    """Static previews (range requests, ETags) behind the per-project read check."""

    async def prepare(self) -> None:
        from tornado.ioloop import IOLoop

        parts = (self.path_args[0] if self.path_args else "").split("/")
        if len(parts) != 3 or not all(_SLUG.fullmatch(p) for p in parts[:2]) or "\\" in parts[2] \
                or parts[2].startswith("."):
            raise web.HTTPError(404)
        org, project, _ = parts
        if server_has_login():
            user = _cookie_user(self)
            if not user:
                raise web.HTTPError(401, "log in first")
        else:
            user = self.get_query_argument("u", "")
            given = self.get_query_argument("s", "")
            if not user or not given:
                raise web.HTTPError(401, "no session: open the preview from its dashboard")
            if not hmac.compare_digest(given, signature(user, "/".join(parts))):
                raise web.HTTPError(403, "the link's signature does not match")
        status = await IOLoop.current().run_in_executor(None, may_view, org, project, user)
        if status != 200:
            raise web.HTTPError(status)

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "private, max-age=3600")


def routes(folder: str | Path | None = None) -> list[tuple[str, Any, dict[str, Any]]]:
    folder = folder or os.environ.get(MEDIA_ENV)
    if not folder:
        return []
    return [(rf"/{MEDIA_ROUTE}/(.*)", MediaHandler, {"path": str(folder)})]


#: what ``panel serve --plugins studio_kit.ui.media_route`` mounts
ROUTES = routes()
