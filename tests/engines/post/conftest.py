"""A short three-character film voiced, scored and mixed once per test module."""
from __future__ import annotations

import pytest

FILM = """Title: The Night Desk
Genre: drama

INT. NEWSROOM - NIGHT

RUTH VANCE, 40s, a tired woman with ink on her fingers, reads proofs. DANNY, 20s, a nervous young man, hovers. WALTER, 70s, a gruff old man, sits by the phone.

RUTH
We go to print in ten minutes.

DANNY
The mayor's office never called back.

WALTER
(gruffly)
They never do, son. Not at this hour.

RUTH
(whispering)
Then we run it without them.

DANNY
(shouting)
We can't run it without a source!

The phone rings. Nobody moves.

WALTER
Sit down. Both of you.

EXT. STREET - NIGHT

Ruth walks out into the rain. Traffic hisses past.

RUTH
I hope we were right.
"""


@pytest.fixture(scope="module")
def film_text() -> str:
    return FILM


@pytest.fixture(scope="module")
def voiced():
    from studio_kit.engines.post.service import voice

    return voice(FILM)
