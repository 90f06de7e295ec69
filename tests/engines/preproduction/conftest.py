"""Fixtures for the pre-production tests: a small hand-written script and strip builders."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import ScheduleLimits, Strip, strip_colour

THE_REEL = """Title: The Reel
Author: Test Writer

INT. BOB'S APARTMENT - KITCHEN - NIGHT

BOB (40s) paces. He grabs the FILM REEL off the table and stuffs it in a briefcase.

ALICE enters, soaking wet, in a red raincoat.

ALICE
Where is the reel?

BOB
Safe.

EXT. TRAIN STATION - DAY

Commuters rush past. Two COPS tackle a pickpocket near the newsstand. A dog barks.

BOB
Alice!

A police car screeches in. BOB punches a cop and runs.

INT. BOB'S APARTMENT - BEDROOM - NIGHT

BOB hides the REEL under the bed. Blood on his shirt.

CARL (O.S.)
Open up!

[[Need a breakaway door.]]

EXT. DINER - DAY

ALICE waits in a booth. A waitress pours coffee.

ALICE
He's late.
"""


@pytest.fixture
def reel_text() -> str:
    return THE_REEL


@pytest.fixture
def reel_script():
    from studio_kit.engines.writing.fountain import parse_fountain

    return parse_fountain(THE_REEL)


def make_strip(index: int, site: str, eighths: int = 8, cast: list[int] | None = None, night: bool = False,
               int_ext: str = "INT", limits: ScheduleLimits | None = None) -> Strip:
    """A strip built by hand (no script needed), with hours from the limits' pages-per-hour rule."""
    limits = limits or ScheduleLimits()
    colour, name = strip_colour(int_ext, night)
    return Strip(scene_index=index, scene_number=str(index + 1), heading=f"{int_ext}. {site} - {'NIGHT' if night else 'DAY'}",
                 int_ext=int_ext, time_of_day="NIGHT" if night else "DAY", night=night, location=site, site=site,
                 eighths=eighths, hours=eighths / 8 * limits.hours_per_page, cast_ids=cast or [], colour=colour,
                 colour_name=name)


@pytest.fixture
def strip():
    return make_strip
