"""Browser-test harness: serve a real Panel app on a free port, drive it with headless Chromium.

Usage in a test::

    def test_x(serve_dashboard, page):
        url = serve_dashboard("dashboards/studio_home.py", env={"STUDIO_HOME": str(home)})
        page.goto(url)
        page.get_by_text("My Project").wait_for()
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
from browser_harness import CHROMIUM, CHROMIUM_ARGS  # noqa: E402,F401 - one Chromium set-up for every suite

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_panel(apps: list[str | Path], env: dict[str, str] | None = None, timeout: float = 240.0,
                procs: list[subprocess.Popen] | None = None, args: list[str] | None = None) -> str:
    """Start one ``panel serve`` on the given dashboard files (one server, one process); returns its base URL
    (``http://127.0.0.1:PORT``; each app is at ``/<file stem>``). The process is appended to ``procs``."""
    paths = [Path(a) if Path(a).is_absolute() else REPO / a for a in apps]
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"panel-{port}.log"
    with open(log, "w") as out:       # the child keeps its own copy of the descriptor
        proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "serve", *map(str, paths), "--port", str(port), "--address", "127.0.0.1",
             "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1", *(args or [])],
            env=full_env, cwd=str(REPO), stdout=out, stderr=subprocess.STDOUT,
        )
    if procs is not None:
        procs.append(proc)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"panel serve exited early; see {log}:\n" + log.read_text()[-3000:])
        try:   # a static file: asking for the app itself would start (and queue) a session per retry
            with urllib.request.urlopen(f"{base}/static/js/bokeh.min.js", timeout=5) as r:
                if r.status == 200:
                    return base
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"panel serve did not answer on {base} within {timeout}s; see {log}")


def stop_panel(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture
def serve_dashboard():
    """Start ``panel serve`` on a dashboard file in a subprocess; returns its URL. Stopped after the test."""
    procs: list[subprocess.Popen] = []

    def _serve(app: str | Path, env: dict[str, str] | None = None, timeout: float = 240.0) -> str:
        return f"{start_panel([app], env, timeout, procs)}/{Path(app).stem}"

    yield _serve
    stop_panel(procs)


@pytest.fixture(scope="module")
def serve_dashboards_once():
    """One ``panel serve`` for several dashboard files, shared by a module's tests: ``serve(apps, env, args=[...])``
    returns the base URL (each app at ``/<file stem>``); stopped after the module."""
    procs: list[subprocess.Popen] = []

    def _serve(apps: list[str | Path], env: dict[str, str] | None = None, timeout: float = 240.0,
               args: list[str] | None = None) -> str:
        return start_panel(apps, env, timeout, procs, args)

    yield _serve
    stop_panel(procs)


# `browser` and `page` live in tests/conftest.py: one Playwright per test session, shared by every suite.


# -- the store tests' SQLite + PostgreSQL fixtures, reused so UI persistence runs on both databases ------
def _load_store_fixtures():
    import importlib.util

    spec = importlib.util.spec_from_file_location("_store_conftest_for_ui", REPO / "tests" / "store" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store_fixtures = _load_store_fixtures()
store_url = _store_fixtures.store_url
store = _store_fixtures.store
