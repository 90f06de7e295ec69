"""Cast from action as well as cues, one cast list with aliases folded, non-human parts classified."""
from __future__ import annotations

import pytest

from studio_kit.domain.preproduction import BreakdownCategory as Cat
from studio_kit.engines.preproduction.breakdown import break_down
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.io import load_script

SILENT = """Title: Silent Parts

INT. KITCHEN - DAY

NORA, 50, a tired woman, stirs a pot.

NORA
Dinner's late.

EXT. GARDEN - DAY

She walks to the shed and pulls out a rake.

INT. SHED - NIGHT

Leo kneels by the workbench. He studies a photo of Nora.

LEO
She'd never know.
"""


@pytest.fixture(scope="module")
def cyber_bob(request):
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "samples" / "fountain" / "Cyber_Bob_ep00001.fountain"
    return break_down(load_script(path))


def _cast(sheet):
    return {t.name: t for t in sheet.tags_in(Cat.CAST)}


def test_bob_is_cast_in_the_intersection_scene_where_he_never_speaks(cyber_bob):
    sheet = cyber_bob.sheets[1]
    bob = _cast(sheet)["CYBER BOB"]
    assert bob.line == 132 and bob.matched == "Bob" and bob.confidence == pytest.approx(0.9)
    assert "holds his phone" in bob.context
    assert cyber_bob.cast_member(bob.cast_id).name == "CYBER BOB"
    assert bob.cast_id in sheet.cast_ids


def test_aliases_fold_into_one_part_everywhere(cyber_bob):
    names = [c.name for c in cyber_bob.cast]
    assert "BOB" not in names and "BOSS" not in names
    bob = next(c for c in cyber_bob.cast if c.name == "CYBER BOB")
    assert bob.aliases == ["BOB"] and bob.scene_indices == [0, 1, 2]


def test_a_pronoun_carried_over_and_a_photo_go_to_the_review_queue_not_the_call_sheet():
    bd = break_down(parse_fountain(SILENT))
    garden = bd.sheets[1]
    nora = _cast(garden)["NORA"]
    assert nora.needs_review and nora.note == "pronoun" and nora.line > 0
    assert garden.cast_ids == []
    shed = bd.sheets[2]
    photo = _cast(shed)["NORA"]
    assert photo.needs_review and photo.note == "reference"
    assert [bd.cast_member(i).name for i in shed.cast_ids] == ["LEO"]
    queue = [(s.scene_number, t.name) for s, t in bd.review_queue()]
    assert ("2", "NORA") in queue and ("3", "NORA") in queue


def test_two_different_dogs_are_two_parts_and_the_cloud_is_a_vfx_character(cyber_bob):
    parts = {c.name: c for c in cyber_bob.cast}
    assert parts["DOG"].scene_indices == [0] and parts["DOG #2"].scene_indices == [2]
    assert parts["DOG"].kind == "animal" and parts["DOG"].needs == ["animal", "wrangler"]   # barks its line
    assert {"vfx", "voice session", "wrangler"} <= set(parts["DOG #2"].needs)                 # a talking dog
    boss = parts["CYBER BOSS"]
    assert boss.kind == "cg" and "actor" not in boss.needs and not boss.on_camera_actor
    assert "voiceless" in boss.description and boss.description.endswith("distance from Bob.")
    assert parts["CYBER BOB"].kind == "on-camera" and parts["CYBER BOB"].on_camera_actor


def test_a_part_heard_only_off_screen_is_a_voice_artist():
    script = parse_fountain("""INT. CAR - NIGHT

MAYA drives.

RADIO HOST (V.O.)
Traffic on the ten is backed up.

MAYA
Great.

EXT. ROAD - NIGHT

The car pulls over.

RADIO HOST (V.O.)
And now, the weather.
""")
    bd = break_down(script)
    host = next(c for c in bd.cast if c.name == "RADIO HOST")
    assert host.kind == "voice" and host.needs == ["voice session"]
    assert next(c for c in bd.cast if c.name == "MAYA").kind == "on-camera"


def test_confirming_a_review_queue_tag_puts_the_actor_on_the_call_sheet():
    from studio_kit.engines.preproduction.edits import EditLog

    bd = break_down(parse_fountain(SILENT))
    log = EditLog()
    log.add("cast", "NORA", 1, breakdown=bd)          # the 1st AD confirms: Nora is in the garden
    again = break_down(parse_fountain(SILENT), edits=log)
    nora = _cast(again.sheets[1])["NORA"]
    assert not nora.needs_review and nora.cast_id == again.cast[0].id and again.sheets[1].cast_ids == [nora.cast_id]
    assert ("2", "NORA") not in [(s.scene_number, t.name) for s, t in again.review_queue()]
