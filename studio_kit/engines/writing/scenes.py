"""Scene model: headings split into parts, dialogue blocks, who is in a scene.

Built from a flat element list (Fountain or FDX), so both importers share it.
A heading ``INT./EXT. HARBOUR - NIGHT (1979) #12A#`` becomes int_ext
``INT/EXT``, location ``HARBOUR``, time_of_day ``NIGHT``, number ``12A``.
"""
from __future__ import annotations

import re

from studio_kit.domain.script import (
    DialogueBlock,
    Element,
    ElementType,
    Scene,
    fast_model,
)
from studio_kit.engines.writing.fountain_markup import plain_text
from studio_kit.engines.writing.script_diff import insert_number
from studio_kit.exceptions import ScriptError

ET = ElementType
# the members the loops below compare with, as globals: reading one off the Enum class costs ~5x a
# global on Python 3.11, and the scene builder asks for every element
_HEADING, _CHARACTER, _ACTION, _SYNOPSIS = ET.SCENE_HEADING, ET.CHARACTER, ET.ACTION, ET.SYNOPSIS
_PARENTHETICAL, _DIALOGUE, _LYRICS, _NOTE, _BONEYARD = ET.PARENTHETICAL, ET.DIALOGUE, ET.LYRICS, ET.NOTE, ET.BONEYARD

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
# the match). Each repetition starts with punctuation, so matching is linear. The "no word character
# before it" test comes after the first capital ("(?<!\w.)" looks back past it): a pattern that opens
# with a character set lets the regex engine skip ahead to the next capital instead of trying every
# position, about twice as fast on action text.
# Only words of 2+ characters match (the lookahead after the first capital): a lone capital (the "H" of
# "He") was a match the caller skipped, and most capitals in action are such.
_CAPS_WORD_RE = re.compile(rf"{_UP}(?<!\w.)(?=[{re.escape(_UPPER)}0-9]|['’.\-]{_UP})"
                           rf"[{re.escape(_UPPER)}0-9]*(?:['’.\-]{_UP}[{re.escape(_UPPER)}0-9]*)*")
_DOTS_SPACES_RE = re.compile(r"[.\s]")
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
        ie = _DOTS_SPACES_RE.sub("", m.group("ie").upper())
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
    cue = cue.removeprefix("@")
    cue = cue.removesuffix("^")
    extensions = [x.strip() for x in _EXTENSION_RE.findall(cue)]
    name = _EXTENSION_RE.sub(" ", cue) if extensions else cue
    # stray "(" of an unclosed extension, curly apostrophes in CONT’D
    p = name.find("(")
    if p >= 0:
        name = name[:p]
    name = " ".join(name.replace("^", " ").split())
    return name, [x.replace("’", "'") for x in extensions if x]


def build_scenes(elements: list[Element], *, first_index: int = 0,
                 speakers: dict[str, str] | None = None) -> list[Scene]:
    """Group elements into scenes (heading first) with their dialogue blocks,
    speaking characters (first-speech order) and characters mentioned in action.

    Elements before the first heading belong to no scene. ``first_index`` numbers the first
    scene (an incremental layout rebuilds a run of scenes); ``speakers`` (:func:`speaker_map`
    of the whole script) finds mentions when these scenes are not all of it.
    """
    scenes: list[Scene] = []
    actions: list[list[str]] = []        # per scene: the text of its action elements (for mentions)
    scene: Scene | None = None
    cues: dict[str, tuple[str, list[str]]] = {}
    sluglines: dict[str, tuple[str, str, str]] = {}   # a script comes back to its places: split each once
    # the lists being filled, as locals: reading a field of a pydantic model costs several times a local
    scene_els: list[Element] = []
    scene_actions: list[str] = []
    dialogue: list[DialogueBlock] = []
    speaking: list[str] = []
    block_lines: list[Element] | None = None
    for el in elements:
        t = el.type
        if t is _HEADING:
            text = el.text
            parts = sluglines.get(text)
            if parts is None:
                parts = sluglines[text] = split_heading(text)
            int_ext, location, time = parts
            scene_els, scene_actions, dialogue, speaking = [el], [], [], []
            scene = fast_model(Scene, {
                "index": first_index + len(scenes), "number": el.scene_number, "heading": text,
                "int_ext": int_ext, "location": location, "time_of_day": time, "line": el.line,
                "elements": scene_els, "dialogue": dialogue, "speaking_characters": speaking,
                "mentioned_characters": [], "synopsis": "", "eighths": None})
            scenes.append(scene)
            actions.append(scene_actions)
            block_lines = None
            continue
        if scene is None:
            continue
        scene_els.append(el)
        if t is _ACTION:
            scene_actions.append(el.text)
            block_lines = None
        elif t is _CHARACTER:
            text = el.text
            parsed = cues.get(text)
            if parsed is None:           # a script has few distinct cues: split each once
                parsed = cues[text] = normalise_character(text)
            name = parsed[0]
            block_lines = []
            block = fast_model(DialogueBlock, {"character": name, "cue": text, "extensions": list(parsed[1]),
                                               "lines": block_lines, "dual": el.dual, "line": el.line})
            dialogue.append(block)
            if name and name not in speaking:
                speaking.append(name)
        elif t is _DIALOGUE or t is _PARENTHETICAL or t is _LYRICS:
            if block_lines is not None:  # (with no block open there is nothing to end)
                block_lines.append(el)
        elif t is _NOTE or t is _BONEYARD:
            pass  # hidden text does not end a dialogue block
        else:
            block_lines = None
            if t is _SYNOPSIS:
                scene.synopsis = f"{scene.synopsis}\n{el.text}" if scene.synopsis else el.text
    if speakers is None:
        speakers = speaker_map(scenes)
    longest = max((len(k.split()) for k in speakers), default=1)
    for scene, found in zip(scenes, groups_mentions(actions, speakers, longest)):
        # straight into the field's slot: every field was set by fast_model, so this is what
        # pydantic's __setattr__ would do (no validation on assignment), without its Python-level path
        scene.__dict__["mentioned_characters"] = found
    return scenes


def speaker_map(scenes: list[Scene]) -> dict[str, str]:
    """Upper-case name -> name of everyone who speaks in ``scenes``."""
    return {name.upper(): name for sc in scenes for name in sc.speaking_characters}


def scene_mentions(scene: Scene, speakers: dict[str, str], longest: int | None = None) -> list[str]:
    """Characters named in action: an all-caps run of words that is (or holds)
    a name that speaks somewhere in the script (``speakers``), or an introduction such as
    ``CYBER BOB, 40, a white man`` / ``NADIA (30s)``. ``longest``: words in the longest name."""
    return text_mentions([el.text for el in scene.elements if el.type is _ACTION], speakers, longest)


def text_mentions(texts: list[str], speakers: dict[str, str], longest: int | None = None) -> list[str]:
    """:func:`scene_mentions` of a scene whose action elements hold ``texts``."""
    return groups_mentions([texts], speakers, longest)[0]


def groups_mentions(groups: list[list[str]], speakers: dict[str, str], longest: int | None = None) -> list[list[str]]:
    """:func:`text_mentions` of each group of texts (a scene's action), all in one regex scan: a
    script has hundreds of scenes, and a scan per scene cost as much again in set-up."""
    if longest is None:
        longest = max((len(k.split()) for k in speakers), default=1)
    out: list[list[str]] = [[] for _ in groups]
    # the texts as printed (markup off only where there is some), joined with NUL, and the groups
    # joined with NUL too. At a NUL every rule reads as at the end or start of a text: a run of caps
    # words is joined over spaces only, a name must not run on into an alphanumeric, the
    # introduction after a run (", 40") does not skip it (not whitespace) and the "no word character
    # before" look-behind passes, so the runs found are those of each text in turn
    plain: list[str] = []
    ends: list[int] = []          # per group: offset just past its last text in the joined text
    at = -1
    for texts in groups:
        for t in texts:
            if "*" in t or "_" in t or "[[" in t or "/*" in t:
                t = plain_text(t)
            plain.append(t)
            at += len(t) + 1
        ends.append(at)
    if not plain:
        return out
    text = "\x00".join(plain)
    g = 0
    for run, end in _caps_runs(text):
        while end > ends[g]:      # a run never crosses a NUL: it lies inside one group's text
            g += 1
        found = out[g]
        words = run.split()
        hits = _known_names(words, speakers, longest)
        if hits:
            found.extend(h for h in hits if h not in found)
        elif (len(words) <= 4 and run not in _NOT_NAMES and _INTRO_AFTER_RE.match(text, end)
              and run not in found):
            found.append(run)
    return out


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


# ------------------------------------------------------------------ scene numbers
LOCK_NOTE = "Scene numbers locked"   # a hidden note that marks a script's scene numbers as locked
_PLAIN_NUMBER_RE = re.compile(r"\d+")


def scene_numbers_locked(elements: list[Element]) -> bool:
    """Whether the script carries the lock note (``[[Scene numbers locked]]``, or the Final Draft
    script note it becomes): its numbers are handed out and never move."""
    return any(el.type == ET.NOTE and " ".join(el.text.split()).lower() == LOCK_NOTE.lower() for el in elements)


def _is_placeholder(scene: Scene) -> bool:
    """An ``OMITTED`` heading with nothing under it: the place of a cut scene in a locked script."""
    return plain_text(scene.heading).strip().lstrip(".").strip().upper() == "OMITTED" and len(scene.elements) <= 1


def number_scenes(scenes: list[Scene], *, locked: bool, start: int | None = None,
                  renumber: bool = False) -> tuple[list[str | None], dict[int, list[str]], list[str]]:
    """Scene numbers as Final Draft gives them, for ``scenes`` in script order.

    * no scene numbered yet (or ``renumber``): 1, 2, 3 ... from ``start`` (default 1); with
      ``renumber`` the ``OMITTED`` placeholders of cut scenes are dropped (their number is ``None``);
    * some numbered: every number is kept and each unnumbered scene gets an insert number from the
      scene before it (12 -> 12A, 12A -> 12B; before the first scene A1), the way locked revisions
      number new scenes (:func:`script_diff.insert_number`); a repeated number counts as missing;
    * ``locked`` (see :func:`scene_numbers_locked`): also, a gap between two numbered scenes
      (12, then 15) means scenes 13 and 14 were cut: they come back as ``OMITTED`` placeholders.

    Returns (number per scene, OMITTED numbers to insert before scene index, warnings).
    ``renumber`` on a locked script and ``start`` on a numbered one are refused (ScriptError).
    """
    if start is not None and (isinstance(start, bool) or not isinstance(start, int) or not 1 <= start <= 99999):
        raise ScriptError(f"Scene numbers start at {start!r}: not a whole number from 1 to 99999.",
                          hint="Give --start a whole number such as 1 or 101.")
    if renumber and locked:
        raise ScriptError("The scene numbers are locked: renumbering would move numbers the crew already "
                          "scheduled by.",
                          hint="Leave out --renumber: kept numbers stay and new scenes get A/B numbers (12A). "
                               "To renumber anyway, add --unlock.")
    existing = [sc.number for sc in scenes if sc.number]
    first = start if start is not None else 1
    if renumber or not existing:
        numbers: list[str | None] = []
        n = first
        for sc in scenes:
            if renumber and _is_placeholder(sc):
                numbers.append(None)      # a renumbered script has no cut scenes to hold places for
                continue
            numbers.append(str(n))
            n += 1
        return numbers, {}, []
    if start is not None:
        raise ScriptError(f"--start {start} only numbers a script from scratch; this one already has "
                          f"{len(existing)} scene numbers, which are kept.",
                          hint="Leave out --start to keep them (new scenes get A/B numbers), "
                               "or add --renumber to number every scene again from --start.")
    warnings: list[str] = []
    seen: set[str] = set()
    own: list[str | None] = []
    for sc in scenes:
        if sc.number and sc.number in seen:
            warnings.append(f"scene number {sc.number} is used twice: the second one ({sc.heading}) "
                            "gets an insert number")
            own.append(None)
        else:
            own.append(sc.number or None)
            if sc.number:
                seen.add(sc.number)
    used = set(seen)
    first_number = next(n for n in own if n)
    numbers = []
    omitted_before: dict[int, list[str]] = {}
    prev: str | None = None
    prev_plain: int | None = None       # last plain-number scene (12, not 12A): gaps count from it
    for i, number in enumerate(own):
        if number is None:
            number = insert_number(prev, first_number, used)
            used.add(number)
        elif _PLAIN_NUMBER_RE.fullmatch(number):
            value = int(number)
            if locked and prev_plain is not None and value > prev_plain + 1:
                cut = [str(k) for k in range(prev_plain + 1, value) if str(k) not in used]
                if cut:
                    omitted_before[i] = cut
                    used.update(cut)
            elif prev_plain is not None and value <= prev_plain:
                warnings.append(f"scene {number} ({scenes[i].heading}) comes after scene {prev_plain}: "
                                "the numbers are out of order")
            prev_plain = value
        numbers.append(number)
        prev = number
    return numbers, omitted_before, warnings


def numbered_elements(elements: list[Element], scenes: list[Scene], numbers: list[str | None],
                      omitted_before: dict[int, list[str]], *, lock: bool) -> list[Element]:
    """``elements`` with :func:`number_scenes`' numbers on the headings, ``OMITTED`` placeholders
    inserted (and those numbered ``None`` dropped), and the lock note first when ``lock`` (else none)."""
    heading_at = {id(sc.elements[0]): i for i, sc in enumerate(scenes) if sc.elements}
    drop = {id(sc.elements[0]) for sc, n in zip(scenes, numbers) if n is None and sc.elements}
    out: list[Element] = []
    for el in elements:
        if el.type == ET.NOTE and scene_numbers_locked([el]):
            continue
        i = heading_at.get(id(el))
        if i is not None:
            out.extend(Element(type=ET.SCENE_HEADING, text="OMITTED", forced=True, scene_number=n)
                       for n in omitted_before.get(i, ()))
            if id(el) in drop:
                continue
            el = el.model_copy(update={"scene_number": numbers[i]})
        elif id(el) in drop:
            continue
        out.append(el)
    if lock:
        first = next((k for k, el in enumerate(out) if el.type == ET.SCENE_HEADING), len(out))
        out.insert(first, Element(type=ET.NOTE, text=LOCK_NOTE))
    return out


def numbered_fountain(text: str, elements: list[Element], scenes: list[Scene], numbers: list[str | None],
                      omitted_before: dict[int, list[str]], *, lock: bool) -> str:
    """The Fountain source ``text`` (parsed into ``elements``/``scenes``) with the same changes as
    :func:`numbered_elements`, made line by line so everything else stays byte for byte: ``#12A#``
    written at the end of each heading line (an old number replaced), ``.OMITTED #13#`` lines
    inserted, the ``[[Scene numbers locked]]`` line added before the first heading or removed.
    Parse the result to check it (a heading the source spelt unusually may need the writer)."""
    parts = re.split(r"(\r\n|\r|\n)", text)
    lines = parts[0::2]
    ends = parts[1::2] + [""]
    eol = next((e for e in ends if e), "\n")
    before: dict[int, list[str]] = {}     # 0-based line index -> lines to insert before it
    delete: set[int] = set()
    for el in elements:
        if el.type == ET.NOTE and el.line and scene_numbers_locked([el]):
            k = el.line - 1
            if k < len(lines) and lines[k].strip().lower() == f"[[{LOCK_NOTE}]]".lower():
                delete.add(k)
                if k + 1 < len(lines) and not lines[k + 1].strip():
                    delete.add(k + 1)
    first_heading: int | None = None
    for i, (sc, number) in enumerate(zip(scenes, numbers)):
        k = sc.line - 1
        if not sc.line or k >= len(lines):
            raise ValueError(f"scene {i + 1} has no source line")
        first_heading = k if first_heading is None else first_heading
        if omitted_before.get(i):
            before.setdefault(k, []).extend(x for n in omitted_before[i] for x in (f".OMITTED #{n}#", ""))
        if number is None:
            delete.add(k)
            if k + 1 < len(lines) and not lines[k + 1].strip():
                delete.add(k + 1)
            continue
        line = lines[k].rstrip(" \t")
        m = re.search(r"\s*#[\w.\-]+#$", line)
        if m and sc.number:
            line = line[:m.start()]
        lines[k] = f"{line} #{number}#"
    if lock:
        k = first_heading if first_heading is not None else len(lines)
        before.setdefault(k, []).insert(0, f"[[{LOCK_NOTE}]]")
        before[k].insert(1, "")
    out: list[str] = []
    for k, (line, end) in enumerate(zip(lines, ends)):
        for extra in before.get(k, ()):
            out.append(extra + eol)
        if k not in delete:
            out.append(line + end)
    if len(lines) in before:
        if out and not out[-1].endswith(("\n", "\r")):
            out.append(eol)
        out.extend(extra + eol for extra in before[len(lines)])
    return "".join(out)
