"""A heartbeat: call ``beat()`` every ``interval_s`` seconds from a daemon thread while a block runs.

Runs (``runs/runner.py``) and queued jobs (``platform/jobs.py``) beat so that work whose process died
can be told from work that is still going."""
from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator

log = logging.getLogger("studio_kit.heartbeat")


@contextlib.contextmanager
def beating(beat: Callable[[], None], interval_s: float, name: str) -> Iterator[None]:
    """Beat while the block runs; a failed beat is logged and tried again at the next interval."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval_s):
            try:
                beat()
            except Exception as exc:  # the database blinked: say so, keep beating
                log.warning("Heartbeat of %s failed: %s", name, getattr(exc, "message", exc))

    thread = threading.Thread(target=loop, name=f"{name}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval_s + 5)
