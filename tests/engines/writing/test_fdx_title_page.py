"""Final Draft title pages: every field read, none invented, written back paragraph for paragraph (issue 20).

The file below is shaped like one Final Draft 12 writes: a ``<HeaderAndFooter>``
whose header holds the page-number label (``<DynamicLabel Type="Page #"/>``
and a lone ``.``), a centred title, credit and author, left-aligned draft and
contact blocks, a free left-aligned line and a right-aligned copyright, with
blank paragraphs for spacing, as Final Draft positions text.
"""
from __future__ import annotations

import xml.etree.ElementTree as ETree

from studio_kit.engines.writing.fdx import read_fdx, write_fdx
from studio_kit.engines.writing.fdx_title import title_paragraphs
from studio_kit.engines.writing.fountain import parse_fountain
from studio_kit.engines.writing.fountain_writer import write_fountain


def _p(align: str, text: str = "", style: str = "") -> str:
    attr = f' Style="{style}"' if style else ""
    return (f'      <Paragraph Alignment="{align}" FirstIndent="0.00" Leading="Regular" LeftIndent="1.00" '
            f'RightIndent="7.50" SpaceBefore="0" Spacing="1" StartsNewPage="No">\n'
            f'        <Text AdornmentStyle="0" Background="#FFFFFFFFFFFF" Color="#000000000000" Font="Courier Final Draft" '
            f'RevisionID="0" Size="12"{attr}>{text}</Text>\n      </Paragraph>\n')


FINAL_DRAFT_TITLE_PAGE = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n'
    '<FinalDraft DocumentType="Script" Template="No" Version="5">\n'
    '  <Content>\n'
    '    <Paragraph Type="Scene Heading"><Text>INT. LIGHTHOUSE - NIGHT</Text></Paragraph>\n'
    '    <Paragraph Type="Action"><Text>The lamp turns.</Text></Paragraph>\n'
    '  </Content>\n'
    '  <TitlePage>\n'
    '    <HeaderAndFooter FooterFirstPage="Yes" FooterVisible="No" HeaderFirstPage="No" HeaderVisible="Yes" StartingPage="1">\n'
    '      <Header>\n'
    '        <Paragraph Alignment="Right" FirstIndent="0.00" Leading="Regular" LeftIndent="1.25" RightIndent="-1.25">\n'
    '          <DynamicLabel Type="Page #"/>\n'
    '          <Text>.</Text>\n'
    '        </Paragraph>\n'
    '      </Header>\n'
    '      <Footer>\n'
    '        <Paragraph Alignment="Right"><Text></Text></Paragraph>\n'
    '      </Footer>\n'
    '    </HeaderAndFooter>\n'
    '    <Content>\n'
    + _p("Center") * 12
    + _p("Center", "THE LAMP", "Bold+Underline")
    + _p("Center") + _p("Center")
    + _p("Center", "Written by")
    + _p("Center")
    + _p("Center", "Sam Lee")
    + _p("Center", "&amp; Ana Lopez")
    + _p("Left") * 14
    + _p("Left", "Second Draft")
    + _p("Left", "March 3, 2026")
    + _p("Left")
    + _p("Left", "Sam Lee")
    + _p("Left", "12 Harbour Road")
    + _p("Left", "Portland, ME 04101")
    + _p("Left", "(207) 555-0100")
    + _p("Left")
    + _p("Left", "WGA Registered #2231987")
    + _p("Left")
    + _p("Right", "© 2026 Sam Lee")
    + '    </Content>\n'
    '  </TitlePage>\n'
    '</FinalDraft>\n')

EXPECTED = {
    "Title": "_**THE LAMP**_",
    "Credit": "Written by",
    "Author": "Sam Lee\n& Ana Lopez",
    "Draft date": "Second Draft\nMarch 3, 2026",
    "Contact": "Sam Lee\n12 Harbour Road\nPortland, ME 04101\n(207) 555-0100",
    "Notes": "WGA Registered #2231987",
    "Copyright": "© 2026 Sam Lee",
}


def _paragraphs(xml: str) -> list[list[str]]:
    return title_paragraphs(ETree.fromstring(xml).find("TitlePage"))


def test_every_field_of_a_final_draft_title_page_is_read():
    s = read_fdx(FINAL_DRAFT_TITLE_PAGE.encode())
    assert s.title_page == EXPECTED
    assert s.title == "THE LAMP"


def test_the_header_page_number_label_is_never_a_field():
    page = read_fdx(FINAL_DRAFT_TITLE_PAGE.encode()).title_page
    assert "." not in page.values() and all(not v.startswith(".") for v in page.values())


def test_several_left_aligned_blocks_stay_several_fields():
    xml = FINAL_DRAFT_TITLE_PAGE.replace(_p("Left", "WGA Registered #2231987"),
                                         _p("Left", "WGA Registered #2231987") + _p("Left") + _p("Left", "Agent: CAA, 2000 Avenue of the Stars")
                                         + _p("Left") + _p("Left", "Based on the novel"))
    page = read_fdx(xml.encode()).title_page
    assert page["Contact"] == EXPECTED["Contact"]            # not overwritten by a later block
    assert page["Notes"] == "WGA Registered #2231987"
    assert page["Agent"] == "CAA, 2000 Avenue of the Stars"
    assert page["Notes 2"] == "Based on the novel"


def test_final_draft_to_fdx_keeps_the_title_page_paragraph_for_paragraph():
    source = _paragraphs(FINAL_DRAFT_TITLE_PAGE)
    written = write_fdx(read_fdx(FINAL_DRAFT_TITLE_PAGE.encode()))
    assert _paragraphs(written) == source
    assert sum(1 for _a, t in source if t) == 12 and len(source) == 44
    back = read_fdx(written.encode())
    assert back.title_page == EXPECTED
    styled = [t for t in ETree.fromstring(written).find("TitlePage").iter("Text") if t.text == "THE LAMP"]
    assert styled and set(styled[0].get("Style").split("+")) == {"Bold", "Underline"}


def test_an_edited_title_page_is_laid_out_again_with_multi_line_fields_kept():
    s = read_fdx(FINAL_DRAFT_TITLE_PAGE.encode())
    s.title_page["Title"] = "THE LAMP (REVISED)"
    written = write_fdx(s)
    texts = [t for _a, t in _paragraphs(written) if t]
    assert "THE LAMP (REVISED)" in texts
    for line in ("Second Draft", "March 3, 2026", "12 Harbour Road", "(207) 555-0100", "& Ana Lopez"):
        assert line in texts                               # each line its own paragraph, never joined
    back = read_fdx(written.encode()).title_page
    assert back == {**EXPECTED, "Title": "THE LAMP (REVISED)"}


def test_a_fountain_title_page_survives_fdx_and_back_with_multi_line_values():
    text = ("Title: THE LAMP\nCredit: Written by\nAuthor: Sam Lee\nDraft date: Second Draft\n    March 3, 2026\n"
            "Contact:\n    Sam Lee\n    (207) 555-0100\nCopyright: 2026 Sam Lee\nNotes: WGA 12345\n\nINT. A - DAY\n\nX.\n")
    first = parse_fountain(text)
    back = read_fdx(write_fdx(first).encode())
    assert back.title_page == first.title_page
    again = parse_fountain(write_fountain(back))
    assert again.title_page == first.title_page
