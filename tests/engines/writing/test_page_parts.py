"""Final Draft page parts (issue 14, item 9): automatic (CONT'D), sentence-aware speech splits and a
title page without field labels."""
from __future__ import annotations

import re
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.layout import PaperProfile
from studio_kit.engines.writing.pagination import CONTD, page_lines, paginate
from studio_kit.engines.writing.pdf import render_pdf

H = "INT. KITCHEN - NIGHT\n\n"


def cues(text: str, **kwargs) -> list[str]:
    result = paginate(parse_fountain(text), **kwargs)
    return [ln.text for page in result.pages for ln in page_lines(page) if ln.type == "character"]


# ---------------------------------------------------------------- automatic (CONT'D)
def test_a_speaker_who_resumes_after_action_gets_contd():
    text = H + "BOB\nI'm home.\n\nHe drops his keys.\n\nBOB\nAnyone?\n"
    assert cues(text) == ["BOB", f"BOB {CONTD}"]


def test_extensions_stay_and_the_name_decides_who_resumes():
    text = H + "BOB (O.S.)\nI'm home.\n\nHe walks in.\n\nBOB\nAnyone?\n\nSilence.\n\nBOB (V.O.)\nOf course not.\n"
    assert cues(text) == ["BOB (O.S.)", f"BOB {CONTD}", f"BOB (V.O.) {CONTD}"]


@pytest.mark.parametrize("between", [
    "\n\nEXT. YARD - NIGHT\n\n",                     # a new scene
    "\n\nMARY\nHi.\n\nShe leaves.\n\n",             # another speaker
])
def test_a_new_scene_or_another_speaker_resets_contd(between):
    text = H + "BOB\nI'm home." + between + "BOB\nAnyone?\n"
    assert cues(text)[-1] == "BOB"


def test_a_cue_that_already_says_contd_is_not_marked_twice():
    text = H + "BOB\nI'm home.\n\nHe waits.\n\nBOB (CONT'D)\nAnyone?\n\nNothing.\n\nBOB (cont’d)\nNo?\n"
    assert cues(text) == ["BOB", "BOB (CONT'D)", "BOB (cont’d)"]


def test_dual_dialogue_cues_are_never_marked():
    text = H + "BOB\nYes.\n\nHe nods.\n\nBOB\nYes!\n\nMARY ^\nNo!\n"
    assert cues(text) == ["BOB", "BOB", "MARY"]


def test_the_option_turns_automatic_contd_off():
    text = H + "BOB\nI'm home.\n\nHe drops his keys.\n\nBOB\nAnyone?\n"
    assert cues(text, auto_contd=False) == ["BOB", "BOB"]
    assert paginate(parse_fountain(text)).fractional_pages == paginate(parse_fountain(text), auto_contd=False).fractional_pages


def test_a_page_split_after_an_automatic_contd_does_not_add_a_second_one():
    speech = "\n".join(f"Line {k} of a long speech." for k in range(70))
    text = H + "BOB\nHi.\n\nHe sits.\n\nBOB\n" + speech + "\n"
    got = cues(text)
    assert got[:2] == ["BOB", f"BOB {CONTD}"] and got[2] == f"BOB {CONTD}"     # top of page 2


def test_the_pdf_prints_automatic_contd(tmp_path):
    text = H + "BOB\nI'm home.\n\nHe drops his keys.\n\nBOB\nAnyone?\n"
    out = render_pdf(parse_fountain(text), tmp_path / "contd.pdf", title_page=False)
    printed = subprocess.run(["pdftotext", "-layout", str(out.path), "-"], capture_output=True, text=True, check=True).stdout
    assert "BOB (CONT'D)" in printed
    plain = render_pdf(parse_fountain(text), tmp_path / "plain.pdf", title_page=False, auto_contd=False)
    assert "CONT'D" not in subprocess.run(["pdftotext", str(plain.path), "-"], capture_output=True, text=True,
                                          check=True).stdout


# ---------------------------------------------------------------- title page
def _title_page_text(tmp_path, title_page: str) -> str:
    script = parse_fountain(title_page + "\n\n" + H + "Rain.\n")
    out = render_pdf(script, tmp_path / "title.pdf")
    return subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(out.path), "-"],
                          capture_output=True, text=True, check=True).stdout


def test_the_title_page_never_prints_field_labels(tmp_path):
    page = _title_page_text(tmp_path, "Title: THE LAMP\nCredit: Written by\nAuthor: Sam Lee\n"
                                      "Draft date: Second Draft\nContact:\n    Sam Lee\n    (207) 555-0100\n"
                                      "Copyright: © 2026 Sam Lee\nRevision: Blue Pages\nNotes: WGA 2231987")
    for label in ("Title:", "Credit:", "Author:", "Draft date", "Contact:", "Copyright:", "Revision:", "Notes:"):
        assert label not in page, label
    for value in ("THE LAMP", "Written by", "Sam Lee", "Second Draft", "(207) 555-0100", "© 2026 Sam Lee",
                  "Blue Pages", "WGA 2231987"):
        assert value in page, value                    # every field printed, as its value only


def test_a_short_right_aligned_field_stays_on_one_line(tmp_path):
    line = "© 2026 Harbour Light Pictures, LLC"            # 34 characters: wider than the old 28-column wrap
    page = _title_page_text(tmp_path, f"Title: THE LAMP\nContact: Sam Lee\nCopyright: {line}")
    assert line in page
    bbox = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(tmp_path / "title.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    words = {m.group(5): (float(m.group(1)), float(m.group(2)), float(m.group(3)))
             for m in re.finditer(r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)<', bbox)}
    assert words["©"][1] == words["LLC"][1]                    # one row
    assert words["©"][0] > 4 * 72                              # right-aligned, clear of the contact block
    assert words["LLC"][2] == pytest.approx(7.6 * 72, abs=2)   # ends at the right edge of the text column


def test_a_long_right_aligned_field_still_wraps_inside_the_page(tmp_path):
    words = "Copyright 2026 Harbour Light Pictures and Sam Lee; all rights reserved worldwide in every medium"
    page = _title_page_text(tmp_path, f"Title: THE LAMP\nContact: Sam Lee\nCopyright: {words}")
    lines = [r.strip() for r in page.splitlines() if r.strip()]
    assert words not in page and "worldwide in every medium" in " ".join(lines)


# ---------------------------------------------------------------- sentence-aware splits
def _speech_pages(text: str, **kwargs):
    result = paginate(parse_fountain(text), **kwargs)                    # sentence splits: the default
    dialogue = [[ln.text for ln in page if ln.type == "dialogue"] for page in result.pages]
    return result, dialogue


def _sentences(n: int, start: int = 0) -> str:
    return " ".join(f"This is sentence number {k} and it goes on for a while." for k in range(start, start + n))


def test_a_long_speech_splits_at_the_end_of_a_sentence():
    speech = _sentences(40)
    text = H + "".join(f"Action {k}.\n" for k in range(20)) + "\nBOB\n" + speech + "\n"
    result, dialogue = _speech_pages(text)
    first, second = result.pages[0], result.pages[1]
    assert first[-1].text == "(MORE)" and dialogue[0][-1].endswith("for a while.")   # a sentence ends the page
    assert second[0].text == f"BOB {CONTD}" and dialogue[1][0].startswith("This is sentence number")
    assert " ".join(ln for page in dialogue for ln in page).split() == speech.split()    # nothing lost or doubled
    assert all(len(ln) <= 36 for page in dialogue for ln in page)                       # re-wrapped at 36
    line_split = paginate(parse_fountain(text), sentence_splits=False)                   # afterwriting's way
    assert not [ln.text for ln in line_split.pages[0] if ln.type == "dialogue"][-1].endswith("while.")


def test_abbreviations_are_not_sentence_ends():
    speech = " ".join(f"Ask Mr. Jones and Dr. Lee about case {k} today." for k in range(40))
    _result, dialogue = _speech_pages(H + "".join(f"Action {k}.\n" for k in range(20)) + "\nBOB\n" + speech + "\n")
    assert dialogue[0][-1].endswith("today.")
    assert " ".join(ln for page in dialogue for ln in page).split() == speech.split()


def test_a_speech_with_no_sentence_end_on_the_page_moves_whole():
    speech = " ".join(f"word{k}" for k in range(140))                 # one sentence, ~20 lines
    result, dialogue = _speech_pages(H + "".join(f"Action {k}.\n" for k in range(40)) + "\nBOB\n" + speech + "\n")
    assert dialogue[0] == [] and result.more_splits == 0
    assert " ".join(dialogue[1]).split() == speech.split()


def test_a_sentence_longer_than_a_page_still_splits_and_ends():
    speech = " ".join(f"word{k}" for k in range(600))                 # ~90 lines, no sentence end
    result, dialogue = _speech_pages(H + "BOB\n" + speech + "\n")
    assert result.more_splits >= 1
    assert " ".join(ln for page in dialogue for ln in page).split() == speech.split()


@settings(max_examples=60, deadline=None)
@given(sentences=st.lists(st.integers(1, 40), min_size=1, max_size=40), action=st.integers(0, 50),
       lines_per_page=st.integers(15, 60))
def test_sentence_splits_always_end_and_keep_every_word(sentences, action, lines_per_page):
    speech = " ".join(" ".join(["word"] * n) + "." for n in sentences)
    text = H + "".join(f"Action {k}.\n" for k in range(action)) + ("\n" if action else "") + "BOB\n" + speech + "\n"
    paper = PaperProfile("test", 8.5, 11.0, lines_per_page, 61)
    result, dialogue = _speech_pages(text, paper=paper)
    assert " ".join(ln for page in dialogue for ln in page).split() == speech.split()
    assert all(len(page) <= lines_per_page for page in result.pages)
