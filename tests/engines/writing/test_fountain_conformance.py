"""Fountain 1.1 conformance (fountain.io/syntax), one test per rule (issue 20).

Each rule is checked on several shapes, not one example, and through every
path that depends on it: the parser, plain text, the PDF layout's emphasis
runs, the Fountain writer's round trip and the FDX export.
"""
from __future__ import annotations

import xml.etree.ElementTree as ETree

import pytest

from studio_kit.domain.script import ElementType as ET
from studio_kit.engines.writing.fdx import read_fdx, write_fdx
from studio_kit.engines.writing.fountain import parse_fountain, plain_text
from studio_kit.engines.writing.fountain_writer import write_fountain
from studio_kit.engines.writing.layout import emphasis_runs
from studio_kit.engines.writing.pagination import paginate

H = "INT. A - DAY\n\n"


def kinds(text: str) -> list[tuple[ET, str]]:
    return [(e.type, e.text) for e in parse_fountain(text).elements]


def round_trips(text: str) -> None:
    first = parse_fountain(text)
    second = parse_fountain(write_fountain(first))
    assert [(e.type, e.text, e.scene_number) for e in second.elements] == \
        [(e.type, e.text, e.scene_number) for e in first.elements]


# ---------------------------------------------------------------- 1. comment-only lines are blank lines
@pytest.mark.parametrize("comment", ["/* old */", "[[a note]]", "/* a */ [[b]]", "  [[indented note]]  ",
                                     "/*\nINT. OLD - NIGHT\n\nGone.\n*/", "[[two\nlines]]"])
@pytest.mark.parametrize("before", ["Text.", "CUT TO:", "BOB\nHello."])
def test_a_line_of_only_notes_or_boneyard_reads_as_a_blank_line(comment, before):
    text = H + before + "\n" + comment + "\nEXT. B - DAY\n\nMore.\n"
    s = parse_fountain(text)
    assert [sc.heading for sc in s.scenes] == ["INT. A - DAY", "EXT. B - DAY"]   # never swallowed
    hidden = [e for e in s.elements if e.type in (ET.NOTE, ET.BONEYARD)]
    assert hidden and all("EXT. B" not in e.text for e in hidden)
    if before == "CUT TO:":
        assert (ET.TRANSITION, "CUT TO:") in kinds(text)     # the comment line counts as the blank after it
    assert all("EXT. B" not in e.text for e in s.elements if e.type in (ET.ACTION, ET.DIALOGUE))
    round_trips(text)


def test_a_commented_out_scene_between_a_transition_and_the_next_heading_keeps_that_heading():
    text = (H + "Brick and Steel share a look.\n\nCUT TO:\n/*\nINT. GARAGE - DAY\n\nBRICK\nSo much for retirement!\n"
            "\nCUT TO:\n*/\nEXT. PALATIAL MANSION - DAY\n\nAn EXTREMELY long driveway.\n")
    s = parse_fountain(text)
    assert [sc.heading for sc in s.scenes] == ["INT. A - DAY", "EXT. PALATIAL MANSION - DAY"]
    assert [e.type for e in s.elements] == [ET.SCENE_HEADING, ET.ACTION, ET.TRANSITION, ET.BONEYARD,
                                            ET.SCENE_HEADING, ET.ACTION]
    assert s.speaking_characters == []                       # BRICK only speaks inside the boneyard


def test_a_note_line_after_a_cue_means_the_cue_has_no_speech():
    assert kinds(H + "BOB\n[[is he here?]]\nHello.\n") == [
        (ET.SCENE_HEADING, "INT. A - DAY"), (ET.ACTION, "BOB"), (ET.NOTE, "is he here?"), (ET.ACTION, "Hello.")]


# ---------------------------------------------------------------- 2. forced scene headings
@pytest.mark.parametrize("line", [". NOT A HEADER", ". . . and then nothing.", "...and then", ".", ". 1", ".-X", ".(FLASHBACK)"])
def test_a_period_forces_a_heading_only_before_a_letter_or_digit(line):
    s = parse_fountain(H + line + "\n")
    assert len(s.scenes) == 1 and s.elements[-1].type == ET.ACTION and s.elements[-1].text == line
    round_trips(H + line + "\n")


@pytest.mark.parametrize("line, heading", [(".SNIPER SCOPE POV", "SNIPER SCOPE POV"), (".1ST FLOOR", "1ST FLOOR"),
                                           (".ÉCOLE - JOUR", "ÉCOLE - JOUR"), (".inside the van #4#", "inside the van")])
def test_a_period_before_a_letter_or_digit_forces_a_heading(line, heading):
    s = parse_fountain(H + "Action.\n\n" + line + "\n\nMore.\n")
    assert s.scenes[-1].heading == heading and s.elements[2].forced
    round_trips(H + "Action.\n\n" + line + "\n\nMore.\n")


# ---------------------------------------------------------------- 3. emphasis
@pytest.mark.parametrize("text", ["He dialed *69 and then *23, and then hung up.", "_69 and then 23 _",
                                  "a * b * c", "** not bold **", "x _ y _ z", "2 * 3 = 6 and 4 * 5 = 20",
                                  "*** spaced ***"])
def test_marks_that_do_not_hug_the_text_are_printed_as_written(text):
    assert emphasis_runs(text) == [(text, "")]
    assert plain_text(text) == text                            # literal stars are kept, not dropped
    root = ETree.fromstring(write_fdx(parse_fountain(H + text + "\n")))
    runs = [t for p in root.find("Content") for t in p.findall("Text") if t.text and t.text.strip() == text]
    assert runs and all(t.get("Style") is None for t in runs)   # the FDX export writes only real emphasis


@pytest.mark.parametrize("text, runs", [
    ("He dialed *69 and then 23*, and hung up.",
     [("He dialed ", ""), ("69 and then 23", "i"), (", and hung up.", "")]),
    ("_Steel's face FILLS the *Leupold Mark 4* scope_.",
     [("Steel's face FILLS the ", "u"), ("Leupold Mark 4", "iu"), (" scope", "u"), (".", "")]),
    ("***bold italics*** and **bold**", [("bold italics", "bi"), (" and ", ""), ("bold", "b")]),
])
def test_marks_that_hug_the_text_style_it(text, runs):
    assert emphasis_runs(text) == runs
    assert plain_text(text) == "".join(t for t, _ in runs)


@pytest.mark.parametrize("text, printed, styles", [
    (r"Steel enters the code on the keypad: **\*9765\***", "Steel enters the code on the keypad: *9765*", {"", "b"}),
    (r"*a\* b*", "a* b", {"i"}),                       # the escaped star is inside, the last one closes
    (r"x *a\*", "x *a*", {""}),                       # an escaped star never closes an open mark
    (r"\_not underlined\_", "_not underlined_", {""}),
])
def test_an_escaped_mark_prints_and_never_opens_or_closes(text, printed, styles):
    runs = emphasis_runs(text)
    assert "".join(t for t, _ in runs) == printed and {s for _, s in runs} == styles
    assert plain_text(text) == printed


def test_fdx_round_trip_keeps_literal_stars_literal():
    text = H + "He dialed *69 and then *23.\n\nIt costs 2 * 3 dollars.\n"
    back = read_fdx(write_fdx(parse_fountain(text)).encode())
    assert [plain_text(e.text) for e in back.elements[1:]] == ["He dialed *69 and then *23.", "It costs 2 * 3 dollars."]


# ---------------------------------------------------------------- 4. notes and blank lines
def test_a_note_never_spans_a_truly_blank_line():
    s = parse_fountain(H + "She waits.[[fix\n\nlater]] He leaves.\n")
    assert kinds(H + "She waits.[[fix\n\nlater]] He leaves.\n")[1:] == [
        (ET.ACTION, "She waits.[[fix"), (ET.ACTION, "later]] He leaves.")]
    printed = [ln.text for page in paginate(s).pages for ln in page if ln.text]
    assert printed[1:] == ["She waits.[[fix", "later]] He leaves."]      # the marks print as text
    assert plain_text(s.elements[1].text) == "She waits.[[fix"
    assert any("blank line" in w and "line 3" in w for w in s.warnings)


@pytest.mark.parametrize("blank", ["", " ", "\t", "   "])
def test_whitespace_lines_other_than_two_spaces_end_a_note(blank):
    s = parse_fountain(H + "She waits.[[fix\n" + blank + "\nlater]] He leaves.\n")
    assert [e.type for e in s.elements] == [ET.SCENE_HEADING, ET.ACTION, ET.ACTION]


def test_a_two_space_line_keeps_a_note_open_across_an_empty_line():
    s = parse_fountain(H + "She waits.[[fix\n  \nlater]] He leaves.\n")
    assert kinds(H + "She waits.[[fix\n  \nlater]] He leaves.\n")[1:] == [
        (ET.ACTION, "She waits.[[fix\n  \nlater]] He leaves.")]
    assert plain_text(s.elements[1].text) == "She waits. He leaves."
    note_only = parse_fountain(H + "[[first\n  \nsecond]]\n\nAction.\n")
    assert note_only.elements[1].type == ET.NOTE and note_only.elements[1].text == "first\n\nsecond"
    round_trips(H + "[[first\n  \nsecond]]\n\nAction.\n")


# ---------------------------------------------------------------- 6. documented choices
def test_a_second_consecutive_parenthetical_is_its_own_parenthetical():
    assert kinds("BOB\n(beat)\n(quietly)\nGo.\n") == [
        (ET.CHARACTER, "BOB"), (ET.PARENTHETICAL, "(beat)"), (ET.PARENTHETICAL, "(quietly)"), (ET.DIALOGUE, "Go.")]


def test_only_a_trailing_caret_makes_dual_dialogue():
    # "AND ^ (Dual)": the caret is not at the end, so this cue opens no pair; it is the left-hand
    # partner of the next cue, whose trailing caret pairs it with the speech just before
    s = parse_fountain("BOB\nYes.\n\nAND ^ (Dual)\nNo.\n\nAL (V.O.) ^\nMaybe.\n")
    assert [(e.text, e.dual) for e in s.elements] == [
        ("BOB", False), ("Yes.", False), ("AND ^ (Dual)", True), ("No.", True), ("AL (V.O.)", True), ("Maybe.", True)]
    from studio_kit.engines.writing.scenes import normalise_character
    assert normalise_character("AND ^ (Dual)") == ("AND", ["Dual"])   # the caret never joins the name


def test_whitespace_only_lines_other_than_two_spaces_end_dialogue():
    for blank in ("", " ", "\t", "   ", " \t "):
        assert [e.type for e in parse_fountain("BOB\nHi.\n" + blank + "\nShe leaves.\n").elements] == [
            ET.CHARACTER, ET.DIALOGUE, ET.ACTION], repr(blank)


def test_unindented_lines_after_a_title_key_continue_its_value():
    s = parse_fountain("Title: THE LAMP\nContact:\nSam Lee\n  555 0100\nDraft date: 1 May\n\n" + H)
    assert s.title_page == {"Title": "THE LAMP", "Contact": "Sam Lee\n555 0100", "Draft date": "1 May"}


def test_the_parser_docstring_records_each_choice():
    import ast
    from pathlib import Path

    import studio_kit.engines.writing as writing

    # read from the source: the module compiled with mypyc (make speedups) keeps no docstring
    doc = ast.get_docstring(ast.parse((Path(writing.__file__).parent / "fountain.py").read_text(encoding="utf-8")))
    for phrase in ("second consecutive parenthetical", "AND ^ (Dual)", "two spaces", "Unindented lines",
                   "blank line", "period followed by a letter or digit", "hug"):
        assert phrase in doc, phrase
