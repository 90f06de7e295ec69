"""Script elements -> printed source lines ("tokens"), the unit pagination works on.

Mirrors how afterwriting's parser sees a Fountain file: one token per
printed source line; a blank line, or a line that held only a note or
boneyard, becomes one "separator" token (runs of them count once); sections
and synopses print nothing and leave no blank; "  " keeps a paragraph
together. Paragraph breaks come from the elements' source line numbers, or
from element types for FDX imports and hand-built Scripts without line numbers.
"""
from __future__ import annotations

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.layout import emphasis_runs_lines, strip_hidden

DIALOGUE_KINDS = ("character", "parenthetical", "dialogue")


class PrintToken:
    """One printed source line (afterwriting's token)."""

    __slots__ = ("type", "text", "dual", "line", "scene", "scene_number", "revised", "lyric", "runs")

    def __init__(self, type_: str, text: str, line: int, scene: int | None, dual: str | None = None,
                 scene_number: str | None = None, revised: bool = False):
        self.type = type_
        self.text = text
        self.dual = dual                  # "left", "right" or None
        self.line = line
        self.scene = scene
        self.scene_number = scene_number
        self.revised = revised
        self.lyric = False
        # emphasis runs when they depend on the element's other lines (a "**" opened a line above)
        self.runs: list | None = None


def _clean(el: Element) -> str:
    """The element's printed text (markup kept), without forcing marks the parser may have left."""
    text = el.text
    t = el.type
    if t == ElementType.SCENE_HEADING:
        text = text.strip()
        if text.startswith(".") and not text.startswith(".."):
            text = text[1:]
        if el.scene_number and text.endswith("#"):
            hash_at = text.rfind("#", 0, len(text) - 1)
            if hash_at != -1:
                text = text[:hash_at].rstrip()
        return text.upper()
    if t == ElementType.TRANSITION:
        text = text.strip()
        if text.startswith(">"):
            text = text[1:].strip()
        return text.upper()
    if t == ElementType.CENTERED:
        text = text.strip()
        if text.startswith(">") and text.endswith("<"):
            text = text[1:-1].strip()
        return text
    if t == ElementType.CHARACTER:
        text = text.strip()
        if text.startswith("@"):
            text = text[1:]
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


def print_tokens(script: Script, revised_lines: set[int]) -> list[PrintToken]:
    """Afterwriting-style token stream: one token per printed source line, separators between paragraphs."""
    tokens: list[PrintToken] = []
    append = tokens.append
    scene = -1
    scene_at: int | None = None      # scene index for tokens (None before the first heading)
    scene_number: str | None = None
    prev_end: int | None = None      # last source line of the previous printed element
    hidden_gap = False               # a note/boneyard/blank sat between two printed elements
    in_dialogue = False
    left_start: int | None = None    # token index where the latest dialogue block started
    roles = _dual_roles(script.elements)
    block_dual: str | None = None    # dual role of the dialogue block being read
    # Fountain line numbers show where the blank lines were; FDX numbers paragraphs, so go by type
    by_lines = script.source_format == "fountain"
    for pos, el in enumerate(script.elements):
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
        elif kind == "page_break":
            append(PrintToken("page_break", "", line, scene_at))
            continue
        elif kind == "character":
            in_dialogue = True
            block_dual = roles.get(pos)
            if block_dual == "right" and left_start is not None and tokens[left_start].dual is None:
                # only the second cue carried "^": its partner is the speech just before
                for tok in tokens[left_start:]:
                    if tok.type in DIALOGUE_KINDS:
                        tok.dual = "left"
            left_start = len(tokens)
        is_lyric = kind == "lyrics"
        if is_lyric:                 # sung inside a speech, or printed as action outside one
            kind = "dialogue" if in_dialogue else "action"
        dual = block_dual if kind in DIALOGUE_KINDS else None
        number = scene_number if kind == "scene_heading" else None
        parts = _clean(el).split("\n")
        if kind != "action":
            parts = [p.strip() for p in parts]
        if is_lyric:
            parts = [p.lstrip("~").strip() for p in parts]
        line_runs = None
        if len(parts) > 1 and ("*" in text or "_" in text):
            # emphasis may open on one line and close on a later one of the same element
            line_runs = emphasis_runs_lines([strip_hidden(p) for p in parts])
        for offset, part in enumerate(parts):
            src = line + offset if line else 0
            if kind == "action" and not is_lyric and not part.strip():
                # "  " keeps a paragraph together and prints nothing; other blank lines print blank
                if part != "  " and tokens and tokens[-1].type != "separator":
                    append(PrintToken("separator", "", src, scene_at))
                continue
            tok = PrintToken(kind, part, src, scene_at, dual, number, src in revised_lines)
            tok.lyric = is_lyric
            if line_runs is not None:
                tok.runs = line_runs[offset]
            append(tok)
    while tokens and tokens[-1].type == "separator":
        tokens.pop()
    return tokens


def _dual_roles(elements: list[Element]) -> dict[int, str]:
    """"left"/"right" for each dual-dialogue cue (by element index).

    Works whether the parser flags both cues of a pair or only the second
    (the one written with ``^``).
    """
    cues = [i for i, e in enumerate(elements) if e.type == ElementType.CHARACTER]
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
