"""Shared fixtures: an isolated STUDIO_HOME per test."""
from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
SAMPLES = SHARED / "samples"


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
    """../shared/samples (public-domain and MIT scripts with reference figures)."""
    if not SAMPLES.exists():
        pytest.skip("../shared/samples is not next to the checkout")
    return SAMPLES
