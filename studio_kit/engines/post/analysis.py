"""Measurements of voices (for QC, the mixer and the tests): median F0 and spectral centroid."""
from __future__ import annotations

import numpy as np

from studio_kit.engines.post.audio import SR


def median_f0(x: np.ndarray, rate: int = SR, fmin: float = 60.0, fmax: float = 500.0) -> float:
    """Median fundamental frequency (Hz) of the voiced frames: normalised autocorrelation, 40 ms frames."""
    from scipy.signal import resample_poly

    if rate != 16000:
        x = resample_poly(x, 16000, rate) if rate % 1000 == 0 else x
        rate = 16000 if rate % 1000 == 0 else rate
    frame, hop = int(0.04 * rate), int(0.01 * rate)
    lo, hi = int(rate / fmax), int(rate / fmin)
    x = np.asarray(x, dtype=np.float64)
    if len(x) < frame + hi + 1:
        return 0.0
    starts = np.arange(0, len(x) - frame - hi, hop)
    idx = starts[:, None] + np.arange(frame + hi)[None, :]
    segs = x[idx]
    segs = segs - segs.mean(axis=1, keepdims=True)
    a = segs[:, :frame]
    energy = np.sqrt(np.mean(a ** 2, axis=1))
    voiced = energy >= 0.1 * np.sqrt(np.mean(x ** 2))
    a, segs = a[voiced], segs[voiced]
    if not len(a):
        return 0.0
    aa = np.sum(a * a, axis=1)
    best_r = np.full(len(a), -1.0)
    best_k = np.zeros(len(a), dtype=int)
    for k in range(lo, hi):
        b = segs[:, k: k + frame]
        r = np.sum(a * b, axis=1) / np.sqrt(np.maximum(aa * np.sum(b * b, axis=1), 1e-24))
        better = r > best_r
        best_r[better], best_k[better] = r[better], k
    f0s = rate / best_k[best_r > 0.7] if np.any(best_r > 0.7) else np.zeros(0)
    return float(np.median(f0s)) if len(f0s) else 0.0


def spectral_centroid(x: np.ndarray, rate: int = SR) -> float:
    """Energy-weighted mean frequency (Hz) of the whole signal."""
    if not len(x):
        return 0.0
    spec = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return float(np.sum(freqs * spec ** 2) / max(np.sum(spec ** 2), 1e-20))


def band_energy_ratio(x: np.ndarray, low: float, high: float, rate: int = SR) -> float:
    """Share of the signal's energy between ``low`` and ``high`` Hz."""
    spec = np.abs(np.fft.rfft(x)) ** 2
    freqs = np.fft.rfftfreq(len(x), 1 / rate)
    return float(spec[(freqs >= low) & (freqs <= high)].sum() / max(spec.sum(), 1e-20))
