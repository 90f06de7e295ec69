"""Script Room without a browser: the printed-page preview geometry and the component's text flow."""
import re

import pytest

SCENE = """Title: Harbour Lights
Author: Test Writer

INT. BOATHOUSE - NIGHT #4#

Rain drums on the tin roof. ELSA (50s) mends a net.

ELSA
(without looking up)
You came back.

EXT. PIER - DAWN

Gulls.

> CUT TO:
"""


def _left_em(html: str, text: str) -> float:
    """The left offset (em) of the preview line whose text is ``text``."""
    m = re.search(r'style="left:([\d.\-]+)em;top:[\d.]+em">' + re.escape(text) + "<", html)
    assert m, f"{text!r} is not a line of the preview"
    return float(m.group(1))


def test_preview_puts_each_element_at_its_industry_indent():
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.ui.screenplay_html import EM_PER_INCH, preview_html

    script = parse_fountain(SCENE)
    html = preview_html(script, paginate(script, "letter"))
    assert _left_em(html, "INT. BOATHOUSE - NIGHT") == pytest.approx(1.5 * EM_PER_INCH)
    assert _left_em(html, "ELSA") == pytest.approx(3.5 * EM_PER_INCH)
    assert _left_em(html, "(without looking up)") == pytest.approx(3.0 * EM_PER_INCH)
    assert _left_em(html, "You came back.") == pytest.approx(2.5 * EM_PER_INCH)
    # transition right-aligned: it ends at the action column's right edge (7.6")
    assert _left_em(html, "CUT TO:") + len("CUT TO:") * 0.6 == pytest.approx(7.6 * EM_PER_INCH)
    # the locked scene number prints on both sides of its heading, the title page stays out by default
    assert html.count(">4</div>") == 2
    assert "sr-titlepage" not in html
    assert "sr-titlepage" in preview_html(script, paginate(script), title_page=True)


def test_revised_preview_has_the_colour_header_and_asterisks():
    from studio_kit.engines.writing.fountain import parse_fountain
    from studio_kit.engines.writing.pagination import paginate
    from studio_kit.engines.writing.revisions import Revision
    from studio_kit.ui.screenplay_html import preview_html

    script = parse_fountain(SCENE)
    line = next(e.line for e in script.elements if e.text == "Gulls.")
    revision = Revision(number=2, changed_lines={line})
    html = preview_html(script, paginate(script, revised_lines={line}), revision)
    assert "PINK REVISION" in html
    assert html.count(">*</div>") == 1
    assert "REVISION" not in preview_html(script, paginate(script))


def test_typing_updates_scene_count_and_eighths_and_versions_diff(studio_home):
    from studio_kit.ui.script_room import ScriptRoom

    room = ScriptRoom(text=SCENE)
    assert re.search(r"id='scene-count'><b>2</b>", room.summary.object)
    room.editor.value_input = SCENE + "\nINT. LIGHTHOUSE - NIGHT\n\nThe lamp turns.\n"
    assert re.search(r"id='scene-count'><b>3</b>", room.summary.object)
    assert "INT. LIGHTHOUSE - NIGHT</td><td class='sr-eighths'>1/8</td>" in room.scenes.object
    room.paper = "a4"
    assert "A4 · 57 lines/page" in room.summary.object and room.pagination.lines_per_page == 57
    room.paper = "letter"

    first = room.shelf.save()
    room.editor.value_input = room.text.replace("Gulls.", "Gulls scream over the empty pier.")
    second = room.shelf.save(revise=True)
    assert (first.colour, second.colour) == ("White", "Blue")
    assert room.revision is not None and room.revision.colour == "Blue"
    assert "BLUE REVISION" in room.preview.object and ">*</div>" in room.preview.object
    room.shelf.compare()
    assert "Revised" in room.diff.object and "Gulls scream over the empty pier." in room.diff.object
    assert room.tabs.active == 2
    assert room.pdf_bytes().startswith(b"%PDF")
    room.script_name = "harbour-lights.fountain"
    assert room.pdf_download.filename == "harbour-lights.pdf"


def test_empty_or_broken_drafts_give_a_message_not_a_traceback(studio_home):
    from studio_kit.ui.script_room import ScriptRoom

    room = ScriptRoom(text=SCENE + "\n/* a boneyard never closed\n")
    assert room.notice.visible and "never closed" in room.notice.object
    room.editor.value_input = ""
    assert "Start typing" in room.preview.object
    assert room.shelf.save() is None and "empty" in room.shelf.status.object
