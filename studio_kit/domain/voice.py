"""A character's voice profile: which voice speaks and how it is processed.

Kept in the character bible (``CharacterBible.voice``) and frozen into the
identity record when the character is locked, so a locked character sounds the
same in every scene and language. With one shipped neural speaker, characters
are told apart by processing: formant-preserving pitch shift, a formant
(vocal-tract) shift, shelving EQ, energy and breathiness.

:func:`derive_voice_profile` derives a profile deterministically from the bible
(age, gender evidence from pronouns and description, role, personality words);
a user may edit any field (``source`` becomes ``"edited"``).
"""
from __future__ import annotations

import hashlib
import re
from typing import Any, Literal

from pydantic import BaseModel, Field


class VoiceProfile(BaseModel):
    """How one character sounds."""

    backend: str = "piper"                    # voice backend for the film's language
    voice: str | None = None                  # the backend's voice id (None: its default)
    language_voices: dict[str, str] = Field(default_factory=dict)  # per dub language: "es" -> "es+m3"
    rate: float = Field(1.0, ge=0.5, le=1.6)  # speaking speed, 1.0 = the voice's pace
    pitch_semitones: float = Field(0.0, ge=-12, le=12)   # formant-preserving pitch shift
    formant_semitones: float = Field(0.0, ge=-6, le=6)   # vocal-tract shift (+ smaller, brighter)
    low_shelf_db: float = Field(0.0, ge=-12, le=12)      # warmth, shelf at 250 Hz
    high_shelf_db: float = Field(0.0, ge=-12, le=12)     # brightness, shelf at 4 kHz
    energy: float = Field(1.0, ge=0.3, le=2.0)           # projection: level and compression
    breathiness: float = Field(0.0, ge=0.0, le=1.0)      # 0 clean … 1 very airy
    source: Literal["derived", "edited"] = "derived"
    notes: str = ""                                      # what it was derived from

    def edited(self, **changes: Any) -> VoiceProfile:
        return self.model_copy(update={**changes, "source": "edited"})


_FEMALE = re.compile(r"\b(she|her|hers|woman|women|girl|lady|mother|mom|mum|daughter|sister|wife|aunt|"
                     r"grandmother|queen|actress|waitress|female|ms|mrs|miss)\b", re.IGNORECASE)
_MALE = re.compile(r"\b(he|him|his|man|men|boy|guy|father|dad|son|brother|husband|uncle|grandfather|king|"
                   r"male|mr|sir)\b", re.IGNORECASE)
_TRAITS: list[tuple[re.Pattern[str], dict[str, float], str]] = [
    (re.compile(r"\b(gruff|gravel\w*|tough|stern|cold|menacing|brooding|grizzled|hard)\b", re.IGNORECASE),
     {"pitch_semitones": -1.5, "low_shelf_db": 3.0, "high_shelf_db": -2.0, "energy": 0.05}, "gruff"),
    (re.compile(r"\b(nervous|anxious|excit\w*|cheerful|bubbly|energetic|eager|jittery|restless)\b", re.IGNORECASE),
     {"rate": 0.08, "pitch_semitones": 1.0, "high_shelf_db": 1.5}, "quick"),
    (re.compile(r"\b(calm|gentle|soft\w*|shy|kind|quiet|tender|weary|tired|sad|melanchol\w*)\b", re.IGNORECASE),
     {"rate": -0.06, "energy": -0.15, "breathiness": 0.15}, "soft"),
    (re.compile(r"\b(loud|confident|brash|bold|commanding|fierce|angry|boisterous)\b", re.IGNORECASE),
     {"energy": 0.2, "high_shelf_db": 2.0}, "bold"),
    (re.compile(r"\b(warm|kindly|soothing|deep)\b", re.IGNORECASE), {"low_shelf_db": 2.0}, "warm"),
]


def gender_evidence(pronouns: str, description: str) -> str:
    """``female``, ``male`` or ``neutral`` from the pronouns, else the description's words."""
    p = (pronouns or "").lower()
    if p.startswith("she"):
        return "female"
    if p.startswith("he"):
        return "male"
    f, m = len(_FEMALE.findall(description or "")), len(_MALE.findall(description or ""))
    return "female" if f > m else "male" if m > f else "neutral"


def derive_voice_profile(bible: Any, *, language: str = "en") -> VoiceProfile:
    """A deterministic profile from a :class:`~studio_kit.domain.character.CharacterBible`.

    Base: the shipped male Piper voice. Female voices go up 5 semitones with
    formants up 2.5 (a smaller vocal tract), neutral half way; children higher
    and quicker, elders lower, slower and breathier; personality words shade
    rate, EQ, energy and breath; a small offset from the character id keeps two
    otherwise identical characters apart.
    """
    description = " ".join([getattr(bible, "description", "") or "", " ".join(getattr(bible, "traits", []) or [])])
    gender = gender_evidence(getattr(bible, "pronouns", ""), description)
    v: dict[str, float] = {"rate": 1.0, "pitch_semitones": 0.0, "formant_semitones": 0.0, "low_shelf_db": 0.0,
                           "high_shelf_db": 0.0, "energy": 1.0, "breathiness": 0.0}
    notes = [gender]
    if gender == "female":
        v["pitch_semitones"] += 5.0
        v["formant_semitones"] += 2.5
    elif gender == "neutral":
        v["pitch_semitones"] += 2.5
        v["formant_semitones"] += 1.2
    age = getattr(bible, "age", None)
    if age is not None:
        notes.append(f"age {age}")
        if age < 13:
            v["pitch_semitones"] += 3.0
            v["formant_semitones"] += 1.5
            v["rate"] += 0.05
        elif age < 20:
            v["pitch_semitones"] += 1.0
            v["formant_semitones"] += 0.5
        elif age >= 65:
            v["pitch_semitones"] -= 1.0
            v["rate"] -= 0.1
            v["breathiness"] += 0.25
            v["high_shelf_db"] -= 1.0
        elif age >= 45:
            v["pitch_semitones"] -= 0.5
            v["low_shelf_db"] += 1.0
    for pattern, shift, label in _TRAITS:
        if pattern.search(description):
            notes.append(label)
            for key, delta in shift.items():
                v[key] += delta
    role = (getattr(bible, "role", "") or "").lower()
    if role in {"lead", "presenter"}:
        v["energy"] += 0.05
    elif role in {"minor", "day player"}:
        v["energy"] -= 0.05
    digest = hashlib.sha256(str(getattr(bible, "character_id", "") or getattr(bible, "name", "")).encode()).digest()
    v["pitch_semitones"] += (digest[0] % 5 - 2) * 0.4
    v["high_shelf_db"] += (digest[1] % 5 - 2) * 0.5
    return VoiceProfile(
        backend="piper" if language.split("-")[0] == "en" else "espeak",
        rate=round(min(1.6, max(0.5, v["rate"])), 3),
        pitch_semitones=round(max(-12.0, min(12.0, v["pitch_semitones"])), 2),
        formant_semitones=round(max(-6.0, min(6.0, v["formant_semitones"])), 2),
        low_shelf_db=round(max(-12.0, min(12.0, v["low_shelf_db"])), 2),
        high_shelf_db=round(max(-12.0, min(12.0, v["high_shelf_db"])), 2),
        energy=round(max(0.3, min(2.0, v["energy"])), 3),
        breathiness=round(max(0.0, min(1.0, v["breathiness"])), 3),
        notes=", ".join(notes))


def spread_profiles(profiles: dict[str, VoiceProfile], min_semitones: float = 2.0) -> dict[str, VoiceProfile]:
    """Keep every derived voice at least ``min_semitones`` from the next one on the same backend voice.

    Deterministic: voices sorted by (pitch, name); a voice too close to the one below
    moves up, then the group is re-centred on its original mean. Edited profiles
    are never moved.
    """
    out = dict(profiles)
    groups: dict[tuple[str, str | None], list[str]] = {}
    for name, p in profiles.items():
        if p.source == "derived":
            groups.setdefault((p.backend, p.voice), []).append(name)
    for names in groups.values():
        order = sorted(names, key=lambda n: (profiles[n].pitch_semitones, n))
        pitches = [profiles[n].pitch_semitones for n in order]
        new = list(pitches)
        for i in range(1, len(new)):
            new[i] = max(new[i], new[i - 1] + min_semitones)
        shift = (sum(pitches) - sum(new)) / len(new)
        for n, spread in zip(order, new, strict=True):
            pitch = round(max(-12.0, min(12.0, spread + shift)), 2)
            out[n] = profiles[n].model_copy(update={"pitch_semitones": pitch})
    return out
