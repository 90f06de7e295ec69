"""Fountain screenplay parser (https://fountain.io/syntax, Fountain 1.1).

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
  stay inline in that text (:func:`strip_notes` hides them); a line made
  only of notes/boneyard becomes NOTE/BONEYARD elements;
* dialogue keeps its line breaks; a Fountain "two-space" line inside
  dialogue becomes an empty line in the DIALOGUE text.

Rules as the spec gives them (afterwriting, the page-count reference, is
followed where it agrees with the spec):

* A line holding only notes and/or boneyard reads as a blank line: it ends
  the paragraph or speech above it, so a scene heading, cue or transition
  can follow it (writers comment out whole scenes between ``CUT TO:`` and
  the next heading). Afterwriting does the same.
* A scene heading is forced by a single period followed by a letter or digit
  (``.SNIPER SCOPE POV``); ``. NOT A HEADER`` and ``. . . and then`` are action
  (afterwriting forces both: here we follow the spec).
* Emphasis marks must hug the text they style: an opening mark has a non-space
  character after it, a closing one a non-space character before it, so
  ``He dialed *69 and then *23`` has no italics. An escaped ``\\*`` never
  opens or closes a mark; a mark without a partner prints as written.
* A note never spans a truly blank line: the spec does not look past one for
  the closing ``]]`` (a line of exactly two spaces keeps a note open). In text
  (``She waits.[[fix`` … blank … ``later]]``) the unclosed ``[[`` prints as
  written, with a warning; afterwriting joins such notes (see the pagination
  notes in :mod:`pagination`). Boneyard may span anything until ``*/``.

Where the spec is silent or ambiguous, these are our choices:

* A second consecutive parenthetical (``(beat)`` then ``(quietly)``) is its
  own PARENTHETICAL element, printed on its own line, as Final Draft does.
* Dual dialogue needs the caret at the very end of the cue (after any
  extension: ``AL (V.O.) ^``). In ``AND ^ (Dual)`` the caret is not last,
  so that cue opens no pair; the caret stays in the cue text and never joins
  the character's name.
* Inside dialogue only a line of exactly two spaces keeps the speech going;
  any other whitespace-only line (one space, tabs, three spaces) is blank.
* Unindented lines after a title-page key continue its value (``Contact:``
  then ``Sam Lee`` on the next line) unless they read as ``Key: value``;
  the title page ends at the first blank line.
* A paragraph that starts with ``[[`` and finds no ``]]`` before a blank
  line is kept as a note (with a warning), not printed: it is a note the
  writer forgot to close, not text.
* Two headings on consecutive lines are both headings; boneyard nests.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from studio_kit.domain.script import Element, ElementType, Script, fast_element
from studio_kit.engines.writing.fountain_markup import (
    comment_spans,
    comment_state,
    comment_texts,
    is_comment_only,
    plain_text,
    split_comments,
    strip_notes,
    text_outside,
)
from studio_kit.engines.writing.layout import paused_gc
from studio_kit.engines.writing.scenes import build_scenes

# The ElementType members as plain attributes (ET.ACTION ...): reading a member off the Enum class
# costs about five times a plain attribute on Python 3.11, and the parser does it on every line; the
# members the line loop asks for are module globals, cheaper still (no attribute read at all).
ET = SimpleNamespace(**ElementType.__members__)
_ACTION, _DIALOGUE, _HEADING, _CHARACTER = ET.ACTION, ET.DIALOGUE, ET.SCENE_HEADING, ET.CHARACTER
_PARENTHETICAL, _LYRICS = ET.PARENTHETICAL, ET.LYRICS
__all__ = [
    "HEADING_RE",
    "TITLE_KEYS",
    "comment_spans",
    "is_character_cue",
    "is_title_key_line",
    "is_transition",
    "parse_fountain",
    "plain_text",
    "split_scene_number",
    "strip_notes",
]

# Scene heading prefixes, any case, followed by "." or space; afterwriting
# also accepts a heading wrapped in emphasis ("**INT. HOUSE**").
HEADING_RE = re.compile(r"(?:\*{0,3}_?)?(?:int\.?/ext|ext\.?/int|int|ext|est|i\.?/e)[. ]", re.IGNORECASE)
# every character HEADING_RE can start with (IGNORECASE also folds "İ" and "ı" to "i"): most
# lines fail this one set test, and the parser skips the regex for them
_HEADING_FIRST = frozenset("*_eEiI\u0130\u0131")
_SCENE_NUMBER_RE = re.compile(r"[\w.\-]+")
_LETTER_RE = re.compile(r"[^\W\d_]")
TITLE_KEY_RE = re.compile(r"([A-Za-z][A-Za-z0-9 _'.\-]{0,40}?) ?[:：](.*)")

# Keys that open a title page (the first title-page line must be one of them,
# so an action line such as "Note: the clock is wrong" never becomes one).
TITLE_KEYS = {
    "title": "Title", "credit": "Credit", "author": "Author", "authors": "Authors",
    "source": "Source", "draft date": "Draft date", "date": "Date", "contact": "Contact",
    "notes": "Notes", "copyright": "Copyright", "revision": "Revision", "episode": "Episode",
    "format": "Format", "font": "Font",
}

_DIALOGUE_LINE_TYPES = (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS)
_FORCING_MARKS = "!=#>~@."      # first characters that may force an element


def is_character_cue(text: str) -> bool:
    """True when ``text`` (stripped) reads as a character cue: the name part
    (before any extension, without ``^``) is all caps with at least one letter.
    Extensions may be lower case (``HANS (on the radio)``)."""
    name = text[:-1].rstrip() if text.endswith("^") else text
    p = name.find("(")
    if p >= 0:
        if not name.endswith(")"):   # "BOSS, 40 (or any age), an ageless," is action
            return False
        name = name[:p]
    p = name.find("（")
    if p >= 0:
        if not name.endswith("）"):
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
    m = TITLE_KEY_RE.match(line)
    if m and first and m.group(1).strip().lower() not in TITLE_KEYS:
        return None
    return m


# --------------------------------------------------------------------- parser
class ElementBuilder:
    """Collects elements; multi-line elements (action, dialogue, centered,
    lyrics) stay open until a blank line or another element closes them."""

    __slots__ = ("cur_dual", "cur_forced", "cur_line", "cur_lines", "cur_type", "elements", "touched")

    def __init__(self, elements: list[Element] | None = None) -> None:
        self.elements: list[Element] = [] if elements is None else elements
        self.touched = len(self.elements)    # lowest element index changed after it was added
        self.cur_type: ElementType | None = None
        self.cur_lines: list[str] = []
        self.cur_line = 0
        self.cur_forced = False
        self.cur_dual = False

    def close(self) -> None:
        if self.cur_type is not None:
            self.elements.append(fast_element(self.cur_type, "\n".join(self.cur_lines), self.cur_line,
                                              self.cur_forced, None, self.cur_dual))
            self.cur_type = None

    def open(self, etype: ElementType, text: str, line: int, forced: bool = False, dual: bool = False) -> None:
        if self.cur_type is not None:
            self.close()
        self.cur_type, self.cur_lines, self.cur_line = etype, [text], line
        self.cur_forced, self.cur_dual = forced, dual

    def extend(self, etype: ElementType, text: str, line: int, *, forced: bool = False, dual: bool = False) -> None:
        """Add a line to the open element of type ``etype``, or open one (a new paragraph)."""
        if self.cur_type == etype:
            self.cur_lines.append(text)
        else:
            self.open(etype, text, line, forced, dual)

    def add(self, etype: ElementType, text: str, line: int, forced: bool = False,
            scene_number: str | None = None, dual: bool = False, depth: int = 0) -> Element:
        if self.cur_type is not None:
            self.close()
        el = fast_element(etype, text, line, forced, scene_number, dual, depth)
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


def split_source_lines(text: str) -> list[str]:
    """Source lines as the parser numbers them (BOM dropped, any newline convention)."""
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


class ParseState:
    """What the parser carries from line to line besides the elements: the title page being
    read, warnings (line, message) and the 'clean points' where an incremental re-parse may
    start or stop (the line after a blank line in the body, with the element count there)."""

    __slots__ = ("clean_counts", "clean_lines", "title_key", "title_lines", "title_state", "warnings")

    def __init__(self) -> None:
        self.title_state = 0          # 0: may still start, 1: inside the title page, 2: done
        self.title_key: str | None = None
        self.title_lines: dict[str, list[str]] = {}
        self.warnings: list[tuple[int, str]] = []
        self.clean_lines: list[int] = []
        self.clean_counts: list[int] = []


def _parse(text: str) -> Script:
    lines = split_source_lines(text)
    b = ElementBuilder()
    st = ParseState()
    run_parser(lines, 0, b, st, None, None)
    return finish_script(b.elements, st)


def finish_script(elements: list[Element], st: ParseState) -> Script:
    """The Script for parsed elements: title page joined, warnings worded, scenes built."""
    title_page = {key: "\n".join(values) for key, values in st.title_lines.items()}
    warnings = [f"line {line}: {msg}" for line, msg in st.warnings]
    script = Script.model_construct(title_page=title_page, elements=elements, scenes=[],
                                    source_format="fountain", warnings=warnings, metadata={})
    script.scenes = build_scenes(elements)
    add_structure_warnings(script)
    return script


def add_structure_warnings(script: Script) -> None:
    """Warn when nothing is grouped into scenes (no headings, or a title page only)."""
    if not script.scenes:
        if script.title_page and not any(e.type not in (ET.NOTE, ET.BONEYARD) for e in script.elements):
            script.warnings.append("title page only: the script has no body (no scenes, action or dialogue)")
        else:
            script.warnings.append("no scene headings: nothing is grouped into scenes "
                                   "(start a scene with INT./EXT. or a forced '.HEADING')")


def run_parser(lines: list[str], i: int, b: ElementBuilder, st: ParseState, last_cue: int | None, stop) -> int:
    """Parse ``lines`` from index ``i`` (a clean point, or 0) into ``b``.

    At every clean point after a blank body line the line index and element count are recorded
    in ``st``; ``stop(i, element_count)``, when given, may end the run there (returns True).
    Returns the index where parsing stopped (``len(lines)`` at the end).

    The loop handles the common lines itself (blank, action, dialogue, cues, headings) and hands
    the rare ones (notes and boneyard, the title page, forced elements) to helpers, so a plain line
    costs no extra call."""
    n = len(lines)
    warnings = st.warnings
    title_state = st.title_state
    title_key = st.title_key
    clean_lines = st.clean_lines
    clean_counts = st.clean_counts
    elements = b.elements
    prev_blank = True        # previous line blank (or start of body)
    fresh = True             # not inside an action paragraph: a heading may start here
    in_dialogue = False
    dual = False

    while i < n:
        raw = lines[i]
        lineno = i + 1
        if "/*" in raw or "[[" in raw:
            raw, i, s, cls, spans = _comment_line(lines, i, raw, lineno, warnings)
            i += 1
            if not cls:
                # a line of notes / boneyard only reads as a blank line: it ends the paragraph (a
                # heading or cue may follow) and keeps its notes as NOTE / BONEYARD elements
                if title_state == 1:
                    title_state = 2
                _add_comments(b, s, lineno, spans)
                in_dialogue = False
                prev_blank = fresh = True
                continue
        else:
            i += 1
            s = cls = raw.strip()
            if not s:
                if in_dialogue and raw == "  " and not next_reads_blank(lines, i):
                    b.extend(_DIALOGUE, "", lineno, dual=dual)   # two spaces keep the dialogue going
                    continue
                b.close()
                in_dialogue = False
                prev_blank = fresh = True
                if title_state == 1:
                    title_state = 2
                if title_state == 2:
                    clean_lines.append(i)
                    clean_counts.append(len(elements))
                    if stop is not None and stop(i, len(elements)):
                        break
                continue

        if title_state != 2:
            title_state, title_key = _title_line(raw, s, cls, title_state, title_key, st.title_lines)
            if title_state == 1:
                continue

        if in_dialogue:
            _speech_line(b, s, cls, lineno, dual)
            continue

        was_blank = prev_blank
        was_fresh = fresh
        prev_blank = False
        fresh = True   # most explicit elements are single lines; action resets it below
        c0 = cls[0]
        if c0 in _FORCING_MARKS:        # most lines start with none of them: one test, not seven
            forced = _forced_line(b, lines, i, raw, s, cls, lineno, was_fresh, last_cue)
            if forced is not None:
                fresh, in_dialogue, cue_dual, last_cue = forced
                dual = dual if cue_dual is None else cue_dual
                continue

        if was_fresh and c0 in _HEADING_FIRST and HEADING_RE.match(cls):
            heading, number = split_scene_number(s)
            b.add(_HEADING, heading, lineno, False, number)
            continue
        if was_blank and c0 not in "!@=#>~":
            next_blank = next_reads_blank(lines, i)
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
        if b.cur_type is _ACTION:
            b.cur_lines.append(t)
        else:
            b.open(_ACTION, t, lineno)
    b.close()
    st.title_state, st.title_key = title_state, title_key
    return i


def _speech_line(b: ElementBuilder, s: str, cls: str, lineno: int, dual: bool) -> None:
    """A line inside a dialogue block: a parenthetical, a sung line or more of the speech."""
    c0 = cls[0]
    if (c0 == "(" and cls.endswith(")")) or (c0 == "（" and cls.endswith("）")):
        b.add(_PARENTHETICAL, s, lineno, False, None, dual)
    elif c0 == "~":
        b.extend(_LYRICS, s[1:].strip(), lineno, forced=True, dual=dual)
    elif b.cur_type is _DIALOGUE:
        b.cur_lines.append(s)
    else:
        b.open(_DIALOGUE, s, lineno, False, dual)


def _comment_line(lines: list[str], i: int, raw: str, lineno: int, warnings: list[tuple[int, str]]
                  ) -> tuple[str, int, str, str, list[tuple[int, int, ElementType, str]] | None]:
    """A line holding a note ``[[`` or boneyard ``/*``: joined with the lines it runs over.

    Returns the joined source, the index of its last line, the stripped text, the text with the
    notes taken out (empty: the line is only notes/boneyard and reads as a blank line) and, when
    every note and boneyard closes, their :func:`comment_spans` in the stripped text (else None).
    An unclosed boneyard or note is warned about."""
    n = len(lines)
    depth, in_note = comment_state(raw, 0, False)
    note_unclosed = False
    if depth or in_note:
        # a note or boneyard runs over the following lines: join them. A note never
        # spans a truly blank line (the spec looks no further; a two-space line is allowed)
        j = i
        while (depth or in_note) and j + 1 < n:
            nxt = lines[j + 1]
            if in_note and not depth and nxt != "  " and not nxt.strip():
                break
            j += 1
            depth, in_note = comment_state(nxt, depth, in_note)
        if depth and j + 1 >= n:
            warnings.append((lineno, ("boneyard '/*' is never closed with '*/'; "
                              "everything after it is hidden")))
        note_unclosed = in_note and not depth
        if j > i:
            raw = "\n".join(lines[i:j + 1])
            i = j
    s = raw.strip()
    spans = None
    if depth or in_note:
        cls = strip_notes(s).strip()
        if cls and is_comment_only(s):
            cls = ""
    else:
        # everything closes: the spans are the same whether an unclosed note would hide the rest or
        # not, so one scan gives the printed text (strip_notes), and is_comment_only is "it is empty"
        spans = comment_spans(s)
        cls = text_outside(s, spans).strip()
    if note_unclosed:
        warnings.append((lineno, "note '[[' is never closed with ']]'; it ends at the blank line"
                         if not cls else
                         "note '[[' is not closed with ']]' before a blank line, so it "
                         "prints as text (a note cannot span a blank line: put two spaces on it)"))
    return raw, i, s, cls, spans


def _add_comments(b: ElementBuilder, s: str, lineno: int,
                  spans: list[tuple[int, int, ElementType, str]] | None = None) -> None:
    """A line of notes / boneyard only: each becomes a NOTE / BONEYARD element (``spans``: its
    :func:`comment_spans` when the caller has them)."""
    b.close()
    for etype, inner in split_comments(s) if spans is None else comment_texts(spans):
        b.add(etype, inner, lineno)


def _title_line(raw: str, s: str, cls: str, title_state: int, title_key: str | None,
                title_lines: dict[str, list[str]]) -> tuple[int, str | None]:
    """Read a line while the title page may still be going (``title_state`` 0 or 1): a ``Key: value``
    line or an indented continuation. Returns the new state (1: the line was the title page's,
    2: the body starts here) and the key being read."""
    if title_state == 0:
        title_state = 1 if is_title_key_line(cls, first=True) else 2
    if title_state == 1:
        m = None if raw[0] in " \t" else TITLE_KEY_RE.match(s)
        if m:
            key = m.group(1).strip()
            title_key = TITLE_KEYS.get(key.lower(), key)
            first_value = m.group(2).strip()
            title_lines[title_key] = [first_value] if first_value else []
        elif title_key is not None:
            title_lines[title_key].append(s)   # joined once at the end (repeated "+" was quadratic)
    return title_state, title_key


def _forced_line(b: ElementBuilder, lines: list[str], i: int, raw: str, s: str, cls: str, lineno: int,
                 was_fresh: bool, last_cue: int | None) -> tuple[bool, bool, bool | None, int | None] | None:
    """A line starting with a forcing mark (``! = # > ~ @ .``). Returns None when the mark forces
    nothing here (the line is read as usual), else (fresh, in_dialogue, the cue's dual flag or None
    when no cue was added, last_cue) after adding the element."""
    c0 = cls[0]
    if c0 == "!":
        b.extend(ET.ACTION, raw.lstrip()[1:].rstrip(), lineno, forced=True)
        return False, False, None, last_cue
    if c0 == "=":
        if len(cls) >= 3 and cls.strip("=") == "":
            b.add(ET.PAGE_BREAK, "", lineno)
        elif not cls.startswith("=="):
            b.add(ET.SYNOPSIS, s[1:].strip(), lineno)
        else:
            return None
    elif c0 == "#":
        depth = len(s) - len(s.lstrip("#"))
        b.add(ET.SECTION, s[depth:].strip(), lineno, depth=depth)
    elif c0 == ">":
        if len(cls) > 1 and cls.endswith("<"):
            b.extend(ET.CENTERED, (s[1:-1] if s.endswith("<") else cls[1:-1]).strip(), lineno)
        else:
            b.add(ET.TRANSITION, s[1:].strip(), lineno, forced=True)
    elif c0 == "~":
        b.extend(ET.LYRICS, s[1:].strip(), lineno, forced=True)
    elif c0 == "@" and not next_reads_blank(lines, i) and cls.strip("@^ \t"):
        cue = s[1:].strip()
        marked = cue.endswith("^")
        dual = marked and last_cue is not None
        last_cue = _add_cue(b, cue[:-1].rstrip() if marked else cue, lineno, True, dual, last_cue)
        return True, True, dual, last_cue
    elif c0 == "." and was_fresh and len(cls) > 1 and cls[1].isalnum():   # ". . ." and ". X" are action
        heading, number = split_scene_number(s[1:].strip())
        b.add(ET.SCENE_HEADING, heading, lineno, forced=True, scene_number=number)
    else:
        return None
    return True, False, None, last_cue


def next_reads_blank(lines: list[str], i: int) -> bool:
    """Whether ``lines[i]`` reads as a blank line (whitespace, or only notes/boneyard); past the
    end counts as blank. Asked only where a rule needs it (cues, transitions), not on every line."""
    if i >= len(lines):
        return True
    nl = lines[i]
    return not nl.strip() or (("[[" in nl or "/*" in nl) and is_comment_only(nl))


def _add_cue(b: ElementBuilder, cue: str, line: int, forced: bool, dual: bool, last_cue: int | None) -> int:
    """Add a character cue; a ``^`` cue also marks the previous block as the first
    of the pair (a ``^`` on the very first cue has no partner: the caller passes dual=False)."""
    if dual and last_cue is not None:
        els = b.elements
        b.close()
        k = last_cue
        b.touched = min(b.touched, k)
        # copies, not in-place changes: an incremental re-parse shares the elements before it
        els[k] = els[k].model_copy(update={"dual": True})
        k += 1
        while k < len(els) and els[k].type in _DIALOGUE_LINE_TYPES:
            els[k] = els[k].model_copy(update={"dual": True})
            k += 1
    b.add(ET.CHARACTER, cue, line, forced=forced, dual=dual)
    return len(b.elements) - 1
