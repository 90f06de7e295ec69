"""Pagination: page-break rules, (MORE)/(CONT'D), eighths, and agreement with afterwriting."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from studio_kit.domain.script import Element, Scene, Script
from studio_kit.domain.script import ElementType as E
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.pagination import format_eighths, paginate, parse_eighths
from studio_kit.exceptions import ScriptError

REPO = Path(__file__).resolve().parents[3]
TOOL = REPO / "tools" / "afterwriting_pages.js"
SAMPLE_NAMES = sorted(p.name for p in (REPO / "tests" / "data" / "samples" / "fountain").glob("*.fountain"))
assert SAMPLE_NAMES, "tests/data/samples/fountain is missing from the checkout"


def build(*paragraphs: tuple[E, str] | list[tuple[E, str]]) -> Script:
    """A Script from paragraphs; a list is one dialogue block (lines with no blank line between)."""
    elements: list[Element] = []
    scenes: list[Scene] = []
    line = 1
    for para in paragraphs:
        group = para if isinstance(para, list) else [para]
        for kind, text in group:
            el = Element(type=kind, text=text, line=line)
            elements.append(el)
            if kind == E.SCENE_HEADING:
                scenes.append(Scene(index=len(scenes), heading=text, elements=[el]))
            elif scenes:
                scenes[-1].elements.append(el)
            line += text.count("\n") + 1
        line += 1                    # the blank line after the paragraph
    return Script(elements=elements, scenes=scenes)


def action_lines(n: int, word: str = "He waits.") -> tuple[E, str]:
    """One action paragraph of ``n`` short source lines (one printed line each)."""
    return (E.ACTION, "\n".join(f"{word} {i}" for i in range(n)))


def page_of(pagination, predicate) -> int:
    for number, page in enumerate(pagination.pages, start=1):
        if any(predicate(ln) for ln in page):
            return number
    raise AssertionError("no such line")


def test_cyber_bob_matches_the_reference_figures(samples_dir):
    from studio_kit.engines.writing.fountain import parse_fountain

    script = parse_fountain((samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text(encoding="utf-8"))
    # afterwriting 1.17.3's figures (tests/data/samples/SOURCES.md): its liner.js splits a speech
    # after any wrapped line, so compare with sentence-aware splits off
    result = paginate(script, "letter", sentence_splits=False)
    assert result.page_count == 6
    assert result.fractional_pages == pytest.approx(5.55, abs=0.005)
    assert result.more_splits == 1
    assert result.pages[0][-1].text == "(MORE)" and result.pages[1][0].text == "BOB (CONT'D)"
    # our default, as Final Draft: BOB's speech has no sentence end on page 1 and moves there whole;
    # the one split falls after "Just dogs." on page 4, and the body grows to 5.67 pages (our figure)
    final_draft = paginate(script, "letter")
    assert final_draft.page_count == 6 and final_draft.more_splits == 1
    assert final_draft.fractional_pages == pytest.approx(5.67, abs=0.005)
    assert [ln.text for ln in final_draft.pages[1][:2]] == ["BOB", "Oh hey it's my Potentially"]
    fourth = [ln.text for ln in final_draft.pages[3]]
    assert fourth[-2:] == ["Well, I mean, not me. Just dogs.", "(MORE)"]
    assert all(s.eighths and s.eighths >= 1 for s in script.scenes)
    assert [s.eighths for s in script.scenes] == result.scene_eighths
    # a page = 8 eighths: the scenes add up to the body length, give or take rounding
    assert abs(sum(result.scene_eighths) - result.fractional_pages * 8) <= len(script.scenes)


def _node_modules() -> Path:
    return Path(os.environ.get("AW_NODE_MODULES", REPO / ".cache" / "afterwriting" / "node_modules"))


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_every_sample_is_within_an_eighth_of_afterwriting(samples_dir, name, paper):
    from studio_kit.engines.writing.fountain import parse_fountain

    node = shutil.which("node")
    modules = _node_modules()
    if not node or not (modules / "afterwriting").exists() or not TOOL.exists():
        pytest.skip("node and afterwriting (AW_NODE_MODULES) are needed for the comparison")
    path = samples_dir / "fountain" / name
    out = subprocess.run([node, str(TOOL), str(path), "usletter" if paper == "letter" else "a4"],
                         env={**os.environ, "AW_NODE_MODULES": str(modules)},
                         capture_output=True, text=True, timeout=60, check=True)
    reference = json.loads(out.stdout)
    # afterwriting breaks a speech after any wrapped line (liner.js default_breaker): compare like with like
    ours = paginate(parse_fountain(path.read_text(encoding="utf-8")), paper, sentence_splits=False)
    assert abs(ours.fractional_pages - reference["fractional_pages"]) <= 1 / 8, (ours.fractional_pages, reference)
    assert ours.page_count == reference["pdf_pages"]


def test_scene_heading_is_never_the_last_line_of_a_page():
    # 52 action lines + blank put the heading on row 54 of 55: it must move to page 2
    script = build(action_lines(52), (E.SCENE_HEADING, "INT. VAULT - NIGHT"), action_lines(5))
    result = paginate(script)
    assert page_of(result, lambda ln: ln.type == "scene_heading") == 2
    for page in result.pages[:-1]:
        assert page[-1].type != "scene_heading"
    assert len(result.pages[0]) == 52


def test_page_never_breaks_right_before_a_transition():
    script = build(action_lines(54), (E.TRANSITION, "CUT TO:"), (E.SCENE_HEADING, "EXT. ROOF - DAY"))
    result = paginate(script)
    page = result.pages[page_of(result, lambda ln: ln.type == "transition") - 1]
    first_printed = next(ln for ln in page if ln.text)
    assert first_printed.type != "transition"     # the last action line came along with it
    assert first_printed.text == "He waits. 53"


def test_an_action_block_of_three_lines_is_not_split():
    long_line = " ".join(["Rain hammers the windows of the old house."] * 4)  # wraps to 3 lines
    script = build(action_lines(52), (E.ACTION, long_line), action_lines(3, "Later."))
    result = paginate(script)
    source = script.elements[1].line
    wrapped = [ln for page in result.pages for ln in page if ln.source_line == source]
    assert len(wrapped) == 3
    assert {page_of(result, lambda ln, w=w: ln is w) for w in wrapped} == {2}
    assert len(result.pages[0]) == 52


def test_long_speech_is_split_with_more_and_contd():
    # ~20 dialogue lines, a sentence every 7 words: the speech splits at a sentence end (Final Draft)
    speech = " ".join(f"word{i}." if i % 7 == 6 else f"word{i}" for i in range(140))
    script = build(action_lines(40), [(E.CHARACTER, "MARGARET (V.O.)"), (E.DIALOGUE, speech)])
    result = paginate(script)
    assert result.page_count == 2 and result.more_splits == 1
    first, second = result.pages
    assert first[-1].text == "(MORE)" and first[-1].x == pytest.approx(3.5)
    assert first[-2].type == "dialogue"
    assert second[0].text == "MARGARET (V.O.) (CONT'D)" and second[0].x == pytest.approx(3.5)
    assert second[1].type == "dialogue"
    words = " ".join(ln.text for page in result.pages for ln in page if ln.type == "dialogue").split()
    assert words == speech.split()                               # nothing lost or repeated


def test_forced_page_break_starts_a_new_page():
    script = build(action_lines(3), (E.PAGE_BREAK, ""), action_lines(2, "After."))
    result = paginate(script)
    assert result.page_count == 2
    assert result.pages[1][0].text == "After. 0"
    assert result.fractional_pages == pytest.approx(1 + 2 / 55)


def test_blank_lines_count_once_and_widths_follow_the_paper():
    text = "x" * 30 + " " + "y" * 29            # 60 characters: one line on Letter (61), two on A4 (58)
    script = build((E.ACTION, text), (E.ACTION, "Next."))
    letter, a4 = paginate(script, "letter"), paginate(script, "a4")
    assert [ln.type for ln in letter.pages[0]] == ["action", "separator", "action"]
    assert len(a4.pages[0]) == 4
    assert letter.fractional_pages == pytest.approx(3 / 55)
    assert a4.fractional_pages == pytest.approx(4 / 57)
    with pytest.raises(ScriptError, match="paper"):
        paginate(script, "legal")


def test_elements_sit_at_their_industry_indents():
    script = build((E.SCENE_HEADING, "INT. DINER - DAY"), (E.ACTION, "Bob sits."),
                   [(E.CHARACTER, "BOB"), (E.PARENTHETICAL, "(quietly)"), (E.DIALOGUE, "Coffee.")],
                   (E.TRANSITION, "CUT TO:"))
    lines = {ln.type: ln for ln in paginate(script).pages[0]}
    assert lines["scene_heading"].x == pytest.approx(1.5)
    assert lines["action"].x == pytest.approx(1.5)
    assert lines["character"].x == pytest.approx(3.5)
    assert lines["parenthetical"].x == pytest.approx(3.0)
    assert lines["dialogue"].x == pytest.approx(2.5)
    assert lines["transition"].x + len("CUT TO:") * 0.1 == pytest.approx(7.6)   # right-aligned
    assert lines["character"].source_line == 5


def test_dual_dialogue_prints_side_by_side():
    script = build([(E.CHARACTER, "ADAM"), (E.DIALOGUE, "Yes.")],
                   [(E.CHARACTER, "EVE ^"), (E.DIALOGUE, "No. No. No. Absolutely not, never in a million years.")])
    script.elements[2].dual = script.elements[3].dual = True
    page = paginate(script).pages[0]
    adam = page[0]
    assert adam.text == "ADAM" and adam.right_column
    eve = adam.right_column[0]
    assert eve.text == "EVE" and eve.row == adam.row
    assert eve.x - adam.x == pytest.approx(3.0)
    # the right speech wraps at 3/4 of 36 = 27 characters and is longer than the left one
    assert all(len(ln.text) <= 27 for ln in adam.right_column)
    right_rows = len(adam.right_column)
    assert len([ln for ln in page if ln.text]) >= right_rows   # padding keeps rows for the longer column


def test_each_scene_is_at_least_one_eighth_and_lengths_add_up():
    script = build((E.SCENE_HEADING, "INT. A - DAY"), (E.SCENE_HEADING, "INT. B - DAY"), action_lines(60),
                   (E.SCENE_HEADING, "INT. C - DAY"), action_lines(20))
    result = paginate(script)
    assert [s.eighths for s in script.scenes] == result.scene_eighths
    a, b, c = result.scene_eighths
    assert a == 1                      # 2 printed lines still count as 1/8
    assert b == round(63 / 6.875)      # heading, blank, 60 lines, blank
    assert c == round(21 / 6.875)
    assert result.scene_pages == [1, 1, 2]


def test_revised_lines_are_flagged():
    script = build((E.ACTION, "Unchanged."), (E.ACTION, "Rewritten line."))
    lines = paginate(script, revised_lines={3}).pages[0]
    assert [ln.revised for ln in lines if ln.text] == [False, True]


@pytest.mark.parametrize("eighths,text", [(12, "1 4/8"), (8, "1"), (3, "3/8"), (1, "1/8"), (17, "2 1/8"), (0, "0")])
def test_eighths_are_written_like_a_breakdown_sheet(eighths, text):
    assert format_eighths(eighths) == text
    assert parse_eighths(text) == eighths
    assert "." not in text


def test_a_length_that_is_not_in_eighths_is_refused():
    for bad in ("1.5", "1 1/2", "three"):
        with pytest.raises(ScriptError, match="eighths"):
            parse_eighths(bad)


def test_fdx_import_and_scripts_without_line_numbers_paginate_alike(samples_dir, tmp_path):
    from studio_kit.engines.writing.fdx import read_fdx, write_fdx
    from studio_kit.engines.writing.fountain import parse_fountain

    script = parse_fountain((samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text(encoding="utf-8"))
    write_fdx(script, tmp_path / "bob.fdx")
    from_fdx = read_fdx(tmp_path / "bob.fdx")
    assert paginate(from_fdx).fractional_pages == pytest.approx(paginate(script).fractional_pages)

    numbered = build((E.SCENE_HEADING, "INT. A - DAY"), action_lines(3),
                     [(E.CHARACTER, "BOB"), (E.PARENTHETICAL, "(quiet)"), (E.DIALOGUE, "Hi.")], (E.ACTION, "End."))
    unnumbered = numbered.model_copy(deep=True)
    for el in unnumbered.elements:
        el.line = 0
    a, b = paginate(numbered), paginate(unnumbered)
    assert [ln.type for ln in a.pages[0]] == [ln.type for ln in b.pages[0]]
    assert a.fractional_pages == pytest.approx(11 / 55)


def test_a_long_script_paginates_exactly_like_its_parts(samples_dir):
    """Forty copies of Cyber Bob, each after a forced break: the same pages, (MORE) splits and
    eighths forty times over (pagination works on a sliding window; nothing may drift)."""
    body = (samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text(encoding="utf-8")
    body = body[body.index("> FADE IN:"):]
    one = paginate(parse_fountain(body))
    many = paginate(parse_fountain("\n\n===\n\n".join([body] * 40)))
    # (the blank line before each "===" stays on its page, as in afterwriting: count printed lines)
    assert [sum(1 for ln in p if ln.text) for p in many.pages] == [sum(1 for ln in p if ln.text)
                                                                  for p in one.pages] * 40
    assert many.more_splits == 40 * one.more_splits == 40
    # each copy's last scene also holds the blank line before "===": one eighth more at most
    assert many.scene_eighths[0::3] == [one.scene_eighths[0]] * 40
    assert many.scene_eighths[1::3] == [one.scene_eighths[1]] * 40
    assert set(many.scene_eighths[2::3]) <= {one.scene_eighths[2], one.scene_eighths[2] + 1}
    assert [ln.text for ln in many.pages[-1]] == [ln.text for ln in one.pages[-1]]


def test_pagination_leaves_no_reference_cycles_or_young_garbage():
    """Lines and tokens free themselves by reference counting, and the objects pagination made
    are not left for the next young collection to rescan (that cost grew faster than the script)."""
    import gc

    script = parse_fountain("INT. ROOM - DAY\n\n" + "BOB\nWords and words.\n\nEVE ^\nMore words.\n\n" * 400)
    gc.collect()
    result = paginate(script)
    assert gc.get_count()[0] < 200
    del result
    assert gc.collect() == 0
