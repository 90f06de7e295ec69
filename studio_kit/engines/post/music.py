"""Scene-aware score: each scene's mood → a cue plan → a rendered cue placed on the timeline.

Mood of a scene, from what the script says:

* **beat position** in the story (setup, rising action, crisis, climax, resolution)
  from the scene's place in the film (or the generated script's scene kinds);
* **genre** (script metadata) → palette of General MIDI instruments;
* **time of day** (night darkens: minor modes, lower tempo);
* **sentiment** of the scene's words from a small lexicon (positive/negative/tense words);
* **pace**: words per second of screen time and exclamation marks.

These give valence (−1…1) and arousal (0…1), which map to mode (major when
valence ≥ 0, dorian when mildly negative, minor, phrygian when dark and tense),
key (one film key; minor scenes use its relative minor), tempo (60–140 BPM),
progression, instrumentation and intensity. Consecutive scenes with the same mood
share one cue, so the music changes only when the mood does. Cues start and end
on scene boundaries of the timeline and are exactly as long as their scenes.
"""
from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from studio_kit import registry
from studio_kit.domain.requests import CuePlan, cue_seconds
from studio_kit.domain.script import Script
from studio_kit.domain.timeline import Timeline
from studio_kit.engines.post.audio import SR
from studio_kit.registry import Backend
from studio_kit.store.files import atomic_path

_POSITIVE = {"love", "laugh", "laughs", "laughing", "smile", "smiles", "smiling", "happy", "joy", "hope", "hug", "hugs", "kiss", "kisses", "warm", "bright", "sun", "sunny", "light", "gift", "friend", "friends", "together", "home", "safe", "win", "wins", "won", "celebrate", "party", "dance", "dances", "beautiful", "thank", "thanks", "sweet", "gentle", "kind", "calm", "peace", "free", "glad", "proud", "yes", "wonderful", "lovely", "good", "great", "best", "alive", "dream", "dreams", "shine", "shines", "golden", "laughter", "cheer", "cheers", "embrace"}
_NEGATIVE = {"dead", "death", "die", "dies", "dying", "kill", "kills", "killed", "blood", "cry", "cries", "crying", "tears", "alone", "lost", "lose", "loss", "fear", "afraid", "scared", "dark", "darkness", "cold", "hate", "angry", "anger", "sad", "sorry", "grief", "pain", "hurt", "hurts", "broken", "break", "breaks", "gone", "never", "empty", "funeral", "grave", "ruin", "ruined", "fail", "failed", "wrong", "guilty", "regret", "lonely", "sick", "storm", "rain", "ash"}
_TENSE = {"gun", "guns", "knife", "shot", "shots", "run", "runs", "running", "chase", "chases", "scream", "screams", "explosion", "fire", "danger", "blood", "police", "siren", "sirens", "bomb", "trap", "hide", "hides", "hiding", "fight", "fights", "attack", "attacks", "panic", "hurry", "faster", "now", "quick", "slams", "crash", "crashes", "smash", "shatters", "shatter", "threat", "trapped", "escape", "locked", "alarm"}

GENRE_PALETTES: dict[str, list[int]] = {
    # pad/strings, melody, bass (General MIDI programs, 0-based)
    "drama": [48, 0, 42], "romance": [49, 73, 32], "comedy": [45, 71, 32], "thriller": [50, 89, 38],
    "horror": [50, 92, 38], "crime": [48, 65, 33], "action": [48, 61, 38], "sci-fi": [89, 81, 38],
    "fantasy": [48, 46, 42], "documentary": [48, 0, 32], "family": [48, 72, 32], "ad": [0, 24, 33],
}
KEYS = ["C", "G", "D", "A", "E", "F", "Bb", "Eb"]
_RELATIVE_MINOR = {"C": "A", "G": "E", "D": "B", "A": "F#", "E": "C#", "F": "D", "Bb": "G", "Eb": "C"}


@dataclass
class SceneMood:
    scene_number: str
    beat: str
    valence: float
    arousal: float
    night: bool
    words: list[str]

    @property
    def signature(self) -> tuple[str, str, int]:
        """Scenes with equal signatures share a cue."""
        return (self.mode, self.beat if self.beat in {"climax", "resolution"} else "", round(self.arousal * 3))

    @property
    def mode(self) -> str:
        if self.valence >= 0.05:
            return "major"
        if self.valence > -0.25 and not self.night:
            return "dorian"
        if self.arousal > 0.7 and self.valence < -0.3:
            return "phrygian"
        return "minor"


@dataclass
class Cue:
    plan: CuePlan
    start_sample: int
    scenes: list[str]
    start_frame: int
    end_frame: int


def _beat(position: float, kind: str | None) -> str:
    if kind:
        k = kind.lower()
        for name in ("climax", "crisis", "resolution", "midpoint", "inciting", "setup"):
            if name in k:
                return name
    if position < 0.12:
        return "setup"
    if position < 0.5:
        return "rising"
    if position < 0.75:
        return "crisis"
    if position < 0.92:
        return "climax"
    return "resolution"


def scene_moods(script: Script, timeline: Timeline) -> list[SceneMood]:
    kinds = (script.metadata or {}).get("scene_kinds") or []
    moods = []
    total = max(1, timeline.duration_frames)
    by_index = {s.index: s for s in script.scenes}
    for slot in timeline.scenes:
        scene = by_index.get(slot.scene_index)
        text = " ".join(e.text for e in scene.elements) if scene else slot.heading
        words = re.findall(r"[a-z']+", text.lower())
        pos = sum(w in _POSITIVE for w in words)
        neg = sum(w in _NEGATIVE for w in words)
        tense = sum(w in _TENSE for w in words)
        n = max(1, len(words))
        valence = (pos - neg - 0.5 * tense) / max(3.0, (pos + neg + tense))
        night = "NIGHT" in slot.time_of_day.upper() or "DUSK" in slot.time_of_day.upper()
        if night:
            valence -= 0.15
        wps = n / max(1.0, timeline.seconds(slot.duration_frames))
        excl = text.count("!")
        kind = kinds[slot.scene_index] if slot.scene_index < len(kinds) else None
        beat = _beat((slot.start_frame + slot.duration_frames / 2) / total, kind)
        arousal = 0.25 + 0.1 * min(3.0, wps) + 0.05 * min(4, excl) + 0.12 * min(3, tense)
        arousal += {"climax": 0.3, "crisis": 0.15, "inciting": 0.1, "resolution": -0.15}.get(beat, 0.0)
        moods.append(SceneMood(slot.scene_number, beat, float(np.clip(valence, -1, 1)),
                               float(np.clip(arousal, 0, 1)), night,
                               [w for w in words if w in _POSITIVE | _NEGATIVE | _TENSE][:6]))
    return moods


def plan_cues(script: Script, timeline: Timeline, *, genre: str | None = None) -> list[Cue]:
    """One cue per run of scenes with the same mood; lengths exactly the scenes' on the timeline."""
    genre = (genre or str((script.metadata or {}).get("genre", "")) or "drama").lower()
    palette = GENRE_PALETTES.get(genre, GENRE_PALETTES["drama"])
    film_key = KEYS[int(hashlib.sha256((script.title or "untitled").encode()).hexdigest()[:6], 16) % len(KEYS)]
    moods = scene_moods(script, timeline)
    groups: list[list[int]] = []
    for i, m in enumerate(moods):
        if groups and moods[groups[-1][-1]].signature == m.signature:
            groups[-1].append(i)
        else:
            groups.append([i])
    spf = SR // timeline.fps
    cues = []
    for n, group in enumerate(groups, start=1):
        slots = [timeline.scenes[i] for i in group]
        ms = [moods[i] for i in group]
        valence = float(np.mean([m.valence for m in ms]))
        arousal = float(np.max([m.arousal for m in ms]))
        mode = ms[0].mode
        key = film_key if mode in {"major", "lydian"} else _RELATIVE_MINOR.get(film_key, "A")
        if mode == "major":
            progression = ["I", "V", "vi", "IV"] if valence > 0.3 else ["I", "vi", "IV", "V"]
        elif mode == "dorian":
            progression = ["i", "IV", "i", "VII"]
        elif mode == "phrygian":
            progression = ["i", "II", "i", "VII"]
        else:
            progression = ["i", "VI", "III", "VII"] if arousal < 0.6 else ["i", "iv", "v", "i"]
        instruments = list(palette)
        if ms[0].night and mode != "major":
            instruments[0] = 89 if genre in {"thriller", "horror", "sci-fi"} else 49  # warm pad / slow strings
        start_frame, end_frame = slots[0].start_frame, slots[-1].end_frame
        samples = (end_frame - start_frame) * spf
        beats = [m.beat for m in ms]
        mood_words = ", ".join(dict.fromkeys([mode, *beats, "night" if ms[0].night else "day"]))
        last = n == len(groups)
        plan = CuePlan(cue_id=f"1M{n}", title=f"{(script.title or 'Untitled')} – {beats[0].title()} {n}",
                       samples=samples, key=key, mode=mode, tempo=round(60 + 80 * arousal, 1),
                       progression=progression, instruments=instruments, intensity=round(arousal, 2),
                       ending="cadence" if last or moods[group[-1]].beat == "resolution" else "fade",
                       mood=mood_words, seed=n,
                       meta={"valence": round(valence, 2), "arousal": round(arousal, 2),
                             "scenes": [s.scene_number for s in slots], "words": ms[0].words})
        cues.append(Cue(plan, start_frame * spf, [s.scene_number for s in slots], start_frame, end_frame))
    return cues


def render_score(cues: list[Cue], backend: Backend, total_samples: int, progress: Any = None) -> np.ndarray:
    """Every cue rendered through ``registry.invoke`` and laid at its scene's start: the music stem (n, 2)."""
    stem = np.zeros((total_samples, 2), dtype=np.float32)
    for cue in cues:
        audio = registry.invoke(backend, "render", cue.plan, seed=cue.plan.seed,
                                params=cue.plan.to_dict(), inputs=[cue.plan.to_dict()],
                                units=lambda a: cue_seconds(a))
        end = min(total_samples, cue.start_sample + len(audio))
        stem[cue.start_sample:end] += audio[: end - cue.start_sample]
        if progress:
            progress(cue)
    return stem


def cue_sheet_rows(cues: list[Cue], timeline: Timeline) -> list[dict[str, str]]:
    rows = []
    for c in cues:
        rows.append({"cue": c.plan.cue_id, "scene": ", ".join(c.scenes), "in": timeline.timecode(c.start_frame),
                     "out": timeline.timecode(c.end_frame),
                     "duration": timeline.timecode(c.end_frame - c.start_frame),
                     "title": c.plan.title, "mood": c.plan.mood,
                     "key": f"{c.plan.key} {c.plan.mode}", "tempo": f"{c.plan.tempo:g}", "usage": "BI"})
    return rows


def export_cue_sheet_csv(cues: list[Cue], timeline: Timeline) -> str:
    buf = io.StringIO()
    rows = cue_sheet_rows(cues, timeline)
    fields = ["cue", "scene", "in", "out", "duration", "title", "mood", "key", "tempo", "usage"]
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def export_cue_sheet_pdf(cues: list[Cue], timeline: Timeline, path: Any) -> Any:
    """A one-table music cue sheet PDF (reportlab), written atomically."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import (
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )


    rows = cue_sheet_rows(cues, timeline)
    styles = getSampleStyleSheet()
    head = ["Cue", "Scene", "In", "Out", "Duration", "Title", "Mood", "Key", "Tempo", "Use"]
    data = [head] + [[r["cue"], r["scene"], r["in"], r["out"], r["duration"], Paragraph(r["title"], styles["BodyText"]),
                      Paragraph(r["mood"], styles["BodyText"]), r["key"], r["tempo"], r["usage"]] for r in rows]
    with atomic_path(path) as tmp:
        doc = SimpleDocTemplate(str(tmp), pagesize=landscape(letter), title=f"Music cue sheet – {timeline.title}")
        table = Table(data, repeatRows=1, colWidths=[40, 50, 70, 70, 60, 170, 130, 60, 40, 30])
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                                   ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey),
                                   ("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        doc.build([Paragraph(f"Music cue sheet — {timeline.title or 'Untitled'}", styles["Title"]),
                   Paragraph(f"{len(rows)} cues, {timeline.timecode(timeline.duration_frames)} at "
                             f"{timeline.fps} fps. Use: BI background instrumental.", styles["BodyText"]),
                   Spacer(1, 8), table])
    return path
