"""Run a coroutine to completion in a thread of its own.

In the full suite an earlier UI test may leave an event loop running in the main thread, where ``asyncio.run``
refuses to start ("cannot be called from a running event loop"): a test that drives a coroutine must not depend
on which tests ran before it."""
import asyncio
import concurrent.futures
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run_in_own_loop(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a fresh thread (and so a fresh event loop); its result or its exception."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()
