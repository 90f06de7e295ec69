"""The bible keeps what the script says and invents nothing; previz draws only what is described,
with a real profile and a back view on the turnaround."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio_kit.backends.image.previz import PrevizImageBackend
from studio_kit.backends.image.previz_figure import NEUTRAL_HAIR, NEUTRAL_SKIN, figure_spec
from studio_kit.domain.requests import ImageRequest
from studio_kit.engines.characters.bible import bibles_from_script
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.io import load_script

CYBER_BOB = Path(__file__).resolve().parents[2] / "data" / "samples" / "fountain" / "Cyber_Bob_ep00001.fountain"


@pytest.fixture(scope="module")
def bibles():
    return {b.name: b for b in bibles_from_script(load_script(CYBER_BOB))}


def test_the_bible_keeps_skin_and_the_whole_description(bibles):
    bob, margaret = bibles["Cyber Bob"], bibles["Margaret"]
    assert bob.appearance.skin == "white" and margaret.appearance.skin == "white"
    assert bob.description == ("Cyber Bob, 40, a white man, a mild, goofy, fairly daft pawn of a soul, "
                               "strolls through the park.")
    assert bibles["Cyber Boss"].description.endswith("a good distance from Bob.")


def test_the_voice_profile_comes_from_the_characters_real_lines(bibles):
    for b in bibles.values():
        v = b.dialogue_voice
        lines = [blk.text for sc in load_script(CYBER_BOB).scenes for blk in sc.dialogue
                 if blk.character.lower() in {b.name.lower(), *(a.lower() for a in b.aliases)}]
        said = " ".join(lines)
        assert all(c in said for c in v.catchphrases), (b.name, v.catchphrases)      # nothing invented
        assert all(t.rstrip(",.!?—") in said for t in v.verbal_tics), (b.name, v.verbal_tics)
    assert bibles["Cyber Bob"].dialogue_voice.catchphrases == []


def test_a_repeated_line_and_a_real_tic_are_kept():
    script = parse_fountain("""INT. SHOP - DAY

NED, 50, a grocer, stacks tins.

NED
Look, we close at six. Rules are rules.

NED
Look, I said six. Rules are rules.

NED
Fine.
""")
    ned = bibles_from_script(script)[0].dialogue_voice
    assert ned.catchphrases == ["Rules are rules."] and ned.verbal_tics == ["Look,"]


def test_previz_draws_neutral_defaults_where_nothing_is_described():
    plain = figure_spec({"name": "Nobody", "seed": 123, "appearance": {}, "palette": []})
    assert plain.hair == NEUTRAL_HAIR and plain.skin == NEUTRAL_SKIN and plain.hair_style == "short"
    other = figure_spec({"name": "Somebody", "seed": 98765, "appearance": {}, "palette": []})
    assert (other.hair, other.hair_style, other.skin) == (plain.hair, plain.hair_style, plain.skin)
    described = figure_spec({"name": "Red", "seed": 1, "appearance": {"hair": "long wavy", "hair_color": "red",
                                                                      "skin": "olive"}})
    assert described.hair_style == "long" and described.hair != NEUTRAL_HAIR and described.skin != NEUTRAL_SKIN


def _ink_columns(img):
    px = np.asarray(img.convert("L"), dtype=np.int16)
    body = px[int(px.shape[0] * 0.3):int(px.shape[0] * 0.45)]       # chest height
    return (body < 120).any(axis=0).sum()


def test_a_real_profile_turns_the_torso_and_a_back_view_shows_no_face():
    previz = PrevizImageBackend()
    ident = {"name": "Plain", "seed": 5, "appearance": {}, "palette": []}
    views = {v: previz.render(ImageRequest(kind="character", identities=[ident], view=v, width=256, height=384))
             for v in ("front", "profile", "back")}
    assert _ink_columns(views["profile"]) < 0.8 * _ink_columns(views["front"])     # side-on: narrower body
    front, back = (np.asarray(views[v].convert("RGB"), dtype=np.int16) for v in ("front", "back"))
    head = (slice(40, 80), slice(100, 156))
    assert np.abs(front[head] - back[head]).sum() > 5000         # the face is gone from behind
    from studio_kit.engines.characters.sheet import TURNAROUND

    assert TURNAROUND == ("front", "three-quarter", "profile", "back")


def test_the_bible_says_how_each_part_is_produced_as_the_budget_prices_it(bibles):
    from studio_kit.engines.preproduction.breakdown import break_down

    bd = {m.name: m for m in break_down(load_script(CYBER_BOB)).cast}
    assert bibles["Cyber Boss"].source["performer"] == bd["CYBER BOSS"].kind == "cg"
    assert bibles["Cyber Bob"].source["performer"] == bd["CYBER BOB"].kind == "on-camera"
    assert bibles["Margaret"].source["needs"] == ["actor"]
