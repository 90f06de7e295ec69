"""The cast list of a screenplay: who is one person under two cues, and how big each part is.

Scripts often cue a character by a short form of the name they were introduced
with (``CYBER BOB, 40, ...`` then ``BOB`` / ``Hi hello.``; ``CYBER BOSS`` later
cued ``BOSS``). :func:`find_aliases` folds such a short cue into the full one
when the evidence says it is the same person, and keeps truly different people
apart (``MAN`` and ``OLD MAN`` are two people: ``MAN`` is a generic descriptor).

:func:`cast_list` then sizes every part the way a casting director's cast list
does, from dialogue blocks, scenes and first appearance:

* ``lead`` — the part with the most weight (dialogue blocks + 2 × scenes), and
  any co-lead within 75 % of it who is in at least half the scenes;
* ``supporting`` — at least 3 dialogue blocks, and in 2+ scenes, or holding at
  least a quarter of the lead's dialogue, or entering in the lead's first scene
  (introduced alongside the lead: the opening's second voice);
* ``day player`` — every line in a single scene, 3 blocks or fewer (one shoot day);
* ``minor`` — everyone else who speaks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from studio_kit.domain.script import ElementType, Script

ROLES = ("lead", "supporting", "minor", "day player")

#: descriptive cues that name a kind of person, not a person: never folded into a longer cue
GENERIC_CUES = {
    "MAN", "WOMAN", "BOY", "GIRL", "GUY", "KID", "CHILD", "BABY", "LADY", "GENTLEMAN", "PERSON", "STRANGER",
    "COP", "OFFICER", "GUARD", "SOLDIER", "NURSE", "DOCTOR", "WAITER", "WAITRESS", "DRIVER", "VOICE", "CROWD",
    "ALL", "EVERYONE", "BOTH", "TEACHER", "STUDENT", "CLERK", "BARTENDER", "AGENT", "REPORTER", "ANNOUNCER",
    "NARRATOR", "FATHER", "MOTHER", "DAD", "MOM", "MUM", "SON", "DAUGHTER", "BROTHER", "SISTER", "WIFE",
    "HUSBAND", "FRIEND", "PILOT", "CAPTAIN", "SERGEANT", "DETECTIVE", "PRIEST", "JUDGE", "DOG", "CAT",
}


@dataclass
class CastEntry:
    """One part on the cast list, under its canonical (fullest) cue."""

    name: str                                   # canonical cue, e.g. "CYBER BOB"
    aliases: list[str] = field(default_factory=list)   # other cues folded in, e.g. ["BOB"]
    dialogue_blocks: int = 0
    scenes: list[int] = field(default_factory=list)    # 0-based scene indexes where the part speaks
    first_scene: int = 0
    role: str = "minor"

    @property
    def cues(self) -> list[str]:
        return [self.name, *self.aliases]

    @property
    def weight(self) -> int:
        return self.dialogue_blocks + 2 * len(self.scenes)


_CAPS_RUN = re.compile(r"(?<![A-Za-z'])[A-Z][A-Z'’.\-]*[A-Z](?: [A-Z][A-Z'’.\-]*[A-Z])*(?![A-Za-z])")


def _caps_mentions(script: Script, cue: str) -> list[str]:
    """Every run of capitalised words in action lines that holds ``cue``'s words (``CYBER BOB`` for ``BOB``)."""
    words = cue.split()
    out = []
    for el in script.elements:
        if el.type != ElementType.ACTION:
            continue
        for m in _CAPS_RUN.finditer(re.sub(r"\s+", " ", el.text)):
            run = m.group(0).split()
            if any(run[i:i + len(words)] == words for i in range(len(run) - len(words) + 1)):
                out.append(m.group(0))
    return out


def _holds(run: str, name: str) -> bool:
    words, parts = run.split(), name.split()
    return any(words[i:i + len(parts)] == parts for i in range(len(words) - len(parts) + 1))


def _mixed_case_mentions(script: Script, name: str) -> int:
    """How often action lines or dialogue call a character by ``name`` in ordinary case (``Boss'``)."""
    words = " ".join(w.capitalize() for w in name.split())
    rx = re.compile(rf"(?<![A-Za-z]){re.escape(words)}(?![a-z])")
    return sum(len(rx.findall(el.text)) for el in script.elements
               if el.type in (ElementType.ACTION, ElementType.DIALOGUE))


def _alias_target(script: Script, short: str, cues: list[str]) -> str | None:
    """The longer cue ``short`` is a short form of, or None when it is (or may be) someone else.

    Folding needs all of: ``short`` is not a generic descriptor; exactly one longer cue holds its
    words (``BOB`` in ``CYBER BOB``, ``ADA`` in ``DR. ADA LOVELACE``); ``short`` is never introduced in capitals on its own (every caps mention
    is part of the longer name); and the script calls the longer-named character ``short`` in
    ordinary case somewhere (``Bob holds his phone``, ``Boss' instructions``).
    """
    if short in GENERIC_CUES or len(short) < 3:
        return None
    words = short.split()
    longer = [c for c in cues if c != short and len(c.split()) > len(words) and _holds(c, short)]
    if len(longer) != 1:
        return None
    target = longer[0]
    mentions = _caps_mentions(script, short)
    # each caps mention must be the full name (or a longer part of it than the short cue: "ADA LOVELACE")
    if any(not (_holds(m, target) or (_holds(target, m) and m != short)) for m in mentions):
        return None           # "a MAN" introduced on his own: a different person
    if not mentions and not _caps_mentions(script, target):
        return None           # neither is introduced: no evidence they are one person
    if _mixed_case_mentions(script, short) == 0:
        return None
    return target


def find_aliases(script: Script) -> dict[str, str]:
    """Short cue → the canonical cue it is folded into (``{"BOB": "CYBER BOB"}``)."""
    cues = script.speaking_characters
    out: dict[str, str] = {}
    for cue in sorted(cues, key=lambda c: len(c.split())):
        target = _alias_target(script, cue, cues)
        if target is not None:
            out[cue] = out.get(target, target)
    return out


def cast_list(script: Script) -> list[CastEntry]:
    """Every speaking part once (aliases folded), sized lead / supporting / minor / day player.

    Ordered like a cast list: by weight, then first appearance.
    """
    aliases = find_aliases(script)
    entries: dict[str, CastEntry] = {}
    for cue in script.speaking_characters:
        canonical = aliases.get(cue, cue)
        entry = entries.setdefault(canonical, CastEntry(canonical))
        if cue != canonical and cue not in entry.aliases:
            entry.aliases.append(cue)
    for scene in script.scenes:
        for block in scene.dialogue:
            entry = entries.get(aliases.get(block.character, block.character))
            if entry is None:
                continue
            if not entry.dialogue_blocks and not entry.scenes:
                entry.first_scene = scene.index
            entry.dialogue_blocks += 1
            if scene.index not in entry.scenes:
                entry.scenes.append(scene.index)
    ranked = sorted(entries.values(), key=lambda e: (-e.weight, e.first_scene))
    n_scenes = max(1, len(script.scenes))
    top = ranked[0] if ranked else None
    for i, entry in enumerate(ranked):
        entry.role = _role(entry, top, i, n_scenes)
    return ranked


def _role(entry: CastEntry, top: CastEntry | None, rank: int, n_scenes: int) -> str:
    if top is None or rank == 0:
        return "lead"
    if entry.weight >= 0.75 * top.weight and len(entry.scenes) * 2 >= n_scenes and len(entry.scenes) > 1:
        return "lead"
    if entry.dialogue_blocks >= 3 and (len(entry.scenes) >= 2 or entry.dialogue_blocks * 4 >= top.dialogue_blocks
                                       or entry.first_scene == top.first_scene):
        return "supporting"
    if len(entry.scenes) <= 1 and entry.dialogue_blocks <= 3:
        return "day player"
    return "minor"
