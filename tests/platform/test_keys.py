"""API keys: shown once, kept as an argon2id hash, scoped, expiring, revocable, rate-limited on failure."""
from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from studio_kit.platform import keys
from studio_kit.store.platform_models import ApiKey


def test_a_new_key_is_shown_once_and_stored_only_as_an_argon2id_hash(store):
    store.project("acme", "night-shift", user="ana")
    key, info = keys.create_key(store, "acme", "ci", ["scripts:write"], user="ana")
    assert key.startswith("sk_live_") and key.startswith(info.prefix + "_")
    with Session(store.engine) as s:
        row = s.exec(select(ApiKey).where(ApiKey.prefix == info.prefix)).one()
    assert row.secret_hash.startswith("$argon2id$") and key not in row.secret_hash
    assert key[len(info.prefix) + 1:] not in repr(row.model_dump())
    ident = keys.KeyAuthenticator(store).authenticate(key, "127.0.0.9")
    assert (ident.org_slug, ident.user, ident.prefix) == ("acme", "ana", info.prefix)
    listed = keys.list_keys(store, "acme")[0]
    assert listed.last_used_ip == "127.0.0.9" and listed.last_used_at is not None and listed.status == "active"


def test_write_implies_read_and_admin_covers_everything():
    assert keys.scope_allows({"scripts:write"}, "scripts", "read")
    assert not keys.scope_allows({"scripts:read"}, "scripts", "write")
    assert not keys.scope_allows({"scripts:write"}, "characters", "read")
    assert keys.scope_allows({"*:read"}, "characters", "read")
    assert not keys.scope_allows({"*:write"}, "admin")
    assert keys.scope_allows({"admin"}, "admin") and keys.scope_allows({"admin"}, "post", "write")
    with pytest.raises(Exception, match="Unknown API key scope 'scripts:delete'"):
        keys.check_scopes(["scripts:delete"])


def test_revoked_expired_and_wrong_keys_are_refused(store):
    store.project("acme", "night-shift", user="ana")
    auth = keys.KeyAuthenticator(store)
    key, info = keys.create_key(store, "acme", "temp", ["*:read"], user="ana")
    auth.authenticate(key)
    keys.revoke_key(store, "acme", info.prefix, by="ana")
    with pytest.raises(keys.AuthenticationError, match="was revoked"):
        auth.authenticate(key)
    key2, info2 = keys.create_key(store, "acme", "short", ["*:read"], user="ana", expires_in_days=1)
    with Session(store.engine) as s:
        row = s.exec(select(ApiKey).where(ApiKey.prefix == info2.prefix)).one()
        row.expires_at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        s.add(row)
        s.commit()
    with pytest.raises(keys.AuthenticationError, match="expired"):
        auth.authenticate(key2)
    key3, _ = keys.create_key(store, "acme", "good", ["*:read"], user="ana")
    with pytest.raises(keys.AuthenticationError, match="not valid"):
        auth.authenticate(key3[:-4] + "AAAA")
    with pytest.raises(keys.AuthenticationError, match="no API key"):
        auth.authenticate(None)


def test_failed_authentication_is_rate_limited_per_prefix_and_per_address(store):
    store.project("acme", "night-shift", user="ana")
    auth = keys.KeyAuthenticator(store, keys.FailureLimiter(limit=3, window_s=60, ip_limit=3))
    key, info = keys.create_key(store, "acme", "target", ["*:read"], user="ana")
    for ip in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):  # three addresses guess the same prefix
        with pytest.raises(keys.AuthenticationError):
            auth.authenticate(info.prefix + "_wrong-secret", ip)
    with pytest.raises(keys.RateLimited, match=f"key {info.prefix}") as exc:
        auth.authenticate(key, "10.0.0.4")  # even the right key waits: the prefix is under attack
    assert exc.value.retry_after_s >= 1
    for n in range(3):  # one address guessing many prefixes
        with pytest.raises(keys.AuthenticationError):
            auth.authenticate(f"sk_live_zzzzzzz{n}_guess", "10.9.9.9")
    with pytest.raises(keys.RateLimited, match="address 10.9.9.9"):
        auth.authenticate("sk_live_yyyyyyyy_guess", "10.9.9.9")


def test_keys_of_one_org_cannot_be_revoked_through_another(store):
    store.project("acme", "night-shift", user="ana")
    store.project("rival", "copycat", user="bob")
    _, info = keys.create_key(store, "acme", "ci", ["*:read"], user="ana")
    with pytest.raises(Exception, match="No API key"):
        keys.revoke_key(store, "rival", info.prefix)
    assert [k.prefix for k in keys.list_keys(store, "rival")] == []
