"""The mix: dialogue-aware ducking, the effects bed, faders, stems and the loudness-compliant master.

Balance before the faders is set by loudness, not by luck: the dialogue stem is
brought to −23 LUFS, music to −31 LUFS and effects to −37 LUFS (BS.1770), then
the faders (dB), mute and solo apply, music and effects are ducked under the
dialogue, and the sum is normalised and true-peak limited to the delivery spec.
The normalisation gain (including the limiter's gain curve) is applied to every
stem too, so dialogue + music + effects stems add up to the full mix sample for
sample. The M&E stem is music + effects *without* ducking (what a dubbing
stage mixes new dialogue over), at the same gain.

Ducking follows the dialogue stem's envelope: 10 ms RMS above ``threshold_db``
opens the key; ``lookahead_ms`` opens it early; gaps shorter than ``hold_ms``
stay closed so close lines do not pump; the gain moves down over ``attack_ms``
and back over ``release_ms``. Settings may differ per scene.

The mix runs block by block (12.8 s blocks, float32; see :func:`mix`): a 10-minute film needs
its input stems and the five output arrays, and a few blocks of working memory besides.
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio_kit.domain.timeline import Timeline
from studio_kit.engines.post import loudness as L
from studio_kit.engines.post.audio import SR, db_to_gain, rms_db
from studio_kit.engines.post.loudness import LoudnessMeter
from studio_kit.exceptions import AudioError
from studio_kit.store.files import atomic_path

STEM_NAMES = ("dialogue", "music", "effects")
REFERENCE_LUFS = {"dialogue": -23.0, "music": -31.0, "effects": -37.0}
CONTROL_MS = 1.0


@dataclass
class DuckSettings:
    threshold_db: float = -45.0
    depth_db: float = 12.0
    attack_ms: float = 60.0
    release_ms: float = 450.0
    lookahead_ms: float = 80.0
    hold_ms: float = 700.0

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


@dataclass
class MixSettings:
    faders: dict[str, float] = field(default_factory=lambda: {"dialogue": 0.0, "music": 0.0, "effects": 0.0})
    mute: list[str] = field(default_factory=list)
    solo: list[str] = field(default_factory=list)
    duck: DuckSettings = field(default_factory=DuckSettings)
    scene_duck: dict[str, DuckSettings] = field(default_factory=dict)   # scene number → settings
    spec: str = "streaming"

    def to_dict(self) -> dict[str, Any]:
        return {"faders": dict(self.faders), "mute": list(self.mute), "solo": list(self.solo),
                "duck": self.duck.to_dict(), "scene_duck": {k: v.to_dict() for k, v in self.scene_duck.items()},
                "spec": self.spec}

    def audible(self, stem: str) -> bool:
        if self.solo:
            return stem in self.solo
        return stem not in self.mute


@dataclass
class MixResult:
    mix: np.ndarray                      # (n, 2) float32, the normalised full mix
    stems: dict[str, np.ndarray]         # dialogue, music, effects, m&e: (n, 2), same gain as the mix
    duck_gain_db: np.ndarray             # the ducking curve at the control rate (1 ms), 0 … −depth
    loudness: Any                        # loudness.Loudness of the mix
    qc: Any                              # loudness.QCReport
    settings: MixSettings
    gain_db: float = 0.0                 # broadband normalisation gain
    #: linear gain from the raw dialogue stem to the mix's dialogue (balance × fader × normalisation,
    #: before the limiter); 0 when dialogue is muted. Per-character stems are scaled by it.
    dialogue_gain: float = 0.0
    #: with :func:`mix_files`: the WAV files written (``mix`` and stem names); ``mix`` and ``stems`` stay empty
    files: dict[str, Path] = field(default_factory=dict)


def _stereo(x: np.ndarray) -> np.ndarray:
    return np.repeat(x[:, None], 2, axis=1) * np.float32(1 / np.sqrt(2)) if x.ndim == 1 else x


def _slew(target: np.ndarray, attack_steps: float, release_steps: float) -> np.ndarray:
    """Linear ramps toward a 0/1 key: up over ``attack_steps``, down over ``release_steps``."""
    out = np.empty_like(target)
    up, down = 1.0 / max(1.0, attack_steps), 1.0 / max(1.0, release_steps)
    v = 0.0
    # runs of equal key values are ramped in one numpy step each (few runs: fast on long films)
    edges = np.flatnonzero(np.diff(target)) + 1
    starts = np.concatenate([[0], edges])
    ends = np.concatenate([edges, [len(target)]])
    for a, b in zip(starts, ends, strict=True):
        steps = np.arange(1, b - a + 1, dtype=np.float64)
        if target[a] > 0.5:
            seg = np.minimum(1.0, v + up * steps)
        else:
            seg = np.maximum(0.0, v - down * steps)
        out[a:b] = seg
        v = float(seg[-1])
    return out


def apply_curve(x: np.ndarray, curve_db: np.ndarray, rate: int = SR, *, in_place: bool = False) -> np.ndarray:
    """Apply a control-rate dB curve to audio (linear interpolation to the sample rate)."""
    hop = int(rate * CONTROL_MS / 1000)
    pos = np.arange(len(x), dtype=np.float32) / np.float32(hop)
    g = np.interp(pos, np.arange(len(curve_db)), 10 ** (curve_db / 20)).astype(np.float32)
    g = g[:, None] if x.ndim > 1 else g
    if in_place:
        x *= g
        return x
    return x * g


#: samples per mix block: 12.8 s (about 110 MB of working arrays; 25.6 s blocks took twice that
#: and were no faster), a whole number of 4096-sample true-peak blocks, 1 ms control
#: steps (and 100 ms loudness steps), so block-wise figures and samples equal whole-film ones
BLOCK = 614_400
#: context each side of a block for the limiter: its look-ahead (1.5 ms), release (80 ms) and the
#: true-peak oversampler's margin, rounded up to whole true-peak blocks
PAD = 8192


def _spans(n: int, rate: int) -> list[tuple[int, int]]:
    """(start, end) of the mix blocks: :data:`BLOCK` rounded down to whole true-peak blocks and control steps."""
    whole = math.lcm(4096, int(rate * CONTROL_MS / 1000))
    block = max(whole, BLOCK - BLOCK % whole)
    return [(a, min(n, a + block)) for a in range(0, n, block)]


class _Stems:
    """The balanced, faded and ducked stems, made block by block from the caller's arrays (never copied whole)."""

    def __init__(self, dialogue: np.ndarray, music: np.ndarray, effects: np.ndarray, n: int,
                 settings: MixSettings, rate: int):
        self.raw = {"dialogue": dialogue, "music": music, "effects": effects}
        self.n, self.rate, self.settings = n, rate, settings
        self.fader = {k: np.float32(db_to_gain(settings.faders.get(k, 0.0))) for k in STEM_NAMES}
        self.level: dict[str, np.float32 | None] = {k: None for k in STEM_NAMES}
        self.duck: np.ndarray | None = None          # the ducking curve as linear gain per control step

    def _raw(self, k: str, a: int, b: int) -> np.ndarray:
        x = self.raw[k]
        s = _stereo(x[a: min(b, len(x))]).astype(np.float32, copy=False)
        return np.pad(s, ((0, b - a - len(s)), (0, 0))) if len(s) < b - a else s

    def balance(self) -> None:
        """Each audible stem's gain to its reference loudness (BS.1770, measured block by block)."""
        rate = self.rate
        for k in STEM_NAMES:
            if not self.settings.audible(k) or self.n < int(0.4 * rate):
                continue
            x = self.raw[k]
            mono = x.ndim == 1                     # two equal channels: measure one, weighted twice
            meter = LoudnessMeter(rate, 1 if mono else 2, weights=(2.0,) if mono else None)
            nonzero = False
            for a, b in _spans(self.n, self.rate):
                s = self._raw(k, a, b)
                s = s[:, :1] if mono else s
                nonzero = nonzero or bool(np.any(s))
                meter.add(s)
            if not nonzero:
                continue
            lufs = meter.result(full=False).integrated_lufs
            if np.isfinite(lufs):
                self.level[k] = np.float32(db_to_gain(REFERENCE_LUFS[k] - lufs))

    def gain(self, k: str) -> float:
        """Linear gain from raw stem ``k`` to its balanced, faded level (0 when not audible)."""
        if not self.settings.audible(k):
            return 0.0
        level = self.level[k]
        return float(level if level is not None else 1.0) * float(self.fader[k])

    def stem(self, k: str, a: int, b: int) -> np.ndarray:
        """Samples ``a:b`` of stem ``k`` after its level and fader (before ducking)."""
        if not self.settings.audible(k):
            return np.zeros((b - a, 2), dtype=np.float32)
        s = self._raw(k, a, b)
        if self.level[k] is not None:
            s = s * self.level[k]
        return s * self.fader[k]

    def duck_gain(self, a: int, b: int) -> np.ndarray:
        """The ducking gain of samples ``a:b`` (as :func:`apply_curve` interpolates it)."""
        duck = self.duck
        if duck is None:
            raise AudioError("The ducking curve is asked for before it was made.",
                             hint="Set _Stems.duck first (mix's _prepare does); this is a bug in studio_kit.")
        hop = int(self.rate * CONTROL_MS / 1000)
        out = np.empty(b - a, dtype=np.float32)
        chunk = 256 * hop
        xp = np.arange(len(duck))
        for c in range(a, b, chunk):
            e = min(b, c + chunk)
            near = duck[max(0, c // hop - 1): (e - 1) // hop + 3]
            if near.min() == near.max():             # a flat stretch: interpolation gives the value itself
                out[c - a: e - a] = near[0]
            else:
                pos = np.arange(c, e).astype(np.float32) / np.float32(hop)
                out[c - a: e - a] = np.interp(pos, xp, duck)
        return out

    def dialogue_power(self) -> np.ndarray:
        """Mean square of the dialogue stem per control step, as :func:`duck_curve` measures it."""
        hop = int(self.rate * CONTROL_MS / 1000)
        steps = self.n // hop + 1                    # the last step zero-padded, as duck_curve pads it
        out = [np.zeros(0)]
        for a, b in _spans(self.n, self.rate):
            s = self.stem("dialogue", a, b)
            d = (s[:, 0] + s[:, 1]) / np.float32(2)          # the channel mean, as duck_curve takes it
            if b == self.n:
                d = np.pad(d, (0, (steps - a // hop) * hop - len(d)))
            out.append(np.square(d.reshape(-1, hop), dtype=np.float64).mean(axis=1))
        return np.concatenate(out) if self.n else np.zeros(steps)

    def mixed(self, a: int, b: int) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """Samples ``a:b`` of the stems (dialogue, ducked music and effects, un-ducked M&E) and their sum."""
        d, m, e = (self.stem(k, a, b) for k in STEM_NAMES)
        me = m + e
        g = self.duck_gain(a, b)[:, None]
        m *= g
        e *= g
        return {"dialogue": d, "music": m, "effects": e, "m&e": me}, d + m + e


def _prepare(dialogue: np.ndarray, music: np.ndarray, effects: np.ndarray, timeline: Timeline | None,
             settings: MixSettings, rate: int) -> tuple[_Stems, np.ndarray, Any, Any]:
    """Balanced stems, the ducking curve, the spec and the dialogue spans the spec gates on (or None)."""
    n = max(len(dialogue), len(music), len(effects))
    stems = _Stems(dialogue, music, effects, n, settings, rate)
    stems.balance()
    curve = _duck_from_power(stems.dialogue_power(), timeline, settings)
    stems.duck = 10 ** (curve / 20)
    spec = L.get_spec(settings.spec)
    dialogue_spans = [(timeline.seconds(e.start_frame), timeline.seconds(e.end_frame))
                      for e in timeline.dialogue()] if timeline is not None else None
    return stems, curve, spec, dialogue_spans if spec.dialogue_gated and dialogue_spans else None


Buffers = Callable[[int, int], dict[str, np.ndarray]]
Writer = Callable[[dict[str, np.ndarray]], None]


def _deliver(stems: _Stems, g0: np.float32, spec: Any, buffers: Buffers | None = None,
             write: Writer | None = None) -> tuple[Any, float]:
    """One pass at broadband gain ``g0``: true-peak limit and measure the mix block by block.

    With ``buffers`` (block start, end → arrays to fill) or ``write`` (gets each block's mix and stems),
    the mix and the stems of every block are made at the final gain too. Returns (meter, largest gain).
    """
    n, rate = stems.n, stems.rate
    meter = L.LoudnessMeter(rate, 2)
    top = 0.0
    for a, b in _spans(n, rate):
        lo, hi = max(0, a - PAD), min(n, b + PAD)
        parts, src = stems.mixed(lo, hi)
        limiter = L.limiter_gain(src * g0, rate, spec.true_peak_dbtp)[a - lo: b - lo]
        gain = (g0 * limiter)[:, None]
        bufs = buffers(a, b) if buffers else {}
        y = np.multiply(src[a - lo: b - lo], gain, out=bufs.get("mix"))
        meter.add(y)
        if buffers or write:
            made = {"mix": y, **{k: np.multiply(v[a - lo: b - lo], gain, out=bufs.get(k)) for k, v in parts.items()}}
            if write:
                write(made)
        top = max(top, float(gain.max()))
    return meter, top


def _normalise(stems: _Stems, spec: Any, spans: Any,
               buffers: Buffers | None = None) -> tuple[Any, float, np.float32]:
    """Gain to the spec's target, then true-peak limiting under the ceiling, re-measured until the target is
    met within 0.1 LU (making up what the limiter took), as ``loudness.normalize`` does for a whole array.

    Every pass fills ``buffers`` (see :func:`_deliver`); returns (meter of the last pass, its largest
    gain, its broadband gain)."""
    def level(lo: Any) -> float:
        return L.normalised_level(lo, bool(spans))

    meter = L.LoudnessMeter(stems.rate, 2)
    for a, b in _spans(stems.n, stems.rate):
        meter.add(stems.mixed(a, b)[1])
    g0 = np.float32(10 ** ((spec.target_lufs - level(meter.result(spans, full=False))) / 20))
    for _ in range(6):
        meter, top = _deliver(stems, g0, spec, buffers)
        now = level(meter.result(spans, full=False))
        if abs(now - spec.target_lufs) <= 0.1:
            return meter, top, g0
        g0 = g0 * np.float32(10 ** ((spec.target_lufs - now) / 20))
    meter, top = _deliver(stems, g0, spec, buffers)
    return meter, top, g0


def mix(dialogue: np.ndarray, music: np.ndarray, effects: np.ndarray, timeline: Timeline | None,
        settings: MixSettings | None = None, rate: int = SR) -> MixResult:
    """Balance, duck, sum and deliver to ``settings.spec``; all stems sample-aligned and equal length.

    Block-wise (:data:`BLOCK` samples at a time, float32): the stems are read from the caller's arrays
    block by block, measured with :class:`~studio_kit.engines.post.loudness.LoudnessMeter`, limited
    with :data:`PAD` samples of context each side, and written straight into the result's arrays, so
    the only film-length arrays are the inputs and the five outputs (:func:`mix_to_files` keeps
    none of the outputs).
    """
    settings = settings or MixSettings()
    stems, curve, spec, spans = _prepare(dialogue, music, effects, timeline, settings, rate)
    out = {k: np.empty((stems.n, 2), dtype=np.float32) for k in ("mix", *STEM_NAMES, "m&e")}

    meter, top, g0 = _normalise(stems, spec, spans, lambda a, b: {k: v[a:b] for k, v in out.items()})
    full = out.pop("mix")
    lo = meter.result(spans, audio=full)
    broadband = float(20 * np.log10(max(1e-12, top)))
    return MixResult(full, out, curve, lo, L.qc(lo, spec, "mix"), settings, broadband,
                     stems.gain("dialogue") * float(g0))


def mix_to_files(dialogue: np.ndarray, music: np.ndarray, effects: np.ndarray, timeline: Timeline | None,
                 paths: Mapping[str, str | Path], settings: MixSettings | None = None, rate: int = SR,
                 subtype: str = "PCM_24") -> tuple[Any, Any, np.ndarray]:
    """:func:`mix` straight to WAV files, holding no film-length output: ``paths`` maps ``"mix"`` and any
    of ``dialogue``, ``music``, ``effects``, ``m&e`` to files (written atomically, block by block).

    Returns (loudness, QC report, ducking curve in dB); :func:`mix_files` returns the whole
    :class:`MixResult` (without arrays).
    """
    r = mix_files(dialogue, music, effects, timeline, paths, settings, rate, subtype)
    return r.loudness, r.qc, r.duck_gain_db


def mix_files(dialogue: np.ndarray, music: np.ndarray, effects: np.ndarray, timeline: Timeline | None,
              paths: Mapping[str, str | Path], settings: MixSettings | None = None, rate: int = SR,
              subtype: str = "PCM_24", label: str | None = None) -> MixResult:
    """:func:`mix` written to WAV files as it is made (see :func:`mix_to_files`): the same figures, QC,
    ducking curve and gains as :func:`mix` gives, ``files`` set and ``mix``/``stems`` empty.

    The passes that find the gain only measure; one more pass writes. The true peak is searched in the
    written master. ``label``: the QC report's file (default the mix's path).
    """
    import soundfile as sf


    unknown = set(paths) - {"mix", *STEM_NAMES, "m&e"}
    if "mix" not in paths or unknown:
        raise AudioError(f"mix_to_files writes the mix and the stems {', '.join((*STEM_NAMES, 'm&e'))}"
                         f"{'; not ' + ', '.join(sorted(unknown)) if unknown else ''}.",
                         hint="Give a path for 'mix' and only those stem names.")
    settings = settings or MixSettings()
    stems, curve, spec, spans = _prepare(dialogue, music, effects, timeline, settings, rate)
    _, _, g0 = _normalise(stems, spec, spans)
    with contextlib.ExitStack() as stack:
        files = {k: stack.enter_context(sf.SoundFile(str(stack.enter_context(atomic_path(Path(p)))), "w", rate, 2,
                                                     subtype=subtype, format="WAV"))
                 for k, p in paths.items()}

        def write(made: dict[str, np.ndarray]) -> None:
            for k, f in files.items():
                f.write(np.clip(made[k], -1.0, 1.0))

        meter, top = _deliver(stems, g0, spec, write=write)
    lo = meter.result(spans)
    lo.true_peak_dbtp = L.true_peak_of_file(paths["mix"], meter.block_peaks())
    return MixResult(np.zeros((0, 2), dtype=np.float32), {}, curve, lo,
                     L.qc(lo, spec, str(paths["mix"]) if label is None else label), settings,
                     float(20 * np.log10(max(1e-12, top))), stems.gain("dialogue") * float(g0),
                     {k: Path(p) for k, p in paths.items()})


def duck_curve(dialogue: np.ndarray, timeline: Timeline | None, settings: MixSettings, rate: int = SR) -> np.ndarray:
    """The music/effects gain in dB per control step (1 ms) under ``dialogue``.

    Per-scene settings (``settings.scene_duck``) apply inside each scene's span on the
    timeline; attack and release are the film's median.
    """
    d = dialogue if dialogue.ndim == 1 else dialogue.mean(axis=1)
    hop = int(rate * CONTROL_MS / 1000)
    n = len(d) // hop + 1
    padded = np.pad(d, (0, n * hop - len(d)))
    return _duck_from_power(np.square(padded.reshape(n, hop), dtype=np.float64).mean(axis=1), timeline, settings)


def _duck_from_power(sq: np.ndarray, timeline: Timeline | None, settings: MixSettings) -> np.ndarray:
    """:func:`duck_curve` from the dialogue's mean square per control step."""
    from scipy.ndimage import binary_closing

    n = len(sq)
    rms = np.sqrt(np.convolve(sq, np.ones(10) / 10, mode="same"))
    with np.errstate(divide="ignore"):
        level = 20 * np.log10(np.maximum(rms, 1e-12))
    spans: list[tuple[int, int, DuckSettings]] = []
    if timeline is not None and timeline.scenes:
        for slot in timeline.scenes:
            a = int(timeline.seconds(slot.start_frame) * 1000 / CONTROL_MS)
            b = int(timeline.seconds(slot.end_frame) * 1000 / CONTROL_MS)
            spans.append((a, b, settings.scene_duck.get(slot.scene_number, settings.duck)))
        spans[-1] = (spans[-1][0], n, spans[-1][2])
        spans[0] = (0, spans[0][1], spans[0][2])
    else:
        spans.append((0, n, settings.duck))
    key = np.zeros(n, dtype=bool)
    depth = np.zeros(n)
    attack = np.zeros(n)
    release = np.zeros(n)
    for a, b, s in spans:
        b = min(b, n)
        k = level[a:b] > s.threshold_db
        hold = max(1, int(s.hold_ms / CONTROL_MS))
        if k.any():
            k = binary_closing(np.pad(k, hold), structure=np.ones(hold, dtype=bool))[hold:-hold]
        look = int(s.lookahead_ms / CONTROL_MS)
        if look and k.any():
            shifted = np.concatenate([k[look:], np.zeros(min(look, len(k)), dtype=bool)])[: len(k)]
            k = k | shifted
        key[a:b] = k
        depth[a:b], attack[a:b], release[a:b] = s.depth_db, s.attack_ms, s.release_ms
    ramp = _slew(key.astype(np.float64), float(np.median(attack)) / CONTROL_MS,
                 float(np.median(release)) / CONTROL_MS)
    return -ramp * depth


def rms_in(x: np.ndarray, start_s: float, end_s: float, rate: int = SR) -> float:
    """RMS level (dBFS) of ``x`` between two times (for checks and the dashboard)."""
    return rms_db(x[int(start_s * rate): int(end_s * rate)])
