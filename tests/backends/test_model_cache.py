"""The one model cache: a model folder is loaded once per process, even when two requests race."""
from __future__ import annotations

import threading
import time

import pytest

from studio_kit.backends.cache import ModelCache


def test_two_threads_asking_for_the_same_model_load_it_once():
    cache, loads = ModelCache(), []

    def load():
        loads.append(1)
        time.sleep(0.2)  # a slow weight load: the second thread must wait, not load again
        return object()

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get_or_load(("image", "/m"), load))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(loads) == 1 and len({id(g) for g in got}) == 1


def test_different_models_load_side_by_side():
    cache = ModelCache()
    started = threading.Barrier(2, timeout=5)

    def load(name):
        started.wait()  # both loads must be running at once, or this times out
        return name

    out = {}
    threads = [threading.Thread(target=lambda n=n: out.update({n: cache.get_or_load(n, lambda: load(n))}))
               for n in ("a", "b")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {"a": "a", "b": "b"}


def test_a_failed_load_is_not_cached_and_the_next_call_retries():
    cache, calls = ModelCache(), []

    def broken():
        calls.append(1)
        raise OSError("folder missing")

    with pytest.raises(OSError):
        cache.get_or_load("k", broken)
    assert "k" not in cache
    assert cache.get_or_load("k", lambda: 42) == 42 and cache.get("k") == 42
    cache.evict("k")
    with pytest.raises(KeyError):
        cache.get("k")


def test_a_loader_that_found_nothing_is_remembered_too():
    cache, calls = ModelCache(), []
    assert cache.get_or_load("faces", lambda: calls.append(1)) is None
    assert cache.get_or_load("faces", lambda: calls.append(1)) is None
    assert calls == [1]
