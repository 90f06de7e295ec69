"""Screenplay PDF: read back with pypdf and pdftotext -bbox, check pages and where text sits."""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.pdf import render_pdf
from studio_kit.engines.writing.revisions import Revision
from studio_kit.exceptions import ScriptError

PT = 72.0
needs_pdftotext = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils pdftotext not installed")

SHORT = """Title: **THE NIGHT SHIFT**
Credit: written by
Author: Ana Lopez
Source: based on a true story
Draft date: 2026-11-25
Contact: ana@example.com
    555 0100

INT. DINER - NIGHT #7A#

MARGARET wipes the counter. *Slowly.* The neon sign buzzes.

MARGARET
(to herself)
Another quiet one.

BOB (O.S.)
Not for long.

CUT TO:

EXT. PARKING LOT - NIGHT #8#

Rain. A car door slams.
"""


def words(pdf: Path) -> list[dict]:
    """Every word with its page (1-based) and box in points (pdftotext -bbox)."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            x0, y0, x1, y1 = map(float, m.groups()[:4])
            found.append({"page": page, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "text": html.unescape(m.group(5))})
    return found


def find(ws, text, page=None):
    hits = [w for w in ws if w["text"] == text and (page is None or w["page"] == page)]
    assert hits, f"{text!r} not found on page {page}"
    return hits


@pytest.fixture(scope="module")
def cyber_bob():
    from pathlib import Path as P

    sample = P(__file__).resolve().parents[3] / "tests" / "data" / "samples" / "fountain" / "Cyber_Bob_ep00001.fountain"
    return parse_fountain(sample.read_text(encoding="utf-8"))


def test_cyber_bob_prints_six_pages_plus_its_title_page(cyber_bob, tmp_path):
    from pypdf import PdfReader

    body = render_pdf(cyber_bob, tmp_path / "body.pdf", title_page=False)
    assert body.pdf_pages == 6 and len(PdfReader(body.path).pages) == 6
    full = render_pdf(cyber_bob, tmp_path / "full.pdf")
    reader = PdfReader(full.path)
    assert len(reader.pages) == 7 and full.has_title_page
    assert "BOB THE CYBER PAWN" in reader.pages[0].extract_text()
    box = reader.pages[1].mediabox
    assert (float(box.width), float(box.height)) == (612.0, 792.0)      # US Letter
    assert "(MORE)" in "".join(p.extract_text() for p in reader.pages)


@needs_pdftotext
def test_text_sits_at_the_industry_positions(cyber_bob, tmp_path):
    pdf = render_pdf(cyber_bob, tmp_path / "bob.pdf", title_page=False).path
    ws = words(pdf)
    bob = find(ws, "BOB", page=1)[0]                  # first cue of the script
    assert bob["x0"] == pytest.approx(3.5 * PT, abs=1.0)
    heading = find(ws, "PARK--DAY", page=1)[0]
    assert heading["x0"] == pytest.approx(1.5 * PT + len("EXT. ") * 7.2, abs=1.0)
    hi = find(ws, "Hi", page=1)[0]                    # dialogue
    assert hi["x0"] == pytest.approx(2.5 * PT, abs=1.0)
    # page numbers: top right, ending at 7.6", 0.5" from the top; none on page 1
    two = find(ws, "2.", page=2)[0]
    assert two["x1"] == pytest.approx(7.6 * PT, abs=1.5)
    assert two["y0"] == pytest.approx(0.5 * PT, abs=3.0)
    assert not [w for w in ws if w["page"] == 1 and w["text"] == "1."]
    # body text starts 1" down and steps 1/6" a line
    first = min(w["y0"] for w in ws if w["page"] == 1)
    assert first == pytest.approx(1.0 * PT, abs=3.0)
    more = find(ws, "(MORE)")[0]
    contd = [w for w in ws if w["page"] == more["page"] + 1 and w["text"] == "(CONT'D)"]
    body_top = min(w["y0"] for w in ws if w["page"] == more["page"] + 1 and w["y0"] > 0.75 * PT)
    assert contd and body_top == pytest.approx(contd[0]["y0"], abs=1)     # CONT'D cue opens the next page


@needs_pdftotext
def test_title_page_scene_numbers_and_transitions(tmp_path):
    script = parse_fountain(SHORT)
    out = render_pdf(script, tmp_path / "short.pdf")
    assert out.pdf_pages == 2
    ws = words(out.path)
    title = find(ws, "NIGHT", page=1)[0]
    centre = (find(ws, "THE", page=1)[0]["x0"] + find(ws, "SHIFT", page=1)[0]["x1"]) / 2
    assert centre == pytest.approx(8.5 * PT / 2, abs=4)
    assert title["y0"] == pytest.approx(3.5 * PT, abs=3)
    contact = find(ws, "ana@example.com", page=1)[0]
    assert contact["x0"] == pytest.approx(1.5 * PT, abs=1) and contact["y0"] > 8 * PT   # bottom-left
    numbers = find(ws, "7A", page=2)
    assert len(numbers) == 2                                          # both sides of the heading
    left, right = sorted(numbers, key=lambda w: w["x0"])
    assert left["x1"] < 1.5 * PT < right["x0"]
    assert right["x0"] == pytest.approx((1.5 + 6.2) * PT, abs=1)
    cut = find(ws, "TO:", page=2)[0]
    assert cut["x1"] == pytest.approx(7.6 * PT, abs=1.5)                # transitions are right-aligned
    paren = find(ws, "(to", page=2)[0]
    assert paren["x0"] == pytest.approx(3.0 * PT, abs=1)


def test_emphasis_uses_the_bundled_courier_prime_faces(tmp_path):
    from pypdf import PdfReader

    path = render_pdf(parse_fountain(SHORT), tmp_path / "e.pdf").path
    fonts = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert {"CourierPrime", "CourierPrime-Bold", "CourierPrime-Italic"} <= fonts
    assert not any("Helvetica" in f or f == "Courier" for f in fonts)


def test_output_is_byte_identical_run_to_run(tmp_path):
    script = parse_fountain(SHORT)
    a = render_pdf(script, tmp_path / "a.pdf").path.read_bytes()
    b = render_pdf(script, tmp_path / "b.pdf").path.read_bytes()
    assert a == b


@needs_pdftotext
def test_revision_prints_coloured_header_and_asterisks(tmp_path):
    script = parse_fountain(SHORT)
    changed = next(e.line for e in script.elements if e.text == "Not for long.")
    rev = Revision(number=1, date="2026-11-25", changed_lines={changed})
    path = render_pdf(script, tmp_path / "rev.pdf", revision=rev).path
    ws = words(path)
    header = [w for w in ws if w["page"] == 2 and w["text"] == "BLUE"]
    assert header and header[0]["y0"] == pytest.approx(0.5 * PT, abs=3)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "BLUE REVISION \u2013 2026-11-25" in text
    stars = [w for w in ws if w["text"] == "*"]
    assert len(stars) == 1
    line = find(ws, "Not", page=2)[0]
    assert stars[0]["y0"] == pytest.approx(line["y0"], abs=1) and stars[0]["x0"] > 7.9 * PT
    # the White original has neither
    plain = render_pdf(script, tmp_path / "white.pdf", revision=Revision(number=0)).path
    assert "REVISION" not in subprocess.run(["pdftotext", str(plain), "-"], capture_output=True, text=True).stdout


def test_a4_paper_and_bad_paths(tmp_path):
    from pypdf import PdfReader

    out = render_pdf(parse_fountain(SHORT), tmp_path / "a4.pdf", paper="a4")
    box = PdfReader(out.path).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    with pytest.raises(ScriptError, match="does not exist"):
        render_pdf(parse_fountain(SHORT), tmp_path / "missing" / "x.pdf")
    with pytest.raises(ScriptError, match="paper"):
        render_pdf(parse_fountain(SHORT), tmp_path / "x.pdf", paper="legal")
    assert not (tmp_path / "x.pdf").exists()


def test_latin_accents_print_and_missing_glyphs_are_reported(samples_dir, tmp_path):
    latin = parse_fountain((samples_dir / "fountain" / "afterwriting-test.fountain").read_text(encoding="utf-8"))
    out = render_pdf(latin, tmp_path / "latin.pdf")
    assert out.warnings == []                      # Polish, German, Norwegian: all in Courier Prime
    from pypdf import PdfReader

    assert "Pchnąć w tę łódź" in "".join(p.extract_text() for p in PdfReader(out.path).pages)
    thai = render_pdf(parse_fountain("INT. ROOM - DAY\n\nสวัสดี says the sign.\n"), tmp_path / "th.pdf")
    assert thai.warnings and "boxes" in thai.warnings[0]     # no bundled or CID font draws Thai


def _fonts(path) -> set[str]:
    from pypdf import PdfReader

    found = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]).split("+")[-1].lstrip("/"))
    return found


@needs_pdftotext
def test_chinese_prints_in_a_cid_font_and_reads_back(samples_dir, tmp_path):
    chinese = parse_fountain((samples_dir / "fountain" / "afterwriting-sc-chinese.fountain").read_text(encoding="utf-8"))
    out = render_pdf(chinese, tmp_path / "zh.pdf")
    assert out.warnings == []
    assert {"STSong-Light", "CourierPrime"} <= _fonts(out.path)
    text = subprocess.run(["pdftotext", str(out.path), "-"], capture_output=True, text=True).stdout
    flat = re.sub(r"\s+", "", text)
    for phrase in ("电影", "这是什么地方？", "约翰静静地站着不动。", "约翰（20）进入医院。"):
        assert phrase in flat
    # the cue sits on the 10-cpi grid: two CJK characters centred like a 4-letter name at 3.5"
    cue = find(words(out.path), "约翰")
    assert cue and cue[0]["x0"] == pytest.approx(3.5 * PT + 1.2, abs=1)


@needs_pdftotext
def test_cjk_counts_two_cells_when_wrapping_and_japanese_korean_pick_their_fonts(tmp_path):
    from studio_kit.engines.writing.pagination import paginate

    line = "约翰静静地站着不动" * 5                      # 45 characters = 90 cells: two lines at 61
    script = parse_fountain(f"INT. 医院 - DAY\n\n{line}\n\nけんじ\nこんにちは。\n\n민수\n안녕하세요.\n")
    action = [ln for page in paginate(script).pages for ln in page if ln.type == "action"]
    assert [len(ln.text) for ln in action] == [30, 15]
    out = render_pdf(script, tmp_path / "cjk.pdf", title_page=False)
    assert {"STSong-Light", "HeiseiMin-W3", "HYSMyeongJo-Medium"} <= _fonts(out.path)
    ws = words(out.path)
    first = find(ws, action[0].text)[0]
    assert first["x1"] - first["x0"] == pytest.approx(30 * 0.2 * PT - 2.4, abs=1.5)   # 60 cells of 0.1"
    flat = re.sub(r"\s+", "", subprocess.run(["pdftotext", str(out.path), "-"], capture_output=True,
                                              text=True).stdout)
    assert "こんにちは。" in flat and "안녕하세요." in flat


@needs_pdftotext
def test_bold_note_spanning_four_source_lines_prints_bold_without_asterisks(samples_dir, tmp_path):
    from studio_kit.engines.writing.pagination import paginate

    bob = parse_fountain((samples_dir / "fountain" / "Cyber_Bob_ep00001.fountain").read_text(encoding="utf-8"))
    note = [ln for ln in paginate(bob).pages[0] if ln.source_line in (19, 20, 21, 22)]
    assert [ln.text for ln in note][0] == "Note: For your own creative purposes,"
    assert len(note) == 4 and all(ln.runs and all(st == "b" for _, st in ln.runs) for ln in note)
    out = render_pdf(bob, tmp_path / "bob.pdf", title_page=False)
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(out.path), "-"], capture_output=True,
                          text=True).stdout
    assert "**" not in text and "s.earthbound.io/CyberBobPD" in text


def test_emphasis_pairs_across_lines_of_one_element_but_not_across_blank_lines():
    from studio_kit.engines.writing.pagination import paginate

    script = parse_fountain("INT. ROOM - DAY\n\nShe reads *the letter\nslowly* and _under\n  \n"
                            "lined_ text.\n\n**Not bold\n\nacross paragraphs**\n")
    runs = {ln.text: ln.runs for page in paginate(script).pages for ln in page if ln.type == "action"}
    assert runs["She reads the letter"] == [("She reads ", ""), ("the letter", "i")]
    assert runs["slowly and _under"] == [("slowly", "i"), (" and _under", "")]
    assert "lined_ text." in runs                  # "  " is a paragraph break for emphasis
    assert "**Not bold" in runs and "across paragraphs**" in runs


@needs_pdftotext
def test_latin_after_cjk_and_an_ideographic_space_stays_on_the_grid(tmp_path):
    out = render_pdf(parse_fountain("INT. A - DAY\n\n约翰\u3000进入。 Then he leaves.\n"), tmp_path / "g.pdf",
                     title_page=False)
    ws = words(out.path)
    # 约翰 (4 cells) + U+3000 (2) + 进入。 (6) + space (1) = 13 cells of 0.1" after the 1.5" margin
    assert find(ws, "Then")[0]["x0"] == pytest.approx((1.5 + 13 * 0.1) * PT, abs=0.5)
    assert find(ws, "进")[0]["x0"] == pytest.approx((1.5 + 6 * 0.1) * PT + 1.2, abs=0.5)


def test_every_scene_heading_is_a_pdf_outline_entry(cyber_bob, tmp_path):
    from pypdf import PdfReader

    reader = PdfReader(render_pdf(cyber_bob, tmp_path / "o.pdf").path)
    entries = [(item.title, reader.get_destination_page_number(item) + 1) for item in reader.outline]
    assert entries == [("EXT. PARK--DAY", 2), ("EXT. SUBURBAN TRAFFIC INTERSECTION--DAY", 4),
                       ("INT. TRAFFIC LIGHT HORIZONTAL BEAM--NIGHT", 4)]
    numbered = PdfReader(render_pdf(parse_fountain(SHORT), tmp_path / "n.pdf").path)
    assert [item.title for item in numbered.outline] == ["7A INT. DINER - NIGHT", "8 EXT. PARKING LOT - NIGHT"]
