"""Usage reported from outside a backend call is stored once per key, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from studio_kit.exceptions import StoreError


def test_the_same_usage_key_is_one_row(store):
    ctx = store.project("acme", "feature", user="hub")
    first, created = ctx.record_usage_once("hub:alice/:t0", backend="kernel.gpu-1", units=120.0, unit="gpu-second",
                                           seconds=120.0, user="alice")
    again, created_again = ctx.record_usage_once("hub:alice/:t0", backend="kernel.gpu-1", units=999.0,
                                                 unit="gpu-second", seconds=999.0, user="alice")
    assert created and not created_again
    assert again.id == first.id and again.units == 120.0
    rows = [u for u in ctx.list_usage() if u.key == "hub:alice/:t0"]
    assert len(rows) == 1 and rows[0].modality == "kernel" and rows[0].user == "alice"


def test_keys_are_per_organization(store):
    a = store.project("acme", "feature", user="hub")
    b = store.project("other", "short", user="hub")
    a.record_usage_once("hub:x", backend="kernel.cpu-small", units=1, unit="cpu-second")
    _, created = b.record_usage_once("hub:x", backend="kernel.cpu-small", units=1, unit="cpu-second")
    assert created
    assert [u.key for u in b.list_usage()] == ["hub:x"]


def test_an_empty_key_is_refused(store):
    ctx = store.project("acme", "feature", user="hub")
    with pytest.raises(StoreError, match="usage key"):
        ctx.record_usage_once("", backend="kernel.cpu-small", units=1, unit="cpu-second")
