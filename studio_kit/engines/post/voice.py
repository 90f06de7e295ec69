"""Dialogue: each line spoken by its character's voice, shaped by the parenthetical.

Processing chain per line (pedalboard, 48 kHz mono):

1. backend speech (Piper for languages it speaks, espeak-ng for the rest), at the
   profile's rate times the delivery's;
2. vocal-tract (formant) shift by resampling, then a Rubber Band pitch shift with
   formants preserved that lands the pitch where the profile wants it: pitch and
   formant move independently;
3. shelving EQ (warmth 250 Hz, brightness 4 kHz), the delivery's filter
   (telephone/radio band-pass, off-screen muffling);
4. breath: high-passed noise that follows the speech envelope;
5. energy: level and gentle compression; peak normalised so lines sit at a
   consistent speaking level before the mix.

Deliveries from parentheticals and extensions: whispering → −10 dB, airy, no
low end; shouting → +6 dB, brighter, a little higher and faster; V.O. → close and
dry with presence; O.S. → muffled and distant; phone/radio/filtered/intercom →
300–3400 Hz band.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from studio_kit import registry
from studio_kit.domain.requests import Speech, speech_seconds
from studio_kit.domain.voice import VoiceProfile
from studio_kit.engines.post.audio import SR, db_to_gain, resample
from studio_kit.exceptions import AudioError
from studio_kit.registry import Backend

#: speaking level of a normal line before the mix (peak dBFS)
LINE_PEAK_DB = -3.0


@dataclass
class Delivery:
    """How a parenthetical or extension changes a line."""

    gain_db: float = 0.0
    pitch_semitones: float = 0.0
    formant_semitones: float = 0.0
    rate: float = 1.0
    breathiness: float = 0.0
    low_shelf_db: float = 0.0
    high_shelf_db: float = 0.0
    band: tuple[float, float] | None = None      # band-pass (telephone, radio)
    lowpass_hz: float | None = None              # off-screen muffling
    labels: list[str] = field(default_factory=list)


_WHISPER = re.compile(r"whisper|under (his|her|their) breath|hushed|barely audible|sotto voce|murmur", re.IGNORECASE)
_SHOUT = re.compile(r"shout|yell|scream|bellow|roar|furious|screaming|at the top of", re.IGNORECASE)
_QUIET = re.compile(r"quiet|soft|gently|low voice|tender|sad|tearful|weak", re.IGNORECASE)
_LOUD = re.compile(r"angr|loud|firm|sharp|excited|urgent|calling", re.IGNORECASE)
_FILTERED = re.compile(r"phone|radio|filtered|intercom|walkie|speaker|over the line|on the line|pa system|comms", re.IGNORECASE)


def delivery_for(parenthetical: str | None, extensions: list[str] | tuple[str, ...] = ()) -> Delivery:
    """The delivery a parenthetical (``(whispering)``) and cue extensions (``V.O.``) call for."""
    d = Delivery()
    text = (parenthetical or "").lower()
    exts = {e.upper().replace(" ", "") for e in extensions}
    if _WHISPER.search(text):
        d.gain_db, d.breathiness, d.low_shelf_db, d.high_shelf_db, d.rate = -10.0, 0.7, -6.0, 2.0, 0.95
        d.labels.append("whisper")
    elif _SHOUT.search(text):
        d.gain_db, d.pitch_semitones, d.formant_semitones, d.high_shelf_db, d.rate = 6.0, 2.0, 1.0, 5.0, 1.05
        d.labels.append("shout")
    elif _QUIET.search(text):
        d.gain_db, d.breathiness, d.rate = -5.0, 0.2, 0.95
        d.labels.append("quiet")
    elif _LOUD.search(text):
        d.gain_db, d.high_shelf_db = 3.0, 2.0
        d.labels.append("loud")
    if _FILTERED.search(text) or "FILTERED" in exts or "ONPHONE" in exts or "ONRADIO" in exts:
        d.band = (300.0, 3400.0)
        d.labels.append("filtered")
    elif "O.S." in exts or "O.C." in exts or "OS" in exts:
        d.lowpass_hz, d.gain_db = 3000.0, d.gain_db - 4.0
        d.labels.append("off-screen")
    elif "V.O." in exts or "VO" in exts:
        d.high_shelf_db += 1.5
        d.labels.append("voice-over")
    return d


def choose_backend(language: str, profile: VoiceProfile, backends: dict[str, Any]) -> Backend:
    """The profile's backend when it speaks ``language``, else Piper if it does, else espeak-ng.

    ``backends``: the registry's voice backends by name (each answers ``supports(language)``)."""
    order = [profile.backend, "piper", "espeak"]
    for name in order:
        b = backends.get(name)
        if b is not None and b.supports(language):
            return b

    raise AudioError(f"No installed voice speaks language {language!r}.",
                     hint="Use an ISO 639 code espeak-ng knows (`espeak-ng --voices`), e.g. es, fr, ar, ja, zh.")


def synthesize_line(backend: Backend, text: str, profile: VoiceProfile, *, language: str = "en",
                    parenthetical: str | None = None, extensions: list[str] | tuple[str, ...] = (),
                    stretch: float = 1.0) -> np.ndarray:
    """One dialogue line as 48 kHz mono float32, through ``registry.invoke`` (usage + provenance)."""
    d = delivery_for(parenthetical, extensions)
    voice = profile.language_voices.get(language.split("-")[0]) if backend.name != profile.backend else profile.voice
    rate = profile.rate * d.rate
    speech: Speech = registry.invoke(backend, "synthesize", text, voice=voice, language=language, rate=rate,
                                     params={"voice": voice, "language": language, "rate": rate,
                                             "profile": profile.model_dump(), "delivery": d.labels},
                                     inputs=[text], units=speech_seconds)
    return process(speech, profile, d, stretch=stretch)


def process(speech: Speech, profile: VoiceProfile, d: Delivery | None = None, *, stretch: float = 1.0) -> np.ndarray:
    """Apply the profile and delivery to raw backend speech → 48 kHz mono float32.

    ``stretch`` > 1 makes the line longer (dubbing fits lines into their slots with it).
    """
    import pedalboard as pb

    d = d or Delivery()
    x = speech.samples.astype(np.float32)
    sr = speech.sample_rate
    if len(x) == 0:
        return np.zeros(0, dtype=np.float32)
    formant = float(profile.formant_semitones + d.formant_semitones)
    if formant:
        # resampling moves pitch and formants together by `formant` semitones (and shortens the line)
        ratio = 2.0 ** (formant / 12.0)
        x = resample(x, round(sr * ratio), sr)
    pitch = profile.pitch_semitones + d.pitch_semitones - formant
    speed = 1.0 / ((2.0 ** (formant / 12.0)) * stretch) if formant else 1.0 / stretch
    if abs(pitch) > 1e-3 or abs(speed - 1.0) > 1e-4:
        x = pb.time_stretch(x[None, :], sr, stretch_factor=speed, pitch_shift_in_semitones=pitch,
                            preserve_formants=True, high_quality=False)[0]
    x = resample(x, sr, SR)
    chain: list[pb.Plugin] = [pb.HighpassFilter(70.0)]
    low, high = profile.low_shelf_db + d.low_shelf_db, profile.high_shelf_db + d.high_shelf_db
    if low:
        chain.append(pb.LowShelfFilter(cutoff_frequency_hz=250.0, gain_db=low))
    if high:
        chain.append(pb.HighShelfFilter(cutoff_frequency_hz=4000.0, gain_db=high))
    if d.band:
        chain += [pb.HighpassFilter(d.band[0]), pb.HighpassFilter(d.band[0]),
                  pb.LowpassFilter(d.band[1]), pb.LowpassFilter(d.band[1])]
    if d.lowpass_hz:  # through a wall: 24 dB/octave above the cut
        chain += [pb.LowpassFilter(d.lowpass_hz), pb.LowpassFilter(d.lowpass_hz)]
    energy = float(profile.energy)
    chain.append(pb.Compressor(threshold_db=-24.0 + 6.0 * (1.0 - min(energy, 1.5)), ratio=1.5 + energy,
                               attack_ms=5.0, release_ms=80.0))
    x = pb.Pedalboard(chain)(x[None, :].astype(np.float32), SR)[0]
    breath = min(1.0, profile.breathiness + d.breathiness)
    if breath > 0:
        x = x + _breath(x, breath)
    peak = float(np.max(np.abs(x))) or 1.0
    level = LINE_PEAK_DB + 20 * np.log10(max(0.3, min(2.0, energy))) * 0.5 + d.gain_db
    return (x * (db_to_gain(level) / peak)).astype(np.float32)


def _breath(x: np.ndarray, amount: float) -> np.ndarray:
    """Air: seeded white noise, high-passed, following the speech envelope."""
    import pedalboard as pb
    from scipy.ndimage import uniform_filter1d

    rng = np.random.default_rng(len(x))
    noise = rng.standard_normal(len(x)).astype(np.float32)
    noise = pb.Pedalboard([pb.HighpassFilter(1800.0), pb.LowpassFilter(9000.0)])(noise[None, :], SR)[0]
    env = uniform_filter1d(np.abs(x), size=int(0.03 * SR))
    return (noise * env * (1.6 * amount)).astype(np.float32)


def describe(profile: VoiceProfile) -> dict[str, Any]:
    return profile.model_dump()
