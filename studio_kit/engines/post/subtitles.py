"""Subtitles from the timeline: SRT and WebVTT, times the dialogue events' frames, timed-text rules enforced.

The rules (Netflix English timed-text style guide; :class:`SubtitleRules`, per language by
:func:`rules_for`):

* at most 2 lines of 42 characters (16 for Chinese, Japanese and Korean, which have no spaces to
  break at); two lines are balanced, broken after punctuation where possible and never after an
  article, a preposition or a conjunction when another break fits;
* reading speed at most 20 characters per second (adult), spaces and punctuation counted;
* an event lasts at least 5/6 s (20 frames at 24 fps) and at most 7 s;
* at least 2 frames between two events.

A line too long for one event, or spoken for more than 7 s, is split into several events at
sentence, then clause, then word boundaries, its time shared by their lengths (2 frames apart).
An event too short to read is extended into the gap after it, never closer than 2 frames to the
next event; overlapping lines are trimmed to that gap, and lines spoken together (dual dialogue)
that cannot be trimmed become one two-speaker event ("-A" / "-B"). An event's times stay
its line's frames wherever no rule needs more. What cannot be fixed this way (a line spoken
faster than anyone reads with no gap after it) is reported by :func:`check`, which export QC
uses: every violation with its event number, rule, value and limit.

CJK languages keep the line length but no characters-per-second check: their Netflix guides
count reading speed in their own units, not modelled here. A right-to-left language (Arabic,
Hebrew, Persian, Urdu) gets a RIGHT-TO-LEFT MARK at the start of each line so players place
punctuation on the correct side.
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import asdict, dataclass, replace

from studio_kit.domain.timeline import Timeline

RTL_LANGUAGES = {"ar", "he", "fa", "ur", "yi", "ps", "sd", "ug", "dv"}
CJK_LANGUAGES = {"zh", "ja", "ko", "cmn", "yue"}
RLM = "\u200f"


def is_rtl(language: str) -> bool:
    return language.split("-")[0].lower() in RTL_LANGUAGES


def is_cjk(language: str) -> bool:
    return language.split("-")[0].lower() in CJK_LANGUAGES


def frame_ms(timeline: Timeline, frame: int) -> int:
    """Milliseconds of a frame boundary (rounded to the nearest ms)."""
    return round(frame * 1000 / timeline.fps)


def _stamp(ms: int, sep: str) -> str:
    h, rest = divmod(ms, 3_600_000)
    m, rest = divmod(rest, 60_000)
    s, ms = divmod(rest, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


@dataclass(frozen=True)
class SubtitleRules:
    """Timed-text limits (Netflix English defaults); frames are the timeline's."""

    max_chars: int = 42                 # per line
    max_lines: int = 2
    max_cps: float | None = 20.0        # characters per second (None: not checked)
    min_seconds: float = 5 / 6          # 20 frames at 24 fps
    max_seconds: float = 7.0
    min_gap_frames: int = 2

    def min_frames(self, fps: int) -> int:
        return max(1, round(self.min_seconds * fps))

    def max_frames(self, fps: int) -> int:
        return max(1, math.floor(self.max_seconds * fps + 1e-9))


def rules_for(language: str = "en") -> SubtitleRules:
    """The rules a language's subtitles follow (CJK: 16 characters a line, no characters-per-second check)."""
    return SubtitleRules(max_chars=16, max_cps=None) if is_cjk(language) else SubtitleRules()


@dataclass
class Cue:
    """One subtitle event: frames on the timeline, its lines (no direction marks) and its id."""

    start_frame: int
    end_frame: int
    lines: list[str]
    cue_id: str

    @property
    def text(self) -> str:
        return " ".join(self.lines)


@dataclass(frozen=True)
class Violation:
    """One broken rule: ``event`` is the 1-based SRT number."""

    event: int
    cue_id: str
    rule: str          # chars_per_line, lines, reading_speed, min_duration, max_duration, gap
    value: float
    limit: float
    unit: str

    def to_dict(self) -> dict:
        return asdict(self)

    def line(self) -> str:
        return f"event {self.event} ({self.cue_id}): {self.rule} {self.value:g} {self.unit}, limit {self.limit:g}"


def _cjk_units(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


#: words a line should not end on (the break goes before them): articles, prepositions, conjunctions, pronoun subjects
_WEAK_END = frozenset("""a an the to of in on at by for from with into onto over under about as and or but nor so
if that than then my your his her its our their this these those i we you he she they is are was were be not""".split())


def _break_cost(left: str, right: str, max_chars: int) -> float | None:
    """Cost of breaking one event's text into ``left`` / ``right`` (None: a line too long)."""
    if len(left) > max_chars or len(right) > max_chars:
        return None
    cost = abs(len(left) - len(right)) / max_chars * 4           # balanced lines
    cost += 0.3 if len(left) > len(right) else 0.0              # bottom-heavy when it is close
    last = left.rsplit(" ", 1)[-1]
    if last[-1:] in ",;:.!?…—–)\"'":
        cost -= 2.0                                             # after punctuation
    elif last.lower() in _WEAK_END:
        cost += 6.0                                             # not after an article, preposition, conjunction
    if right[:1] in ",;:.!?…)":
        cost += 10.0                                            # never before punctuation
    return cost


def break_lines(text: str, language: str = "en", rules: SubtitleRules | None = None) -> list[str]:
    """One event's text as its lines: one line when it fits, else the best balanced break into two
    (more lines only when two cannot hold it; :func:`check` reports those)."""
    rules = rules or rules_for(language)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return []
    if is_cjk(language):
        width = rules.max_chars * 2
        if _cjk_units(text) <= width:
            return [text]
        lines, cur = [], ""
        for ch in text:
            if _cjk_units(cur + ch) > width and cur:
                lines.append(cur)
                cur = ""
            cur += ch
        return lines + ([cur] if cur else [])
    if len(text) <= rules.max_chars:
        return [text]
    words = text.split(" ")
    best: tuple[float, int] | None = None
    for i in range(1, len(words)):
        cost = _break_cost(" ".join(words[:i]), " ".join(words[i:]), rules.max_chars)
        if cost is not None and (best is None or cost < best[0]):
            best = (cost, i)
    if best is not None:
        return [" ".join(words[: best[1]]), " ".join(words[best[1]:])]
    lines, cur = [], ""                                         # longer than two lines: fill greedily
    for word in words:
        if cur and len(cur) + 1 + len(word) > rules.max_chars:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + ([cur] if cur else [])


def wrap(text: str, language: str = "en") -> list[str]:
    """Break ``text`` into subtitle lines (two per cue at most when it fits; longer text keeps going)."""
    return break_lines(text, language)


def _fits(text: str, language: str, rules: SubtitleRules) -> bool:
    """Whether one event can hold ``text`` within the line rules."""
    cjk = is_cjk(language)
    if (_cjk_units(text) if cjk else len(text)) > rules.max_lines * (rules.max_chars * (2 if cjk else 1) + 1):
        return False
    lines = break_lines(text, language, rules)
    return len(lines) <= rules.max_lines and all(
        (_cjk_units(x) <= rules.max_chars * 2) if cjk else len(x) <= rules.max_chars for x in lines)


_SENTENCE_END = re.compile(r"[.!?…]['\")\]]*$|[。！？]$")
_CLAUSE_END = re.compile(r"[,;:—–]$|[、，；：]$")


def _atoms(text: str, language: str) -> list[str]:
    """The units an event is split between: words (characters for CJK), each with its trailing punctuation."""
    text = re.sub(r"\s+", " ", text).strip()
    if is_cjk(language):
        return [ch for ch in text if ch != " "] if " " not in text else text.split(" ")
    return text.split(" ")


def _join(atoms: list[str], language: str) -> str:
    return ("" if is_cjk(language) and all(len(a) == 1 for a in atoms) else " ").join(atoms)


def _boundary_cost(atom: str) -> float:
    """Cost of ending an event after this atom: sentence end free, clause cheap, a weak word dear."""
    if _SENTENCE_END.search(atom):
        return 0.0
    if _CLAUSE_END.search(atom):
        return 1.0
    return 8.0 if atom.lower() in _WEAK_END else 4.0


def split_text(text: str, parts: int, language: str = "en", rules: SubtitleRules | None = None) -> list[str]:
    """``text`` in at least ``parts`` events, each fitting the line rules where it can: split at
    sentence, then clause, then word boundaries, lengths kept even (dynamic programming)."""
    rules = rules or rules_for(language)
    atoms = _atoms(text, language)
    n = len(atoms)
    if n == 0:
        return []
    parts = max(1, min(parts, n))
    # chunk text and fit of atoms[i:j], cached
    texts = {(i, j): _join(atoms[i:j], language) for i in range(n) for j in range(i + 1, n + 1)}
    fit = {k: k[1] == k[0] + 1 or _fits(v, language, rules) for k, v in texts.items()}   # one atom always goes
    total = len(_join(atoms, language))
    for k in range(parts, n + 1):
        ideal = total / k
        inf = float("inf")
        cost = [[inf] * (n + 1) for _ in range(k + 1)]
        back = [[0] * (n + 1) for _ in range(k + 1)]
        cost[0][0] = 0.0
        for c in range(1, k + 1):
            for j in range(c, n + 1):
                for i in range(c - 1, j):
                    if cost[c - 1][i] == inf or not fit[(i, j)]:
                        continue
                    piece = texts[(i, j)]
                    v = cost[c - 1][i] + ((len(piece) - ideal) / max(1.0, ideal)) ** 2 * 4
                    v += _boundary_cost(atoms[j - 1]) if j < n else 0.0
                    if v < cost[c][j]:
                        cost[c][j], back[c][j] = v, i
        if cost[k][n] < inf:
            out, j = [], n
            for c in range(k, 0, -1):
                i = back[c][j]
                out.append(texts[(i, j)])
                j = i
            return out[::-1]
    return [_join(atoms, language)]           # a single word too long for a line: one event, reported by check


def _chars(text: str) -> int:
    return len(text.replace(RLM, ""))


def _layout(start: int, end: int, pieces: list[str], cue_id: str, fps: int, rules: SubtitleRules,
            language: str) -> list[Cue]:
    """Events for one line's pieces, its frames shared by their lengths, ``min_gap_frames`` apart."""
    if len(pieces) == 1:
        return [Cue(start, end, break_lines(pieces[0], language, rules), cue_id)]
    gap = rules.min_gap_frames
    avail = max(len(pieces), end - start - gap * (len(pieces) - 1))
    weights = [max(1, _chars(p)) for p in pieces]
    out, acc, t = [], 0, start
    for k, (piece, w) in enumerate(zip(pieces, weights, strict=True)):
        acc += w
        b = start + round(avail * acc / sum(weights)) + gap * k
        b = max(t + 1, b if k < len(pieces) - 1 else max(b, end))
        out.append(Cue(t, b, break_lines(piece, language, rules), f"{cue_id}.{k + 1}"))
        t = b + gap
    return out


def events(timeline: Timeline, texts: dict[str, str] | None = None, language: str = "en",
           rules: SubtitleRules | None = None) -> list[Cue]:
    """The subtitle events of every dialogue line, in film order, with the timed-text rules enforced."""
    rules = rules or rules_for(language)
    fps = timeline.fps
    max_f = rules.max_frames(fps)
    out: list[Cue] = []
    for e in sorted(timeline.dialogue(), key=lambda e: e.start_frame):
        text = re.sub(r"\s+", " ", (texts or {}).get(e.line_id or "", e.text)).strip()
        if not text:
            continue
        start, end = e.start_frame, max(e.end_frame, e.start_frame + 1)
        parts = math.ceil((end - start) / max_f)
        pieces = [text] if parts == 1 and _fits(text, language, rules) else split_text(text, parts, language, rules)
        out.extend(_layout(start, end, pieces, e.line_id or "", fps, rules, language))
    return _space(out, fps, rules, language, max(timeline.duration_frames, out[-1].end_frame if out else 0))


def _space(cues_: list[Cue], fps: int, rules: SubtitleRules, language: str, film_end: int) -> list[Cue]:
    """Gaps and durations: merge lines spoken together, trim overlaps to the minimum gap, extend short events."""
    gap, min_f, max_f = rules.min_gap_frames, rules.min_frames(fps), rules.max_frames(fps)
    merged: list[Cue] = []
    for c in cues_:
        prev = merged[-1] if merged else None
        if prev is not None and c.start_frame - gap < prev.end_frame:          # overlap or too close
            room = c.start_frame - gap - prev.start_frame
            single = len(prev.lines) == 1 and len(c.lines) == 1 and not prev.lines[0].startswith("-")
            if room < min_f and single and _fits(prev.text, language, rules) and _fits(c.text, language, rules):
                merged[-1] = Cue(prev.start_frame, max(prev.end_frame, c.end_frame),
                                 [f"-{prev.lines[0]}", f"-{c.lines[0]}"], f"{prev.cue_id}+{c.cue_id}")
                continue
            if room >= 1:
                prev.end_frame = prev.start_frame + room
            else:                                                                  # cannot part them: one event
                merged[-1] = Cue(prev.start_frame, max(prev.end_frame, c.end_frame), prev.lines + c.lines,
                                 f"{prev.cue_id}+{c.cue_id}")
                continue
        merged.append(replace(c, lines=list(c.lines)))
    for k, c in enumerate(merged):
        need = min_f
        if rules.max_cps:
            need = max(need, math.ceil(_chars(c.text) / rules.max_cps * fps - 1e-9))
        need = min(need, max_f)
        if c.end_frame - c.start_frame < need:
            limit = merged[k + 1].start_frame - gap if k + 1 < len(merged) else film_end
            c.end_frame = max(c.end_frame, min(c.start_frame + need, limit))
    return merged


def check(cues_: list[Cue], fps: int, language: str = "en", rules: SubtitleRules | None = None) -> list[Violation]:
    """Every timed-text rule each event breaks: (event number, rule, value, limit), in film order."""
    rules = rules or rules_for(language)
    out: list[Violation] = []
    for k, c in enumerate(cues_, start=1):
        lines = [x.replace(RLM, "") for x in c.lines]
        for x in lines:
            width = math.ceil(_cjk_units(x) / 2) if is_cjk(language) else len(x)
            if width > rules.max_chars:
                out.append(Violation(k, c.cue_id, "chars_per_line", width, rules.max_chars, "characters"))
        if len(lines) > rules.max_lines:
            out.append(Violation(k, c.cue_id, "lines", len(lines), rules.max_lines, "lines"))
        frames = c.end_frame - c.start_frame
        seconds = frames / fps
        if rules.max_cps and seconds > 0 and _chars(" ".join(lines)) / seconds > rules.max_cps + 1e-9:
            out.append(Violation(k, c.cue_id, "reading_speed", round(_chars(" ".join(lines)) / seconds, 2),
                                 rules.max_cps, "characters/s"))
        if frames < rules.min_frames(fps):
            out.append(Violation(k, c.cue_id, "min_duration", round(seconds, 3),
                                 round(rules.min_frames(fps) / fps, 3), "s"))
        if frames > rules.max_frames(fps):
            out.append(Violation(k, c.cue_id, "max_duration", round(seconds, 3), rules.max_seconds, "s"))
        if k < len(cues_):
            gap = cues_[k].start_frame - c.end_frame
            if gap < rules.min_gap_frames:
                out.append(Violation(k, c.cue_id, "gap", gap, rules.min_gap_frames, "frames"))
    return out


def qc(timeline: Timeline, texts: dict[str, str] | None = None, language: str = "en") -> dict:
    """Subtitle QC for export: the events as written and every rule they still break."""
    cues_ = events(timeline, texts, language)
    found = check(cues_, timeline.fps, language)
    return {"language": language, "events": len(cues_), "lines": len(timeline.dialogue()),
            "passed": not found, "rules": asdict(rules_for(language)),
            "violations": [v.to_dict() for v in found]}


def cues(timeline: Timeline, texts: dict[str, str] | None = None, language: str = "en"
         ) -> list[tuple[int, int, list[str], str]]:
    """(start ms, end ms, lines, cue id) for every subtitle event, in film order (see :func:`events`)."""
    out = []
    for c in events(timeline, texts, language):
        lines = [RLM + line for line in c.lines] if is_rtl(language) else c.lines
        out.append((frame_ms(timeline, c.start_frame), frame_ms(timeline, c.end_frame), lines, c.cue_id))
    return out


def export_srt(timeline: Timeline, texts: dict[str, str] | None = None, language: str = "en") -> str:
    blocks = []
    for k, (a, b, lines, _) in enumerate(cues(timeline, texts, language), start=1):
        blocks.append(f"{k}\n{_stamp(a, ',')} --> {_stamp(b, ',')}\n" + "\n".join(lines) + "\n")
    return "\n".join(blocks)


def export_vtt(timeline: Timeline, texts: dict[str, str] | None = None, language: str = "en") -> str:
    head = f"WEBVTT\nLanguage: {language}\n"
    blocks = [head]
    for a, b, lines, line_id in cues(timeline, texts, language):
        blocks.append(f"{line_id}\n{_stamp(a, '.')} --> {_stamp(b, '.')}\n" + "\n".join(lines) + "\n")
    return "\n".join(blocks)


def parse_srt(text: str) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) of every cue of an SRT file (for checks)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        rows = block.splitlines()
        m = next((re.match(r"(\d+):(\d+):(\d+),(\d+) --> (\d+):(\d+):(\d+),(\d+)", r) for r in rows if "-->" in r), None)
        if not m:
            continue
        g = list(map(int, m.groups()))
        a = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        b = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        idx = next(i for i, r in enumerate(rows) if "-->" in r)
        out.append((a, b, "\n".join(rows[idx + 1:])))
    return out


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    """(start ms, end ms, text) of every cue of a WebVTT file (for checks)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        rows = block.splitlines()
        idx = next((i for i, r in enumerate(rows) if "-->" in r), None)
        if idx is None:
            continue
        m = re.match(r"(?:(\d+):)?(\d+):(\d+)\.(\d+) --> (?:(\d+):)?(\d+):(\d+)\.(\d+)", rows[idx])
        if not m:
            continue
        g = [int(x or 0) for x in m.groups()]
        a = ((g[0] * 60 + g[1]) * 60 + g[2]) * 1000 + g[3]
        b = ((g[4] * 60 + g[5]) * 60 + g[6]) * 1000 + g[7]
        out.append((a, b, "\n".join(rows[idx + 1:])))
    return out
