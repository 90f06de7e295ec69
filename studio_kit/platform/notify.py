"""Notifications: an in-app inbox per user and outgoing webhooks per project.

Inbox messages are written in the same transaction as the change they announce.
Webhooks get a JSON POST after the commit, signed so the receiver can trust it::

    X-Studio-Event:      review.approved
    X-Studio-Delivery:   a UUID, the same for every retry of one event
    X-Studio-Timestamp:  Unix seconds
    X-Studio-Signature:  sha256=HEX  (HMAC-SHA256 with the webhook's secret of "TIMESTAMP.BODY")

A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in
constant time and refuses old timestamps (replays). Failed deliveries (network error,
timeout, 408/429/5xx) are retried with exponential back-off; every attempt is a row of
the delivery log (``deliveries``).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable
from typing import Any

from sqlmodel import col, select

from studio_kit.platform import permissions
from studio_kit.platform._ops import OpsError, audit
from studio_kit.store.models import stored_id, utcnow
from studio_kit.store.ops_models import InboxMessage, Webhook, WebhookDelivery

INBOX_KINDS = ("review_requested", "changes_requested", "approved", "locked", "reopened", "mentioned", "commented")
#: seconds to wait before retry 1, 2, 3 ... (doubling); the last failure is logged and given up
BACKOFF_S = (0.5, 1.0, 2.0, 4.0)
TIMEOUT_S = 5.0
RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9][\w.-]{0,119})")

_threads: list[threading.Thread] = []


def mentions(text: str) -> list[str]:
    """'@ana and @ben.k' -> ['ana', 'ben.k'] (no duplicates, in order)."""
    out: list[str] = []
    for name in MENTION.findall(text or ""):
        name = name.rstrip(".")
        if name not in out:
            out.append(name)
    return out


def add_messages(s: Any, ctx: Any, recipients: Iterable[str | None], kind: str, title: str, body: str = "",
                 subject: str | None = None) -> None:
    """Queue inbox messages in the caller's transaction (never to the actor themself)."""
    for user in dict.fromkeys(r for r in recipients if r and r != ctx.user):
        s.add(InboxMessage(org_id=ctx.org_id, project_id=ctx.project_id, recipient=user, kind=kind,
                           title=title[:255], body=body, subject=subject, actor=ctx.user))


def inbox(ctx: Any, user: str | None = None, unread_only: bool = False) -> list[InboxMessage]:
    """A user's messages in this organization, newest first."""
    user = user or ctx.user
    if user != ctx.user:
        permissions.require(ctx, "manage_members")
    with ctx.store.org(ctx.org_slug).session() as s:
        stmt = select(InboxMessage).where(InboxMessage.recipient == user).order_by(col(InboxMessage.id).desc())
        if unread_only:
            stmt = stmt.where(col(InboxMessage.read_at).is_(None))
        return list(s.exec(stmt).all())


def mark_read(ctx: Any, ids: Iterable[int] | None = None) -> int:
    """Mark the acting user's messages read (all unread ones when ``ids`` is None); returns how many."""
    with ctx.store.org(ctx.org_slug).session() as s:
        stmt = select(InboxMessage).where(InboxMessage.recipient == ctx.user, col(InboxMessage.read_at).is_(None))
        if ids is not None:
            stmt = stmt.where(col(InboxMessage.id).in_(list(ids)))
        rows = s.exec(stmt).all()
        for r in rows:
            r.read_at = utcnow()
            s.add(r)
        s.commit()
        return len(rows)


# -- webhooks ----------------------------------------------------------------------------------

def add_webhook(ctx: Any, url: str, events: list[str] | None = None, secret: str | None = None) -> Webhook:
    """Register ``url`` for ``events`` (all when empty); the secret is generated when not given."""
    if not re.match(r"^https?://[^\s/]+", url or ""):
        raise OpsError(f"Webhook URL {url!r} is not an http(s) URL.", hint="e.g. https://hooks.slack.com/services/...")
    permissions.require(ctx, "manage_webhooks")
    with ctx.session() as s:
        row = Webhook(org_id=ctx.org_id, project_id=ctx.project_id, url=url, events=list(events or []),
                      secret=secret or secrets.token_hex(24), created_by=ctx.user)
        s.add(row)
        s.flush()
        audit(s, ctx, "webhook.add", f"webhook:{row.id}", {"url": url, "events": row.events})
        s.commit()
        return row


def remove_webhook(ctx: Any, webhook_id: int) -> None:
    permissions.require(ctx, "manage_webhooks")
    with ctx.session() as s:
        row = s.get(Webhook, webhook_id)
        if row is None or row.project_id != ctx.project_id:
            raise OpsError(f"Webhook {webhook_id} not found in {ctx.scope_name}.", hint="`studio ops webhooks` lists them.")
        row.active = False
        s.add(row)
        audit(s, ctx, "webhook.remove", f"webhook:{row.id}", {"url": row.url})
        s.commit()


def webhooks(ctx: Any) -> list[Webhook]:
    with ctx.session() as s:
        return list(s.exec(select(Webhook).where(col(Webhook.active).is_(True)).order_by(col(Webhook.id))).all())


def deliveries(ctx: Any, webhook_id: int | None = None) -> list[WebhookDelivery]:
    """The delivery log, oldest first."""
    with ctx.session() as s:
        stmt = select(WebhookDelivery).order_by(col(WebhookDelivery.id))
        if webhook_id is not None:
            stmt = stmt.where(WebhookDelivery.webhook_id == webhook_id)
        return list(s.exec(stmt).all())


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def _post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str | None]:
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT_S) as resp:
            return resp.status, None
    except urllib.error.HTTPError as exc:
        return exc.code, f"HTTP {exc.code} {exc.reason}"
    except (urllib.error.URLError, OSError) as exc:
        return None, f"{type(exc).__name__}: {getattr(exc, 'reason', exc)}"


def deliver(ctx: Any, hook: Webhook, event: str, payload: dict[str, Any],
            backoff: tuple[float, ...] = BACKOFF_S) -> list[WebhookDelivery]:
    """POST one event to one webhook, retrying with back-off; every attempt is logged."""
    delivery_id = str(uuid.uuid4())
    envelope = {"event": event, "delivery": delivery_id, "org": ctx.org_slug,
                "project": getattr(ctx, "project_slug", None), "sent_at": utcnow().isoformat(), "data": payload}
    body = json.dumps(envelope, sort_keys=True, default=str).encode("utf-8")
    log = []
    for attempt in range(1, len(backoff) + 2):
        ts = str(int(time.time()))
        headers = {"Content-Type": "application/json", "User-Agent": "studio_kit-webhooks/1",
                   "X-Studio-Event": event, "X-Studio-Delivery": delivery_id, "X-Studio-Timestamp": ts,
                   "X-Studio-Signature": sign(hook.secret, ts, body)}
        start = time.perf_counter()
        status, error = _post(hook.url, body, headers)
        ok = status is not None and 200 <= status < 300
        with ctx.session() as s:
            row = WebhookDelivery(org_id=ctx.org_id, project_id=ctx.project_id, webhook_id=stored_id(hook),
                                  delivery_id=delivery_id, event=event, payload=envelope, attempt=attempt,
                                  status_code=status, ok=ok, error=error,
                                  duration_ms=(time.perf_counter() - start) * 1000.0)
            s.add(row)
            s.commit()
            log.append(row)
        if ok or (status is not None and status not in RETRY_STATUS) or attempt > len(backoff):
            break
        time.sleep(backoff[attempt - 1])
    return log


def emit(ctx: Any, event: str, payload: dict[str, Any], *, wait: bool = False) -> list[threading.Thread]:
    """Send ``event`` to every active webhook of the project that wants it, each in its own thread.

    The threads are not daemons, so a CLI process finishes its deliveries before it exits;
    ``wait=True`` joins them (tests, scripts)."""
    hooks = [h for h in webhooks(ctx) if not h.events or event in h.events or
             any(e.endswith(".*") and event.startswith(e[:-1]) for e in h.events)]
    threads = [threading.Thread(target=deliver, args=(ctx, h, event, payload), name=f"webhook-{h.id}")
               for h in hooks]
    for t in threads:
        t.start()
        _threads.append(t)
    if wait:
        for t in threads:
            t.join()
    return threads


def wait_for_deliveries(timeout: float | None = None) -> None:
    """Join every delivery thread this process started."""
    for t in list(_threads):
        t.join(timeout)
        if not t.is_alive():
            _threads.remove(t)
