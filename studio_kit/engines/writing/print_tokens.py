"""Script elements -> printed source lines ("tokens"), the unit pagination works on.

Mirrors how afterwriting's parser sees a Fountain file: one token per
printed source line; a blank line, or a line that held only a note or
boneyard, becomes one "separator" token (runs of them count once); sections
and synopses print nothing and leave no blank; "  " keeps a paragraph
together. Paragraph breaks come from the elements' source line numbers, or
from element types for FDX imports and hand-built Scripts without line numbers.
"""
from __future__ import annotations

import re

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.layout import emphasis_runs_lines, strip_hidden
from studio_kit.engines.writing.scenes import normalise_character

DIALOGUE_KINDS = ("character", "parenthetical", "dialogue")
_CONTD_RE = re.compile(r"\bCONT(?:['’]D|\.|INUED)", re.IGNORECASE)
# module constants: reading a member off the Enum class costs ~5x a global on Python 3.11
_HEADING, _TRANSITION = ElementType.SCENE_HEADING, ElementType.TRANSITION
_CENTERED, _CHARACTER = ElementType.CENTERED, ElementType.CHARACTER


class PrintToken:
    """One printed source line (afterwriting's token)."""

    __slots__ = ("dual", "line", "lyric", "revised", "runs", "scene", "scene_number", "text", "type")

    def __init__(self, type_: str, text: str, line: int, scene: int | None, dual: str | None = None,
                 scene_number: str | None = None, revised: bool = False, lyric: bool = False,
                 runs: list | None = None):
        self.type = type_
        self.text = text
        self.dual = dual                  # "left", "right" or None
        self.line = line
        self.scene = scene
        self.scene_number = scene_number
        self.revised = revised
        self.lyric = lyric
        # emphasis runs when they depend on the element's other lines (a "**" opened a line above)
        self.runs = runs


def _clean(el: Element) -> str:
    """The element's printed text (markup kept), without forcing marks the parser may have left."""
    text = el.text
    t = el.type
    if t == _HEADING:
        text = text.strip()
        if text.startswith(".") and not text.startswith(".."):
            text = text[1:]
        if el.scene_number and text.endswith("#"):
            hash_at = text.rfind("#", 0, len(text) - 1)
            if hash_at != -1:
                text = text[:hash_at].rstrip()
        return text.upper()
    if t == _TRANSITION:
        text = text.strip()
        if text.startswith(">"):
            text = text[1:].strip()
        return text.upper()
    if t == _CENTERED:
        text = text.strip()
        if text.startswith(">") and text.endswith("<"):
            text = text[1:-1].strip()
        return text
    if t == _CHARACTER:
        text = text.strip()
        text = text.removeprefix("@")
        return text.rstrip("^").strip()
    return text


# element type -> how it prints ("silent": nothing, no blank; "hidden": a blank line in Fountain)
_KIND_OF = {
    ElementType.SCENE_HEADING: "scene_heading", ElementType.ACTION: "action", ElementType.CHARACTER: "character",
    ElementType.PARENTHETICAL: "parenthetical", ElementType.DIALOGUE: "dialogue", ElementType.LYRICS: "lyrics",
    ElementType.TRANSITION: "transition", ElementType.CENTERED: "centered", ElementType.PAGE_BREAK: "page_break",
    ElementType.NOTE: "hidden", ElementType.BONEYARD: "hidden",
    ElementType.SECTION: "silent", ElementType.SYNOPSIS: "silent",
}
_SPEECH = ("parenthetical", "dialogue", "lyrics")
_CLEANED = frozenset({"scene_heading", "transition", "centered", "character"})   # kinds _clean changes


def print_tokens(script: Script, revised_lines: set[int], *, auto_contd: bool = True) -> list[PrintToken]:
    """Afterwriting-style token stream: one token per printed source line, separators between paragraphs.

    ``auto_contd`` (on by default, as Final Draft's "automatic character continueds"): a cue
    whose character spoke the previous speech of the same scene, with action between, prints
    ``NAME (CONT'D)``; a scene heading, another speaker or a dual-dialogue pair resets it, and
    a cue that already says CONT'D is left alone."""
    stream = TokenStream(script.source_format == "fountain", revised_lines, auto_contd)
    stream.feed(script.elements, 0, len(script.elements), dual_roles(script.elements))
    return stream.finish()


class TokenStream:
    """:func:`print_tokens` as a stream that can be fed a range of elements at a time: the state
    between two ranges is small (:meth:`boundary`), so an incremental layout re-tokenises only the
    scenes an edit touched and checks that the state after them is the one the old run had."""

    __slots__ = ("auto_contd", "block_dual", "by_lines", "hidden_gap", "in_dialogue", "last_speaker",
                 "left_start", "names", "prev_end", "revised", "scene", "scene_at", "scene_number",
                 "spoke_last", "tokens")

    def __init__(self, by_lines: bool, revised_lines: set[int], auto_contd: bool = True) -> None:
        self.tokens: list[PrintToken] = []
        self.revised = revised_lines
        self.auto_contd = auto_contd
        # Fountain line numbers show where the blank lines were; FDX numbers paragraphs, so go by type
        self.by_lines = by_lines
        self.scene = -1
        self.scene_at: int | None = None      # scene index for tokens (None before the first heading)
        self.scene_number: str | None = None
        self.prev_end: int | None = None      # last source line of the previous printed element
        self.hidden_gap = False               # a note/boneyard/blank sat between two printed elements
        self.in_dialogue = False
        self.left_start: int | None = None    # token index where the latest dialogue block started
        self.block_dual: str | None = None    # dual role of the dialogue block being read
        self.last_speaker: str | None = None  # who spoke the previous speech of this scene (auto CONT'D)
        self.spoke_last = False               # ... and nothing but speech came after it yet
        self.names: dict[str, str] = {}       # cue text -> character name

    def boundary(self) -> tuple:
        """What the tokens of a scene heading fed next depend on (besides the heading itself)."""
        last_sep = not self.tokens or self.tokens[-1].type == "separator"
        return (self.prev_end, self.hidden_gap, self.in_dialogue, self.block_dual, last_sep)

    def finish(self) -> list[PrintToken]:
        tokens = self.tokens
        while tokens and tokens[-1].type == "separator":
            tokens.pop()
        return tokens

    def feed(self, elements: list[Element], lo: int, hi: int, roles: dict[int, str]) -> None:
        """Add the tokens of ``elements[lo:hi]`` (``roles``: :func:`dual_roles` of all of them)."""
        tokens = self.tokens
        append = tokens.append
        revised_lines = self.revised
        auto_contd = self.auto_contd
        by_lines = self.by_lines
        names = self.names
        scene, scene_at, scene_number = self.scene, self.scene_at, self.scene_number
        prev_end, hidden_gap, in_dialogue = self.prev_end, self.hidden_gap, self.in_dialogue
        left_start, block_dual = self.left_start, self.block_dual
        last_speaker, spoke_last = self.last_speaker, self.spoke_last
        resumes = False
        for pos in range(lo, hi):
            el = elements[pos]
            kind = _KIND_OF.get(el.type, "action")
            if kind == "silent":
                continue                 # sections, synopses: not printed and (unlike notes) no blank line either
            if kind == "hidden":
                hidden_gap = by_lines    # a Fountain note line prints as a blank line
                continue
            line = el.line
            # paragraph break: a line gap in the source, or (no line numbers) a new paragraph by type
            if prev_end is None:
                separated = True
            elif by_lines and line > 0 and prev_end > 0:
                separated = line > prev_end + 1 or hidden_gap
            else:
                separated = hidden_gap or not (in_dialogue and kind in _SPEECH)
            if separated:
                if tokens and tokens[-1].type != "separator":
                    append(PrintToken("separator", "", line - 1 if line else 0, scene_at))
                in_dialogue = False
            hidden_gap = False
            text = el.text
            prev_end = line + text.count("\n") if line else 0
            if kind == "scene_heading":
                scene += 1               # after the separator: the blank line before a heading ends the last scene
                scene_at = scene
                scene_number = el.scene_number
                last_speaker = None
            elif kind == "page_break":
                append(PrintToken("page_break", "", line, scene_at))
                continue
            elif kind == "character":
                in_dialogue = True
                block_dual = roles.get(pos)
                speaker = names.get(el.text) or _learn_name(names, el.text)   # few distinct cues: each once
                resumes = bool(auto_contd and block_dual is None and speaker and speaker == last_speaker
                               and not spoke_last)
                last_speaker = speaker if block_dual is None else None
                spoke_last = True
                if block_dual == "right" and left_start is not None and tokens[left_start].dual is None:
                    _mark_left_partner(tokens, left_start)
                left_start = len(tokens)
            elif kind not in _SPEECH:
                spoke_last = False       # action (or a transition) between two speeches
            is_lyric = kind == "lyrics"
            if is_lyric:                 # sung inside a speech, or printed as action outside one
                kind = "dialogue" if in_dialogue else "action"
            dual = block_dual if kind in DIALOGUE_KINDS else None
            number = scene_number if kind == "scene_heading" else None
            printed = _clean(el) if kind in _CLEANED else text
            if "\n" in printed or is_lyric or (resumes and kind == "character"):
                _add_parts(tokens, printed, text, kind, resumes, is_lyric, line, scene_at, dual, number, revised_lines)
                continue
            # one printed line, nothing added to it (headings, cues, most speeches): _add_parts' one-part
            # case made here, without its lists and loop
            part = printed if kind == "action" else printed.strip()
            if kind == "action" and not part.strip():
                _prose_gap(tokens, part, line, scene_at)
                continue
            append(PrintToken(kind, part, line, scene_at, dual, number, line in revised_lines))
        self.scene, self.scene_at, self.scene_number = scene, scene_at, scene_number
        self.prev_end, self.hidden_gap, self.in_dialogue = prev_end, hidden_gap, in_dialogue
        self.left_start, self.block_dual = left_start, block_dual
        self.last_speaker, self.spoke_last = last_speaker, spoke_last


def _add_parts(tokens: list[PrintToken], printed: str, text: str, kind: str, resumes: bool, is_lyric: bool,
               line: int, scene_at: int | None, dual: str | None, number: str | None, revised_lines: set[int]) -> None:
    """The tokens of an element's printed text ``printed`` (its source text: ``text``), one per source
    line: ``NAME (CONT'D)`` on a
    cue that ``resumes``, lines stripped (but action's), lyrics without their ``~``, blank action lines
    as paragraph breaks, emphasis paired across the lines."""
    parts = printed.split("\n")
    if kind == "character" and resumes and not _CONTD_RE.search(parts[0]):
        parts[0] = f"{parts[0]} (CONT'D)"
    if kind != "action":
        parts = list(map(str.strip, parts))
    if is_lyric:
        parts = [p.lstrip("~").strip() for p in parts]
    line_runs = None
    if len(parts) > 1 and ("*" in text or "_" in text):
        # emphasis may open on one line and close on a later one of the same element
        line_runs = emphasis_runs_lines([strip_hidden(p) for p in parts])
    prose = kind == "action" and not is_lyric     # its blank lines are paragraph breaks
    append = tokens.append
    for offset, part in enumerate(parts):
        src = line + offset if line else 0
        if prose and not part.strip():
            _prose_gap(tokens, part, src, scene_at)
            continue
        append(PrintToken(kind, part, src, scene_at, dual, number, src in revised_lines, is_lyric,
                          None if line_runs is None else line_runs[offset]))


def _learn_name(names: dict[str, str], cue: str) -> str:
    """The character a cue names (normalised once per distinct cue text, kept in ``names``)."""
    name = names[cue] = normalise_character(cue)[0]
    return name


def _mark_left_partner(tokens: list[PrintToken], left_start: int) -> None:
    """Only the second cue of a dual pair carried "^": its partner is the speech just before."""
    for tok in tokens[left_start:]:
        if tok.type in DIALOGUE_KINDS:
            tok.dual = "left"


def _prose_gap(tokens: list[PrintToken], part: str, src: int, scene_at: int | None) -> None:
    """A blank line inside action: "  " keeps the paragraph together and prints nothing; other blank
    lines print blank (one separator)."""
    if part != "  " and tokens and tokens[-1].type != "separator":
        tokens.append(PrintToken("separator", "", src, scene_at))


def dual_roles(elements: list[Element]) -> dict[int, str]:
    """"left"/"right" for each dual-dialogue cue (by element index).

    Works whether the parser flags both cues of a pair or only the second
    (the one written with ``^``).
    """
    cues = [i for i, e in enumerate(elements) if e.type == _CHARACTER]
    roles: dict[int, str] = {}
    for k, i in enumerate(cues):
        if not elements[i].dual:
            continue
        prev = cues[k - 1] if k else None
        if prev is not None and roles.get(prev) == "left":
            roles[i] = "right"
        elif k + 1 < len(cues) and elements[cues[k + 1]].dual:
            roles[i] = "left"
        else:
            roles[i] = "right"
    return roles
