"""API keys: shown once, stored as an argon2id hash, found by prefix, scoped, expiring, revocable.

A key reads ``sk_live_AbCd1234_<43 characters>``. ``sk_live_AbCd1234`` is its *prefix*:
unique, stored in clear, shown in listings and logs so a key can be named without
revealing it. The whole key is hashed with argon2id (argon2-cffi); only the hash is kept.

Scopes are data: ``admin`` (everything, including keys, usage reports and new
organizations), ``<area>:read`` / ``<area>:write`` for one API area (``SCOPE_AREAS``),
``*:read`` / ``*:write`` for all areas. ``write`` implies ``read``.

Failed authentication is rate-limited per key prefix and per client address
(:class:`FailureLimiter`): after ``limit`` failures in ``window_s`` seconds further
attempts are refused (HTTP 429, "locked until T") until the window ends, even with the
right key. The counters are rows of the store, shared by every API process and host.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import col, select

from studio_kit.exceptions import InputError, StudioError
from studio_kit.platform._ops import as_utc
from studio_kit.store.auth_models import AuthFailure
from studio_kit.store.models import Organization, stored_id, table_of
from studio_kit.store.platform_models import ApiKey
from studio_kit.store.session import admin_session, db_errors

KEY_PREFIX = "sk_live_"
#: the API's areas; each has a read and a write scope
SCOPE_AREAS = ("projects", "characters", "scripts", "production", "post", "marketing", "jobs", "usage", "assets")
LAST_USED_EVERY_S = 60.0  #: last-used time/IP is written at most this often per key (unless the IP changes)


class AuthenticationError(StudioError):
    """An API request carried no key, an unknown, wrong, expired or revoked one (HTTP 401)."""


class RateLimited(StudioError):
    """Too many failed authentications from one address or for one key prefix (HTTP 429)."""

    def __init__(self, message: str, *, retry_after_s: int, hint: str | None = None):
        self.retry_after_s = retry_after_s
        super().__init__(message, hint=hint)


class ScopeDenied(StudioError):
    """The key is valid but lacks the scope the request needs (HTTP 403)."""


@dataclass(frozen=True)
class KeyInfo:
    """What a listing shows of a key (never the key or its hash)."""

    prefix: str
    name: str
    org: str
    user: str
    scopes: tuple[str, ...]
    created_at: dt.datetime
    expires_at: dt.datetime | None
    revoked_at: dt.datetime | None
    last_used_at: dt.datetime | None
    last_used_ip: str | None

    @property
    def status(self) -> str:
        if self.revoked_at:
            return "revoked"
        if self.expires_at and self.expires_at <= dt.datetime.now(dt.UTC):
            return "expired"
        return "active"


@dataclass(frozen=True)
class Identity:
    """Who an authenticated request acts as."""

    org_id: int
    org_slug: str
    user: str
    prefix: str
    scopes: frozenset[str]

    def allows(self, area: str, mode: str = "read") -> bool:
        return scope_allows(self.scopes, area, mode)

    def require(self, area: str, mode: str = "read") -> None:
        if not self.allows(area, mode):
            need = "admin" if area == "admin" else f"{area}:{mode}"
            raise ScopeDenied(f"API key {self.prefix} lacks the scope '{need}' this request needs "
                              f"(it has: {', '.join(sorted(self.scopes)) or 'none'}).",
                              hint=f"Create a key with `studio keys create NAME --scope {need}`.")


def check_scopes(scopes: Iterable[str]) -> tuple[str, ...]:
    """The scopes, validated; an unknown one raises InputError naming the valid ones."""
    out = []
    for scope in scopes:
        scope = str(scope).strip()
        area, _, mode = scope.partition(":")
        if scope == "admin" or (mode in ("read", "write") and (area == "*" or area in SCOPE_AREAS)):
            out.append(scope)
            continue
        raise InputError(f"Unknown API key scope {scope!r}.",
                         hint="Use 'admin', '*:read', '*:write' or AREA:read / AREA:write with AREA one of "
                              + ", ".join(SCOPE_AREAS) + ".")
    if not out:
        raise InputError("An API key needs at least one scope.", hint="Give e.g. --scope '*:read'.")
    return tuple(dict.fromkeys(out))


def scope_allows(scopes: Iterable[str], area: str, mode: str = "read") -> bool:
    scopes = set(scopes)
    if "admin" in scopes:
        return True
    if area == "admin":
        return False
    modes = ("read", "write") if mode == "read" else ("write",)
    return any(f"{a}:{m}" in scopes for a in (area, "*") for m in modes)


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile


def _info(row: ApiKey, org_slug: str) -> KeyInfo:
    return KeyInfo(row.prefix, row.name, org_slug, row.user, tuple(row.scopes or ()), as_utc(row.created_at),
                   as_utc(row.expires_at), as_utc(row.revoked_at), as_utc(row.last_used_at), row.last_used_ip)


def _org(s: Any, org_slug: str) -> Organization:
    row = s.exec(select(Organization).where(Organization.slug == org_slug)).first()
    if row is None:
        raise InputError(f"Organization '{org_slug}' does not exist.",
                         hint=f"Create it with `studio init --org {org_slug}`.")
    return row


def create_key(store: Any, org_slug: str, name: str, scopes: Iterable[str], *, user: str,
               expires_in_days: float | None = None, created_by: str | None = None) -> tuple[str, KeyInfo]:
    """Create a key; returns ``(key, info)``. The key is shown only here: store it now."""
    scopes = check_scopes(scopes)
    if not name or len(name) > 120 or "\x00" in name:
        raise InputError(f"API key name {name[:40]!r} is not valid.", hint="Give a name of 1-120 characters.")
    if expires_in_days is not None and expires_in_days <= 0:
        raise InputError(f"Expiry of {expires_in_days} days is not in the future.",
                         hint="Give a positive number of days, or no expiry.")
    prefix = KEY_PREFIX + secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")[:8]
    key = f"{prefix}_{secrets.token_urlsafe(32)}"
    now = dt.datetime.now(dt.UTC)
    expires = now + dt.timedelta(days=expires_in_days) if expires_in_days else None
    with db_errors(store.engine), admin_session(store.engine) as s:
        org = _org(s, org_slug)
        row = ApiKey(org_id=stored_id(org), prefix=prefix, secret_hash=_hasher().hash(key), name=name, scopes=list(scopes),
                     user=user, created_by=created_by or user, created_at=now, expires_at=expires)
        s.add(row)
        s.commit()
        store.org(org_slug).audit("apikey.create", f"apikey:{prefix}", {"name": name, "scopes": list(scopes)},
                                  actor=created_by or user)
        return key, _info(row, org.slug)


def list_keys(store: Any, org_slug: str) -> list[KeyInfo]:
    """The organization's keys, newest first (revoked and expired ones included, marked by status)."""
    with db_errors(store.engine), admin_session(store.engine) as s:
        org = _org(s, org_slug)
        rows = s.exec(select(ApiKey).where(ApiKey.org_id == org.id).order_by(col(ApiKey.id).desc())).all()
        return [_info(r, org.slug) for r in rows]


def revoke_key(store: Any, org_slug: str, prefix: str, *, by: str | None = None) -> KeyInfo:
    """Revoke a key by its prefix; it is refused from the next request on."""
    with db_errors(store.engine), admin_session(store.engine) as s:
        org = _org(s, org_slug)
        row = s.exec(select(ApiKey).where(ApiKey.org_id == org.id, ApiKey.prefix == prefix)).first()
        if row is None:
            raise InputError(f"No API key {prefix!r} in organization '{org_slug}'.",
                             hint="List the keys with `studio keys list`.")
        if row.revoked_at is None:
            row.revoked_at = dt.datetime.now(dt.UTC)
            s.add(row)
            s.commit()
            store.org(org_slug).audit("apikey.revoke", f"apikey:{prefix}", {}, actor=by)
        return _info(row, org.slug)


def prefix_of(key: str) -> str | None:
    """The lookup prefix of a presented key, or None if it does not look like one."""
    if not isinstance(key, str) or not key.startswith(KEY_PREFIX):
        return None
    prefix = key[: len(KEY_PREFIX) + 8]
    return prefix if len(key) > len(prefix) + 1 and key[len(prefix)] == "_" else None


@dataclass
class FailureLimiter:
    """Failed authentications per key prefix and per client address, shared by every API process.

    The counters live in the store (table ``auth_failure``, :mod:`studio_kit.store.auth_models`),
    so ``studio api --workers 4`` or several API hosts give an attacker one budget, not one per
    process. A failure is one atomic upsert (``INSERT ... ON CONFLICT DO UPDATE``, on SQLite and
    PostgreSQL): it starts a window of ``window_s`` seconds at the first failure and counts up
    inside it. Once a name has ``limit`` failures in its window every attempt naming it — the
    right key included — is refused (HTTP 429, "locked until T") until the window ends; then the
    count starts again from zero. Ended windows are deleted now and then (:meth:`purge`).

    Requests that pass the check at the same moment can each still fail once, so a burst of
    ``c`` concurrent requests may spend up to ``c - 1`` attempts over the limit — never more.

    One address may fail more often than one prefix (several people behind one NAT mistype
    keys); both default from ``STUDIO_API_AUTH_FAILURES_PER_KEY`` / ``..._PER_ADDRESS``.
    ``clock`` gives epoch seconds: every API host must keep its clock in time (NTP)."""

    store: Any = None  # bound by KeyAuthenticator when not given
    limit: int = int(os.environ.get("STUDIO_API_AUTH_FAILURES_PER_KEY", "10"))
    window_s: float = 60.0
    ip_limit: int | None = int(os.environ.get("STUDIO_API_AUTH_FAILURES_PER_ADDRESS", "30"))
    clock: Any = time.time
    purge_every: int = 200  #: delete ended windows after this many failures recorded by this process
    _since_purge: int = field(default=0, repr=False)

    def bind(self, store: Any) -> FailureLimiter:
        if self.store is None:
            self.store = store
        return self

    def _limit_of(self, kind: str) -> int:
        return self.ip_limit if kind == "ip" and self.ip_limit is not None else self.limit

    @staticmethod
    def _key(name: str) -> tuple[str, str]:
        """(SHA-256 of the name, its kind) — the row's primary key and which limit applies."""
        return hashlib.sha256(name.encode("utf-8")).hexdigest(), "ip" if name.startswith("ip:") else "key"

    def _engine(self) -> Any:
        if self.store is None:
            raise StudioError("This FailureLimiter has no store to keep its counters in.",
                              hint="Pass FailureLimiter(store=...) or give it to KeyAuthenticator(store, limiter).")
        return self.store.engine

    def check(self, *names: str | None) -> None:
        """Raise :class:`RateLimited` when any of ``names`` is locked (its window holds ``limit`` failures)."""
        given = [n for n in names if n]
        if not given:
            return
        now = self.clock()
        by_hash = {self._key(n)[0]: n for n in given}
        engine = self._engine()
        table = table_of(AuthFailure)
        with db_errors(engine), engine.connect() as conn:
            rows = conn.execute(select(table.c.name_hash, table.c.kind, table.c.count, table.c.window_start)
                                .where(table.c.name_hash.in_(list(by_hash)),
                                       table.c.window_start > now - self.window_s)).all()
        for name_hash, kind, count, start in sorted(rows, key=lambda r: by_hash[r.name_hash]):
            if count >= self._limit_of(kind):
                name = by_hash[name_hash]
                until = start + self.window_s
                wait = max(1, math.ceil(until - now))
                what = "key " + name[4:] if kind == "key" else "address " + name[3:]
                at = dt.datetime.fromtimestamp(until, dt.UTC)
                raise RateLimited(f"Too many failed authentications for {what} ({count} in "
                                  f"{int(self.window_s)} s): locked until {at:%Y-%m-%d %H:%M:%S} UTC.",
                                  retry_after_s=wait, hint=f"Wait {wait} s, then use a valid key.")

    def fail(self, *names: str | None) -> None:
        """Count one failed authentication against each of ``names`` (one atomic upsert each)."""
        given = [n for n in names if n]
        if not given:
            return
        now = self.clock()
        cutoff = now - self.window_s
        engine = self._engine()
        table = table_of(AuthFailure)
        insert = pg_insert if engine.dialect.name == "postgresql" else sqlite_insert
        with db_errors(engine), engine.begin() as conn:
            for name in sorted(given):  # one order everywhere: concurrent upserts cannot deadlock
                name_hash, kind = self._key(name)
                stmt = insert(table).values(name_hash=name_hash, kind=kind, count=1, window_start=now)
                ended = table.c.window_start <= cutoff
                conn.execute(stmt.on_conflict_do_update(
                    index_elements=[table.c.name_hash],
                    set_={"count": case((ended, 1), else_=table.c.count + 1),
                          "window_start": case((ended, now), else_=table.c.window_start)}))
            self._since_purge += len(given)
            if self._since_purge >= self.purge_every:
                self._since_purge = 0
                conn.execute(table.delete().where(table.c.window_start <= cutoff))

    def purge(self) -> int:
        """Delete the rows whose window has ended; returns how many."""
        engine = self._engine()
        table = table_of(AuthFailure)
        with db_errors(engine), engine.begin() as conn:
            return conn.execute(table.delete().where(table.c.window_start <= self.clock() - self.window_s)).rowcount


class KeyAuthenticator:
    """Checks presented keys against the store (one per API process)."""

    def __init__(self, store: Any, limiter: FailureLimiter | None = None):
        self.store = store
        self.limiter = (limiter or FailureLimiter()).bind(store)
        self._verified: dict[tuple[str, str], float] = {}  # (sha256 of key, hash) -> when verified

    def authenticate(self, key: str | None, client_ip: str | None = None) -> Identity:
        ip_name = f"ip:{client_ip}" if client_ip else None
        prefix = prefix_of(key or "")
        key_name = f"key:{prefix}" if prefix else None
        self.limiter.check(ip_name, key_name)
        if not key:
            raise AuthenticationError("This request carries no API key.",
                                      hint="Send 'Authorization: Bearer sk_live_...' (create one with "
                                           "`studio keys create`).")
        if prefix is None:
            self.limiter.fail(ip_name)
            raise AuthenticationError("The API key is malformed (it must start with 'sk_live_').",
                                      hint="Copy the whole key shown by `studio keys create`.")
        now = dt.datetime.now(dt.UTC)
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            row = s.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()
            if row is None or not self._matches(key, row.secret_hash):
                self.limiter.fail(ip_name, key_name)
                raise AuthenticationError(f"API key {prefix} is not valid.",
                                          hint="Check the key, or create a new one with `studio keys create`.")
            if row.revoked_at is not None:
                self.limiter.fail(ip_name, key_name)
                raise AuthenticationError(f"API key {prefix} was revoked.",
                                          hint="Create a new key with `studio keys create`.")
            expires = as_utc(row.expires_at)
            if expires is not None and expires <= now:
                self.limiter.fail(ip_name, key_name)
                raise AuthenticationError(f"API key {prefix} expired at {expires:%Y-%m-%d %H:%M} UTC.",
                                          hint="Create a new key with `studio keys create`.")
            org = s.get(Organization, row.org_id)
            if org is None:  # the key row's foreign key keeps its organization: only a broken database gets here
                raise AuthenticationError(f"API key {prefix} belongs to an organization that no longer exists.",
                                          hint="Create a key in an existing organization with `studio keys create`.")
            last = as_utc(row.last_used_at)
            if last is None or (now - last).total_seconds() >= LAST_USED_EVERY_S or row.last_used_ip != client_ip:
                row.last_used_at, row.last_used_ip = now, (client_ip or "")[:64] or None
                s.add(row)
                s.commit()
            return Identity(stored_id(org), org.slug, row.user, prefix, frozenset(row.scopes or ()))

    def _matches(self, key: str, secret_hash: str) -> bool:
        from argon2.exceptions import InvalidHashError, VerificationError

        digest = (hashlib.sha256(key.encode()).hexdigest(), secret_hash)
        if digest in self._verified:
            return True
        try:
            _hasher().verify(secret_hash, key)
        except (VerificationError, InvalidHashError):
            return False
        if len(self._verified) > 10000:
            self._verified.clear()
        self._verified[digest] = time.monotonic()
        return True
