"""Final Draft title pages: free-text ``<TitlePage>`` paragraphs <-> Fountain ``Key: value`` pairs.

Final Draft keeps the title page as centred, left and right aligned
paragraphs; Fountain as keys. Emphasis survives both ways
(``Title: **THE NIGHT SHIFT**`` <-> ``<Text Style="Bold">``).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ETree

from studio_kit.engines.writing.fdx import (
    _CREDIT_RE,
    _XML_ILLEGAL_RE,
    _runs_markup,
    _text_runs,
)


def read_title_page(tp: ETree.Element | None) -> dict[str, str]:
    """Best effort: Final Draft title pages are free text. Centred blocks are
    Title, Credit ("written by"), Author, Source; "Key: value" paragraphs keep
    their key; other left-aligned text is Contact, right-aligned is Draft date."""
    page: dict[str, str] = {}
    if tp is None:
        return page
    blocks: list[tuple[str, list[str]]] = []
    for para in tp.iter("Paragraph"):
        text = _runs_markup([(t.text or "", t.get("Style") or "") for t in para.findall("Text")], []).strip()
        align = (para.get("Alignment") or "Left").lower()
        if not text:
            blocks.append(("", []))
            continue
        if blocks and blocks[-1][0] == align and blocks[-1][1]:
            blocks[-1][1].append(text)
        else:
            blocks.append((align, [text]))
    centred = ["Title", "Credit", "Author", "Source"]
    for align, lines in blocks:
        if not lines:
            continue
        m = re.match(r"([A-Za-z][A-Za-z ]{0,30}):\s*(.*)", lines[0])
        if align != "center" and m and len(lines) >= 1:
            page[m.group(1).strip()] = "\n".join([m.group(2), *lines[1:]]).strip()
        elif align == "center":
            value = "\n".join(lines)
            if _CREDIT_RE.match(value):
                key = "Credit"
            else:
                key = next((k for k in centred if k not in page and k != "Credit"), "Notes")
            page[key] = value
            if key in centred:
                # later centred blocks come after this one in the standard order
                del centred[:centred.index(key) + 1]
        elif align == "right":
            page["Draft date"] = "\n".join(lines)
        else:
            page["Contact"] = "\n".join(lines)
    return page


def write_title_page(tp: ETree.Element, page: dict[str, str]) -> None:
    content = ETree.SubElement(tp, "Content")

    def para(text: str, align: str) -> None:
        p = ETree.SubElement(content, "Paragraph", Alignment=align)
        if "*" in text or "_" in text:
            _text_runs(p, text)        # "**THE NIGHT SHIFT**" -> <Text Style="Bold">, as Final Draft styles it
        else:
            ETree.SubElement(p, "Text").text = _XML_ILLEGAL_RE.sub("", text)

    for _ in range(14):  # the title sits about a third down the page
        para("", "Center")
    for key in ("Title", "Credit", "Author", "Authors", "Source"):
        if page.get(key):
            for ln in page[key].split("\n"):
                para(ln, "Center")
            para("", "Center")
    for key, value in page.items():
        if key in ("Title", "Credit", "Author", "Authors", "Source", "Contact", "Draft date") or not value:
            continue
        lines = value.split("\n")
        para(f"{key}: {lines[0]}", "Left")
        for ln in lines[1:]:
            para(ln, "Left")
        para("", "Left")
    if page.get("Draft date"):
        para(page["Draft date"].replace("\n", " "), "Right")
        para("", "Left")
    if page.get("Contact"):
        for ln in page["Contact"].split("\n"):
            para(ln, "Left")
