"""Shared fixtures: an isolated STUDIO_HOME per test."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The product's image default is 'auto' (the 3D previz when bpy is installed). The suite pins the 2D previz: its
# reference pictures and timings are the 2D renderer's; the 3D backend has its own tests, and the wheel test's
# demo (which drops every STUDIO_ variable) runs the real default end to end.
os.environ.setdefault("STUDIO_IMAGE_BACKEND", "previz")

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "tests" / "data" / "samples"


@pytest.fixture
def studio_home(tmp_path, monkeypatch) -> Path:
    """A fresh STUDIO_HOME (SQLite store + assets) for one test; settings re-read."""
    from studio_kit.config import reset_settings

    home = tmp_path / "studio-home"
    monkeypatch.setenv("STUDIO_HOME", str(home))
    monkeypatch.delenv("STUDIO_DATABASE_URL", raising=False)
    reset_settings()
    yield home
    from studio_kit.store import dispose_engines

    dispose_engines()
    reset_settings()


@pytest.fixture
def samples_dir() -> Path:
    """tests/data/samples: public-domain and MIT scripts with their licences and reference figures.

    A missing fixture is a broken checkout, not a reason to skip."""
    assert (SAMPLES / "fountain" / "Cyber_Bob_ep00001.fountain").is_file(), f"test fixtures missing under {SAMPLES}"
    return SAMPLES


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole test session: Playwright's sync API allows one instance at a
    time, so every suite (ui, platform, marketing, api) shares this fixture."""
    from browser_harness import CHROMIUM, CHROMIUM_ARGS

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
    pg.set_default_timeout(60_000)          # a loaded 2-core CI box can take a while to serve the first page
    pg.set_default_navigation_timeout(90_000)
    yield pg
    context.close()
