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
CHROMIUM = os.environ.get("STUDIO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def serve_dashboard():
    """Start ``panel serve`` on a dashboard file in a subprocess; returns its URL. Stopped after the test."""
    procs: list[subprocess.Popen] = []

    def _serve(app: str | Path, env: dict[str, str] | None = None, timeout: float = 90.0) -> str:
        app_path = Path(app)
        if not app_path.is_absolute():
            app_path = REPO / app_path
        port = free_port()
        full_env = {**os.environ, **(env or {})}
        log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"panel-{port}.log", "w")
        proc = subprocess.Popen(
            [sys.executable, "-m", "panel", "serve", str(app_path), "--port", str(port), "--address", "127.0.0.1",
             "--allow-websocket-origin", f"127.0.0.1:{port}", "--num-procs", "1"],
            env=full_env, cwd=str(REPO), stdout=log, stderr=subprocess.STDOUT,
        )
        procs.append(proc)
        url = f"http://127.0.0.1:{port}/{app_path.stem}"
        deadline = time.time() + timeout
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"panel serve exited early; see {log.name}:\n" + Path(log.name).read_text()[-3000:])
            try:
                with urllib.request.urlopen(url, timeout=5) as r:
                    if r.status == 200:
                        return url
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"panel serve did not answer on {url} within {timeout}s; see {log.name}")

    yield _serve
    for p in procs:
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    yield pg
    context.close()
