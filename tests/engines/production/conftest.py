"""Fixtures for the production engine: a small two-character script, its cast locked, its shots drawn."""
from __future__ import annotations

import pytest

from studio_kit.config import sample_path

HARBOUR = sample_path("harbour_lights.fountain").read_text(encoding="utf-8")


@pytest.fixture
def ctx(studio_home):
    from studio_kit.store import open_store

    return open_store().project("acme", "harbour", user="ana")


@pytest.fixture
def script_path(tmp_path):
    path = tmp_path / "harbour.fountain"
    path.write_text(HARBOUR, encoding="utf-8")
    return path


@pytest.fixture
def cast(ctx, script_path):
    from studio_kit.engines.characters import service as characters

    characters.create_from_script(script_path, "all", ctx=ctx)
    characters.lock("mara", ctx=ctx)
    characters.lock("jonah", ctx=ctx)
    return ctx


@pytest.fixture
def plan(cast, script_path):
    from studio_kit.engines.production import service

    return service.render_shots(script_path, ctx=cast, width=384, height=216)
