"""Script statistics: scenes by INT/EXT and day/night, locations, characters, who speaks to whom."""
from __future__ import annotations

import json

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.stats import count_words, script_stats

SHORT = """Title: Night Shift

INT. DINER - NIGHT

MAYA wipes the counter. TOM, 60, a regular, sits.

TOM
Coffee. Black.

MAYA
(not looking up)
It's always black, Tom.

TOM
Then why ask?

EXT. DINER - DAWN

Maya locks up. A TRUCKER, 40s, waves.

MAYA (O.S.)
Night, Tom.

INT. TOM'S CAR - DAY

TOM
Night.

EXT. DINER - NIGHT

Empty lot.
"""


def test_scenes_are_counted_by_int_ext_and_day_night():
    st = script_stats(parse_fountain(SHORT))
    assert st.scenes == 4
    assert st.int_ext == {"INT": 2, "EXT": 2}
    assert st.day_night == {"DAY": 2, "NIGHT": 2, "OTHER": 0}
    assert st.locations[0] == {"location": "DINER", "int_ext": "EXT", "scenes": 2}
    assert {"location": "TOM'S CAR", "int_ext": "INT", "scenes": 1} in st.locations


def test_characters_have_blocks_words_and_scenes():
    st = script_stats(parse_fountain(SHORT))
    by_name = {c.name: c for c in st.characters}
    assert set(by_name) == {"TOM", "MAYA"}
    tom, maya = by_name["TOM"], by_name["MAYA"]
    assert (tom.dialogue_blocks, tom.words, tom.scenes, tom.first_scene) == (3, 6, 2, 0)
    # the parenthetical "(not looking up)" is not dialogue
    assert (maya.dialogue_blocks, maya.words, maya.scenes) == (2, 6, 2)
    assert st.dialogue_blocks == 5
    assert st.dialogue_words == 12
    assert st.words == st.dialogue_words + st.action_words


def test_who_speaks_to_whom_counts_replies_and_shared_scenes():
    st = script_stats(parse_fountain(SHORT))
    pairs = {(i.speaker, i.listener): (i.exchanges, i.shared_scenes) for i in st.interactions}
    assert pairs == {("TOM", "MAYA"): (1, 1), ("MAYA", "TOM"): (1, 1)}


def test_stats_as_polars_frames_and_json(samples_dir):
    import polars as pl

    s = parse_fountain((samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text())
    st = script_stats(s)
    chars = st.characters_frame()
    assert isinstance(chars, pl.DataFrame) and chars.height == 6
    assert chars["dialogue_blocks"].sum() == 35
    assert chars.row(0, named=True)["name"] == "BOB"
    scenes = st.scenes_frame()
    assert scenes.height == 3 and scenes["int_ext"].to_list() == ["EXT", "EXT", "INT"]
    assert scenes["day_night"].to_list() == ["DAY", "DAY", "NIGHT"]
    assert st.locations_frame().height == 3
    talk = st.interactions_frame()
    assert talk.filter((pl.col("speaker") == "BOB") & (pl.col("listener") == "DOG"))["exchanges"].item() > 0
    data = json.loads(st.to_json())
    assert data["scenes"] == 3 and data["dialogue_blocks"] == 35
    assert data["int_ext"] == {"EXT": 2, "INT": 1}


def test_words_ignore_markup_notes_and_count_cjk_characters():
    assert count_words("He **runs** [[fix]] home /* old */ fast, doesn’t he?") == 6
    assert count_words("这是什么地方？") == 6
    st = script_stats(parse_fountain("约翰\n这是什么地方？\n"))
    assert st.characters[0].name == "约翰" and st.characters[0].words == 6
