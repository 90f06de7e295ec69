"""The effects bed, synthesised procedurally (no sample library ships).

* **Room tone** per location type, for the whole scene: a quiet interior (soft
  pink noise, low hum), a diner/bar/restaurant (murmur), a street (traffic rumble),
  nature (wind), a vehicle interior (engine rumble), rain when the scene has it.
* **Spot effects** for the breakdown's sound tags (pre-production engine):
  door (knock or slam), phone (ring cadence 2 s on / 4 s off, 440 + 480 Hz),
  rain (a bed), traffic (passing car and a horn), thunder, gunshot, footsteps,
  siren, placed at the action beat of the tagged line.

Seeded: the same scene always gets the same bed.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from studio_kit.domain.timeline import Timeline
from studio_kit.engines.post.audio import SR
from studio_kit.engines.preproduction.service import break_down_script

ROOM_TYPES = [
    ("vehicle", re.compile(r"\b(car|cab|taxi|bus|train|truck|van|subway|plane|cockpit)\b", re.IGNORECASE)),
    ("crowd", re.compile(r"\b(diner|bar|pub|restaurant|cafe|café|canteen|party|club|lobby|station|market|cinema|"
                         r"auditorium|theater|theatre|mall)\b", re.IGNORECASE)),
    ("street", re.compile(r"\b(street|road|city|alley|avenue|parking|highway|sidewalk|downtown|intersection)\b", re.IGNORECASE)),
    ("nature", re.compile(r"\b(forest|woods|park|field|beach|shore|mountain|garden|desert|lake|river|meadow|farm|"
                          r"cliff|hill)\b", re.IGNORECASE)),
]
SPOTS = [
    ("door", re.compile(r"\b(door|knock\w*|slams?)\b", re.IGNORECASE)),
    ("phone", re.compile(r"\b(phone|rings?|ringing|ringtone|cellphone)\b", re.IGNORECASE)),
    ("rain", re.compile(r"\b(rain\w*|storm|downpour|drizzle)\b", re.IGNORECASE)),
    ("traffic", re.compile(r"\b(traffic|car horn|honk\w*|horn|cars? pass\w*)\b", re.IGNORECASE)),
    ("thunder", re.compile(r"\bthunder\w*\b", re.IGNORECASE)),
    ("gunshot", re.compile(r"\b(gunshots?|shots? rings? out|fires? the gun|bang)\b", re.IGNORECASE)),
    ("footsteps", re.compile(r"\b(footsteps|steps closer|running feet)\b", re.IGNORECASE)),
    ("siren", re.compile(r"\bsirens?\b", re.IGNORECASE)),
]


def room_type(slot: Any) -> str:
    text = f"{slot.location} {slot.heading}"
    if slot.int_ext.upper().startswith("EXT") and not any(p.search(text) for _, p in ROOM_TYPES[:3]):
        return "nature" if ROOM_TYPES[3][1].search(text) else "street"
    for name, pattern in ROOM_TYPES:
        if pattern.search(text):
            return name
    return "interior"


def _rng(*parts: Any) -> np.random.Generator:
    return np.random.default_rng(int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:8], 16))


def _filtered_noise(n: int, rng: np.random.Generator, low: float, high: float, pink: bool = True) -> np.ndarray:
    from scipy.signal import butter, sosfilt

    x = rng.standard_normal(n).astype(np.float32)
    if pink:  # -3 dB/octave: integrate white noise gently
        x = sosfilt(butter(1, 200 / (SR / 2), "low", output="sos"), x) * 4 + x * 0.3
    sos = butter(2, [max(20.0, low) / (SR / 2), min(high, SR / 2 - 100) / (SR / 2)], "band", output="sos")
    y = sosfilt(sos, x).astype(np.float32)
    return y / (np.sqrt(np.mean(y ** 2)) + 1e-9)


def room_tone(kind: str, n: int, seed: Any) -> np.ndarray:
    """(n, 2) of room tone at an RMS of about −50 dBFS (−42 for busy places)."""
    rng = _rng("room", kind, seed)
    t = np.arange(n) / SR
    if kind == "crowd":
        base = _filtered_noise(n, rng, 250, 3000)
        mod = 1 + 0.35 * np.sin(2 * np.pi * 0.7 * t + rng.random() * 6) * np.sin(2 * np.pi * 0.23 * t)
        mono, level = base * mod, -44
    elif kind == "street":
        mono, level = _filtered_noise(n, rng, 30, 600) * (1 + 0.3 * np.sin(2 * np.pi * 0.05 * t)), -42
    elif kind == "nature":
        mono, level = _filtered_noise(n, rng, 100, 2500) * (1 + 0.5 * np.sin(2 * np.pi * 0.08 * t + 1)), -48
    elif kind == "vehicle":
        mono = _filtered_noise(n, rng, 30, 250) + 0.3 * np.sin(2 * np.pi * 42 * t)
        mono, level = mono / (np.sqrt(np.mean(mono ** 2)) + 1e-9), -40
    else:
        mono = _filtered_noise(n, rng, 40, 4000) + 0.2 * np.sin(2 * np.pi * 60 * t)
        mono, level = mono / (np.sqrt(np.mean(mono ** 2)) + 1e-9), -52
    g = 10 ** (level / 20)
    other = np.roll(mono, int(0.013 * SR))  # decorrelated right channel: width without a second noise source
    return (np.stack([mono, other], axis=1) * g).astype(np.float32)


def spot(kind: str, seed: Any, seconds: float | None = None) -> np.ndarray:
    """One spot effect as (n, 2) float32."""
    rng = _rng("spot", kind, seed)

    def env(n: int, decay: float) -> np.ndarray:
        return np.exp(-np.arange(n) / (decay * SR)).astype(np.float32)

    if kind == "door":
        hits = []
        for k in range(3):
            n = int(0.18 * SR)
            thump = _filtered_noise(n, rng, 60, 900, pink=False) * env(n, 0.03)
            hits.append(np.concatenate([thump, np.zeros(int(0.12 * SR), dtype=np.float32)]))
            if k == 0 and rng.random() < 0.3:
                break
        mono = np.concatenate(hits) * 0.5
    elif kind == "phone":
        t = np.arange(int(2.0 * SR)) / SR
        ring = (np.sin(2 * np.pi * 440 * t) + np.sin(2 * np.pi * 480 * t)) * 0.15
        mono = np.concatenate([ring, np.zeros(int(4.0 * SR))]).astype(np.float32)
        mono = np.tile(mono, 2)[: int((seconds or 8.0) * SR)]
    elif kind == "rain":
        n = int((seconds or 6.0) * SR)
        mono = _filtered_noise(n, rng, 800, 9000, pink=False) * 0.02
        drops = rng.random(n) < 0.002
        mono = mono + np.convolve(drops.astype(np.float32) * rng.random(n).astype(np.float32), env(200, 0.002),
                                  mode="same") * 0.05
    elif kind == "traffic":
        n = int(4.0 * SR)
        t = np.arange(n) / SR
        swell = np.exp(-((t - 2.0) ** 2) / 0.8)
        mono = _filtered_noise(n, rng, 40, 1500) * swell * 0.06
        horn = np.sign(np.sin(2 * np.pi * 415 * t)) * ((t > 1.4) & (t < 1.9)) * 0.05
        mono = (mono + horn).astype(np.float32)
    elif kind == "thunder":
        n = int(3.5 * SR)
        mono = _filtered_noise(n, rng, 25, 400) * env(n, 0.9) * 0.4
    elif kind == "gunshot":
        n = int(0.8 * SR)
        mono = _filtered_noise(n, rng, 80, 8000, pink=False) * env(n, 0.06) * 0.6
    elif kind == "footsteps":
        steps = []
        for _ in range(6):
            n = int(0.09 * SR)
            steps.append(np.concatenate([_filtered_noise(n, rng, 100, 2500, pink=False) * env(n, 0.015) * 0.2,
                                         np.zeros(int(0.42 * SR), dtype=np.float32)]))
        mono = np.concatenate(steps)
    elif kind == "siren":
        t = np.arange(int(5.0 * SR)) / SR
        f = 700 + 300 * np.sin(2 * np.pi * 0.25 * t)
        mono = (np.sin(2 * np.pi * np.cumsum(f) / SR) * 0.06 * np.minimum(1, t / 1.5)).astype(np.float32)
    else:
        return np.zeros((0, 2), dtype=np.float32)
    mono = mono.astype(np.float32)
    return np.stack([mono, mono * 0.9], axis=1)


def sound_tags(script: Any) -> dict[int, list[tuple[int, str]]]:
    """Scene index → [(source line, spot kind)] from the pre-production breakdown's sound/effects tags."""
    _, breakdown = break_down_script(script)
    out: dict[int, list[tuple[int, str]]] = {}
    for sheet in breakdown.sheets:
        for tag in sheet.tags:
            if tag.category.value not in {"sound_music", "special_effects", "vehicles_animals"}:
                continue
            words = f"{tag.name} {tag.matched}"
            for kind, pattern in SPOTS:
                if pattern.search(words) and (tag.line, kind) not in out.get(sheet.scene_index, []):
                    out.setdefault(sheet.scene_index, []).append((tag.line, kind))
    return out


def effects_bed(timeline: Timeline, tags: dict[int, list[tuple[int, str]]] | None = None,
                total_samples: int | None = None) -> tuple[np.ndarray, list[dict[str, Any]]]:
    """The effects stem (n, 2) and a log of what was placed where."""
    spf = SR // timeline.fps
    n = total_samples or timeline.duration_frames * spf
    bed = np.zeros((n, 2), dtype=np.float32)
    log: list[dict[str, Any]] = []
    for slot in timeline.scenes:
        a, b = slot.start_frame * spf, min(n, slot.end_frame * spf)
        kind = room_type(slot)
        tone = room_tone(kind, b - a, f"{timeline.title}:{slot.scene_number}")
        fade = min(len(tone) // 2, int(0.05 * SR))
        if fade:
            ramp = np.linspace(0, 1, fade, dtype=np.float32)[:, None]
            tone[:fade] *= ramp
            tone[-fade:] *= ramp[::-1]
        bed[a:b] += tone
        log.append({"scene": slot.scene_number, "kind": f"room tone: {kind}", "at_frame": slot.start_frame})
        events = [e for s in slot.shots for e in s.events]
        for line, what in (tags or {}).get(slot.scene_index, []):
            ev = next((e for e in events if e.source_line == line), None) or \
                next((e for e in events if e.kind == "action" and e.source_line <= line), None)
            start = (ev.start_frame if ev else slot.start_frame) * spf
            length = (b - start) / SR if what == "rain" else None
            fx = spot(what, f"{timeline.title}:{slot.scene_number}:{line}", length)
            end = min(b, start + len(fx))
            if end > start:
                bed[start:end] += fx[: end - start]
                log.append({"scene": slot.scene_number, "kind": what, "at_frame": start // spf, "line": line})
    return bed, log
