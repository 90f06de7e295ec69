"""A short five-scene film with a cast, its shots drawn small; voiced once per test module."""
from __future__ import annotations

import pytest

FILM = """Title: Harbour Lights
Author: Ana Lima

EXT. HARBOUR - DAY

MARA (30s), wiry, with close-cropped grey hair, stands in a yellow raincoat. JONAH, 60, a stocky bearded man in a navy sweater, mends a net.

MARA
The boat is late again.

JONAH
It always is. Sit down.

INT. HARBOUR OFFICE - NIGHT

Rain hammers the windows. Mara finds a soaked letter on the desk.

MARA
Who left this here?

JONAH
Nobody comes in at this hour.

MARA
Then somebody was here tonight!

EXT. BREAKWATER - NIGHT

A storm rolls in from the sea. Lightning splits the sky over the breakwater. Mara pulls her hood tight and stares at the dark water, searching for a light that is not there. A fishing boat drifts past without its lamps, its engine dead, its deck empty.

Jonah limps after her with a lantern, shouting into the wind, but the wind takes his words away.

EXT. PIER - NIGHT

Waves crash over the pier. Mara runs along the rail, the letter in her fist.

JONAH
Mara! Come back! The tide is turning!

MARA
I won't lose him again. Not this time.

EXT. LIGHTHOUSE - NIGHT

The lamp flickers. Mara climbs the iron stairs, gasping. Glass shatters somewhere above her. The whole tower shudders as a wave breaks against its base, and rust rains down the stairwell.

MARA
Father? Are you up there? Answer me!

JONAH
(shouting)
Get down before it falls!

INT. HARBOUR OFFICE - DAY

Morning sun. Mara and Jonah drink coffee in silence.

JONAH
You were right to go.

MARA
I know.
"""


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """One STUDIO_HOME for the module (the film is voiced and drawn once)."""
    from studio_kit.config import reset_settings
    from studio_kit.store import dispose_engines

    mp = pytest.MonkeyPatch()
    path = tmp_path_factory.mktemp("studio-home")
    mp.setenv("STUDIO_HOME", str(path))
    mp.delenv("STUDIO_DATABASE_URL", raising=False)
    reset_settings()
    yield path
    dispose_engines()
    mp.undo()
    reset_settings()


@pytest.fixture(scope="module")
def film_ctx(home):
    """The project with the script, its cast bibles (Mara locked with her render) and small shot frames."""
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.production import service as production
    from studio_kit.store import open_store

    ctx = open_store().project("acme", "harbour", user="ana", create=True)
    script = home / "harbour.fountain"
    script.write_text(FILM, encoding="utf-8")
    characters.create_from_script(script, "all", ctx=ctx)
    characters.lock("mara", ctx=ctx)
    production.render_shots(script, ctx=ctx, width=320, height=180)
    return ctx, script
