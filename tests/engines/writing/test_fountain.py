"""Fountain parser and writer: every element, line numbers, round trip, afterwriting agreement."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fountain import parse_fountain, plain_text, strip_notes
from studio_kit.engines.writing.fountain_writer import write_fountain
from studio_kit.engines.writing.scenes import groups_mentions, normalise_character, speaker_map, split_heading

REPO = Path(__file__).resolve().parents[3]
AW_TOOL = REPO / "tools" / "afterwriting_pages.js"

# Every Fountain element once, with the awkward spacing real files have:
# whitespace-only "blank" lines, a tab-indented action line, curly quotes.
EDGE_SCRIPT = """Title: **THE LAST FERRY**
Credit: written by
Author: Ana Ruiz
Draft date: 2026-11-25
Contact:
    ana@example.com
    +34 600 000 000

# ACT ONE

= Nadia misses the last ferry.

FADE IN:

EXT. HARBOUR - NIGHT #1#

NADIA (30s), soaked, runs along the pier. A FERRYMAN waves.
\tThe horn sounds twice.

NADIA (V.O.)
I’d never missed it before.
(beat)
Not once.

FERRYMAN
It’s gone, love.
\x20\x20
Next one’s at six.

!THEY STARE AT EACH OTHER.
The water laps.

@McGRATH
Who's asking?

   \t

CUT TO:

.FERRY DECK #2A#

~Row, row, row your boat
~Gently down the stream

NADIA
You came back.

FERRYMAN ^
I always do.

> BLACKOUT

>THE END<

===

[[Ask props about the horn.]]

/* An old version
of the ending.

Cut in draft two. */

## Sequence two

INT./EXT. CAR - CONTINUOUS

Action with an [[inline note]] and *emphasis* and f\\*ck.
"""


def sig(script):
    return [(e.type, e.text, e.scene_number) for e in script.elements]


def types(script):
    return [e.type for e in script.elements]


def test_every_fountain_element_is_parsed_with_its_line():
    s = parse_fountain(EDGE_SCRIPT)
    got = [(e.line, e.type, e.text) for e in s.elements]
    assert got[:6] == [
        (9, ET.SECTION, "ACT ONE"),
        (11, ET.SYNOPSIS, "Nadia misses the last ferry."),
        (13, ET.ACTION, "FADE IN:"),   # no "TO:" and not forced: action, as the spec says
        (15, ET.SCENE_HEADING, "EXT. HARBOUR - NIGHT"),
        (17, ET.ACTION, "NADIA (30s), soaked, runs along the pier. A FERRYMAN waves.\n\tThe horn sounds twice."),
        (20, ET.CHARACTER, "NADIA (V.O.)"),
    ]
    by_type = {}
    for line, t, text in got:
        by_type.setdefault(t, []).append((line, text))
    assert by_type[ET.PARENTHETICAL] == [(22, "(beat)")]
    # two spaces keep the ferryman's dialogue going across the empty line
    assert (26, "It’s gone, love.\n\nNext one’s at six.") in by_type[ET.DIALOGUE]
    assert (30, "THEY STARE AT EACH OTHER.\nThe water laps.") in by_type[ET.ACTION]
    assert (33, "McGRATH") in by_type[ET.CHARACTER]
    assert (38, "CUT TO:") in by_type[ET.TRANSITION]
    assert by_type[ET.LYRICS] == [(42, "Row, row, row your boat\nGently down the stream")]
    assert (51, "BLACKOUT") in by_type[ET.TRANSITION]
    assert by_type[ET.CENTERED] == [(53, "THE END")]
    assert by_type[ET.PAGE_BREAK] == [(55, "")]
    assert by_type[ET.NOTE] == [(57, "Ask props about the horn.")]
    assert by_type[ET.BONEYARD] == [(59, "An old version\nof the ending.\n\nCut in draft two.")]
    assert (64, "Sequence two") in by_type[ET.SECTION]
    heads = [e for e in s.elements if e.type == ET.SCENE_HEADING]
    assert [(h.text, h.scene_number, h.forced) for h in heads] == [
        ("EXT. HARBOUR - NIGHT", "1", False), ("FERRY DECK", "2A", True), ("INT./EXT. CAR - CONTINUOUS", None, False)]
    forced = {(e.type, e.text) for e in s.elements if e.forced}
    assert (ET.ACTION, "THEY STARE AT EACH OTHER.\nThe water laps.") in forced
    assert (ET.CHARACTER, "McGRATH") in forced and (ET.TRANSITION, "BLACKOUT") in forced
    assert s.warnings == []


def test_mentions_found_in_one_scan_equal_a_scan_per_scene():
    """build_scenes scans every scene's action at once (texts joined with NUL): no caps run or
    introduction may reach across into the next scene's text, and each run lands in its own scene."""
    speakers = speaker_map(parse_fountain(EDGE_SCRIPT).scenes) | {"BOB": "BOB", "CYBER BOB": "CYBER BOB"}
    groups = [["NADIA waits by the", "FERRYMAN"], [], ["BOB"], ["CYBER", "BOB, 40, a *robot*"], ["", "MAYA (30s) runs."],
              ["**DEX**", "[[a note]] OTTO, 50, a man. CYBER BOB"], ["Nobody here."]]
    one_scan = groups_mentions(groups, speakers)
    assert one_scan == [groups_mentions([g], speakers)[0] for g in groups]
    assert one_scan[3] == ["BOB"] and one_scan[4] == ["MAYA"] and one_scan[5] == ["OTTO", "CYBER BOB"]
    assert one_scan[1] == [] and one_scan[6] == []


def test_title_page_keeps_order_and_multi_line_values():
    s = parse_fountain(EDGE_SCRIPT)
    assert list(s.title_page) == ["Title", "Credit", "Author", "Draft date", "Contact"]
    assert s.title_page["Contact"] == "ana@example.com\n+34 600 000 000"
    assert s.title == "THE LAST FERRY"


def test_scenes_carry_heading_parts_dialogue_and_characters():
    s = parse_fountain(EDGE_SCRIPT)
    harbour, deck, car = s.scenes
    assert (harbour.int_ext, harbour.location, harbour.time_of_day, harbour.number) == ("EXT", "HARBOUR", "NIGHT", "1")
    assert harbour.elements[0].type == ET.SCENE_HEADING and harbour.is_night
    assert harbour.speaking_characters == ["NADIA", "FERRYMAN", "McGRATH"]
    assert harbour.dialogue[0].extensions == ["V.O."] and harbour.dialogue[0].cue == "NADIA (V.O.)"
    assert [e.type for e in harbour.dialogue[0].lines] == [ET.DIALOGUE, ET.PARENTHETICAL, ET.DIALOGUE]
    assert harbour.mentioned_characters == ["NADIA", "FERRYMAN"]
    assert (deck.int_ext, deck.location, deck.number) == ("", "FERRY DECK", "2A")
    assert [b.dual for b in deck.dialogue] == [True, True]
    assert (car.int_ext, car.location, car.time_of_day) == ("INT/EXT", "CAR", "CONTINUOUS")
    # elements before the first heading belong to no scene
    assert all(e.line >= 15 for sc in s.scenes for e in sc.elements)
    assert s.scenes[0].synopsis == ""


@pytest.mark.parametrize("heading, parts", [
    ("INT. HOUSE - DAY", ("INT", "HOUSE", "DAY")),
    ("EXT. PARK--DAY", ("EXT", "PARK", "DAY")),
    ("INT HOUSE DAY", ("INT", "HOUSE", "DAY")),
    ("I/E. HOUSE - DAY", ("INT/EXT", "HOUSE", "DAY")),
    ("I./E. HOUSE - DAY", ("INT/EXT", "HOUSE", "DAY")),
    ("INT./EXT. HOUSE - DAY", ("INT/EXT", "HOUSE", "DAY")),
    ("EXT/INT. VAN - MOMENTS LATER", ("INT/EXT", "VAN", "MOMENTS LATER")),
    ("INT - HOUSE - DAY", ("INT", "HOUSE", "DAY")),
    ("EST. CITY SKYLINE - DAWN", ("EST", "CITY SKYLINE", "DAWN")),
    ("INT. HOUSE - DAY (1979)", ("INT", "HOUSE", "DAY")),
    ("INT. HOUSE - KITCHEN - NIGHT", ("INT", "HOUSE - KITCHEN", "NIGHT")),
    ("INT. HOUSE - KITCHEN", ("INT", "HOUSE - KITCHEN", "")),
    ("int. house - dusk", ("INT", "HOUSE", "DUSK")),
    ("EXT. ROAD (NIGHT)", ("EXT", "ROAD", "NIGHT")),
    ("INT. CAR (MOVING)", ("INT", "CAR (MOVING)", "")),
])
def test_heading_is_split_into_int_ext_location_and_time(heading, parts):
    assert split_heading(heading) == parts


@pytest.mark.parametrize("cue, expected", [
    ("BOB (V.O.)", ("BOB", ["V.O."])),
    ("BOB (O.S.) (CONT'D)", ("BOB", ["O.S.", "CONT'D"])),
    ("BOB (CONT’D)", ("BOB", ["CONT'D"])),
    ("EVE ^", ("EVE", [])),
    ("@McCLANE", ("McCLANE", [])),
    ("HANS (on the radio)", ("HANS", ["on the radio"])),
])
def test_speaking_characters_are_normalised(cue, expected):
    assert normalise_character(cue) == expected


def test_scene_headings_sample_gives_eighteen_headings(samples_dir):
    s = parse_fountain((samples_dir / "fountain" / "nyousefi-SceneHeaders.fountain").read_text())
    heads = [e.text for e in s.elements if e.type == ET.SCENE_HEADING]
    assert len(heads) == 18
    assert "KITCHEN" in heads and "int. house - day" in heads
    actions = [e.text for e in s.elements if e.type == ET.ACTION]
    assert actions == ["... not a scene header.", "ESTABLISHING"]


def test_dual_dialogue_marks_both_cues_and_their_lines(samples_dir):
    s = parse_fountain((samples_dir / "fountain" / "nyousefi-DualDialogue.fountain").read_text())
    assert [(e.type, e.text, e.dual) for e in s.elements] == [
        (ET.CHARACTER, "ADAM", True), (ET.DIALOGUE, "Yes.", True),
        (ET.CHARACTER, "EVE", True), (ET.DIALOGUE, "No.", True)]
    three = parse_fountain("HERO 1\nBlah!\n\nHERO 2 ^\nBlah!\n\nHERO 3\nBlah?\n")
    assert [e.dual for e in three.elements] == [True, True, True, True, False, False]


def test_boneyard_nests_and_notes_span_lines(samples_dir):
    s = parse_fountain((samples_dir / "fountain" / "afterwriting-test.fountain").read_text())
    bone = [e.text for e in s.elements if e.type == ET.BONEYARD]
    assert bone == ["Ignored.\nIgnored. /* nested */\nIgnored."]
    notes = [e for e in s.elements if e.type == ET.NOTE]
    assert notes[0].line == 1 and notes[0].text.startswith("Script note.")
    # issue 20: a note never spans a truly blank line (fountain.io; afterwriting joins it). The sample's
    # "[[Long ...\n\n...multiline note]]" is a note cut at the blank line (with a warning) and an action line
    assert notes[1].text.startswith("Long long") and notes[1].text.endswith("long...") and "\n" not in notes[1].text
    assert any(e.type == ET.ACTION and e.text == "...multiline note]]" for e in s.elements)
    assert any("line 59" in w and "never closed" in w for w in s.warnings)
    # the title page after a leading note is still a title page
    assert s.title_page["Title"] == "_Screenplay title_\nSecond line"
    inline = next(e.text for e in s.elements if e.type == ET.ACTION and "/*ignored*/" in e.text)
    assert "ignored" not in strip_notes(inline)


def test_plain_text_strips_emphasis_escapes_notes_and_boneyard():
    assert plain_text("***bold italic*** and _under_ and *it*") == "bold italic and under and it"
    assert plain_text(r"What the f\*ck! Escape\_escape") == "What the f*ck! Escape_escape"
    assert plain_text("He runs [[fix this]] home /* old */ fast.") == "He runs  home  fast."


def test_line_endings_crlf_cr_and_mixed_give_the_same_script():
    lf = parse_fountain(EDGE_SCRIPT)
    crlf = parse_fountain(EDGE_SCRIPT.replace("\n", "\r\n"))
    cr = parse_fountain(EDGE_SCRIPT.replace("\n", "\r"))
    mixed_lines = EDGE_SCRIPT.split("\n")
    mixed = parse_fountain("".join(ln + ("\r\n", "\n", "\r")[i % 3] for i, ln in enumerate(mixed_lines)))
    want = [(e.type, e.text, e.line, e.scene_number, e.dual) for e in lf.elements]
    for other in (crlf, cr, mixed):
        assert [(e.type, e.text, e.line, e.scene_number, e.dual) for e in other.elements] == want
        assert other.title_page == lf.title_page


def test_whitespace_only_lines_are_blank_but_two_spaces_continue_dialogue():
    s = parse_fountain("BOB\nHello.\n  \nStill me.\n\t \nMARY\nHi.\n   \nShe leaves.\n")
    assert [(e.type, e.text) for e in s.elements] == [
        (ET.CHARACTER, "BOB"), (ET.DIALOGUE, "Hello.\n\nStill me."),
        (ET.CHARACTER, "MARY"), (ET.DIALOGUE, "Hi."), (ET.ACTION, "She leaves.")]


def test_non_latin_script_parses(samples_dir):
    s = parse_fountain((samples_dir / "fountain" / "afterwriting-sc-chinese.fountain").read_text(encoding="utf-8"))
    assert s.title_page == {"Title": "电影", "Author": "匿名"}
    cue = next(e for e in s.elements if e.type == ET.CHARACTER)
    assert cue.text == "约翰" and cue.line == 10
    assert [e.type for e in s.elements[3:6]] == [ET.CHARACTER, ET.PARENTHETICAL, ET.DIALOGUE]
    cyrillic = parse_fountain("ИНТ. ДОМ\n\nИВАН\nПривет.\n\nИван уходит.\n")
    assert [e.type for e in cyrillic.elements] == [ET.ACTION, ET.CHARACTER, ET.DIALOGUE, ET.ACTION]


def test_character_rules_need_letters_blank_before_and_text_after():
    s = parse_fountain("He shouts.\nBOB\nHi.\n\n23\nAction.\n\nBANG!\n\nHANS (on the radio)\nCome in.\n")
    assert [(e.type, e.text) for e in s.elements] == [
        (ET.ACTION, "He shouts.\nBOB\nHi."), (ET.ACTION, "23\nAction."), (ET.ACTION, "BANG!"),
        (ET.CHARACTER, "HANS (on the radio)"), (ET.DIALOGUE, "Come in.")]


ROUND_TRIP_EDGES = [
    EDGE_SCRIPT,
    "INT. HOUSE - DAY\nJOHN ENTERS.\nHe sits.\n",             # caps action right under a heading
    "Title: action, not a title page\n\nINT. A - DAY\n",       # first action looks like a title key
    "!INT. NOT A HEADING\n\nBANG\nBANG\n",
    "EXT. A - DAY\n\n@Mixed Case\nHi.\n\nbob\nlower case cue\n",
    "# Act\n= synopsis\nINT. A - DAY\n#B#\n\nAction\n#not a section\n>not centered\n",
    "BOB\n(beat)\n  \nAfter the pause.\n\nBOB\n~la la\nspoken\n",
    "/* never closed\n\nINT. HOUSE - DAY\n",
    "[[never closed\nstill the note\n\nINT. HOUSE - DAY\n\nAction.\n",
    "Line one\n[[note]]\n\n[[a]] [[b]]\nAfter notes\n",
    "A\nB ^\nC\n\nD ^\nE\n",
    ">CENTRED<\n>TWO<\nafter\n\n===\n\nCUT TO:\nnot a transition\n",
]


def _round_trip_ok(text: str) -> None:
    first = parse_fountain(text)
    second = parse_fountain(write_fountain(first))
    assert sig(second) == sig(first)
    assert second.title_page == first.title_page
    assert [e.dual for e in second.elements] == [e.dual for e in first.elements]


@pytest.mark.parametrize("index", range(len(ROUND_TRIP_EDGES)))
def test_write_then_parse_gives_the_same_document_for_edge_cases(index):
    _round_trip_ok(ROUND_TRIP_EDGES[index])


def test_write_then_parse_gives_the_same_document_for_every_sample(samples_dir):
    files = sorted((samples_dir / "fountain").glob("*.fountain")) + sorted((samples_dir / "fdx").glob("*.fountain"))
    assert len(files) >= 9
    for path in files:
        _round_trip_ok(path.read_text(encoding="utf-8"))


def test_writer_adds_force_marks_only_where_needed():
    s = parse_fountain("EXT. A - DAY\n\n@McCLANE\nYippee.\n\n!BANG\nBANG\n\nJust action.\n\n.FLASHBACK\n\nBOB ^\nHi.\n")
    out = write_fountain(s)
    assert "\n@McCLANE\n" in out and "\n!BANG\nBANG\n" in out and "\n.FLASHBACK\n" in out
    assert "\nJust action.\n" in out and out.startswith("EXT. A - DAY\n")
    from studio_kit.domain.script import Element, Script
    built = Script(elements=[Element(type=ET.SCENE_HEADING, text="ROOFTOP"),
                             Element(type=ET.CHARACTER, text="Dr. Who"), Element(type=ET.DIALOGUE, text="Run."),
                             Element(type=ET.ACTION, text="SIRENS\nwail below."),
                             Element(type=ET.TRANSITION, text="SMASH CUT")])
    text = write_fountain(built)
    assert text == ".ROOFTOP\n\n@Dr. Who\nRun.\n\n!SIRENS\nwail below.\n\n> SMASH CUT\n"
    assert [(e.type, e.text) for e in parse_fountain(text).elements] == [(e.type, e.text) for e in built.elements]


def test_cyber_bob_matches_reference_figures(samples_dir):
    s = parse_fountain((samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text())
    assert len(s.scenes) == 3
    assert len(s.speaking_characters) == 6
    assert s.dialogue_block_count == 35
    assert sum(len(sc.dialogue) for sc in s.scenes) == 35
    park = s.scenes[0]
    assert (park.int_ext, park.location, park.time_of_day) == ("EXT", "PARK", "DAY")
    assert {"CYBER BOB", "DOG", "MARGARET"} <= set(park.mentioned_characters)
    assert s.title_page["Title"].startswith("BOB THE CYBER PAWN")
    assert s.elements[0].type == ET.BONEYARD   # the draft date comment under the title page


def _aw_modules() -> Path:
    return Path(os.environ.get("AW_NODE_MODULES") or REPO / ".cache" / "afterwriting" / "node_modules")


def _sample_files() -> list[Path]:
    files = sorted((REPO / "tests" / "data" / "samples" / "fountain").glob("*.fountain"))
    assert files, "tests/data/samples/fountain is missing from the checkout"
    return files


@pytest.mark.parametrize("path", _sample_files(), ids=lambda p: p.name)
def test_scene_character_and_dialogue_counts_agree_with_afterwriting(path):
    node = shutil.which("node")
    modules = _aw_modules()
    if node is None or not (modules / "aw-parser").exists() or not AW_TOOL.exists():
        pytest.skip("node or afterwriting is not installed (make test installs it)")
    run = subprocess.run([node, str(AW_TOOL), str(path), "usletter"], capture_output=True, text=True,
                         env={**os.environ, "AW_NODE_MODULES": str(modules)}, timeout=60)
    assert run.returncode == 0, run.stderr
    ref = json.loads(run.stdout)
    s = parse_fountain(path.read_text(encoding="utf-8"))
    headings = sum(1 for e in s.elements if e.type == ET.SCENE_HEADING)
    names = {normalise_character(e.text)[0] for e in s.elements if e.type == ET.CHARACTER}
    assert (headings, len(names), s.dialogue_block_count) == (ref["scenes"], ref["characters"], ref["dialogue_blocks"])


# Lines that each mean something different to a Fountain parser; shuffled
# together they exercise every interaction between elements.
FUZZ_LINES = ["", "", "", "  ", "\t", "INT. HOUSE - DAY", "EXT. PARK #3#", ".FORCED", "..dots", "BOB", "BOB (V.O.)",
              "EVE ^", "@McX", "Hello there.", "(beat)", "~la la", "> CUT", ">MID<", "CUT TO:", "===", "# Act",
              "## Seq", "= syn", "[[note]]", "close]]", "/* x */", "bone */", "!FORCED", "Action *it* _u_ **b**",
              "Title: X", "Author: Y", "    indented", "lower case", "123", "A", "é ÉCOLE", "约翰",
              "text [[inline]] more", "==", "=", "#", ">", "<", "(", ")", "()", "^", "@", "!", ".", "~"]


def fuzz_scripts(count: int, seed: int = 11):
    import random

    rng = random.Random(seed)
    for _ in range(count):
        yield "\n".join(rng.choice(FUZZ_LINES) for _ in range(rng.randint(1, 25)))


def test_round_trip_holds_for_hundreds_of_shuffled_scripts():
    for text in fuzz_scripts(400):
        first = parse_fountain(text)
        second = parse_fountain(write_fountain(first))
        assert [(e.type, e.text, e.scene_number, e.dual) for e in second.elements] == \
            [(e.type, e.text, e.scene_number, e.dual) for e in first.elements], text
        assert second.title_page == first.title_page, text
