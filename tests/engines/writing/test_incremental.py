"""Incremental layout: an edit re-lays out only what it touched, and the result is the full layout's."""
from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studio_kit.engines.writing.fountain import parse_fountain, split_source_lines
from studio_kit.engines.writing.incremental import ScriptLayout, page_signature
from studio_kit.engines.writing.pagination import paginate

SAMPLES = sorted((Path(__file__).resolve().parents[2] / "data" / "samples" / "fountain").glob("*.fountain"))
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in SAMPLES}

# snippets that change how lines read: headings, cues, dual carets, notes, boneyard, emphasis, transitions
SNIPPETS = ["", "  ", "x", "X", " ", "INT. KITCHEN - NIGHT", "EXT. ", ".FORCED", "BOB", "ALICE ^", "^", "@mcCLANE",
            "(beat)", "[[", "]]", "[[note]]", "/*", "*/", "**", "*", "_", "CUT TO:", "> THE END <", "~la la",
            "===", "# Act", "= synopsis", "!SHOUTED", "She runs. He follows, quickly and without a word to anyone."]


def assert_same_as_full(layout: ScriptLayout) -> None:
    full_script = parse_fountain(layout.text)
    full = paginate(full_script)
    got = layout.script
    assert got.title_page == full_script.title_page
    assert got.warnings == full_script.warnings
    assert [e.model_dump() for e in got.elements] == [e.model_dump() for e in full_script.elements]
    assert [s.model_dump() for s in got.scenes] == [s.model_dump() for s in full_script.scenes]
    pag = layout.pagination
    assert len(pag.pages) == len(full.pages)
    for mine, theirs in zip(pag.pages, full.pages):
        assert page_signature(mine) == page_signature(theirs)
    assert pag.to_dict() == full.to_dict()
    assert pag.last_page_lines == full.last_page_lines


# blocks a paste may bring in: a whole scene, a speech, a note and a boneyard spanning lines
BLOCKS = ["\nINT. PASTED ROOM - DAY\n\nBOB enters.\n", "\nBOB\nHello.\n(beat)\nAgain.\n",
          "[[a note\nover two lines]]", "/*\nhidden\n\nstill hidden\n*/", "\nALICE ^\nMe too.\n",
          "Title: Pasted\nAuthor: Someone\n"]


def apply(text: str, edit: tuple) -> str:
    """One edit: type/delete characters on a line, replace/insert/delete a line, paste a block of
    ``cut`` lines copied from elsewhere in the script (or a snippet block), delete a run of lines."""
    op, where, snippet, cut = edit
    lines = text.split("\n")
    i = min(int(where * len(lines)), len(lines) - 1)
    if op == "paste":
        count = 1 + int(cut * 30)
        src = (i * 7919 + count) % len(lines)       # copied from elsewhere in the same script
        block = lines[src:src + count] if snippet in ("", " ") else BLOCKS[len(snippet) % len(BLOCKS)].split("\n")
        return "\n".join(lines[:i] + block + lines[i:])
    if op == "delete_lines":
        count = 1 + int(cut * 30)
        rest = lines[:i] + lines[i + count:]
        return "\n".join(rest or [""])
    if op == "type":
        line = lines[i]
        at = min(int(cut * (len(line) + 1)), len(line))
        lines[i] = line[:at] + snippet + line[at:]
    elif op == "delete_chars":
        line = lines[i]
        at = min(int(cut * (len(line) + 1)), len(line))
        lines[i] = line[:at] + line[at + 3:]
    elif op == "replace":
        lines[i] = snippet
    elif op == "insert":
        lines.insert(i, snippet)
    elif op == "delete_line" and len(lines) > 1:
        del lines[i]
    return "\n".join(lines)


edits = st.tuples(st.sampled_from(["type", "type", "type", "delete_chars", "replace", "insert", "delete_line"]),
                  st.floats(0, 1), st.sampled_from(SNIPPETS), st.floats(0, 1))
# edits that add or remove lines: Enter, a deleted line, a pasted block, a deleted run of lines
line_edits = st.tuples(st.sampled_from(["insert", "insert", "delete_line", "delete_line", "paste", "delete_lines"]),
                       st.floats(0, 1), st.sampled_from(SNIPPETS), st.floats(0, 1))


@settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)), steps=st.lists(edits, min_size=1, max_size=6))
def test_random_edits_lay_out_exactly_as_a_full_layout(name, steps):
    layout = ScriptLayout(TEXTS[name])
    text = TEXTS[name]
    for step in steps:
        text = apply(text, step)
        layout.edit(text)
        assert layout.text == text
        assert_same_as_full(layout)


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(TEXTS)), steps=st.lists(line_edits, min_size=1, max_size=6))
def test_random_line_inserts_deletes_and_pastes_lay_out_exactly_as_a_full_layout(name, steps):
    layout = ScriptLayout(TEXTS[name])
    text = TEXTS[name]
    for step in steps:
        before = text
        text = apply(text, step)
        change = layout.edit(text)
        assert layout.text == text
        if change.mode != "none":
            assert change.line_delta == len(split_source_lines(text)) - len(split_source_lines(before))
        assert_same_as_full(layout)


def test_random_line_edits_on_every_sample_with_a_fixed_seed():
    """The same property without Hypothesis' shrinking: a fixed seed, every sample, many more steps,
    each edit checked element by element and page by page against a full parse + paginate."""
    rng = random.Random(19)
    for name in sorted(TEXTS):
        text = TEXTS[name]
        layout = ScriptLayout(text)
        for _ in range(25):
            op = rng.choice(["insert", "delete_line", "paste", "delete_lines", "type", "replace"])
            text = apply(text, (op, rng.random(), rng.choice(SNIPPETS), rng.random()))
            layout.edit(text)
            assert_same_as_full(layout)


@pytest.fixture(scope="module")
def feature() -> str:
    """About 60 pages: every sample's body, twice, without title pages."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    from bench_parse import build_feature

    text, _ = build_feature(60)
    return text


def test_typing_in_the_middle_of_a_feature_rebreaks_a_few_pages_only(feature):
    layout = ScriptLayout(feature)
    lines = feature.split("\n")
    mid = len(lines) // 2
    while not (lines[mid].strip() and lines[mid][0].isupper() and len(lines[mid]) > 30):
        mid += 1
    for extra in (" and then", " and then some more words that wrap onto another line", ""):
        edited = list(lines)
        edited[mid] = lines[mid] + extra
        change = layout.edit("\n".join(edited))
        assert change.mode == "incremental"
        # 9 measured with Final Draft's sentence-aware splits (the default): a split page starts
        # its successor unclean, so the re-break runs a page further before it meets the old layout
        assert change.rebroken_pages <= 10, change
        assert change.reparsed_lines <= 40, change
        assert_same_as_full(layout)
    # the last edit put the text back: the layout is the original one again
    assert [page_signature(p) for p in layout.pagination.pages] == \
        [page_signature(p) for p in paginate(parse_fountain(feature)).pages]


def test_changed_pages_name_exactly_the_pages_whose_print_differs(feature):
    layout = ScriptLayout(feature)
    before = [page_signature(p) for p in layout.pagination.pages]
    lines = feature.split("\n")
    mid = len(lines) // 2
    while not (lines[mid].strip() and lines[mid][0].isupper() and len(lines[mid]) > 30):
        mid += 1
    lines[mid] = lines[mid].replace(lines[mid][:5], "WOW! ", 1)
    change = layout.edit("\n".join(lines))
    after = [page_signature(p) for p in layout.pagination.pages]
    differ = [i for i in range(len(after)) if i >= len(before) or after[i] != before[i]]
    assert change.changed_pages == differ
    assert 1 <= len(differ) <= 3
    assert any("WOW!" in ln.text for ln in layout.pagination.pages[differ[0]])


def _middle(lines: list[str]) -> int:
    mid = len(lines) // 2
    while not (lines[mid].strip() and lines[mid][0].isupper() and len(lines[mid]) > 30):
        mid += 1
    return mid


def assert_reused_around_the_edit(layout: ScriptLayout, change, old_scenes: list, old_pages: list) -> None:
    """The edit was laid out incrementally: a few scenes rebuilt and pages re-broken, and the scenes
    and pages before it are the very objects of the layout before (reused, not made again), as are
    the pages after it (moved in place)."""
    assert change.mode == "incremental", change
    assert change.rebuilt_scenes <= 3, change
    assert change.rebroken_pages <= 12, change      # of 66: until the page breaks fall as before
    assert change.reparsed_lines < 60, change
    scenes, pages = layout.script.scenes, layout.pagination.pages
    assert scenes[0] is old_scenes[0] and scenes[len(scenes) // 4] is old_scenes[len(scenes) // 4]
    assert pages[0] is old_pages[0] and pages[len(pages) // 4] is old_pages[len(pages) // 4]
    assert pages[-1] is old_pages[-1] and pages[-len(pages) // 4] is old_pages[-len(old_pages) // 4]


@pytest.mark.parametrize("what", ["enter", "blank line", "delete line", "new scene", "delete scene",
                                  "paste speech", "boneyard", "note"])
def test_an_edit_that_adds_or_removes_lines_is_incremental_and_matches_the_full_layout(feature, what):
    layout = ScriptLayout(feature)
    lines = feature.split("\n")
    mid = _middle(lines)
    heads = [i for i, ln in enumerate(lines) if ln.startswith(("INT. ", "EXT. ")) and i > mid]
    if what == "enter":              # split a line in two
        cut = lines[mid].index(" ", 10)
        edited = lines[:mid] + [lines[mid][:cut], lines[mid][cut + 1:]] + lines[mid + 1:]
    elif what == "blank line":
        edited = lines[:mid] + [""] + lines[mid:]
    elif what == "delete line":
        edited = lines[:mid] + lines[mid + 1:]
    elif what == "new scene":
        edited = lines[:mid] + ["", "INT. NEW ROOM - DAY", "", "A new scene.", ""] + lines[mid:]
    elif what == "delete scene":     # a whole scene, heading to the next heading
        edited = lines[:heads[0]] + lines[heads[1]:]
    elif what == "paste speech":     # a speech copied from earlier, pasted in the middle
        cue = next(i for i in range(mid // 2, mid) if lines[i].isupper() and lines[i - 1] == ""
                   and lines[i + 1].strip() and not lines[i].startswith(("INT", "EXT")))
        end = lines.index("", cue)
        edited = lines[:heads[0]] + lines[cue - 1:end] + lines[heads[0]:]
    elif what == "boneyard":         # hide a run of lines, then (below) show them again
        edited = lines[:mid] + ["/*"] + lines[mid:mid + 6] + ["*/"] + lines[mid + 6:]
    else:
        edited = lines[:mid] + ["[[a note", "over two lines]]"] + lines[mid:]
    old_scenes, old_pages = list(layout.script.scenes), list(layout.pagination.pages)
    change = layout.edit("\n".join(edited))
    assert change.line_delta == len(edited) - len(lines)
    assert_reused_around_the_edit(layout, change, old_scenes, old_pages)
    assert_same_as_full(layout)
    # and back: the text as it was, laid out incrementally too
    old_scenes, old_pages = list(layout.script.scenes), list(layout.pagination.pages)
    change = layout.edit(feature)
    assert change.line_delta == len(lines) - len(edited)
    assert_reused_around_the_edit(layout, change, old_scenes, old_pages)
    assert_same_as_full(layout)


def test_moved_scenes_and_elements_are_copies_the_previous_script_keeps_its_line_numbers(feature):
    layout = ScriptLayout(feature)
    before = layout.script
    last = before.elements[-1]
    line = last.line
    lines = feature.split("\n")
    mid = _middle(lines)
    layout.edit("\n".join(lines[:mid] + ["", "", ""] + lines[mid:]))
    assert layout.script.elements[-1].line == line + 3
    assert last.line == line and before.elements[-1] is last
    assert before.scenes[-1].line == layout.script.scenes[-1].line - 3


def test_an_unchanged_text_changes_nothing():
    text = TEXTS["Cyber_Bob_ep00001.fountain"]
    layout = ScriptLayout(text)
    change = layout.edit(text)
    assert change.mode == "none" and change.changed_pages == []
