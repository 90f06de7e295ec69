"""Fountain writer: a :class:`Script` back to Fountain text.

The contract is a stable round trip: ``parse(write(parse(x)))`` gives the
same element types, texts and scene numbers as ``parse(x)``. Elements are
separated by blank lines (dialogue blocks stay together), and a forcing mark
(``.`` ``!`` ``@`` ``>``) is written whenever the element would otherwise be
read as something else: a mixed-case cue gets ``@``, an all-caps action line
with text under it gets ``!``, a heading without INT/EXT gets ``.``.
"""
from __future__ import annotations

from studio_kit.domain.script import Element, ElementType, Script
from studio_kit.engines.writing.fountain import (
    HEADING_RE,
    TITLE_KEY_RE,
    TITLE_KEYS,
    is_character_cue,
    is_transition,
)
from studio_kit.engines.writing.fountain_markup import comment_state, strip_notes

ET = ElementType
_DIALOGUE_LINES = (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS)
# first characters that make any line an explicit element (section, synopsis,
# page break, centered/transition, lyrics, forced cue, forced action)
_MARKERS = "#=>~@!"


def write_fountain(script: Script) -> str:
    """Serialise ``script`` (title page + body) as Fountain source, ``\\n`` line ends."""
    out: list[str] = []
    if script.title_page:
        items = list(script.title_page.items())
        # the first key must be a known one, or the page would read as action
        items.sort(key=lambda kv: kv[0].strip().lower() not in TITLE_KEYS)
        for key, value in items:
            lines = str(value).split("\n")
            if len(lines) == 1:
                out.append(f"{key}: {lines[0]}".rstrip())
            else:
                out.append(f"{key}:")
                out.extend(f"    {ln.strip()}" for ln in lines if ln.strip())
        out.append("")
    body_start = not script.title_page
    els = script.elements
    in_block = False        # inside a dialogue block (cue written, no blank yet)
    open_pair = False       # a dual cue waits for its partner
    for k, el in enumerate(els):
        t = el.type
        if in_block and t in _DIALOGUE_LINES and not _lyrics_stand_alone(el, els[k - 1]):
            out.extend(_dialogue_lines(el))
            continue
        in_block = False
        if out and out[-1] != "":
            out.append("")
        if t == ET.CHARACTER:
            second = el.dual and open_pair
            open_pair = el.dual and not second
            out.append(_cue(el, second))
            in_block = True
            continue
        out.extend(_element_lines(el, title_risk=body_start))
        if t not in (ET.NOTE, ET.BONEYARD):
            body_start = False
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out) + "\n"


def _lyrics_stand_alone(el: Element, prev: Element) -> bool:
    """Lyrics after a blank line below a dialogue block are their own paragraph;
    source line numbers tell (hand-built elements without lines stay in the block)."""
    if el.type != ET.LYRICS or not el.line or not prev.line:
        return False
    return el.line > prev.line + prev.text.count("\n") + 1


def _cue(el: Element, second_of_pair: bool) -> str:
    text = el.text.strip()
    mark = " ^" if second_of_pair else ""
    plain = strip_notes(text).strip()
    needs_force = el.forced or not plain or plain[0] in _MARKERS or not is_character_cue(plain) \
        or HEADING_RE.match(plain) is not None or (plain[0] == "." and plain[1:2].isalnum())
    return ("@" if needs_force else "") + text + mark


def _dialogue_lines(el: Element) -> list[str]:
    if el.type == ET.LYRICS:
        return ["~" + ln for ln in el.text.split("\n")]
    if el.type == ET.PARENTHETICAL:
        text = " ".join(el.text.split("\n")).strip()
        if not (text.startswith("(") and text.endswith(")")) and not (text.startswith("（") and text.endswith("）")):
            text = f"({text})"   # a hand-built "beat" would otherwise read as dialogue
        return [text]
    # empty lines inside dialogue are Fountain's two-space lines (but not inside a note)
    out: list[str] = []
    depth, in_note = 0, False
    for ln in el.text.split("\n"):
        inside = depth or in_note
        depth, in_note = comment_state(ln, depth, in_note)
        out.append(ln if ln.strip() or (inside and ln) else "  ")   # an empty line would end note and speech
    return out


def _element_lines(el: Element, *, title_risk: bool) -> list[str]:
    t = el.type
    text = el.text
    if t == ET.SCENE_HEADING:
        line = text.strip()
        plain = strip_notes(line).strip()
        if el.forced or not HEADING_RE.match(plain):
            line = "." + line
        if el.scene_number:
            line += f" #{el.scene_number}#"
        return [line]
    if t == ET.ACTION:
        return _action_lines(el, title_risk)
    if t == ET.TRANSITION:
        line = text.strip()
        plain = strip_notes(line).strip()
        if el.forced or not is_transition(plain) or plain[0] in _MARKERS:
            return ["> " + line]
        return [line]
    if t == ET.CENTERED:
        return [f">{ln.strip()}<" for ln in text.split("\n")]
    if t == ET.LYRICS:
        return ["~" + ln for ln in text.split("\n")]
    if t == ET.PAGE_BREAK:
        return ["==="]
    if t == ET.SECTION:
        return ["#" * max(1, el.depth) + " " + text.strip()]
    if t == ET.SYNOPSIS:
        return ["= " + ln.strip() for ln in text.split("\n")]
    if t == ET.NOTE:   # a note may not hold a truly blank line: its empty lines are written as two spaces
        return [f"[[{text}]]" if "\n" not in text else "[[" + "\n".join(ln or "  " for ln in text.split("\n")) + "]]"]
    if t == ET.BONEYARD:
        return [f"/* {text} */"] if "\n" not in text else ["/*", text, "*/"]
    if t in _DIALOGUE_LINES:   # a dialogue line without a cue (e.g. from a hand-built script)
        return _action_lines(el, title_risk)
    return [text]


def _action_lines(el: Element, title_risk: bool) -> list[str]:
    lines = el.text.split("\n")
    first = lines[0]
    plain = strip_notes(first).strip()
    nxt = "x" if len(lines) > 1 else ""   # a second line is always written non-blank (see below)
    force = el.forced or not plain or _reads_as_other(plain, nxt) \
        or (title_risk and (key_match := TITLE_KEY_RE.match(plain)) is not None
            and key_match.group(1).strip().lower() in TITLE_KEYS)
    out = [("!" + first) if force else first]
    depth, in_note = comment_state(first, 0, False)
    for ln in lines[1:]:
        inside = depth or in_note   # lines inside a note/boneyard are never read as elements
        depth, in_note = comment_state(ln, depth, in_note)
        stripped = strip_notes(ln).strip()
        # "!" keeps a continuation line from being read as an explicit element
        if inside and not ln:
            ln = "  "       # inside a note an empty line would end it (a two-space line does not)
        elif not inside and (not ln.strip() or (stripped and stripped[0] in _MARKERS)):
            ln = "!" + ln   # an empty line would end the paragraph; "!" keeps it (and any marker) action
        out.append(ln)
    return out


def _reads_as_other(plain: str, next_line: str) -> bool:
    """Would this first line of a paragraph parse as something other than action?"""
    c0 = plain[0]
    if c0 in _MARKERS:
        return c0 != "@" or bool(next_line)
    if c0 == "." and plain[1:2].isalnum():      # ". X" and ". . ." are action (spec: a letter or digit)
        return True
    if HEADING_RE.match(plain):
        return True
    if not next_line:
        return is_transition(plain)
    return is_character_cue(plain)
