"""Final Draft ``.fdx`` import and export.

Paragraph types: Scene Heading, Action, Character, Parenthetical, Dialogue,
Transition, General and Shot (read as action), plus ``<DualDialogue>``,
``<ScriptNote>`` notes, scene summaries (``<SceneProperties><Summary>`` ↔ a
synopsis under the heading), ``Number`` (scene numbers), ``StartsNewPage``
(page breaks), centred paragraphs and a title page.

Safety: a DOCTYPE or ENTITY declaration is refused before parsing (no entity
expansion, no "billion laughs"); stdlib ``xml.etree`` then never resolves
external entities.

Fountain things Final Draft has no place for travel as notes so nothing is
lost: sections (``# Act 1``), synopses away from a heading and boneyard are
attached as ``ScriptNote`` to the next paragraph with their Fountain mark,
and come back as SECTION/SYNOPSIS/BONEYARD elements. Element ``line`` on
import is the 1-based paragraph number.
"""
from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ETree
from pathlib import Path

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.exceptions import ScriptError

ET = ElementType

_TYPE_IN = {
    "scene heading": ET.SCENE_HEADING, "action": ET.ACTION, "general": ET.ACTION, "shot": ET.ACTION,
    "character": ET.CHARACTER, "parenthetical": ET.PARENTHETICAL, "dialogue": ET.DIALOGUE,
    "transition": ET.TRANSITION, "lyrics": ET.LYRICS, "new act": ET.SECTION, "end of act": ET.CENTERED,
    "cast list": ET.ACTION,
}
_TYPE_OUT = {
    ET.SCENE_HEADING: "Scene Heading", ET.ACTION: "Action", ET.CHARACTER: "Character",
    ET.PARENTHETICAL: "Parenthetical", ET.DIALOGUE: "Dialogue", ET.TRANSITION: "Transition",
    ET.LYRICS: "Dialogue", ET.CENTERED: "Action",
}
_DECL_RE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_STYLE_MARK = {"bi": "***", "b": "**", "i": "*", "u": "_"}
_XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")   # not allowed in XML 1.0
_CREDIT_RE = re.compile(r"^(written by|screenplay by|teleplay by|story by|by)$", re.IGNORECASE)
_DIALOGUE_LINES = (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS)


# ------------------------------------------------------------------ import
def read_fdx(source: str | os.PathLike | bytes) -> Script:
    """Read a Final Draft file (path), its bytes, or its XML text."""
    if isinstance(source, (bytes, os.PathLike)) or (isinstance(source, str) and not source.lstrip().startswith("<")):
        from studio_kit.engines.writing.io import load_script

        if isinstance(source, (str, os.PathLike)) and Path(source).suffix.lower() not in (".fdx", ".xml"):
            raise ScriptError(f"{source} is not an .fdx file", hint="pass a Final Draft .fdx file")
        script = load_script(source)
        if script.source_format != "fdx":
            raise ScriptError("the input is not Final Draft XML", hint="use load_script() for Fountain text")
        return script
    return read_fdx_text(source)


def read_fdx_text(text: str, label: str = "<fdx>") -> Script:
    """Parse FDX XML text into a Script (elements, scenes, title page)."""
    if _DECL_RE.search(text):
        raise ScriptError(f"{label} declares a DOCTYPE/ENTITY; refused for safety",
                          hint="Final Draft never writes these: re-export the script from Final Draft")
    try:
        root = ETree.fromstring(text.lstrip("\ufeff"))
    except ETree.ParseError as exc:
        line, col = getattr(exc, "position", (0, 0))
        raise ScriptError(f"{label} is not well-formed XML (line {line}, column {col}): {exc}",
                          hint="the .fdx is damaged: re-export it from Final Draft") from None
    if root.tag != "FinalDraft":
        raise ScriptError(f"{label} is XML but not a Final Draft document (root <{root.tag}>)",
                          hint="pass a .fdx saved by Final Draft (root element <FinalDraft>)")
    content = root.find("Content")
    warnings: list[str] = []
    elements: list[Element] = []
    if content is None:
        warnings.append("the Final Draft file has no <Content>: the script body is empty")
    else:
        reader = _Reader(warnings)
        for para in content.findall("Paragraph"):
            reader.paragraph(para, False)
        elements = reader.elements
    from studio_kit.engines.writing.scenes import build_scenes

    from studio_kit.engines.writing.fdx_title import read_title_page

    script = Script(title_page=read_title_page(root.find("TitlePage")), elements=elements,
                    source_format="fdx", warnings=warnings)
    script.scenes = build_scenes(elements)
    if not script.scenes:
        warnings.append("no scene headings: nothing is grouped into scenes")
    return script


class _Reader:
    def __init__(self, warnings: list[str]) -> None:
        self.elements: list[Element] = []
        self.warnings = warnings
        self.count = 0
        self.unknown: set[str] = set()

    def paragraph(self, para: ETree.Element, dual: bool) -> None:
        self.count += 1
        inner = para.find("DualDialogue")
        if inner is not None:
            if para.get("StartsNewPage", "").lower() == "yes":
                self.elements.append(Element(type=ET.PAGE_BREAK, line=self.count))
            for p in inner.findall("Paragraph"):
                self.paragraph(p, True)
            return
        kind = (para.get("Type") or "General").strip()
        etype = _TYPE_IN.get(kind.lower())
        if etype is None:
            if kind not in self.unknown:
                self.unknown.add(kind)
                self.warnings.append(f"paragraph type {kind!r} is not a screenplay element; read as action")
            etype = ET.ACTION
        if para.get("Fountain") == "lyrics":
            etype = ET.LYRICS
        if para.get("Alignment", "").lower() == "center" and etype == ET.ACTION:
            etype = ET.CENTERED
        runs = [(t.text or "", t.get("Style") or "") for t in para.findall("Text")]
        before: list[Element] = []
        after: list[Element] = []
        inline: list[tuple[int, str]] = []
        loose: list[str] = []   # notes written by Final Draft itself
        for note in para.findall("ScriptNote"):
            raw_body = "\n".join("".join(t.text or "" for t in p.findall("Text"))
                                 for p in note.iter("Paragraph"))
            body = raw_body.strip()
            kind, _, arg = (note.get("Fountain") or "").partition(":")
            if kind in ("inline-note", "inline-boneyard"):
                body = raw_body  # inline notes keep their spacing exactly
                mark = ("[[", "]]") if kind == "inline-note" else ("/*", "*/")
                inline.append((int(arg) if arg.isdigit() else 1 << 30, f"{mark[0]}{body}{mark[1]}"))
                continue
            marked = _marked_element(body, self.count, kind, arg)
            if marked is None:
                loose.append(body)
            else:
                (after if kind == "after" else before).append(marked)
        text = _runs_markup(runs, sorted(inline))
        # leading tabs/spaces and line breaks are meaningful in Fountain text; cues and headings are trimmed
        if etype in (ET.ACTION, ET.DIALOGUE, ET.LYRICS, ET.CENTERED):
            text = text.rstrip(" \t")
        else:
            text = text.strip()
        if para.get("StartsNewPage", "").lower() == "yes":
            self.elements.append(Element(type=ET.PAGE_BREAK, line=self.count))
        self.elements.extend(before)
        notes = [n for n in loose if n]
        if notes and etype in (ET.ACTION, ET.DIALOGUE, ET.CENTERED):
            # Final Draft's own notes on action/dialogue read as inline notes
            text = " ".join([text, *(f"[[{n}]]" for n in notes)]).strip()
            notes = []
        if not text and etype == ET.ACTION and para.get("Fountain") != "empty":
            self.elements.extend(Element(type=ET.NOTE, text=n, line=self.count) for n in notes)
            self.elements.extend(after)
            return  # Final Draft pads with empty paragraphs
        if etype == ET.PARENTHETICAL and not text.startswith(("(", "（")):
            text = f"({text})"
        number = (para.get("Number") or None) if etype == ET.SCENE_HEADING else None
        el = Element(type=etype, text=text, line=self.count, scene_number=number,
                     dual=dual and etype in (ET.CHARACTER, *_DIALOGUE_LINES),
                     depth=1 if etype == ET.SECTION else 0)
        self.elements.append(el)
        if etype == ET.SCENE_HEADING:   # the scene summary reads as synopses under the heading
            summary = para.find("SceneProperties/Summary")
            if summary is not None:
                for p in summary.iter("Paragraph"):
                    line = "".join(t.text or "" for t in p.findall("Text")).strip()
                    self.elements.append(Element(type=ET.SYNOPSIS, text=line, line=self.count))
        self.elements.extend(Element(type=ET.NOTE, text=n, line=self.count) for n in notes)
        self.elements.extend(after)


def _marked_element(body: str, line: int, kind: str = "", arg: str = "") -> Element | None:
    """A note that stands for a Fountain element (written by :func:`write_fdx`):
    the ``Fountain`` attribute says which; the text mark is the fallback when
    another program dropped the attribute."""
    if kind == "note":
        return Element(type=ET.NOTE, text=body, line=line)
    if kind == "section" or (not kind and body.startswith("#")):
        depth = len(body) - len(body.lstrip("#"))
        return Element(type=ET.SECTION, text=body[depth:].strip(), depth=max(1, depth), line=line)
    if kind == "synopsis" or (not kind and body.startswith("= ")):
        return Element(type=ET.SYNOPSIS, text=body[1:].strip() if body.startswith("=") else body, line=line)
    if kind == "boneyard" or (not kind and body.startswith("/*") and body.endswith("*/")):
        inner = body[2:-2] if body.startswith("/*") and body.endswith("*/") else body
        return Element(type=ET.BONEYARD, text=inner.strip(), line=line)
    if kind in ("before", "after"):
        return _marked_element(body, line, arg or "note")
    return None


def _runs_markup(runs: list[tuple[str, str]], inline: list[tuple[int, str]]) -> str:
    """``<Text>`` runs as Fountain markup, with inline notes put back at their
    printed-text offsets."""
    out: list[str] = []
    printed = 0
    k = 0
    for chunk, style in runs:
        end = printed + len(chunk)
        while k < len(inline) and inline[k][0] <= end and (inline[k][0] < end or not chunk):
            cut = inline[k][0] - printed
            out.append(_run_markup(chunk[:cut], style))
            out.append(inline[k][1])
            chunk, printed = chunk[cut:], inline[k][0]
            k += 1
        out.append(_run_markup(chunk, style))
        printed = end
    out.extend(raw for _, raw in inline[k:])
    return "".join(out)


def _run_markup(raw: str, style: str) -> str:
    """One ``<Text Style="Bold+Underline">`` run as Fountain markup."""
    raw = raw.replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_")
    style = style.lower()
    key = ("b" if "bold" in style else "") + ("i" if "italic" in style else "")
    if not raw.strip():
        return raw
    lead = raw[:len(raw) - len(raw.lstrip())]
    trail = raw[len(raw.rstrip()):]
    core = raw.strip()
    if key:
        core = f"{_STYLE_MARK[key]}{core}{_STYLE_MARK[key]}"
    if "underline" in style:
        core = f"_{core}_"
    return lead + core + trail


# ------------------------------------------------------------------ export
def write_fdx(script: Script, path: str | os.PathLike | None = None) -> str:
    """Final Draft XML for ``script``; also written to ``path`` when given."""
    root = ETree.Element("FinalDraft", DocumentType="Script", Template="No", Version="5")
    content = ETree.SubElement(root, "Content")
    _Writer(content).run(script.elements)
    for number, note in enumerate(root.iter("ScriptNote"), start=1):
        note.set("ID", str(number))     # Final Draft numbers its notes; readers may key on the ID
    if script.title_page:
        from studio_kit.engines.writing.fdx_title import write_title_page

        write_title_page(ETree.SubElement(root, "TitlePage"), script.title_page)
    ETree.indent(root, space="  ")
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + ETree.tostring(root, encoding="unicode") + "\n"
    if path is not None:
        Path(path).write_text(xml, encoding="utf-8")
    return xml


class _Writer:
    def __init__(self, content: ETree.Element) -> None:
        self.content = content
        self.last: ETree.Element | None = None      # last paragraph written
        self.heading: ETree.Element | None = None   # heading a synopsis can attach to
        self.pending: list[tuple[str, str]] = []    # (kind, text) notes for the next paragraph
        self.new_page = False
        self.prev_el: Element | None = None          # last element written as a paragraph

    def run(self, elements: list[Element]) -> None:
        k = 0
        n = len(elements)
        while k < n:
            el = elements[k]
            if el.type == ET.CHARACTER and el.dual:
                end = _block_end(elements, k)
                if end < n and elements[end].type == ET.CHARACTER and elements[end].dual:
                    end2 = _block_end(elements, end)
                    # pending notes and page breaks go on the first inner paragraph
                    wrapper = ETree.SubElement(self.content, "Paragraph")
                    dual = ETree.SubElement(wrapper, "DualDialogue")
                    for item in elements[k:end2]:
                        self.element(item, dual)
                    self.heading = None
                    k = end2
                    continue
            self.element(el, self.content)
            k += 1
        if self.new_page:   # a page break at the very end rides on an empty paragraph
            self._para("Action").set("Fountain", "carrier")
        if self.pending:
            if self.last is None:
                self.last = self._para("Action")
            else:
                for kind, text in self.pending:
                    _note(self.last, text, f"after:{kind}")

    def _in_speech(self, el: Element) -> bool:
        """Whether ``el`` follows a cue, parenthetical or dialogue line with no blank line between."""
        prev = self.prev_el
        if prev is None or prev.type not in (ET.CHARACTER, *_DIALOGUE_LINES):
            return False
        if el.line and prev.line:
            return el.line <= prev.line + prev.text.count("\n") + 1
        return True

    def _para(self, kind: str | None, parent: ETree.Element | None = None) -> ETree.Element:
        p = ETree.SubElement(self.content if parent is None else parent, "Paragraph")
        if kind:
            p.set("Type", kind)
        if self.new_page:
            p.set("StartsNewPage", "Yes")
            self.new_page = False
        for kind, text in self.pending:
            _note(p, text, f"before:{kind}")
        self.pending = []
        return p

    def element(self, el: Element, parent: ETree.Element) -> None:
        t = el.type
        if t in (ET.PAGE_BREAK, ET.NOTE, ET.SECTION, ET.BONEYARD):
            self.heading = None   # a synopsis after these is not the scene's summary
        if t == ET.PAGE_BREAK:
            if self.pending:    # notes before the break stay before it
                if self.last is not None and not self.new_page:
                    for kind, text in self.pending:
                        _note(self.last, text, f"after:{kind}")
                    self.pending = []
                else:
                    self._para("Action").set("Fountain", "carrier")
            if self.new_page:   # two breaks in a row: the first rides on an empty paragraph
                self._para("Action").set("Fountain", "carrier")
            self.new_page = True
            return
        if t == ET.NOTE:
            self.pending.append(("note", el.text))
            return
        if t == ET.SYNOPSIS and self.heading is not None:
            props = self.heading.find("SceneProperties")
            if props is None:
                props = ETree.Element("SceneProperties")
                self.heading.insert(0, props)
                ETree.SubElement(props, "Summary")
            summary = props.find("Summary")
            sp = ETree.SubElement(summary, "Paragraph")
            ETree.SubElement(sp, "Text").text = _XML_ILLEGAL_RE.sub("", el.text)
            return
        if t == ET.SECTION:
            self.pending.append(("section", "#" * max(1, el.depth) + " " + el.text))
            return
        if t == ET.SYNOPSIS:
            self.pending.append(("synopsis", "= " + el.text))
            return
        if t == ET.BONEYARD:
            self.pending.append(("boneyard", f"/* {el.text} */"))
            return
        kind = _TYPE_OUT[t]
        if t == ET.LYRICS and not self._in_speech(el):
            kind = "Action"               # sung outside a speech prints as action, as in the PDF
        p = self._para(kind, parent)
        self.prev_el = el
        if t == ET.SCENE_HEADING and el.scene_number:
            p.set("Number", el.scene_number)
        if t == ET.CENTERED:
            p.set("Alignment", "Center")
        text = el.text
        comments: list[tuple[ElementType, str]] = []
        if "[[" in text or "/*" in text:
            from studio_kit.engines.writing.fountain import comment_spans

            kept: list[str] = []
            pos = 0
            for start, end, kind, inner in comment_spans(text):
                kept.append(text[pos:start] + _SENTINEL)
                comments.append((kind, inner))
                pos = end
            kept.append(text[pos:])
            text = "".join(kept)
        if t == ET.LYRICS:
            p.set("Fountain", "lyrics")   # Final Draft has no lyrics element; it shows as dialogue
        if not text and t in (ET.ACTION, ET.CENTERED):
            p.set("Fountain", "empty")   # Final Draft pads with empty paragraphs; this one is meant
        offsets = _text_runs(p, text)
        for (kind, inner), offset in zip(comments, offsets):
            _note(p, inner, f"{'inline-note' if kind == ET.NOTE else 'inline-boneyard'}:{offset}")
        self.last = p
        self.heading = p if t == ET.SCENE_HEADING else (self.heading if t == ET.SYNOPSIS else None)


def _block_end(elements: list[Element], k: int) -> int:
    """End (exclusive) of the speech whose cue is ``elements[k]``: its parentheticals, dialogue and
    sung lines, up to a blank line in the Fountain source (lyrics after one are their own paragraph)."""
    end = elements[k].line + elements[k].text.count("\n")
    k += 1
    while k < len(elements) and elements[k].type in _DIALOGUE_LINES:
        el = elements[k]
        if el.line and end and el.line > end + 1:
            break
        end = el.line + el.text.count("\n") if el.line else 0
        k += 1
    return k


def _note(p: ETree.Element, text: str, fountain: str) -> None:
    """Attach a ScriptNote; ``fountain`` (kept in an attribute Final Draft
    ignores) says where the note sat in the Fountain text."""
    note = ETree.Element("ScriptNote", Fountain=fountain)
    # notes go before the paragraph's own <Text>, as Final Draft writes them
    first_text = next((i for i, c in enumerate(p) if c.tag == "Text"), len(p))
    p.insert(first_text, note)
    np_ = ETree.SubElement(note, "Paragraph")
    ETree.SubElement(np_, "Text").text = _XML_ILLEGAL_RE.sub("", text)


_SENTINEL = "\ue000"   # marks where an inline note sat, through emphasis parsing


def _text_runs(p: ETree.Element, text: str) -> list[int]:
    """Fountain emphasis → ``<Text Style=…>`` runs. Returns the printed-text
    offsets of the sentinels (inline notes), which are not written."""
    try:
        from studio_kit.engines.writing.layout import emphasis_runs
        runs = emphasis_runs(text) or [("", "")]
    except ImportError:  # pragma: no cover - layout ships with the engine
        from studio_kit.engines.writing.fountain import plain_text
        runs = [(plain_text(text), "")]
    offsets: list[int] = []
    printed = 0
    for chunk, style in runs:
        if _SENTINEL in chunk:
            for piece_index, piece in enumerate(chunk.split(_SENTINEL)):
                if piece_index:
                    offsets.append(printed)
                printed += len(piece)
            chunk = chunk.replace(_SENTINEL, "")
        else:
            printed += len(chunk)
        if not chunk and len(runs) > 1:
            continue
        t = ETree.SubElement(p, "Text")
        names = [name for flag, name in (("b", "Bold"), ("i", "Italic"), ("u", "Underline")) if flag in style]
        if names:
            t.set("Style", "+".join(names))
        t.text = _XML_ILLEGAL_RE.sub("", chunk)
    return offsets
