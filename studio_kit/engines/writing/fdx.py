"""Final Draft ``.fdx`` import and export.

Paragraph types: Scene Heading, Action, Character, Parenthetical, Dialogue,
Transition, General and Shot (read as action), plus ``<DualDialogue>``,
``<ScriptNote>`` notes, scene summaries (``<SceneProperties><Summary>`` ↔ a
synopsis under the heading), ``Number`` (scene numbers), ``StartsNewPage``
(page breaks), centred paragraphs and a title page.

Scene-number lock. Final Draft keeps no lock flag: its numbers are the lock.
Once Production > Scene Numbers has run, every heading carries
``<Paragraph Number="12A" Type="Scene Heading">`` and the file carries
``<SceneNumberOptions LeftLocation="0.75" RightLocation="7.38"
ShowNumbersOnLeft="Yes" ShowNumbersOnRight="Yes" NumberScheme="1A"
AutoHideNumbersOnRight="No">`` (Final Draft 13's own output); Final Draft never
renumbers those scenes by itself, and its "Keep existing scene numbers" gives a
new scene 12A. So a file with numbered headings and ``<SceneNumberOptions>``
reads as locked (the ``[[Scene numbers locked]]`` note, see
:func:`scenes.scene_numbers_locked`), and a locked script is written the same
way, its options kept as read. Numbers we write unlocked say so with
``Fountain="unlocked"`` on ``<SceneNumberOptions>`` (Final Draft ignores it).

Export also writes what Final Draft shows and fills in itself: each scene
heading's ``<SceneProperties Length="1 3/8" Page="4" Title="">`` (length in
eighths and starting page from our pagination) and the ``<SmartType>`` lists
(characters, extensions, scene intros, locations, times of day, transitions)
its auto-complete offers. Import ignores both: they are derived figures.

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
from collections.abc import Iterator
from pathlib import Path

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.fdx_text import (
    SENTINEL,
    XML_ILLEGAL_RE,
    runs_markup,
    text_runs,
)
from studio_kit.engines.writing.fdx_title import (
    LAYOUT_KEY,
    title_page_from_paragraphs,
    title_paragraphs,
    write_title_page,
)
from studio_kit.engines.writing.fountain_markup import comment_spans, plain_text
from studio_kit.engines.writing.pagination import format_eighths, paginate
from studio_kit.engines.writing.scenes import LOCK_NOTE, build_scenes, scene_numbers_locked
from studio_kit.engines.writing.script_bytes import (
    FDX_SUFFIXES,
    MAX_SCRIPT_BYTES,
    decode_script_bytes,
    looks_like_xml,
    mb,
    read_script_bytes,
)
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
_DIALOGUE_LINES = (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS)
_OFFSET_RE = re.compile(r"[0-9]{1,9}")

#: metadata key: Final Draft's ``<SceneNumberOptions>`` attributes as read, written back unchanged
NUMBER_OPTIONS_KEY = "fdx_scene_number_options"
#: what Final Draft 13 writes on a new script (LeftLocation/RightLocation in inches)
_NUMBER_OPTIONS = {"LeftLocation": "0.75", "RightLocation": "7.38", "ShowNumbersOnLeft": "Yes",
                   "ShowNumbersOnRight": "Yes", "NumberScheme": "1A", "AutoHideNumbersOnRight": "No"}
_YES_NO = ("ShowNumbersOnLeft", "ShowNumbersOnRight", "AutoHideNumbersOnRight")
_LOCK_VALUES = ("locked", "unlocked")    # our Fountain="..." on <SceneNumberOptions>; none means locked


# ------------------------------------------------------------------ import
def read_fdx(source: str | os.PathLike | bytes, *, max_bytes: int = MAX_SCRIPT_BYTES) -> Script:
    """Read a Final Draft file (path), its bytes, or its XML text (same size cap, binary and
    device checks as :func:`io.load_script`)."""
    if isinstance(source, str) and source.lstrip().startswith("<"):
        return read_fdx_text(source)
    if isinstance(source, bytes):
        label, data = "<bytes>", source
    else:
        path = Path(source)
        if path.suffix.lower() not in FDX_SUFFIXES:
            raise ScriptError(f"{source} is not an .fdx file", hint="pass a Final Draft .fdx file")
        label, data = str(path), read_script_bytes(path, max_bytes)
    if len(data) > max_bytes:
        raise ScriptError(f"{label} is {mb(len(data))}, over the {mb(max_bytes)} limit for a script",
                          hint="check that this is a screenplay (a feature is well under 5 MB)")
    text, notes = decode_script_bytes(data, label)
    if not looks_like_xml(text):
        raise ScriptError(f"{label} is not Final Draft XML", hint="use load_script() for Fountain text")
    script = read_fdx_text(text, label)
    script.warnings[:0] = notes
    script.metadata.setdefault("source", label)
    script.metadata.setdefault("bytes", len(data))
    return script


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
        reader.paragraphs(content.findall("Paragraph"))
        elements = reader.elements
    options = root.find("SceneNumberOptions")
    if options is not None:
        elements = _read_number_lock(options, elements, warnings, label)
    tp = root.find("TitlePage")
    layout = title_paragraphs(tp)
    script = Script(title_page=title_page_from_paragraphs(layout), elements=elements,
                    source_format="fdx", warnings=warnings)
    if options is not None:
        script.metadata[NUMBER_OPTIONS_KEY] = {k: v for k, v in options.attrib.items() if k != "Fountain"}
    if any(text for _align, text in layout):
        script.metadata[LAYOUT_KEY] = layout   # an unchanged title page is written back as it was
    script.scenes = build_scenes(elements)
    if not script.scenes:
        warnings.append("no scene headings: nothing is grouped into scenes")
    return script


def _read_number_lock(options: ETree.Element, elements: list[Element], warnings: list[str],
                      label: str) -> list[Element]:
    """Check ``<SceneNumberOptions>`` and, when the headings carry Final Draft's numbers (and
    the file does not say ``Fountain="unlocked"``), add the lock note before the first heading."""
    scheme = options.get("NumberScheme")
    if scheme is not None and scheme != "1A":
        warnings.append(f"{label}: <SceneNumberOptions NumberScheme={scheme!r}> is not Final Draft's '1A' "
                        "scheme; new scenes are numbered 12A, 12B after scene 12. To keep the file as "
                        "Final Draft reads it, choose the 1A scheme in Production > Scene Numbers and save again")
    for key in _YES_NO:
        value = options.get(key)
        if value is not None and value not in ("Yes", "No"):
            warnings.append(f"{label}: <SceneNumberOptions {key}={value!r}> is neither 'Yes' nor 'No'; "
                            f"it is written back as read. Fix: set it to \"Yes\" or \"No\"")
    lock = options.get("Fountain")
    if lock is not None and lock not in _LOCK_VALUES:
        warnings.append(f"{label}: <SceneNumberOptions Fountain={lock!r}> is not a scene-number lock value "
                        "('locked' or 'unlocked'); the numbers are read as locked, as Final Draft keeps them. "
                        "Fix: remove the attribute, or run `studio script number FILE --in-place --unlock` "
                        "to unlock them")
    numbered = [k for k, el in enumerate(elements) if el.type == ET.SCENE_HEADING and el.scene_number]
    if not numbered or lock == "unlocked" or scene_numbers_locked(elements):
        return elements
    first = next(k for k, el in enumerate(elements) if el.type == ET.SCENE_HEADING)
    note = Element(type=ET.NOTE, text=LOCK_NOTE, line=elements[first].line)
    return [*elements[:first], note, *elements[first:]]


class _Reader:
    def __init__(self, warnings: list[str]) -> None:
        self.elements: list[Element] = []
        self.warnings = warnings
        self.count = 0
        self.unknown: set[str] = set()

    def paragraphs(self, top: list[ETree.Element]) -> None:
        """Read paragraphs in document order. ``<DualDialogue>`` wrappers are walked with an
        explicit stack, not recursion: a file nesting them thousands deep reads (flattened, with
        a warning) instead of overflowing the Python stack."""
        stack: list[tuple[Iterator[ETree.Element], bool]] = [(iter(top), False)]
        nested_warned = False
        while stack:
            it, dual = stack[-1]
            para = next(it, None)
            if para is None:
                stack.pop()
                continue
            self.count += 1
            inner = para.find("DualDialogue")
            if inner is None:
                self.paragraph(para, dual)
                continue
            if para.get("StartsNewPage", "").lower() == "yes":
                self.elements.append(Element(type=ET.PAGE_BREAK, line=self.count))
            if dual and not nested_warned:
                nested_warned = True
                self.warnings.append("a <DualDialogue> is nested inside another one (Final Draft never "
                                     "writes this); its speeches are read as one dual-dialogue block")
            stack.append((iter(inner.findall("Paragraph")), True))

    def paragraph(self, para: ETree.Element, dual: bool) -> None:
        """One paragraph that holds text (not a ``<DualDialogue>`` wrapper)."""
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
                # an offset we wrote is a short ASCII number; anything else ("²", 5,000 digits) goes last
                offset = int(arg) if _OFFSET_RE.fullmatch(arg) else 1 << 30
                inline.append((offset, f"{mark[0]}{body}{mark[1]}"))
                continue
            marked = _marked_element(body, self.count, kind, arg)
            if marked is None:
                loose.append(body)
            else:
                (after if kind == "after" else before).append(marked)
        text = runs_markup(runs, sorted(inline))
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


# ------------------------------------------------------------------ export
def write_fdx(script: Script, path: str | os.PathLike | None = None, *, paper: str = "letter") -> str:
    """Final Draft XML for ``script``; also written to ``path`` when given.

    Scene lengths and pages in ``<SceneProperties>`` are those of ``paper`` ("letter" or "a4").
    """
    # scenes rebuilt from the elements: one per heading, in order, whatever ``script.scenes`` holds
    laid = script.model_copy(update={"scenes": build_scenes(script.elements)})
    pagination = paginate(laid, paper)
    props = [(format_eighths(e), str(p)) for e, p in zip(pagination.scene_eighths, pagination.scene_pages)]
    root = ETree.Element("FinalDraft", DocumentType="Script", Template="No", Version="5")
    content = ETree.SubElement(root, "Content")
    numbered = any(el.type == ET.SCENE_HEADING and el.scene_number for el in script.elements)
    locked = scene_numbers_locked(script.elements)
    # a locked script's lock is its numbers and <SceneNumberOptions>, as in Final Draft: no note for it
    body = [el for el in script.elements if not (numbered and el.type == ET.NOTE and scene_numbers_locked([el]))]
    _Writer(content, props).run(body)
    for number, note in enumerate(root.iter("ScriptNote"), start=1):
        note.set("ID", str(number))     # Final Draft numbers its notes; readers may key on the ID
    if script.title_page:
        write_title_page(ETree.SubElement(root, "TitlePage"), script.title_page, script.metadata.get(LAYOUT_KEY))
    _smart_type(ETree.SubElement(root, "SmartType"), laid)
    if numbered or NUMBER_OPTIONS_KEY in script.metadata:
        kept = script.metadata.get(NUMBER_OPTIONS_KEY)
        attrs = {str(k): str(v) for k, v in kept.items()} if isinstance(kept, dict) else dict(_NUMBER_OPTIONS)
        if numbered and not locked:
            attrs["Fountain"] = "unlocked"
        options = ETree.SubElement(root, "SceneNumberOptions", attrs)
        ETree.SubElement(options, "FontSpec",   # Final Draft writes the numbers' font as a child
                          AdornmentStyle="0", Font="Courier Final Draft", RevisionID="0", Size="12", Style="")
    ETree.indent(root, space="  ")
    xml = '<?xml version="1.0" encoding="UTF-8" standalone="no" ?>\n' + ETree.tostring(root, encoding="unicode") + "\n"
    if path is not None:
        Path(path).write_text(xml, encoding="utf-8")
    return xml


# Final Draft's own SmartType entries; a script's own cues, locations, times and transitions are added
_SMART_EXTENSIONS = ["(V.O.)", "(O.S.)", "(O.C.)", "(CONT'D)"]
_SMART_INTROS = ["INT", "EXT", "INT./EXT", "EXT./INT", "I/E", "EST"]
_SMART_TIMES = ["DAY", "NIGHT", "MORNING", "AFTERNOON", "EVENING", "LATER", "MOMENTS LATER", "CONTINUOUS",
                "THE NEXT DAY"]
_SMART_TRANSITIONS = ["CUT TO:", "FADE IN:", "FADE OUT.", "FADE TO:", "DISSOLVE TO:", "BACK TO:", "MATCH CUT TO:",
                      "JUMP CUT TO:", "FADE TO BLACK."]


def smart_type_lists(script: Script) -> dict[str, list[str]]:
    """What Final Draft's SmartType offers for ``script`` (scenes built): characters and locations
    sorted, Final Draft's default extensions, scene intros, times of day and transitions first,
    then the script's own in order of appearance."""
    def merged(defaults: list[str], found) -> list[str]:
        return list(dict.fromkeys([*defaults, *(f for f in found if f)]))

    intro = {"INT/EXT": "INT./EXT"}
    scenes = [sc for sc in script.scenes if sc.location != "OMITTED" or len(sc.elements) > 1]
    return {
        "Characters": sorted({name for sc in scenes for name in sc.speaking_characters if name}),
        "Extensions": merged(_SMART_EXTENSIONS, (f"({x.upper()})" for sc in scenes for block in sc.dialogue
                                                 for x in block.extensions)),
        "SceneIntros": merged(_SMART_INTROS, (intro.get(sc.int_ext, sc.int_ext) for sc in scenes)),
        "Locations": sorted({sc.location for sc in scenes if sc.location}),
        "TimesOfDay": merged(_SMART_TIMES, (sc.time_of_day for sc in scenes)),
        "Transitions": merged(_SMART_TRANSITIONS, (plain_text(el.text).strip().lstrip(">").strip().upper()
                                                   for el in script.elements if el.type == ET.TRANSITION)),
    }


_SMART_ITEM = {"Characters": "Character", "Extensions": "Extension", "SceneIntros": "SceneIntro",
               "Locations": "Location", "TimesOfDay": "TimeOfDay", "Transitions": "Transition"}


def _smart_type(smart: ETree.Element, script: Script) -> None:
    for group, items in smart_type_lists(script).items():
        node = ETree.SubElement(smart, group)
        if group == "SceneIntros":
            node.set("Separator", ". ")        # Final Draft joins intro and location with these
        elif group == "TimesOfDay":
            node.set("Separator", " - ")
        for item in items:
            ETree.SubElement(node, _SMART_ITEM[group]).text = XML_ILLEGAL_RE.sub("", item)


class _Writer:
    def __init__(self, content: ETree.Element, scene_props: list[tuple[str, str]] | None = None) -> None:
        self.content = content
        self.scene_props = scene_props or []         # (Length, Page) of each scene heading, in order
        self.scene_count = 0
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
            self._page_break()
        elif t == ET.SYNOPSIS and self.heading is not None:
            self._scene_summary(self.heading, el.text)
        elif t in _HELD_FOR_NEXT:
            self.pending.append(_HELD_FOR_NEXT[t](el))
        else:
            self._printed(el, parent)

    def _page_break(self) -> None:
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

    @staticmethod
    def _scene_summary(heading: ETree.Element, text: str) -> None:
        """A synopsis right after a heading is the scene's summary (SceneProperties/Summary)."""
        props = heading.find("SceneProperties")
        if props is None:
            props = ETree.Element("SceneProperties")
            heading.insert(0, props)
        summary = props.find("Summary")
        if summary is None:
            summary = ETree.SubElement(props, "Summary")
        sp = ETree.SubElement(summary, "Paragraph")
        ETree.SubElement(sp, "Text").text = XML_ILLEGAL_RE.sub("", text)

    def _printed(self, el: Element, parent: ETree.Element) -> None:
        t = el.type
        kind = _TYPE_OUT[t]
        if t == ET.LYRICS and not self._in_speech(el):
            kind = "Action"               # sung outside a speech prints as action, as in the PDF
        p = self._para(kind, parent)
        self.prev_el = el
        if t == ET.SCENE_HEADING:
            if el.scene_number:
                p.set("Number", el.scene_number)
            if self.scene_count < len(self.scene_props):
                length, page = self.scene_props[self.scene_count]
                # first child, as Final Draft writes it: <SceneProperties Length="1 3/8" Page="4" Title=""/>
                p.insert(0, ETree.Element("SceneProperties", Length=length, Page=page, Title=""))
            self.scene_count += 1
        if t == ET.CENTERED:
            p.set("Alignment", "Center")
        text, comments = _lift_inline_comments(el.text)
        if t == ET.LYRICS:
            p.set("Fountain", "lyrics")   # Final Draft has no lyrics element; it shows as dialogue
        if not text and t in (ET.ACTION, ET.CENTERED):
            p.set("Fountain", "empty")   # Final Draft pads with empty paragraphs; this one is meant
        offsets = text_runs(p, text)
        for (kind, inner), offset in zip(comments, offsets):
            _note(p, inner, f"{'inline-note' if kind == ET.NOTE else 'inline-boneyard'}:{offset}")
        self.last = p
        self.heading = p if t == ET.SCENE_HEADING else None


#: elements that print nothing themselves: kept as (kind, text) notes on the next paragraph
_HELD_FOR_NEXT = {
    ET.NOTE: lambda el: ("note", el.text),
    ET.SECTION: lambda el: ("section", "#" * max(1, el.depth) + " " + el.text),
    ET.SYNOPSIS: lambda el: ("synopsis", "= " + el.text),
    ET.BONEYARD: lambda el: ("boneyard", f"/* {el.text} */"),
}


def _lift_inline_comments(text: str) -> tuple[str, list[tuple[ElementType, str]]]:
    """``text`` with each inline note/boneyard replaced by :data:`SENTINEL`, and the (kind, inner text) lifted."""
    comments: list[tuple[ElementType, str]] = []
    if "[[" not in text and "/*" not in text:
        return text, comments
    kept: list[str] = []
    pos = 0
    for start, end, kind, inner in comment_spans(text):
        kept.append(text[pos:start] + SENTINEL)
        comments.append((kind, inner))
        pos = end
    kept.append(text[pos:])
    return "".join(kept), comments


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
    ETree.SubElement(np_, "Text").text = XML_ILLEGAL_RE.sub("", text)
