"""Audio plumbing for post-production: resampling, reading any WAV/MP4, 24-bit masters.

Everything inside the engine is float32 at :data:`SR` (48 kHz, the film
delivery rate). Files are written atomically through ``store.files.atomic_path``.
"""
from __future__ import annotations

import io
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np

from studio_kit import media
from studio_kit.exceptions import AudioError, ProductionError
from studio_kit.store.files import atomic_path

SR = 48_000


def resample(samples: np.ndarray, rate: int, target: int = SR) -> np.ndarray:
    """Band-limited polyphase resampling (scipy), mono or (n, channels)."""
    if rate == target or len(samples) == 0:
        return samples.astype(np.float32, copy=False)
    from scipy.signal import resample_poly

    frac = Fraction(target, rate)
    return resample_poly(samples, frac.numerator, frac.denominator, axis=0).astype(np.float32)


def fit_length(samples: np.ndarray, n: int) -> np.ndarray:
    """Pad with silence or cut to exactly ``n`` samples."""
    if len(samples) >= n:
        return samples[:n]
    pad = [(0, n - len(samples))] + [(0, 0)] * (samples.ndim - 1)
    return np.pad(samples, pad)


def db_to_gain(db: float) -> float:
    return float(10.0 ** (db / 20.0))


def rms_db(samples: np.ndarray) -> float:
    """RMS level in dBFS (−inf for silence)."""
    if len(samples) == 0:
        return float("-inf")
    value = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
    return 20 * np.log10(value) if value > 0 else float("-inf")


#: samples per write: a film-length master is clipped and written a block at a time
WRITE_BLOCK = 1 << 20


def write_wav(path: str | Path, samples: np.ndarray, rate: int = SR, subtype: str = "PCM_24") -> Path:
    """A WAV master (default 24-bit PCM), written atomically and block by block (no film-length copy)."""
    import soundfile as sf


    path = Path(path)
    channels = 1 if samples.ndim == 1 else samples.shape[1]
    with atomic_path(path) as tmp, sf.SoundFile(str(tmp), "w", rate, channels, subtype=subtype, format="WAV") as f:
        for a in range(0, len(samples), WRITE_BLOCK):
            f.write(np.clip(samples[a: a + WRITE_BLOCK], -1.0, 1.0))
    return path


def wav_bytes(samples: np.ndarray, rate: int = SR, subtype: str = "PCM_24") -> bytes:
    import soundfile as sf

    buf = io.BytesIO()
    sf.write(buf, np.clip(samples, -1.0, 1.0), rate, subtype=subtype, format="WAV")
    return buf.getvalue()


def read_audio(path: str | Path, rate: int | None = None) -> tuple[np.ndarray, int]:
    """Samples as float32 (n, channels) and their rate, from WAV/FLAC/OGG or any file ffmpeg decodes (MP4, MOV, MP3).

    ``rate`` resamples on the way in. Raises :class:`AudioError` naming the file when it holds no audio.
    """
    import soundfile as sf

    path = Path(path)
    if not path.is_file():
        raise AudioError(f"No such audio file: {path}.", hint="Check the path; give a WAV, FLAC or MP4 file.")
    try:
        data, sr = sf.read(str(path), dtype="float32", always_2d=True)
    except Exception:  # noqa: BLE001 - not a format libsndfile reads: try ffmpeg
        data, sr = _ffmpeg_decode(path)
    if len(data) == 0:
        raise AudioError(f"{path.name} holds no audio samples.", hint="Give a file with a sound track.")
    if rate and sr != rate:
        data, sr = resample(data, sr, rate), rate
    return data, int(sr)


def _audio_stream(path: Path) -> tuple[int, int] | None:
    """(sample rate, channels) of the file's first sound track, from the shared prober; None when it has
    none or is not media."""
    try:
        info = media.probe(path, require_video=False)
    except ProductionError:
        return None
    return (info.sample_rate, max(1, info.audio_channels)) if info.sample_rate else None


def _ffmpeg_decode(path: Path) -> tuple[np.ndarray, int]:
    stream = _audio_stream(path)
    if stream is None:
        raise AudioError(f"{path.name} is not an audio or video file with a sound track (ffmpeg found no audio stream).",
                         hint="Give a WAV, FLAC, MP3 or an MP4/MOV with audio.")
    sr, channels = stream
    out = subprocess.run([media.ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn", "-f", "f32le",
                          "-acodec", "pcm_f32le", "-ac", str(channels), "-ar", str(sr), "-"], capture_output=True, check=False)
    if out.returncode != 0:
        raise AudioError(f"ffmpeg could not decode the audio of {path.name}: {out.stderr.decode(errors='replace')[-300:]}",
                         hint="Check the file is not damaged.")
    data = np.frombuffer(out.stdout, dtype=np.float32).reshape(-1, channels)
    return data.copy(), sr
