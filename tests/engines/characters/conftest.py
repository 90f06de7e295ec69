"""Fixtures for the character engine: a hand-written script with introductions and a wardrobe problem."""
from __future__ import annotations

import pytest

WARDROBE_SCRIPT = """Title: Harbour Lights

EXT. HARBOUR - DAY

MARA (30s), wiry, with close-cropped grey hair and a scar through one eyebrow, stands in a yellow raincoat.

MARA
Boat's late.

JONAH, 60, a stocky bearded man with kind brown eyes, wearing a navy sweater, waves from the pier.

JONAH
It always is.

INT. HARBOUR OFFICE - CONTINUOUS

Mara shakes off the rain. She wears a black tuxedo now.

MARA
Coffee?

JONAH
Please.

INT. MARA'S FLAT - NIGHT

Mara reads by the lamp.

MARA
One more page.

EXT. PIER - NIGHT

Jonah waits with a lantern.

JONAH
Come on.

MARA
Coming.
"""


@pytest.fixture
def harbour_path(tmp_path):
    path = tmp_path / "harbour.fountain"
    path.write_text(WARDROBE_SCRIPT, encoding="utf-8")
    return path


@pytest.fixture
def harbour_script(harbour_path):
    from studio_kit.engines.writing.io import load_script

    return load_script(harbour_path)


@pytest.fixture
def ctx(studio_home):
    """The project store context of a fresh STUDIO_HOME."""
    from studio_kit.store import open_store

    return open_store().project("acme", "harbour", user="ana")
