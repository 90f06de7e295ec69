"""Fountain screenplay parser (https://fountain.io/syntax).

One pass over the source lines, no backtracking: every line is looked at a
fixed number of times (plus the lines a multi-line note or boneyard spans,
which are joined once), so parse time grows linearly with script length.

What the parser keeps, so the writer can give the same document back:

* every body element in source order in ``Script.elements`` (notes,
  boneyard, sections, synopses and page breaks included), each with the
  1-based line it starts on;
* emphasis markup (``*``, ``**``, ``***``, ``_``) and escapes stay in the
  text (the PDF renderer draws them); :func:`plain_text` strips them;
* notes ``[[…]]`` and boneyard ``/*…*/`` inside an action or dialogue line
  stay inline in that text (:func:`strip_notes` hides them); a paragraph
  made only of notes/boneyard becomes NOTE/BONEYARD elements;
* dialogue keeps its line breaks; a Fountain "two-space" line inside
  dialogue becomes an empty line in the DIALOGUE text.

Afterwriting (the page-count reference) is followed where Fountain is vague:
two headings on consecutive lines are both headings, boneyard nests, a note
may span blank lines when it is closed later on.
"""
from __future__ import annotations

import re

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.layout import paused_gc
from studio_kit.engines.writing.fountain_markup import (  # noqa: F401 - re-exported
    _comment_state,
    _split_comments,
    comment_spans,
    plain_text,
    strip_notes,
)

ET = ElementType
__all__ = ["parse_fountain", "plain_text", "strip_notes", "comment_spans", "is_character_cue",
           "is_transition", "split_scene_number", "is_title_key_line", "HEADING_RE", "TITLE_KEYS"]

# Scene heading prefixes, any case, followed by "." or space; afterwriting
# also accepts a heading wrapped in emphasis ("**INT. HOUSE**").
HEADING_RE = re.compile(r"(?:\*{0,3}_?)?(?:int\.?/ext|ext\.?/int|int|ext|est|i\.?/e)[. ]", re.IGNORECASE)
_SCENE_NUMBER_RE = re.compile(r"[\w.\-]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
_TITLE_KEY_RE = re.compile(r"([A-Za-z][A-Za-z0-9 _'.\-]{0,40}?) ?[:：](.*)")

# Keys that open a title page (the first title-page line must be one of them,
# so an action line such as "Note: the clock is wrong" never becomes one).
TITLE_KEYS = {
    "title": "Title", "credit": "Credit", "author": "Author", "authors": "Authors",
    "source": "Source", "draft date": "Draft date", "date": "Date", "contact": "Contact",
    "notes": "Notes", "copyright": "Copyright", "revision": "Revision", "episode": "Episode",
    "format": "Format", "font": "Font",
}

_DIALOGUE_LINE_TYPES = (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS)


def is_character_cue(text: str) -> bool:
    """True when ``text`` (stripped) reads as a character cue: the name part
    (before any extension, without ``^``) is all caps with at least one letter.
    Extensions may be lower case (``HANS (on the radio)``)."""
    name = text[:-1].rstrip() if text.endswith("^") else text
    for paren, close in (("(", ")"), ("（", "）")):
        p = name.find(paren)
        if p >= 0:
            if not name.endswith(close):   # "BOSS, 40 (or any age), an ageless," is action
                return False
            name = name[:p]
    return name == name.upper() and _LETTER_RE.search(name) is not None and not text.endswith("TO:")


def is_transition(text: str) -> bool:
    """An unforced transition: all caps ending in ``TO:`` (blank lines around it)."""
    return text.endswith("TO:") and text == text.upper()


def split_scene_number(text: str) -> tuple[str, str | None]:
    """``"INT. HOUSE - DAY #7A#"`` → ``("INT. HOUSE - DAY", "7A")`` (no regex search: linear)."""
    s = text.rstrip()
    if len(s) > 2 and s.endswith("#"):
        j = s.rfind("#", 0, len(s) - 1)
        if j >= 0:
            number = s[j + 1:-1]
            if number and _SCENE_NUMBER_RE.fullmatch(number):
                return s[:j].rstrip(), number
    return text, None


def is_title_key_line(line: str, *, first: bool) -> re.Match | None:
    """A ``Key: value`` title-page line; the first one must use a known key."""
    m = _TITLE_KEY_RE.match(line)
    if m and first and m.group(1).strip().lower() not in TITLE_KEYS:
        return None
    return m


# --------------------------------------------------------------------- parser
def fast_model(cls, data: dict):
    """A pydantic model instance without validation, for data the parser made
    itself (types already right). Same object as ``cls.model_construct(**data)``
    with every field given, at a third of the cost: it matters on a 120-page
    script with thousands of elements."""
    obj = _new(cls)
    _set(obj, "__dict__", data)
    _set(obj, "__pydantic_fields_set__", set(data))
    _set(obj, "__pydantic_extra__", None)
    _set(obj, "__pydantic_private__", None)
    return obj


_new = object.__new__
_set = object.__setattr__
try:  # fall back to the public API if pydantic's internals ever differ
    _probe = fast_model(Element, {"type": ET.ACTION, "text": "x", "line": 1, "forced": False,
                                  "scene_number": None, "dual": False, "depth": 0})
    _probe.dual = True
    assert _probe == Element(type=ET.ACTION, text="x", line=1, dual=True)
except Exception:  # pragma: no cover - depends on the pydantic version
    def fast_model(cls, data: dict):  # noqa: F811
        return cls.model_construct(**data)


def _fast_element(etype: ElementType, text: str, line: int, forced: bool = False,
                  scene_number: str | None = None, dual: bool = False, depth: int = 0) -> Element:
    return fast_model(Element, {"type": etype, "text": text, "line": line, "forced": forced,
                                "scene_number": scene_number, "dual": dual, "depth": depth})


class _Builder:
    """Collects elements; multi-line elements (action, dialogue, centered,
    lyrics) stay open until a blank line or another element closes them."""

    __slots__ = ("elements", "cur_type", "cur_lines", "cur_line", "cur_forced", "cur_dual")

    def __init__(self) -> None:
        self.elements: list[Element] = []
        self.cur_type: ElementType | None = None
        self.cur_lines: list[str] = []
        self.cur_line = 0
        self.cur_forced = False
        self.cur_dual = False

    def close(self) -> None:
        if self.cur_type is not None:
            self.elements.append(_fast_element(self.cur_type, "\n".join(self.cur_lines), self.cur_line,
                                               self.cur_forced, None, self.cur_dual))
            self.cur_type = None

    def open(self, etype: ElementType, text: str, line: int, forced: bool = False, dual: bool = False) -> None:
        self.close()
        self.cur_type, self.cur_lines, self.cur_line = etype, [text], line
        self.cur_forced, self.cur_dual = forced, dual

    def add(self, etype: ElementType, text: str, line: int, *, forced: bool = False,
            scene_number: str | None = None, dual: bool = False, depth: int = 0) -> Element:
        self.close()
        el = _fast_element(etype, text, line, forced, scene_number, dual, depth)
        self.elements.append(el)
        return el


def parse_fountain(text: str) -> Script:
    """Parse Fountain source into a :class:`Script` (elements, scenes, title page).

    Never raises on odd input: problems (unclosed boneyard or note, no scene
    headings) are listed in ``Script.warnings``. Reading files, size limits and
    binary detection live in :func:`studio_kit.engines.writing.io.load_script`.
    """
    with paused_gc():
        return _parse(text)


def _parse(text: str) -> Script:
    from studio_kit.engines.writing.scenes import build_scenes

    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    n = len(lines)
    b = _Builder()
    warnings: list[str] = []
    title_page: dict[str, str] = {}
    title_state = 0          # 0: may still start, 1: inside the title page, 2: done
    title_key: str | None = None
    prev_blank = True        # previous line blank (or start of body)
    fresh = True             # not inside an action paragraph: a heading may start here
    in_dialogue = False
    dual = False
    last_cue: int | None = None   # index in b.elements of the previous character cue
    last_note_close = -2          # last line holding "]]" (computed on first need)

    i = 0
    while i < n:
        raw = lines[i]
        lineno = i + 1
        has_comment = "/*" in raw or "[[" in raw
        if has_comment:
            depth, in_note = _comment_state(raw, 0, False)
            if depth or in_note:
                # a note or boneyard runs over the following lines: join them
                if in_note and not depth:
                    if last_note_close == -2:
                        last_note_close = next((k for k in range(n - 1, -1, -1) if "]]" in lines[k]), -1)
                    if last_note_close <= i:
                        warnings.append(f"line {lineno}: note '[[' is never closed with ']]'; "
                                        "it ends at the next blank line")
                j = i
                while (depth or in_note) and j + 1 < n:
                    j += 1
                    nxt = lines[j]
                    if in_note and not depth and last_note_close <= i and not nxt.strip():
                        j -= 1
                        break
                    depth, in_note = _comment_state(nxt, depth, in_note)
                if depth and j + 1 >= n:
                    warnings.append(f"line {lineno}: boneyard '/*' is never closed with '*/'; "
                                    "everything after it is hidden")
                if j > i:
                    raw = "\n".join(lines[i:j + 1])
                    i = j
        i += 1
        s = raw.strip()
        next_blank = i >= n or not lines[i].strip()

        if not s:
            if in_dialogue and raw == "  " and not next_blank:
                # two spaces keep the dialogue going across an empty line
                if b.cur_type == ET.DIALOGUE:
                    b.cur_lines.append("")
                else:
                    b.open(ET.DIALOGUE, "", lineno, dual=dual)
                continue
            b.close()
            in_dialogue = False
            prev_blank = fresh = True
            if title_state == 1:
                title_state = 2
            continue

        cls = strip_notes(s).strip() if has_comment else s
        if not cls:  # a line made only of notes / boneyard
            if title_state == 1:
                title_state = 2
            if in_dialogue:
                if b.cur_type == ET.DIALOGUE:
                    b.cur_lines.append(s)
                else:
                    b.open(ET.DIALOGUE, s, lineno, dual=dual)
            elif b.cur_type == ET.ACTION:
                b.cur_lines.append(raw.rstrip())
            else:
                for etype, inner in _split_comments(s):
                    b.add(etype, inner, lineno)
                prev_blank = fresh = True
            continue

        if title_state != 2:
            if title_state == 0:
                title_state = 1 if is_title_key_line(cls, first=True) else 2
            if title_state == 1:
                m = None if raw[0] in " \t" else _TITLE_KEY_RE.match(s)
                if m:
                    key = m.group(1).strip()
                    title_key = TITLE_KEYS.get(key.lower(), key)
                    title_page[title_key] = m.group(2).strip()
                elif title_key is not None:
                    old = title_page[title_key]
                    title_page[title_key] = f"{old}\n{s}" if old else s
                continue

        if in_dialogue:
            c0 = cls[0]
            if (c0 == "(" and cls.endswith(")")) or (c0 == "（" and cls.endswith("）")):
                b.add(ET.PARENTHETICAL, s, lineno, dual=dual)
            elif c0 == "~":
                if b.cur_type == ET.LYRICS:
                    b.cur_lines.append(s[1:].strip())
                else:
                    b.open(ET.LYRICS, s[1:].strip(), lineno, forced=True, dual=dual)
            elif b.cur_type == ET.DIALOGUE:
                b.cur_lines.append(s)
            else:
                b.open(ET.DIALOGUE, s, lineno, dual=dual)
            continue

        was_blank = prev_blank
        was_fresh = fresh
        prev_blank = False
        fresh = True   # most explicit elements are single lines; action resets it below
        c0 = cls[0]
        if c0 == "!":
            t = raw.lstrip()[1:].rstrip()
            if b.cur_type == ET.ACTION:
                b.cur_lines.append(t)
            else:
                b.open(ET.ACTION, t, lineno, forced=True)
            fresh = False
            continue
        if c0 == "=":
            if len(cls) >= 3 and cls.strip("=") == "":
                b.add(ET.PAGE_BREAK, "", lineno)
                continue
            if not cls.startswith("=="):
                b.add(ET.SYNOPSIS, s[1:].strip(), lineno)
                continue
        elif c0 == "#":
            depth = len(s) - len(s.lstrip("#"))
            b.add(ET.SECTION, s[depth:].strip(), lineno, depth=depth)
            continue
        elif c0 == ">":
            if len(cls) > 1 and cls.endswith("<"):
                t = (s[1:-1] if s.endswith("<") else cls[1:-1]).strip()
                if b.cur_type == ET.CENTERED:
                    b.cur_lines.append(t)
                else:
                    b.open(ET.CENTERED, t, lineno)
            else:
                b.add(ET.TRANSITION, s[1:].strip(), lineno, forced=True)
            continue
        elif c0 == "~":
            if b.cur_type == ET.LYRICS:
                b.cur_lines.append(s[1:].strip())
            else:
                b.open(ET.LYRICS, s[1:].strip(), lineno, forced=True)
            continue
        elif c0 == "@" and not next_blank and cls.strip("@^ \t"):
            cue = s[1:].strip()
            marked = cue.endswith("^")
            dual = marked and last_cue is not None
            in_dialogue = True
            last_cue = _add_cue(b, cue[:-1].rstrip() if marked else cue, lineno, True, dual, last_cue)
            continue
        elif c0 == "." and was_fresh and len(cls) > 1 and cls[1] != ".":
            heading, number = split_scene_number(s[1:].strip())
            b.add(ET.SCENE_HEADING, heading, lineno, forced=True, scene_number=number)
            continue

        if was_fresh and HEADING_RE.match(cls):
            heading, number = split_scene_number(s)
            b.add(ET.SCENE_HEADING, heading, lineno, scene_number=number)
            continue
        if was_blank and cls[0] not in "!@=#>~":
            if next_blank and is_transition(cls):
                b.add(ET.TRANSITION, s, lineno)
                continue
            if not next_blank and is_character_cue(cls):
                marked = s.endswith("^")
                dual = marked and last_cue is not None
                cue_text = s[:-1].rstrip() if marked else s
                in_dialogue = True
                last_cue = _add_cue(b, cue_text, lineno, False, dual, last_cue)
                continue
        fresh = False
        t = raw.rstrip()
        if b.cur_type == ET.ACTION:
            b.cur_lines.append(t)
        else:
            b.open(ET.ACTION, t, lineno)
    b.close()

    script = Script.model_construct(title_page=title_page, elements=b.elements, scenes=[],
                                    source_format="fountain", warnings=warnings, metadata={})
    script.scenes = build_scenes(b.elements)
    if not script.scenes:
        if title_page and not any(e.type not in (ET.NOTE, ET.BONEYARD) for e in b.elements):
            warnings.append("title page only: the script has no body (no scenes, action or dialogue)")
        else:
            warnings.append("no scene headings: nothing is grouped into scenes "
                            "(start a scene with INT./EXT. or a forced '.HEADING')")
    return script


def _add_cue(b: _Builder, cue: str, line: int, forced: bool, dual: bool, last_cue: int | None) -> int:
    """Add a character cue; a ``^`` cue also marks the previous block as the first
    of the pair (a ``^`` on the very first cue has no partner: the caller passes dual=False)."""
    if dual and last_cue is not None:
        els = b.elements
        b.close()
        k = last_cue
        els[k].dual = True
        k += 1
        while k < len(els) and els[k].type in _DIALOGUE_LINE_TYPES:
            els[k].dual = True
            k += 1
    b.add(ET.CHARACTER, cue, line, forced=forced, dual=dual)
    return len(b.elements) - 1
