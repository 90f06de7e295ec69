"""Dubbing: each line translated, voiced in the character's profile in that language, fitted to its slot.

The original film's timeline stays the timing: a dubbed line must sit in the
slot of the line it replaces. A line that runs long is sped up by up to 15 %
(Rubber Band time-stretch, pitch and formants kept); one that still overruns is
kept whole (it runs into the pause after it) and flagged for rewriting with
its overrun in milliseconds. The dub is mixed over the original's M&E (music
and effects, ducked against the new dialogue) to the delivery spec, with
translated subtitles (right-to-left marks for Arabic/Hebrew, CJK wrapping).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit.domain.timeline import Timeline
from studio_kit.engines.post.audio import SR

MAX_STRETCH = 0.15


@dataclass
class LineFit:
    line_id: str
    slot_ms: int
    natural_ms: int
    fitted_ms: int
    speed: float                 # 1.0 = as synthesised, 1.15 = 15 % faster
    overrun_ms: int = 0

    @property
    def flagged(self) -> bool:
        return self.overrun_ms > 0

    def to_dict(self) -> dict[str, Any]:
        return {"line_id": self.line_id, "slot_ms": self.slot_ms, "natural_ms": self.natural_ms,
                "fitted_ms": self.fitted_ms, "speed": round(self.speed, 3), "overrun_ms": self.overrun_ms,
                "flagged": self.flagged}


@dataclass
class DubPlan:
    language: str
    texts: dict[str, str]
    fits: list[LineFit] = field(default_factory=list)

    @property
    def flagged(self) -> list[LineFit]:
        return [f for f in self.fits if f.flagged]


def lines_sheet(timeline: Timeline, language: str) -> list[dict[str, str]]:
    """The rows translators fill in: line id, character, delivery, source text, slot length."""
    rows = []
    for e in timeline.dialogue():
        rows.append({"line_id": e.line_id or "", "character": e.character or "", "parenthetical": e.parenthetical or "",
                     "source": e.text, "max_seconds": f"{timeline.seconds(e.duration_frames):.2f}",
                     "language": language, "translation": ""})
    return rows


def export_lines_csv(timeline: Timeline, language: str) -> str:
    buf = io.StringIO()
    rows = lines_sheet(timeline, language)
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]) if rows else ["line_id", "translation"])
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def export_lines_po(timeline: Timeline, language: str) -> str:
    """The translators' sheet as a gettext .po file (the file backend reads it back with the translations)."""
    return write_po(lines_sheet(timeline, language), language)


def write_po(rows: list[dict[str, str]], language: str) -> str:
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'

    head = ['msgid ""', 'msgstr ""', f'"Language: {language}\\n"', '"Content-Type: text/plain; charset=UTF-8\\n"', ""]
    body = []
    for r in rows:
        body += [f"#. {r['character']} {r.get('parenthetical') or ''} — slot {r['max_seconds']} s".rstrip(),
                 f"msgctxt {q(r['line_id'])}", f"msgid {q(r['source'])}", f"msgstr {q(r.get('translation', ''))}", ""]
    return "\n".join(head + body)


def fit_line(speak_fn: Any, line_id: str, slot_samples: int) -> tuple[np.ndarray, LineFit]:
    """Voice a line and fit it to ``slot_samples`` (speed up to 15 %); flag what still overruns."""
    natural = speak_fn(1.0)
    speed = 1.0
    audio = natural
    if len(natural) > slot_samples:
        speed = min(1.0 + MAX_STRETCH, len(natural) / slot_samples)
        audio = speak_fn(1.0 / speed)
    overrun = max(0, len(audio) - slot_samples)
    fit = LineFit(line_id, round(slot_samples * 1000 / SR), round(len(natural) * 1000 / SR),
                  round(len(audio) * 1000 / SR), speed, round(overrun * 1000 / SR))
    return audio, fit


def place_dub(timeline: Timeline, lines: dict[str, np.ndarray]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Like the original placement, but a flagged line may run on until the next speech starts."""
    spf = SR // timeline.fps
    n = timeline.duration_frames * spf
    events = timeline.dialogue()
    chars: dict[str, np.ndarray] = {}
    for k, e in enumerate(events):
        audio = lines.get(e.line_id or "")
        if audio is None or not len(audio):
            continue
        nxt = next((o.start_frame for o in events[k + 1:] if o.start_frame > e.start_frame), timeline.duration_frames)
        a = e.start_frame * spf
        b = min(n, a + len(audio), max(e.end_frame, nxt) * spf)
        stem = chars.setdefault(e.character or "?", np.zeros(n, dtype=np.float32))
        stem[a:b] += audio[: b - a]
    dialogue = np.sum(list(chars.values()), axis=0).astype(np.float32) if chars else np.zeros(n, dtype=np.float32)
    return chars, dialogue


def report_csv(plan: DubPlan) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=["line_id", "slot_ms", "natural_ms", "fitted_ms", "speed", "overrun_ms",
                                             "flagged", "text"])
    writer.writeheader()
    for f in plan.fits:
        writer.writerow({**f.to_dict(), "text": plan.texts.get(f.line_id, "")})
    return buf.getvalue()


def translations_path(path: str | Path | None) -> Path | None:
    return Path(path) if path else None
