"""Failed-authentication counters are rows of the store: every API process shares one budget.

Two real processes guess the secret of one key at the same time; together they get the
limit (plus at most one attempt in flight), not the limit each. The right key is then refused
with "locked until T"; when the window ends the counter starts again, and ended windows are
purged. Runs on SQLite and PostgreSQL.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import textwrap
import time

import pytest
from sqlmodel import Session, select

from studio_kit.platform import keys
from studio_kit.store.auth_models import AuthFailure

LIMIT = 6

GUESSER = textwrap.dedent("""
    import json, os, sys, time
    from pathlib import Path
    from studio_kit.config import get_settings
    from studio_kit.platform import keys
    from studio_kit.store import open_store

    url, prefix, go, who = sys.argv[1:5]
    store = open_store(url, get_settings())
    auth = keys.KeyAuthenticator(store, keys.FailureLimiter(limit=int(sys.argv[5]), window_s=300, ip_limit=10**6))
    while not Path(go).exists():
        time.sleep(0.01)
    codes = []
    for n in range(2 * int(sys.argv[5])):
        try:
            auth.authenticate(f"{prefix}_wrong-secret-{who}-{n}", f"10.{who}.0.{n}")
        except keys.RateLimited:
            codes.append(429)
        except keys.AuthenticationError:
            codes.append(401)
    print(json.dumps(codes))
""")


def test_two_processes_guessing_one_key_share_one_budget(store, store_url, tmp_path):
    store.project("acme", "night-shift", user="ana")
    key, info = keys.create_key(store, "acme", "target", ["*:read"], user="ana")
    go = tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    procs = [subprocess.Popen([sys.executable, "-c", GUESSER, store_url, info.prefix, str(go), str(who), str(LIMIT)],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for who in (1, 2)]
    time.sleep(0.2)
    go.touch()  # both start guessing together
    codes = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-2000:]
        codes += json.loads(out)
    refused_as_wrong = codes.count(401)
    # per-process counters would let each process fail LIMIT times (2 x LIMIT in all)
    assert LIMIT <= refused_as_wrong <= LIMIT + 1, codes
    assert codes.count(429) == len(codes) - refused_as_wrong
    with Session(store.engine) as s:
        row = s.exec(select(AuthFailure).where(AuthFailure.kind == "key")).one()
    assert row.count == refused_as_wrong and info.prefix not in row.name_hash  # only the hash is stored
    # the right key, from a fresh authenticator (a third process's view): locked, and until when
    until = dt.datetime.fromtimestamp(row.window_start + 300, dt.UTC)
    with pytest.raises(keys.RateLimited, match=f"key {info.prefix}.*locked until {until:%Y-%m-%d %H:%M:%S} UTC"):
        keys.KeyAuthenticator(store, keys.FailureLimiter(limit=LIMIT, window_s=300)).authenticate(key, "10.3.0.1")


def test_the_lock_ends_with_its_window_and_ended_windows_are_purged(store):
    store.project("acme", "night-shift", user="ana")
    key, info = keys.create_key(store, "acme", "target", ["*:read"], user="ana")
    now = [1_000_000.0]
    # two limiters over the same store stand for two API processes
    a, b = (keys.FailureLimiter(store, limit=3, window_s=60, ip_limit=100, clock=lambda: now[0]) for _ in "ab")
    auth_a, auth_b = keys.KeyAuthenticator(store, a), keys.KeyAuthenticator(store, b)
    for auth in (auth_a, auth_b, auth_a):
        with pytest.raises(keys.AuthenticationError, match="not valid"):
            auth.authenticate(info.prefix + "_wrong", "10.0.0.1")
        now[0] += 1
    with pytest.raises(keys.RateLimited, match="locked until 1970-01-12 13:47:40 UTC") as exc:
        auth_b.authenticate(key, "10.0.0.2")
    assert exc.value.retry_after_s == 57  # locked at +3 s, until +60 s
    now[0] = 1_000_000.0 + 60  # the window of the first failure has ended
    assert auth_b.authenticate(key, "10.0.0.2").prefix == info.prefix
    with pytest.raises(keys.AuthenticationError):
        auth_a.authenticate(info.prefix + "_wrong", "10.0.0.1")  # counts from one again
    with Session(store.engine) as s:
        rows = {r.kind: r for r in s.exec(select(AuthFailure)).all()}
    assert (rows["key"].count, rows["key"].window_start) == (1, now[0])
    assert rows["ip"].count == 1
    now[0] += 61
    assert a.purge() == 2
    with Session(store.engine) as s:
        assert s.exec(select(AuthFailure)).all() == []


def test_an_address_guessing_many_prefixes_is_locked_across_processes(store):
    now = [2_000_000.0]
    a, b = (keys.FailureLimiter(store, limit=100, window_s=30, ip_limit=4, clock=lambda: now[0]) for _ in "ab")
    for n in range(4):
        with pytest.raises(keys.AuthenticationError):
            keys.KeyAuthenticator(store, (a, b)[n % 2]).authenticate(f"sk_live_guess00{n}_x", "192.0.2.7")
    with pytest.raises(keys.RateLimited, match="address 192.0.2.7 .*locked until"):
        keys.KeyAuthenticator(store, a).authenticate("sk_live_guess999_x", "192.0.2.7")
    keys.FailureLimiter(store, ip_limit=4).check("ip:192.0.2.8")  # another address is not affected


def test_a_limiter_without_a_store_says_so():
    with pytest.raises(keys.StudioError, match="no store"):
        keys.FailureLimiter().check("key:sk_live_abcdefgh")
