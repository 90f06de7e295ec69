"""Loudness measurement and delivery (ITU-R BS.1770-4, EBU R128 / Tech 3341-3342).

* integrated loudness: K-weighting (pyloudnorm's filter design), 400 ms blocks with
  75 % overlap, absolute gate −70 LUFS, relative gate −10 LU;
* loudness range (LRA, EBU Tech 3342): 3 s short-term blocks every 100 ms, gates
  −70 LUFS and −20 LU, 10th to 95th percentile;
* true peak: 4× oversampled peak (BS.1770-4 annex 2), dBTP;
* dialogue-gated loudness (Netflix): integrated loudness of the *full mix* over the
  400 ms blocks that overlap dialogue, where dialogue is the film's timeline's dialogue
  events (see below).

Dialogue gating is an approximation of Netflix's measurement. Netflix specifies −27 LKFS
±2 LU dialogue-gated as Dolby's meters measure it with Dialogue Intelligence, a proprietary
speech classifier run on the programme itself; its model, its decision window and how it
combines speech gating with the BS.1770 level gates are not public, so they cannot be
reproduced here. What this module does instead, exactly:

1. *Where dialogue is* comes from the timeline, not from listening to the mix: the spans
   are the dialogue events' frames (``mix._prepare`` passes ``timeline.dialogue()``), the
   very slots ``service.place_lines`` puts each voiced line of the dialogue stem into (for a
   dub, the original line's slot, which the fitted line fills or under-fills). No voice
   activity detection runs on the mix, so music, effects, singing or walla are never taken
   for dialogue, and a quiet line under loud music is never missed; but the short pauses
   between words and the silent tail of an under-filled dub slot count as dialogue, where a
   classifier would decide block by block.
2. A 400 ms block (75 % overlap, as for integrated loudness) is a dialogue block when it
   overlaps a span at all; the classifier's own window and hang-over are unknown.
3. Over the dialogue blocks the BS.1770 gates apply as for integrated loudness (−70 LUFS
   absolute, −10 LU relative to those blocks); the loudness is of the whole mix in those
   blocks (dialogue, music and effects together), as Netflix measures it.
4. With no dialogue on the timeline (a score-only film) the figure is ``None``: QC and the
   normaliser fall back to integrated loudness, as a speech-gated meter falls back to level
   gating when it finds no speech (Dolby's fallback threshold is not public either).

Vectorised (one filter pass, cumulative sums), so a 10-minute stereo mix measures
in well under a second; :class:`LoudnessMeter` gives the same figures block by block
(filter state carried across blocks) for audio that is never whole in memory. Normalisation applies gain to the spec's target, then a
true-peak look-ahead limiter under the ceiling, and re-measures until the target
is met within 0.1 LU.
"""
from __future__ import annotations

import functools
import re
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from studio_kit.engines.post.audio import read_audio
from studio_kit.exceptions import AudioError

ABS_GATE = -70.0


@dataclass(frozen=True)
class LoudnessSpec:
    """A delivery spec: target loudness, its tolerance, and the true-peak ceiling."""

    name: str
    target_lufs: float
    tolerance_lu: float
    true_peak_dbtp: float
    dialogue_gated: bool = False
    sample_rate: int = 48_000
    label: str = ""


SPECS: dict[str, LoudnessSpec] = {
    "ebu-r128": LoudnessSpec("ebu-r128", -23.0, 1.0, -1.0, label="EBU R128: −23 LUFS ±1 LU, ≤ −1 dBTP"),
    "netflix": LoudnessSpec("netflix", -27.0, 2.0, -2.0, dialogue_gated=True,
                            label="Netflix: −27 LKFS ±2 LU dialogue-gated, ≤ −2 dBTP, 48 kHz"),
    "streaming": LoudnessSpec("streaming", -14.0, 1.0, -1.0, label="Streaming/social: −14 LUFS, ≤ −1 dBTP"),
    "apple": LoudnessSpec("apple", -16.0, 1.0, -1.0, label="Apple: −16 LUFS, ≤ −1 dBTP"),
}


def get_spec(name: str) -> LoudnessSpec:
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = {"r128": "ebu-r128", "ebu": "ebu-r128", "ebur128": "ebu-r128"}.get(key, key)
    if key not in SPECS:
        raise AudioError(f"Unknown loudness spec {name!r}.", hint=f"Use one of: {', '.join(SPECS)}.")
    return SPECS[key]


@dataclass
class Loudness:
    """Figures of one measurement."""

    integrated_lufs: float
    loudness_range_lu: float
    true_peak_dbtp: float
    sample_peak_dbfs: float
    seconds: float
    dialogue_lufs: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return {k: (None if v is None else round(float(v), 2)) for k, v in asdict(self).items()}


@dataclass
class QCReport:
    """Pass/fail of one file against a spec, with the figures."""

    file: str
    spec: str
    loudness: Loudness
    measured_lufs: float
    passed: bool
    problems: list[str]

    def line(self) -> str:
        lo = self.loudness
        gate = " dialogue-gated" if SPECS[self.spec].dialogue_gated else ""
        verdict = "PASS" if self.passed else "FAIL: " + "; ".join(self.problems)
        return (f"QC {self.spec} {Path(self.file).name or self.file}: {self.measured_lufs:.1f} LUFS{gate}, "
                f"LRA {lo.loudness_range_lu:.1f} LU, true peak {lo.true_peak_dbtp:.1f} dBTP, "
                f"{lo.seconds:.1f} s — {verdict}")

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "spec": self.spec, "passed": self.passed, "problems": self.problems,
                "measured_lufs": round(self.measured_lufs, 2), **self.loudness.to_dict()}


def _as_2d(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float32)
    return x[:, None] if x.ndim == 1 else x


_SOS: dict[int, np.ndarray] = {}


def _k_sos(rate: int) -> np.ndarray:
    """The K-weighting filter as float32 second-order sections (pyloudnorm's design for any rate)."""
    from scipy.signal import tf2sos

    if rate not in _SOS:
        import pyloudnorm

        stages = pyloudnorm.Meter(rate)._filters.values()  # high shelf, then high pass
        _SOS[rate] = np.concatenate([tf2sos(st.b, st.a) for st in stages]).astype(np.float32)
    return _SOS[rate]


def k_weight(x: np.ndarray, rate: int) -> np.ndarray:
    """The K-weighted signal (BS.1770 pre-filter + RLB high-pass), float32."""
    from scipy.signal import sosfilt

    return sosfilt(_k_sos(rate), _as_2d(x), axis=0).astype(np.float32, copy=False)


_GAINS = np.array([1.0, 1.0, 1.0, 1.41, 1.41])


def _block_power(weighted: np.ndarray, rate: int, block_s: float, step_s: float) -> tuple[np.ndarray, np.ndarray]:
    """Channel-weighted mean square of every block; returns (powers, block start samples).

    Blocks are whole numbers of steps (0.4 s = 4 × 0.1 s, 3 s = 30 × 0.1 s), so the powers
    are sums of per-step sums: one pass over the samples.
    """
    n = weighted.shape[0]
    block, step = round(block_s * rate), round(step_s * rate)
    if n < block:
        return np.zeros(0), np.zeros(0, dtype=int)
    gains = _GAINS[: weighted.shape[1]] if weighted.shape[1] <= 5 else np.ones(weighted.shape[1])
    per = block // step
    if per * step == block:
        steps = n // step
        chunk = weighted[: steps * step].reshape(steps, step, -1)
        sums = np.einsum("ijk,ijk->ik", chunk, chunk, dtype=np.float64) @ gains
        csum = np.concatenate([[0.0], np.cumsum(sums)])
        count = steps - per + 1
        starts = np.arange(count) * step
        return (csum[per: per + count] - csum[:count]) / block, starts
    sq = (np.square(weighted, dtype=np.float64) * gains).sum(axis=1)
    csum = np.concatenate([[0.0], np.cumsum(sq)])
    starts = np.arange(0, n - block + 1, step)
    return (csum[starts + block] - csum[starts]) / block, starts


def _gated(powers: np.ndarray, relative_lu: float) -> float:
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(powers)
    above = powers[loud > ABS_GATE]
    if len(above) == 0:
        return float("-inf")
    rel = -0.691 + 10 * np.log10(above.mean()) + relative_lu
    with np.errstate(divide="ignore"):
        keep = above[(-0.691 + 10 * np.log10(above)) > rel]
    return float(-0.691 + 10 * np.log10(keep.mean())) if len(keep) else float("-inf")


_BLOCK = 4096
#: how far above its sample peaks a block's true peak can reach (3.01 dB is a sine at fs/4, 45° phase);
#: blocks whose sample peak is further than this below what matters are not oversampled
_OVERSHOOT_DB = 3.5


@functools.cache
def _taps(factor: int) -> np.ndarray:
    from scipy.signal import firwin

    return (firwin(16 * factor, 1.0 / factor, window=("kaiser", 6.0)) * factor).astype(np.float32)


def _oversample(y: np.ndarray, factor: int = 4) -> np.ndarray:
    """Interpolate ``factor``× with a 16-tap-per-phase windowed-sinc FIR (BS.1770-4 annex 2 style); delay compensated."""
    from scipy.signal import upfirdn

    taps = _taps(factor)
    out = upfirdn(taps, y, up=factor, axis=0)
    delay = (len(taps) - 1) // 2
    return out[delay: delay + factor * y.shape[0]]


def _row_max(a: np.ndarray) -> np.ndarray:
    """The max of each row of a few columns (column by column: numpy reduces a short last axis slowly)."""
    out = a[:, 0].copy()
    for j in range(1, a.shape[1]):
        np.maximum(out, a[:, j], out=out)
    return out


def _block_peaks(y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    env = _row_max(np.abs(y))
    nblocks = (len(env) + _BLOCK - 1) // _BLOCK
    padded = np.pad(env, (0, nblocks * _BLOCK - len(env)))
    return env, padded.reshape(nblocks, _BLOCK).max(axis=1)


class _Frames(Protocol):
    """What the true-peak search reads: a (samples × channels) array, or a file sliced like one."""

    @property
    def shape(self) -> tuple[int, ...]: ...

    def __getitem__(self, span: slice, /) -> np.ndarray: ...


def _block_true_peak(y: _Frames, b: int) -> np.ndarray:
    n = y.shape[0]
    a, e = b * _BLOCK, min(n, (b + 1) * _BLOCK)
    lo, hi = max(0, a - 64), min(n, e + 64)
    over = np.abs(_oversample(y[lo:hi], 4))
    over = _row_max(over.reshape(-1, 4 * y.shape[1]))          # max over channels and the 4 phases
    return over[a - lo: e - lo]


def peak_envelope(x: np.ndarray, floor: float) -> np.ndarray:
    """Per-sample true-peak envelope (max over channels and 4× oversampled points) wherever it could reach
    ``floor``; elsewhere the sample peak (it stays more than 3.5 dB under ``floor``)."""
    y = _as_2d(x)
    env, block_peak = _block_peaks(y)
    for b in np.flatnonzero(block_peak >= floor * 10 ** (-_OVERSHOOT_DB / 20)).tolist():   # python ints
        a = b * _BLOCK
        seg = _block_true_peak(y, b)
        env[a: a + len(seg)] = np.maximum(env[a: a + len(seg)], seg)
    return env


def true_peak(x: np.ndarray, rate: int) -> float:
    """True peak in dBTP (4× oversampled, BS.1770-4).

    Blocks are examined loudest first and the search stops once no remaining block's
    sample peak plus the largest inter-sample overshoot could beat the peak found.
    """
    y = _as_2d(x)
    if not y.size:
        return float("-inf")
    return _true_peak_search(y, _block_peaks(y)[1])


def _true_peak_search(y: _Frames, block_peak: np.ndarray) -> float:
    """dBTP of ``y`` given the sample peak of each of its 4096-sample blocks (loudest first, early stop)."""
    if not len(block_peak):
        return float("-inf")
    best = float(block_peak.max())
    bound = 10 ** (_OVERSHOOT_DB / 20)
    for b in np.argsort(block_peak)[::-1]:
        if block_peak[b] * bound < best:
            break
        best = max(best, float(_block_true_peak(y, int(b)).max()))
    return 20 * np.log10(best) if best > 0 else float("-inf")


class _FileFrames:
    """Frames of an open sound file, sliced like a (samples × channels) array (for the true-peak search)."""

    def __init__(self, sound_file: Any):
        self._f = sound_file
        self.shape = (sound_file.frames, sound_file.channels)

    def __getitem__(self, span: slice) -> np.ndarray:
        self._f.seek(span.start)
        return self._f.read(span.stop - span.start, dtype="float32", always_2d=True)


def true_peak_of_file(path: str | Path, block_peak: np.ndarray) -> float:
    """dBTP of a written file whose 4096-sample block peaks are known (:meth:`LoudnessMeter.block_peaks`):
    only the blocks that could hold the peak are read back and oversampled."""
    import soundfile as sf

    with sf.SoundFile(str(path)) as f:
        return _true_peak_search(_FileFrames(f), block_peak)


def _lra(st_pow: np.ndarray) -> float:
    """Loudness range (EBU Tech 3342) of the 3 s short-term block powers."""
    if not len(st_pow):
        return 0.0
    with np.errstate(divide="ignore"):
        st = -0.691 + 10 * np.log10(st_pow)
    st = st[st > ABS_GATE]
    if not len(st):
        return 0.0
    rel = -0.691 + 10 * np.log10(np.mean(10 ** ((st + 0.691) / 10))) - 20.0
    st = st[st > rel]
    return float(np.percentile(st, 95) - np.percentile(st, 10)) if len(st) > 1 else 0.0


def _dialogue_gated(powers: np.ndarray, starts: np.ndarray, rate: int,
                    dialogue: list[tuple[float, float]] | None) -> float | None:
    """Integrated loudness over the 400 ms blocks that overlap the dialogue spans (None without spans)."""
    if not dialogue:
        return None
    mask = np.zeros(len(powers), dtype=bool)
    block = int(0.4 * rate)
    for a, b in dialogue:
        mask |= (starts + block > a * rate) & (starts < b * rate)
    return _gated(powers[mask], -10.0) if mask.any() else float("-inf")


def _too_short(samples: int, rate: int) -> None:
    if samples < int(0.4 * rate):
        raise AudioError(f"Audio of {samples / rate:.2f} s is too short to measure loudness.",
                         hint="BS.1770 needs at least 0.4 s of audio.")


def measure(x: np.ndarray, rate: int, dialogue: list[tuple[float, float]] | None = None, *,
            full: bool = True) -> Loudness:
    """Integrated loudness, loudness range, true and sample peak of ``x`` (samples × channels).

    ``dialogue``: (start, end) seconds of dialogue, for the dialogue-gated figure.
    ``full=False`` measures the integrated (and dialogue) loudness only (LRA and peaks 0).
    """
    y = _as_2d(x)
    _too_short(y.shape[0], rate)
    w = k_weight(y, rate)
    powers, starts = _block_power(w, rate, 0.4, 0.1)
    integrated = _gated(powers, -10.0)
    lra = _lra(_block_power(w, rate, 3.0, 0.1)[0]) if full else 0.0
    del w
    dlg = _dialogue_gated(powers, starts, rate, dialogue)
    if not full:
        return Loudness(integrated, 0.0, 0.0, 0.0, y.shape[0] / rate, dlg)
    sample_peak = float(np.max(np.abs(y)))
    return Loudness(integrated, lra, true_peak(y, rate),
                    20 * np.log10(sample_peak) if sample_peak > 0 else float("-inf"), y.shape[0] / rate, dlg)


class LoudnessMeter:
    """:func:`measure`, fed block by block: the same figures without a film-length copy of the audio.

    The K-weighting filter's state is carried from block to block (``sosfilt`` ``zi``), the weighted
    power is summed per 100 ms step, so the 400 ms (75 % overlap) and 3 s gating blocks are differences
    of a running sum, and the sample peak of every 4096-sample true-peak block is kept. Blocks may be any
    length; the figures equal :func:`measure` of the concatenated audio (to float rounding).
    The true peak needs the audio once more (only its loudest blocks are oversampled): pass it to
    :meth:`result`, or leave it out and get the sample peak as a lower bound (``true_peak_dbtp`` = sample peak).

    ``weights``: per-channel weights instead of BS.1770's (1, 1, 1, 1.41, 1.41); e.g. ``(2.0,)`` measures
    a mono signal as the two identical channels of its stereo copy at half the cost.
    """

    def __init__(self, rate: int, channels: int = 2, weights: tuple[float, ...] | None = None):
        step = round(0.1 * rate)
        if round(0.4 * rate) != 4 * step or round(3.0 * rate) != 30 * step:
            raise AudioError(f"Block-wise loudness needs a rate with whole 100 ms steps, not {rate} Hz.",
                             hint="Resample to 48 kHz (audio.resample) first.")
        self.rate, self.channels, self._step = rate, channels, step
        self._gains = np.asarray(weights, dtype=float) if weights is not None else \
            (_GAINS[:channels] if channels <= 5 else np.ones(channels))
        self._sos = _k_sos(rate)
        self._zi = np.zeros((len(self._sos), 2, channels), dtype=np.float32)
        self._rest = np.zeros((0, channels), dtype=np.float32)       # weighted samples short of a whole step
        self._sums: list[np.ndarray] = []
        self._env_rest = np.zeros(0, dtype=np.float32)               # |x| short of a whole true-peak block
        self._peaks: list[np.ndarray] = []
        self.samples = 0

    def add(self, x: np.ndarray) -> None:
        """Measure the next ``x`` (samples × channels, or mono for a one-channel meter)."""
        from scipy.signal import sosfilt

        y = _as_2d(x)
        if y.shape[1] != self.channels:
            raise AudioError(f"This meter measures {self.channels} channel(s), not {y.shape[1]}.",
                             hint="Feed every block with the same channels.")
        w, self._zi = sosfilt(self._sos, y, axis=0, zi=self._zi)
        w = w.astype(np.float32, copy=False)
        if len(self._rest):
            w = np.concatenate([self._rest, w])
        steps = len(w) // self._step
        chunk = w[: steps * self._step].reshape(steps, self._step, self.channels)
        self._sums.append(np.einsum("ijk,ijk->ik", chunk, chunk, dtype=np.float64) @ self._gains)
        self._rest = w[steps * self._step:].copy()
        env = _row_max(np.abs(y))
        if len(self._env_rest):
            env = np.concatenate([self._env_rest, env])
        whole = len(env) // _BLOCK
        if whole:
            self._peaks.append(env[: whole * _BLOCK].reshape(whole, _BLOCK).max(axis=1))
        self._env_rest = env[whole * _BLOCK:].copy()
        self.samples += y.shape[0]

    def block_peaks(self) -> np.ndarray:
        """Sample peak (max over channels) of every 4096-sample block so far, the last one partial."""
        tail = [self._env_rest.max(keepdims=True)] if len(self._env_rest) else []
        return np.concatenate([*self._peaks, *tail]) if self._peaks or tail else np.zeros(0, dtype=np.float32)

    def result(self, dialogue: list[tuple[float, float]] | None = None, *, full: bool = True,
               audio: np.ndarray | None = None) -> Loudness:
        """The figures of everything added, as :func:`measure` gives them (``audio``: what was added, for the true peak)."""
        n, rate, step = self.samples, self.rate, self._step
        _too_short(n, rate)
        sums = np.concatenate(self._sums) if self._sums else np.zeros(0)
        csum = np.concatenate([[0.0], np.cumsum(sums)])

        def powers(per: int) -> np.ndarray:
            count = len(sums) - per + 1
            return (csum[per: per + count] - csum[:count]) / (per * step) if count > 0 else np.zeros(0)

        p400 = powers(4)
        integrated = _gated(p400, -10.0)
        dlg = _dialogue_gated(p400, np.arange(len(p400)) * step, rate, dialogue)
        if not full:
            return Loudness(integrated, 0.0, 0.0, 0.0, n / rate, dlg)
        peaks = self.block_peaks()
        sample_peak = float(peaks.max()) if len(peaks) else 0.0
        if audio is not None:
            y = _as_2d(audio)
            if y.shape[0] != n:
                raise AudioError(f"The audio for the true peak has {y.shape[0]} samples, the meter measured {n}.",
                                 hint="Pass the very audio that was added block by block.")
            tp = _true_peak_search(y, peaks)
        else:
            tp = 20 * np.log10(sample_peak) if sample_peak > 0 else float("-inf")
        return Loudness(integrated, _lra(powers(30)), tp,
                        20 * np.log10(sample_peak) if sample_peak > 0 else float("-inf"), n / rate, dlg)


def limiter_gain(x: np.ndarray, rate: int, ceiling_dbtp: float, lookahead_ms: float = 1.5,
                 release_ms: float = 80.0) -> np.ndarray:
    """Per-sample gain (≤ 1) of a look-ahead brick-wall limiter on the true-peak envelope (linked channels)."""
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    y = _as_2d(x)
    ceiling = 10 ** ((ceiling_dbtp - 0.1) / 20)
    env = peak_envelope(y, floor=ceiling)
    need = np.minimum(np.float32(1.0), np.float32(ceiling) / np.maximum(env, np.float32(1e-12)))
    if need.min() >= 1.0:
        return np.ones(y.shape[0], dtype=np.float32)
    look = max(1, int(lookahead_ms * rate / 1000))
    gain = minimum_filter1d(need, size=2 * look + 1, mode="nearest")
    rel = max(1, int(release_ms * rate / 1000))
    gain = np.minimum(gain, uniform_filter1d(gain, size=rel, mode="nearest"))
    return minimum_filter1d(gain, size=look, mode="nearest")


def limit_true_peak(x: np.ndarray, rate: int, ceiling_dbtp: float) -> np.ndarray:
    """``x`` limited under ``ceiling_dbtp`` true peak."""
    g = limiter_gain(x, rate, ceiling_dbtp)
    return x * (g[:, None] if np.ndim(x) > 1 else g)


def normalised_level(lo: Loudness, dialogue_gated: bool) -> float:
    """The loudness a normaliser aims at: dialogue-gated or integrated; a silent mix is an error."""
    value = lo.dialogue_lufs if dialogue_gated else lo.integrated_lufs
    if value is None or not np.isfinite(value):
        raise AudioError("The mix is silent: there is nothing to normalise.",
                         hint="Check the stems are not all muted.")
    return float(value)


def normalize(x: np.ndarray, rate: int, spec: LoudnessSpec | str,
              dialogue: list[tuple[float, float]] | None = None, *, return_gain: bool = False):
    """Gain to the spec's target, then true-peak limiting under its ceiling; re-measured until within 0.1 LU.

    Returns (audio, loudness) or, with ``return_gain``, (audio, loudness, per-sample gain) so
    stems can follow the master exactly.
    """
    spec = get_spec(spec) if isinstance(spec, str) else spec
    gated = spec.dialogue_gated and bool(dialogue)
    src = _as_2d(x)
    spans = dialogue if gated else None

    def level(lo: Loudness) -> float:
        return normalised_level(lo, gated)

    current = level(measure(src, rate, spans, full=False))
    scalar = 10 ** ((spec.target_lufs - current) / 20)
    gain = np.full(src.shape[0], scalar, dtype=np.float32)
    for _ in range(6):
        limiter = limiter_gain(src * gain[:, None], rate, spec.true_peak_dbtp)
        y = src * (gain * limiter)[:, None]
        now = level(measure(y, rate, spans, full=False))
        if abs(now - spec.target_lufs) <= 0.1:
            gain = gain * limiter
            break
        gain = gain * np.float32(10 ** ((spec.target_lufs - now) / 20))  # make up what the limiter took
    else:
        gain = gain * limiter_gain(src * gain[:, None], rate, spec.true_peak_dbtp)
    y = src * gain[:, None]
    lo = measure(y, rate, spans)
    out = y if x.ndim > 1 else y[:, 0]
    return (out, lo, gain) if return_gain else (out, lo)


def qc(loudness: Loudness, spec: LoudnessSpec | str, file: str = "") -> QCReport:
    """Pass/fail against the spec, with the figures."""
    spec = get_spec(spec) if isinstance(spec, str) else spec
    measured = loudness.dialogue_lufs if spec.dialogue_gated and loudness.dialogue_lufs is not None \
        else loudness.integrated_lufs
    problems = []
    if not np.isfinite(measured) or abs(measured - spec.target_lufs) > spec.tolerance_lu:
        problems.append(f"loudness {measured:.1f} outside {spec.target_lufs:.0f} ±{spec.tolerance_lu:.0f}")
    if loudness.true_peak_dbtp > spec.true_peak_dbtp:
        problems.append(f"true peak {loudness.true_peak_dbtp:.1f} dBTP over {spec.true_peak_dbtp:.0f}")
    return QCReport(file, spec.name, loudness, float(measured), not problems, problems)


def measure_file(path: str | Path, spec: str = "ebu-r128") -> QCReport:
    """Measure a WAV/FLAC/MP4/MOV file and QC it against ``spec``."""
    data, rate = read_audio(path)
    return qc(measure(data, rate), spec, str(path))


def ffmpeg_ebur128(path: str | Path) -> dict[str, float]:
    """ffmpeg's own ``ebur128`` figures for a file (the reference our measurement must agree with)."""
    import imageio_ffmpeg

    out = subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path),
                          "-af", "ebur128=peak=true", "-f", "null", "-"], capture_output=True, text=True, check=False)
    summary = out.stderr[out.stderr.rfind("Summary:"):]
    if "Summary:" not in out.stderr:
        raise AudioError(f"ffmpeg ebur128 could not measure {path}.", hint=out.stderr[-300:])

    def grab(label: str) -> float:
        m = re.search(label + r":\s+(-?[\d.]+|-inf)", summary)
        return float(m.group(1)) if m else float("nan")

    return {"integrated_lufs": grab("I"), "loudness_range_lu": grab("LRA"), "true_peak_dbtp": grab("Peak")}
