"""Final Draft title pages: free-text ``<TitlePage>`` paragraphs <-> Fountain ``Key: value`` pairs.

Final Draft keeps the title page as centred, left- and right-aligned
paragraphs under ``<TitlePage><Content>`` (its ``<HeaderAndFooter>`` holds
the page-number label, never a field); Fountain keeps it as keys. Reading
groups consecutive paragraphs of one alignment into blocks and names each:

* centred blocks, in order: Title, Credit (``Written by``…), Author, Source;
* a block that starts ``Key: value`` keeps its key;
* a block with ``©``, ``(c)`` or ``Copyright`` is Copyright;
* a block that mentions a draft or revision, or holds a date, is Draft date;
* any other block is Contact, then Notes, Notes 2, Notes 3…: several
  left-aligned blocks stay several fields (right-aligned text with no other
  name is Draft date first).

Multi-line blocks stay multi-line both ways; emphasis survives both ways
(``Title: **THE NIGHT SHIFT**`` <-> ``<Text Style="Bold">``). The paragraphs
as read are kept (``layout``) so an unchanged title page is written back
paragraph for paragraph, blank spacing included.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ETree

from studio_kit.engines.writing.fdx_text import (
    CREDIT_RE,
    XML_ILLEGAL_RE,
    runs_markup,
    text_runs,
)

#: Script.metadata key holding the title page paragraphs as read: [[alignment, text], ...]
LAYOUT_KEY = "fdx_title_page"

_KEY_RE = re.compile(r"([A-Za-z][A-Za-z0-9 ]{0,30}):(?:\s+|$)(.*)", re.DOTALL)   # "Key: value", not "http://"
_COPYRIGHT_RE = re.compile(r"©|\(c\)|\bcopyright\b", re.IGNORECASE)
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_DRAFT_RE = re.compile(r"\b(?:draft|revision|revised|rev\.)\b|\b\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}\b|"
                       rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b", re.IGNORECASE)
_CENTRED_KEYS = ("Title", "Credit", "Author", "Source")


def title_paragraphs(tp: ETree.Element | None) -> list[list[str]]:
    """The title page's paragraphs as ``[alignment, text]`` (text as Fountain markup; "" for a blank
    paragraph). Only ``<Content>``: the ``<HeaderAndFooter>`` page-number label is no field."""
    if tp is None:
        return []
    content = tp.find("Content")
    paras = content.findall("Paragraph") if content is not None else tp.findall("Paragraph")
    out: list[list[str]] = []
    for para in paras:
        text = runs_markup([(t.text or "", t.get("Style") or "") for t in para.findall("Text")], []).strip()
        align = (para.get("Alignment") or "Left").strip().capitalize()
        out.append([align, text])
    return out


def read_title_page(tp: ETree.Element | None) -> dict[str, str]:
    """Fields of a Final Draft ``<TitlePage>`` (see the module docstring for the naming rules)."""
    return title_page_from_paragraphs(title_paragraphs(tp))


def title_page_from_paragraphs(paragraphs: list[list[str]]) -> dict[str, str]:
    blocks: list[tuple[str, list[str]]] = []
    for align, text in paragraphs:
        align = align.lower()
        if align == "full":
            align = "left"
        if not text:
            blocks.append(("", []))
        elif blocks and blocks[-1][0] == align and blocks[-1][1]:
            blocks[-1][1].append(text)
        else:
            blocks.append((align, [text]))
    page: dict[str, str] = {}
    centred = list(_CENTRED_KEYS)
    for align, lines in blocks:
        if not lines:
            continue
        value = "\n".join(lines)
        m = _KEY_RE.match(lines[0])
        if align == "center":
            if CREDIT_RE.match(value):
                key = "Credit"
            else:
                key = next((k for k in centred if k not in page and k != "Credit"), None) or _free(page, "Notes")
            if key in centred:
                # later centred blocks come after this one in the standard order
                del centred[:centred.index(key) + 1]
        elif m:
            key, value = _free(page, m.group(1).strip()), "\n".join([m.group(2), *lines[1:]]).strip()
        elif _COPYRIGHT_RE.search(value):
            key = _free(page, "Copyright")
        elif "Draft date" not in page and (_DRAFT_RE.search(value) or align == "right"):
            key = "Draft date"
        elif "Contact" not in page:
            key = "Contact"
        else:
            key = _free(page, "Notes")
        page[key] = value
    return page


def _free(page: dict[str, str], key: str) -> str:
    """``key``, or ``key 2``, ``key 3``… when it is taken: a second block never overwrites the first."""
    if key not in page:
        return key
    k = 2
    while f"{key} {k}" in page:
        k += 1
    return f"{key} {k}"


def write_title_page(tp: ETree.Element, page: dict[str, str], layout: list[list[str]] | None = None) -> None:
    """Fill ``<TitlePage>`` from ``page``. When ``layout`` (the paragraphs read from Final Draft)
    still reads as ``page``, it is written back unchanged, paragraph for paragraph."""
    content = ETree.SubElement(tp, "Content")

    def para(text: str, align: str) -> None:
        p = ETree.SubElement(content, "Paragraph", Alignment=align)
        if "*" in text or "_" in text or "\\" in text:
            text_runs(p, text)        # "**THE NIGHT SHIFT**" -> <Text Style="Bold">, as Final Draft styles it
        else:
            ETree.SubElement(p, "Text").text = XML_ILLEGAL_RE.sub("", text)

    if layout and _valid_layout(layout) and title_page_from_paragraphs(layout) == page:
        for align, text in layout:
            para(text, align)
        return

    for _ in range(14):  # the title sits about a third down the page
        para("", "Center")
    for key in ("Title", "Credit", "Author", "Authors", "Source"):
        if page.get(key):
            for ln in page[key].split("\n"):
                para(ln, "Center")
            para("", "Center")
    for key, value in page.items():
        if key in ("Title", "Credit", "Author", "Authors", "Source", "Contact", "Draft date", "Copyright") \
                or not value:
            continue
        lines = value.split("\n")
        para(f"{key}: {lines[0]}", "Left")
        for ln in lines[1:]:
            para(ln, "Left")
        para("", "Left")
    for key in ("Draft date", "Copyright"):
        field = page.get(key)
        if not field:
            continue
        lines = field.split("\n")
        if key == "Copyright" and not _COPYRIGHT_RE.search(field):
            lines[0] = f"Copyright: {lines[0]}"      # otherwise it would read back as another field
        elif key == "Draft date" and (_KEY_RE.match(lines[0]) or _COPYRIGHT_RE.search(field)):
            lines[0] = f"Draft date: {lines[0]}"
        for ln in lines:                             # every line its own paragraph: multi-line stays so
            para(ln, "Right")
        para("", "Right")
    if page.get("Contact"):
        lines = page["Contact"].split("\n")
        if _KEY_RE.match(lines[0]) or _COPYRIGHT_RE.search(page["Contact"]) or _DRAFT_RE.search(page["Contact"]):
            lines[0] = f"Contact: {lines[0]}"        # a contact that would read as another field keeps its key
        for ln in lines:
            para(ln, "Left")


def _valid_layout(layout: object) -> bool:
    return isinstance(layout, list) and all(
        isinstance(p, (list, tuple)) and len(p) == 2 and all(isinstance(x, str) for x in p) for p in layout)
