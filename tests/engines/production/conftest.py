"""Fixtures for the production engine: a small two-character script, its cast locked, its shots drawn."""
from __future__ import annotations

import pytest

HARBOUR = """Title: Harbour Lights

EXT. HARBOUR - DAY

MARA (30s), wiry, with close-cropped grey hair, stands in a yellow raincoat.

MARA
Boat's late.

JONAH, 60, a stocky bearded man in a navy sweater, waves from the pier.

JONAH
It always is.

INT. HARBOUR OFFICE - NIGHT

Mara shakes off the rain.

MARA
Coffee?

JONAH
Please.
"""


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
