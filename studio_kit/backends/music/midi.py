"""``midi`` music backend: writes the cue as MIDI (pretty_midi) and renders it with FluidSynth.

Offline default. The soundfont is FluidR3 General MIDI from the Debian package
``fluid-soundfont-gm`` (``/usr/share/sounds/sf2/FluidR3_GM.sf2``); the synthesiser
is the Debian ``fluidsynth`` program. Whole bars are fitted to the cue by
nudging the tempo, the last bar resolves on the tonic (or the cue fades), and
the render is cut to the exact sample count with a short release fade.
"""
from __future__ import annotations

import hashlib
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit.backends.base import Availability
from studio_kit.backends.music.base import MusicBackend
from studio_kit.domain.requests import CuePlan
from studio_kit.engines.post.audio import fit_length, resample
from studio_kit.exceptions import BackendUnavailableError

SOUNDFONTS = ("/usr/share/sounds/sf2/FluidR3_GM.sf2", "/usr/share/sounds/sf2/TimGM6mb.sf2",
              "/usr/share/sounds/sf2/default-GM.sf2")
PITCH_CLASSES = {"C": 0, "C#": 1, "Db": 1, "D": 2, "D#": 3, "Eb": 3, "E": 4, "F": 5, "F#": 6, "Gb": 6, "G": 7,
                 "G#": 8, "Ab": 8, "A": 9, "A#": 10, "Bb": 10, "B": 11}
SCALES = {"major": [0, 2, 4, 5, 7, 9, 11], "minor": [0, 2, 3, 5, 7, 8, 10], "dorian": [0, 2, 3, 5, 7, 9, 10],
          "phrygian": [0, 1, 3, 5, 7, 8, 10], "lydian": [0, 2, 4, 6, 7, 9, 11]}
_NUMERALS = {"i": 0, "ii": 1, "iii": 2, "iv": 3, "v": 4, "vi": 5, "vii": 6}


def find_soundfont(path: str | Path | None = None) -> Path:
    """The General MIDI soundfont to render with; a clear error naming the Debian package when absent."""
    candidates = [Path(path)] if path else [Path(p) for p in SOUNDFONTS]
    for c in candidates:
        if c.is_file():
            return c
    raise BackendUnavailableError(
        f"No General MIDI soundfont found ({', '.join(str(c) for c in candidates)}).",
        hint="Install the Debian package fluid-soundfont-gm (sudo apt-get install fluid-soundfont-gm fluidsynth) "
             "or point STUDIO_SOUNDFONT at an .sf2 file.")


def _fluidsynth() -> str:
    exe = shutil.which("fluidsynth")
    if not exe:
        raise BackendUnavailableError("The fluidsynth program is not installed.",
                                      hint="Install the Debian package fluidsynth (sudo apt-get install fluidsynth).")
    return exe


def chord_degrees(numeral: str) -> tuple[int, str]:
    """Roman numeral → (scale degree 0–6, flavour): "bVII" is handled as degree 6 of the mode."""
    core = numeral.strip().lstrip("b#")
    quality = "7" if core.endswith("7") else ""
    core = core.rstrip("7").rstrip("°o")
    return _NUMERALS.get(core.lower(), 0), quality


class MidiMusicBackend(MusicBackend):
    """Procedural score: MIDI from the cue plan, rendered by FluidSynth with a GM soundfont."""

    name = "midi"
    capabilities = frozenset({"score", "midi", "deterministic"})

    def __init__(self, model_path: str | Path | None = None, soundfont: str | Path | None = None, **options: Any):
        super().__init__(model_path, **options)
        self.soundfont = find_soundfont(soundfont or model_path)

    @classmethod
    def availability(cls, settings: Any = None) -> Availability:
        if not shutil.which("fluidsynth"):
            return Availability(False, "fluidsynth is not installed (apt-get install fluidsynth)")
        try:
            sf = find_soundfont()
        except BackendUnavailableError as exc:
            return Availability(False, exc.message)
        return Availability(True, f"FluidSynth + {sf.name}")

    @property
    def model_id(self) -> str | None:
        return f"fluidsynth:{self.soundfont.name}"

    # -- composition -----------------------------------------------------------
    def midi(self, plan: CuePlan, seed: int | None = None):
        """The cue as a ``pretty_midi.PrettyMIDI`` (whole bars fitted to the cue's length)."""
        import pretty_midi

        seconds = plan.seconds
        beat_target = 60.0 / max(40.0, min(180.0, plan.tempo))
        bar_target = beat_target * plan.beats_per_bar
        bars = max(1, round(seconds / bar_target))
        bar = seconds / bars
        beat = bar / plan.beats_per_bar
        pm = pretty_midi.PrettyMIDI(initial_tempo=60.0 / beat)
        rng = np.random.default_rng(int(hashlib.sha256(f"{plan.cue_id}:{seed or plan.seed}".encode())
                                        .hexdigest()[:8], 16))
        tonic = 48 + PITCH_CLASSES.get(plan.key, 0)
        scale = SCALES.get(plan.mode, SCALES["major"])
        intensity = float(np.clip(plan.intensity, 0.0, 1.0))
        programs = plan.instruments or [48]
        pad = pretty_midi.Instrument(program=programs[0], name="pad")
        bass = pretty_midi.Instrument(program=programs[2] if len(programs) > 2 else 32, name="bass")
        lead = pretty_midi.Instrument(program=programs[1] if len(programs) > 1 else 0, name="melody")
        pm.instruments += [pad, bass, lead]
        vel = int(45 + 55 * intensity)
        progression = plan.progression or ["I"]

        def chord(numeral: str) -> list[int]:
            deg, quality = chord_degrees(numeral)
            notes = [tonic + scale[(deg + k) % 7] + 12 * ((deg + k) // 7) for k in (0, 2, 4)]
            if quality == "7":
                notes.append(tonic + scale[(deg + 6) % 7] + 12 * ((deg + 6) // 7))
            return notes

        subdivisions = 1 if intensity < 0.3 else 2 if intensity < 0.7 else 4
        last_pitch = tonic + 24
        for b in range(bars):
            start = b * bar
            final = b == bars - 1
            numeral = "I" if final and plan.ending == "cadence" else progression[b % len(progression)]
            notes = chord(numeral)
            end = start + bar if not final else seconds
            for p in notes:
                pad.notes.append(pretty_midi.Note(velocity=max(20, vel - 15), pitch=p, start=start, end=end))
            bass.notes.append(pretty_midi.Note(velocity=vel, pitch=notes[0] - 12, start=start, end=end))
            if final and plan.ending == "cadence":
                lead.notes.append(pretty_midi.Note(velocity=vel, pitch=tonic + 24, start=start, end=end))
                continue
            steps = plan.beats_per_bar * subdivisions
            for s in range(steps):
                t0 = start + s * beat / subdivisions
                if intensity < 0.3 and s % 2:
                    continue
                # a melody walking the chord tones and scale, step-wise, seeded
                chord_tones = [n + 24 for n in notes]
                if s % subdivisions == 0:
                    target = min(chord_tones, key=lambda n: abs(n - last_pitch) + rng.random() * 3)
                else:
                    options = [tonic + 24 + scale[i % 7] + 12 * (i // 7) for i in range(-3, 10)]
                    target = min(options, key=lambda n: abs(n - last_pitch - rng.choice([-2, -1, 1, 2])))
                last_pitch = target
                lead.notes.append(pretty_midi.Note(velocity=int(vel * (0.9 if s % subdivisions else 1.0)),
                                                   pitch=int(target), start=t0,
                                                   end=min(end, t0 + beat / subdivisions * 0.95)))
        if intensity >= 0.75:  # climaxes get timpani on the downbeats
            timp = pretty_midi.Instrument(program=47, name="timpani")
            for b in range(bars):
                timp.notes.append(pretty_midi.Note(velocity=vel, pitch=tonic - 12, start=b * bar,
                                                   end=b * bar + beat))
            pm.instruments.append(timp)
        return pm

    def render(self, plan: CuePlan, *, seed: int | None = None) -> np.ndarray:
        import soundfile as sf


        pm = self.midi(plan, seed)
        with tempfile.TemporaryDirectory(prefix="studio-cue-") as tmp:
            mid, wav = Path(tmp) / "cue.mid", Path(tmp) / "cue.wav"
            pm.write(str(mid))
            proc = subprocess.run([_fluidsynth(), "-ni", "-q", "-g", "0.6", "-r", str(plan.sample_rate),
                                   "-o", "synth.reverb.active=1", "-F", str(wav), str(self.soundfont), str(mid)],
                                  capture_output=True, text=True, check=False)
            if proc.returncode != 0 or not wav.is_file():
                raise BackendUnavailableError(f"fluidsynth failed: {proc.stderr.strip()[-300:]}",
                                              hint="Check the soundfont file is a valid .sf2.")
            data, sr = sf.read(str(wav), dtype="float32", always_2d=True)
        if sr != plan.sample_rate:
            data = resample(data, sr, plan.sample_rate)
        if data.shape[1] == 1:
            data = np.repeat(data, 2, axis=1)
        data = fit_length(data[:, :2], plan.samples)
        fade = min(plan.samples, int((0.25 if plan.ending == "cadence" else min(3.0, plan.seconds / 3)) * plan.sample_rate))
        if fade > 1:
            data[-fade:] *= np.linspace(1.0, 0.0, fade, dtype=np.float32)[:, None] ** 2
        attack = min(plan.samples // 4, int(0.02 * plan.sample_rate))
        if attack > 1:
            data[:attack] *= np.linspace(0.0, 1.0, attack, dtype=np.float32)[:, None]
        return data.astype(np.float32)
