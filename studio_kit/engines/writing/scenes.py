"""Scene model: headings split into parts, dialogue blocks, who is in a scene.

Built from a flat element list (Fountain or FDX), so both importers share it.
A heading ``INT./EXT. HARBOUR - NIGHT (1979) #12A#`` becomes int_ext
``INT/EXT``, location ``HARBOUR``, time_of_day ``NIGHT``, number ``12A``.
"""
from __future__ import annotations

import re

from studio_kit.domain.script import DialogueBlock, Element, ElementType, Scene
from studio_kit.engines.writing.fountain_markup import plain_text

ET = ElementType

_PREFIX_RE = re.compile(
    r"(?P<ie>int\.?\s?/\s?ext|ext\.?\s?/\s?int|i\.?\s?/\s?e|int|ext|est)(?:\.|\s|$)", re.IGNORECASE)
# Words that open a time-of-day part of a heading ("- DAY", "- MOMENTS LATER").
TIME_WORDS = frozenset({
    "DAY", "NIGHT", "DAWN", "DUSK", "MORNING", "AFTERNOON", "EVENING", "NOON", "MIDDAY",
    "MIDNIGHT", "SUNRISE", "SUNSET", "TWILIGHT", "CONTINUOUS", "LATER", "MOMENTS", "SAME",
    "MAGIC", "LATE", "EARLY", "NIGHTFALL", "DAYBREAK", "FLASHBACK", "PRESENT", "CONT'D",
    "CONTINUED", "SIMULTANEOUS", "DAYTIME", "NIGHTTIME", "GOLDEN",
})
_SEPARATORS = (" -- ", "--", " - ", " – ", " — ", "–", "—")
_EXTENSION_RE = re.compile(r"[(（]([^()（）]*)[)）]")
# Upper-case letters of the Latin, Greek and Cyrillic blocks (``re`` has no \\p{Lu}).
_UPPER = "".join(chr(c) for c in (*range(0x41, 0x530), *range(0x1E00, 0x2000)) if chr(c).isupper())
_UP = "[" + re.escape(_UPPER) + "]"
# an all-caps word: "BOB", "O'NEIL", "MARY-JANE" (checked for "Bob"/"BOBby" after
# the match). Each repetition starts with punctuation, so matching is linear.
_CAPS_WORD_RE = re.compile(rf"(?<!\w){_UP}[{re.escape(_UPPER)}0-9]*(?:['’.\-]{_UP}[{re.escape(_UPPER)}0-9]*)*")
_INTRO_AFTER_RE = re.compile(r"\s*(?:,\s*(?:\(?\d|an?\s|the\s|late\s|early\s|mid\s|in\s)|\(\d)", re.IGNORECASE)
# Capitalised screenplay vocabulary that is never a person.
_NOT_NAMES = frozenset({
    "INT", "EXT", "EST", "DAY", "NIGHT", "V.O.", "O.S.", "O.C.", "CONT'D", "POV", "SFX", "VFX",
    "FX", "CU", "ECU", "MCU", "ANGLE", "CLOSE", "WIDE", "INSERT", "CUT", "FADE", "THE", "END",
    "MORE", "CONTINUED", "BACK", "TO", "ON", "OF", "A", "AN", "AND", "I", "OK", "TV", "DNA",
})


def split_heading(heading: str) -> tuple[str, str, str]:
    """Split a scene heading into (int_ext, location, time_of_day), upper case.

    int_ext is ``INT``, ``EXT``, ``INT/EXT`` (also for ``I/E`` and ``EXT/INT``)
    or ``EST``; ``""`` for forced headings without a prefix. A trailing
    parenthesis after the time (``DAY (1979)``) is dropped from the time.
    """
    text = plain_text(heading).strip().lstrip(".").strip()
    int_ext = ""
    m = _PREFIX_RE.match(text)
    if m:
        ie = re.sub(r"[.\s]", "", m.group("ie").upper())
        int_ext = {"I/E": "INT/EXT", "EXT/INT": "INT/EXT", "INT/EXT": "INT/EXT"}.get(ie, ie)
        text = text[m.end():]
    text = text.strip(" .-–—\t")
    location, time = text, ""
    for sep in _SEPARATORS:
        k = text.rfind(sep)
        if k > 0:
            tail = text[k + len(sep):].strip()
            if _is_time(tail):
                location, time = text[:k].strip(" .-–—"), tail
                break
    else:
        # "EXT. ROAD (NIGHT)": the time in parentheses, a common house style (rfind, not a regex:
        # a backtracking pattern went quadratic on a heading padded with 200,000 spaces)
        open_at = max(text.rfind("("), text.rfind("（")) if text.endswith((")", "）")) else -1
        k = text.rfind(" ")
        if open_at > 0 and _is_time(text[open_at + 1:-1]) and text[:open_at].strip(" .-–—"):
            location, time = text[:open_at].strip(" .-–—"), text[open_at + 1:-1].strip()
        elif k > 0 and _is_time(text[k + 1:]):
            # "INT HOUSE DAY": no separator, the last word is the time
            location, time = text[:k].strip(" .-–—"), text[k + 1:]
    p = time.find("(")
    if p > 0:
        time = time[:p].strip()
    return int_ext, location.upper(), time.upper()


def _is_time(part: str) -> bool:
    words = part.upper().replace("/", " ").split()
    return bool(words) and (words[0] in TIME_WORDS or "LATER" in words)


def normalise_character(cue: str) -> tuple[str, list[str]]:
    """``"BOB (V.O.) (CONT'D) ^"`` → ``("BOB", ["V.O.", "CONT'D"])``; also drops ``@``."""
    cue = cue.strip()
    if cue.startswith("@"):
        cue = cue[1:]
    if cue.endswith("^"):
        cue = cue[:-1]
    extensions = [x.strip() for x in _EXTENSION_RE.findall(cue)]
    name = _EXTENSION_RE.sub(" ", cue) if extensions else cue
    # stray "(" of an unclosed extension, curly apostrophes in CONT’D
    p = name.find("(")
    if p >= 0:
        name = name[:p]
    name = " ".join(name.replace("^", " ").split())
    return name, [x.replace("’", "'") for x in extensions if x]


def build_scenes(elements: list[Element]) -> list[Scene]:
    """Group elements into scenes (heading first) with their dialogue blocks,
    speaking characters (first-speech order) and characters mentioned in action.

    Elements before the first heading belong to no scene.
    """
    from studio_kit.engines.writing.fountain import fast_model

    scenes: list[Scene] = []
    scene: Scene | None = None
    block: DialogueBlock | None = None
    for el in elements:
        t = el.type
        if t == ET.SCENE_HEADING:
            int_ext, location, time = split_heading(el.text)
            scene = Scene.model_construct(
                index=len(scenes), number=el.scene_number, heading=el.text, int_ext=int_ext,
                location=location, time_of_day=time, line=el.line, elements=[el], dialogue=[],
                speaking_characters=[], mentioned_characters=[], synopsis="", eighths=None)
            scenes.append(scene)
            block = None
            continue
        if scene is None:
            continue
        scene.elements.append(el)
        if t == ET.CHARACTER:
            name, extensions = normalise_character(el.text)
            block = fast_model(DialogueBlock, {"character": name, "cue": el.text, "extensions": extensions,
                                               "lines": [], "dual": el.dual, "line": el.line})
            scene.dialogue.append(block)
            if name and name not in scene.speaking_characters:
                scene.speaking_characters.append(name)
        elif t in (ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS) and block is not None:
            block.lines.append(el)
        elif t in (ET.NOTE, ET.BONEYARD):
            pass  # hidden text does not end a dialogue block
        else:
            block = None
            if t == ET.SYNOPSIS:
                scene.synopsis = f"{scene.synopsis}\n{el.text}" if scene.synopsis else el.text
    _find_mentions(scenes)
    return scenes


def _find_mentions(scenes: list[Scene]) -> None:
    """Characters named in action: an all-caps run of words that is (or holds)
    a name that speaks somewhere in the script, or an introduction such as
    ``CYBER BOB, 40, a white man`` / ``NADIA (30s)``."""
    speakers = {name.upper(): name for sc in scenes for name in sc.speaking_characters}
    longest = max((len(k.split()) for k in speakers), default=1)
    for scene in scenes:
        found: list[str] = []
        for el in scene.elements:
            if el.type != ET.ACTION:
                continue
            text = plain_text(el.text)
            for run, end in _caps_runs(text):
                words = run.split()
                hits = _known_names(words, speakers, longest)
                if hits:
                    found.extend(h for h in hits if h not in found)
                elif (len(words) <= 4 and run not in _NOT_NAMES and _INTRO_AFTER_RE.match(text, end)
                      and run not in found):
                    found.append(run)
        scene.mentioned_characters = found


def _caps_runs(text: str):
    """Yield (run, end offset) for maximal runs of all-caps words (2+ letters)
    separated only by spaces."""
    run: list[str] = []
    run_end = 0
    for m in _CAPS_WORD_RE.finditer(text):
        word = m.group()
        start = m.start()
        if len(word) < 2 or (m.end() < len(text) and text[m.end()].isalnum()):
            continue  # "A", or the start of a mixed-case word such as "BOBby"
        if run and (start == run_end or text[run_end:start].strip(" ") == ""):
            run.append(word)
            run_end = m.end()
            continue
        if run:
            yield " ".join(run), run_end
        run = [word]
        run_end = m.end()
    if run:
        yield " ".join(run), run_end


def _known_names(words: list[str], speakers: dict[str, str], longest: int) -> list[str]:
    """Speaking names inside a caps run, longest match first, left to right."""
    hits: list[str] = []
    i = 0
    while i < len(words):
        for size in range(min(longest, len(words) - i), 0, -1):
            key = " ".join(words[i:i + size])
            if key in speakers:
                hits.append(speakers[key])
                i += size
                break
        else:
            i += 1
    return hits
