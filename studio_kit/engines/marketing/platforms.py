"""Platform presets (data: ``studio_kit/data/marketing/platforms.yaml``), exports and their self-QC.

:func:`export` decodes the source once and encodes every platform in the same
ffmpeg process (one ``split`` per output: optional crop, scale, frame rate;
one ``asplit``: each output's loudness gain). Every file is checked against its
preset before it is renamed into place (:func:`check`: codec, profile, pixel
format, size, frame rate, video bitrate, audio codec and rate, loudness within
the spec's tolerance and its true-peak ceiling, duration, frame count, a picture
that changes, and file size — the figures of one header read and one decode of
the file, :func:`decode`); a failed
QC is a :class:`~studio_kit.exceptions.MarketingError` and no file of the run is
left behind.
"""
from __future__ import annotations

import dataclasses
import logging
import subprocess
import tempfile
from contextlib import ExitStack
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from studio_kit import media
from studio_kit.domain.marketing import PlatformPreset, QCLine
from studio_kit.engines.post.audio import read_audio, write_wav
from studio_kit.engines.post.loudness import get_spec, measure, normalize
from studio_kit.engines.post.loudness import qc as loudness_qc
from studio_kit.exceptions import MarketingError
from studio_kit.store.files import atomic_path

log = logging.getLogger(__name__)

DATA = Path(__file__).resolve().parents[2] / "data" / "marketing" / "platforms.yaml"
ALIASES = {"instagram": "instagram-reels", "reels": "instagram-reels", "shorts": "youtube-shorts",
           "twitter": "x", "feed": "instagram-feed", "prores": "screener", "festival": "screener",
           "h264": "master"}
#: headroom (dB) a lossy audio codec gets below the spec's true-peak ceiling
LOSSY_HEADROOM_DB = 0.6
#: what a re-encode takes off the limiter's ceiling beyond a measured true-peak overshoot
OVERSHOOT_MARGIN_DB = 0.5


@lru_cache(maxsize=1)
def presets() -> dict[str, PlatformPreset]:
    import yaml

    raw = yaml.safe_load(DATA.read_text(encoding="utf-8")) or {}
    return {k: PlatformPreset(key=k, **{kk: (tuple(vv) if kk == "safe_zone" else vv) for kk, vv in v.items()})
            for k, v in raw.items()}


def get_preset(name: str) -> PlatformPreset:
    key = name.strip().lower().replace("_", "-").replace(" ", "-")
    key = ALIASES.get(key, key)
    known = presets()
    if key not in known:
        raise MarketingError(f"Unknown platform {name!r}.", hint=f"Known platforms: {', '.join(known)}.")
    return known[key]


def select(names: str | list[str], *, social_only: bool = False) -> list[PlatformPreset]:
    """Presets from 'tiktok,youtube' / a list / 'all' (each once, in the order given)."""
    items = [n for n in (names.split(",") if isinstance(names, str) else names) if n.strip()]
    if not items:
        raise MarketingError("No platform given.", hint=f"Known platforms: {', '.join(presets())} (or 'all').")
    if [n.strip().lower() for n in items] == ["all"]:
        out = list(presets().values())
    else:
        out = list({p.key: p for p in (get_preset(n) for n in items)}.values())
    return [p for p in out if p.social] if social_only else out


def trailer_preset(size: tuple[int, int], fps: int, spec: str, seconds: float) -> PlatformPreset:
    """What a rendered trailer must be: H.264 High 4:2:0, its size and rate, AAC 48 kHz, the loudness spec."""
    return PlatformPreset(key="trailer", label="trailer", width=size[0], height=size[1], fps=fps,
                          video_bitrate_kbps=None, audio_bitrate_kbps=None, loudness=spec,
                          min_seconds=seconds - 0.05, max_seconds=seconds + 0.05, social=False)


def scaled(preset: PlatformPreset, scale: float) -> PlatformPreset:
    """The preset at a smaller size (tests, previews): even dimensions, bitrate scaled by area."""
    if scale == 1:
        return preset
    w, h = max(16, round(preset.width * scale / 2) * 2), max(16, round(preset.height * scale / 2) * 2)
    kbps = max(200, int(preset.video_bitrate_kbps * scale * scale)) if preset.video_bitrate_kbps else None
    return preset.model_copy(update={"width": w, "height": h, "video_bitrate_kbps": kbps})


# -- probing ------------------------------------------------------------------------
def probe(path: str | Path) -> dict[str, Any]:
    """Codec, profile, pixel format, size, fps, bitrates, audio, duration and size of a file (media.probe)."""
    info = media.probe(path)
    return {"width": info.width, "height": info.height, "fps": round(info.fps, 3),
            "video_codec": info.video_codec, "audio_codec": info.audio_codec,
            "sample_rate": info.sample_rate, "duration_s": info.duration_s,
            "megabytes": round(Path(path).stat().st_size / 1e6, 3), "container": info.container,
            "profile": info.profile, "pix_fmt": info.pix_fmt, "video_kbps": info.video_kbps,
            "audio_kbps": info.audio_kbps, "audio_channels": info.audio_channels}


#: the grey thumbnail (w, h) the QC compares frames by
THUMB = (32, 18)
#: mean absolute difference (0–255) between two thumbnails below which the picture has not changed
STILL_DIFF = 0.5


@dataclass
class Decoded:
    """What one decode of a file gives the QC: frames counted, picture changes, the sound track."""

    frames: int
    picture_changes: int            # consecutive frames whose thumbnails differ
    audio: Any = None               # float32 (samples, channels), None without audio
    rate: int = 0


def decode(path: str | Path, channels: int = 0, rate: int = 0) -> Decoded:
    """Decode ``path`` once (one ffmpeg run): every picture frame as a small grey thumbnail (counted and
    compared) and, with ``channels``, the first sound track as float32 at ``rate`` (what
    :func:`~studio_kit.engines.post.audio.read_audio` gives the loudness meter)."""
    import numpy as np


    w, h = THUMB
    with tempfile.TemporaryDirectory(prefix="studio-qc-") as work:
        thumbs = Path(work) / "thumbs.gray"
        args = [media.ffmpeg_exe(), "-hide_banner", "-nostdin", "-nostats", "-v", "error", "-y", "-i", str(path),
                "-map", "0:v:0", "-vf", f"scale={w}:{h}:flags=area,format=gray", "-fps_mode", "passthrough",
                "-f", "rawvideo", str(thumbs)]
        if channels:
            args += ["-map", "0:a:0", "-c:a", "pcm_f32le", "-ac", str(channels), "-ar", str(rate), "-f", "f32le",
                     "pipe:1"]
        proc = subprocess.run(args, capture_output=True, check=False, timeout=3600)
        if proc.returncode != 0:
            raise MarketingError(f"ffmpeg could not decode {Path(path).name}: "
                                 f"{proc.stderr.decode(errors='replace').strip()[-300:]}",
                                 hint="The export is damaged; export it again.")
        pics = np.fromfile(thumbs, np.uint8)
    pics = pics[:len(pics) // (w * h) * w * h].reshape(-1, h, w).astype(np.int16)
    changes = int((np.abs(np.diff(pics, axis=0)).mean(axis=(1, 2)) > STILL_DIFF).sum()) if len(pics) > 1 else 0
    audio = np.frombuffer(proc.stdout, np.float32).reshape(-1, channels) if channels else None
    return Decoded(frames=len(pics), picture_changes=changes, audio=audio, rate=rate)


def check(path: str | Path, preset: PlatformPreset, *, frames: int | None = None, name: str | None = None) -> QCLine:
    """The QC line of one file against its preset (decoded, measured; nothing is assumed).

    The file's header is read once and its streams **decoded once** (:func:`decode`): the frame count,
    the duration, whether the picture changes and the loudness all come from that one pass.
    """
    problems: list[str] = []
    try:
        f = probe(path)
        pass_ = decode(path, f["audio_channels"] if f["audio_codec"] else 0, f["sample_rate"])
    except Exception as exc:  # noqa: BLE001 - an unreadable export is a failed QC
        return QCLine(file=str(path), preset=preset.key, passed=False, problems=[f"unreadable: {exc}"])
    f["frames"], f["picture_changes"] = pass_.frames, pass_.picture_changes
    if f["frames"] > 1 and not pass_.picture_changes:
        problems.append(f"picture frozen: all {f['frames']} frames alike")
    if (f["width"], f["height"]) != (preset.width, preset.height):
        problems.append(f"size {f['width']}x{f['height']} is not {preset.width}x{preset.height}")
    if abs(f["fps"] - preset.fps) > 0.01:
        problems.append(f"{f['fps']} fps is not {preset.fps}")
    if f["video_codec"] != preset.video_codec:
        problems.append(f"video codec {f['video_codec']} is not {preset.video_codec}")
    if preset.profile and preset.profile.lower() not in (f.get("profile") or "").lower():
        problems.append(f"profile {f.get('profile')!r} is not {preset.profile}")
    if preset.pix_fmt and f.get("pix_fmt") != preset.pix_fmt:
        problems.append(f"pixel format {f.get('pix_fmt')} is not {preset.pix_fmt}")
    if preset.video_bitrate_kbps and f.get("video_kbps") and f["video_kbps"] > preset.video_bitrate_kbps * 1.2:
        problems.append(f"video {f['video_kbps']} kb/s over {preset.video_bitrate_kbps} kb/s")
    if f["audio_codec"] != preset.audio_codec:
        problems.append(f"audio codec {f['audio_codec']} is not {preset.audio_codec}")
    if f["sample_rate"] != preset.audio_rate:
        problems.append(f"audio {f['sample_rate']} Hz is not {preset.audio_rate}")
    if preset.audio_bitrate_kbps and f.get("audio_kbps") and f["audio_kbps"] > preset.audio_bitrate_kbps * 1.15:
        problems.append(f"audio {f['audio_kbps']} kb/s over {preset.audio_bitrate_kbps} kb/s")
    seconds = f["frames"] / preset.fps if f["frames"] else f["duration_s"]
    if frames is not None and f["frames"] != frames:
        problems.append(f"{f['frames']} frames, expected {frames}")
    if seconds < preset.min_seconds:
        problems.append(f"{seconds:.2f} s is shorter than {preset.min_seconds} s")
    if preset.max_seconds is not None and seconds > preset.max_seconds:
        problems.append(f"{seconds:.2f} s is longer than {preset.max_seconds} s")
    if preset.max_megabytes is not None and f["megabytes"] > preset.max_megabytes:
        problems.append(f"{f['megabytes']} MB over {preset.max_megabytes} MB")
    if not f["audio_codec"]:
        problems.append("no audio stream")
    elif pass_.audio is None or not len(pass_.audio):
        problems.append("audio stream holds no samples")
    else:
        lo = loudness_qc(measure(pass_.audio, pass_.rate), preset.loudness, str(path))
        f["lufs"] = round(float(lo.measured_lufs), 2)
        f["true_peak"] = round(float(lo.loudness.true_peak_dbtp), 2)
        problems += [f"audio {p}" for p in lo.problems]
    f["duration_s"] = round(seconds, 3)
    return QCLine(file=name or str(path), preset=preset.key, passed=not problems, figures=f, problems=problems)


# -- exports ------------------------------------------------------------------------
def encoder_args(p: PlatformPreset) -> list[str]:
    if p.video_codec == "prores":
        v = ["-c:v", "prores_ks", "-profile:v", "3", "-pix_fmt", p.pix_fmt, "-vendor", "apl0"]
    else:
        k = p.video_bitrate_kbps or 8000
        g = str(max(1, round(p.fps / 2)))
        v = ["-c:v", "libx264", "-preset", "veryfast", "-profile:v", p.profile.lower(), "-pix_fmt", p.pix_fmt,
             "-b:v", f"{k}k", "-maxrate", f"{k}k", "-bufsize", f"{2 * k}k", "-g", g, "-keyint_min", g,
             "-sc_threshold", "0", "-flags", "+cgop"]
    a = ["-c:a", p.audio_codec, "-ar", str(p.audio_rate), "-ac", "2"]
    if p.audio_bitrate_kbps:
        a += ["-b:a", f"{p.audio_bitrate_kbps}k"]
    mux = ["-movflags", "+faststart"] if p.faststart and p.container == "mp4" else []
    return [*v, "-r", f"{p.fps:g}", *a, *mux, "-f", "mov" if p.container == "mov" else "mp4"]


def export(source: str | Path, targets: list[tuple[PlatformPreset, Path, str | None]], *,
           start_s: float = 0.0, seconds: float | None = None, post_filters: dict[str, str] | None = None,
           what: str = "platform export") -> list[QCLine]:
    """Encode ``source`` to every (preset, path, video filter before scaling) in one ffmpeg run, then QC each.

    ``post_filters`` (preset key → filter) run on that output after scaling (burned-in captions).
    Nothing is left behind when an encode or a QC fails.
    """
    if not targets:
        raise MarketingError("Nothing to export.", hint="Name at least one platform.")
    audio, rate = read_audio(source)
    first = round(start_s * rate)
    audio = audio[first:first + round(seconds * rate)] if seconds else audio[first:]
    post_filters = post_filters or {}
    args: list[str] = []
    if start_s:
        args += ["-ss", f"{start_s:.6f}"]
    if seconds:
        args += ["-t", f"{seconds:.6f}"]
    args += ["-i", str(source)]
    # each output's sound: gain to its platform's loudness, then the post engine's true-peak limiter under the
    # ceiling less the headroom a lossy codec needs (its overshoot)
    ceilings = [get_spec(p.loudness).true_peak_dbtp - (LOSSY_HEADROOM_DB if p.audio_codec != "pcm_s24le" else 0.2)
                for p, _path, _vf in targets]

    def encode(which: list[int], tmps: list[Path], work: Path) -> None:
        n = len(which)
        chains = [f"[0:v]split={n}" + "".join(f"[s{k}]" for k in which)]
        inputs: list[str] = []
        outs: list[str] = []
        for j, k in enumerate(which, start=1):
            p, _path, vf = targets[k]
            spec = dataclasses.replace(get_spec(p.loudness), true_peak_dbtp=ceilings[k])
            inputs += ["-i", str(write_wav(work / f"{k}.wav", normalize(audio, rate, spec)[0]))]
            pre = f"{vf}," if vf else ""
            post = f",{post_filters[p.key]}" if post_filters.get(p.key) else ""
            chains.append(f"[s{k}]{pre}scale={p.width}:{p.height}:flags=bicubic,setsar=1{post},fps={p.fps:g},"
                          f"format={p.pix_fmt}[v{k}]")
            chains.append(f"[{j}:a]aresample={p.audio_rate}[x{k}]")
            outs += ["-map", f"[v{k}]", "-map", f"[x{k}]", *encoder_args(p), str(tmps[k])]
        media.run_ffmpeg([*args, *inputs, "-filter_complex", ";".join(chains), *outs], what)

    with ExitStack() as stack:
        tmps = [stack.enter_context(atomic_path(path)) for _p, path, _vf in targets]
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="studio-export-")))
        encode(list(range(len(targets))), tmps, work)
        lines = [check(tmp, p, name=str(path)) for (p, path, _vf), tmp in zip(targets, tmps, strict=True)]
        # a lossy codec can overshoot the ceiling by more than the headroom allowed for it: measure, lower
        # that output's ceiling by the overshoot (plus a margin), and encode it once more
        over = [k for k, q in enumerate(lines)
                if not q.passed and all("true peak" in problem for problem in q.problems)]
        if over:
            log.info("true peak over the ceiling after encoding; limiting harder and encoding again: %s",
                     "; ".join(lines[k].line() for k in over))
            for k in over:
                peak = float(lines[k].figures["true_peak"])
                ceilings[k] = min(ceilings[k], peak) - (peak - get_spec(targets[k][0].loudness).true_peak_dbtp) \
                    - OVERSHOOT_MARGIN_DB
            encode(over, tmps, work)
            for k in over:
                p, path, _vf = targets[k]
                lines[k] = check(tmps[k], p, name=str(path))
        failed = [q for q in lines if not q.passed]
        if failed:
            raise MarketingError(f"{len(failed)} export(s) failed QC: " + " | ".join(q.line() for q in failed),
                                 hint="No file of this run was kept; fix the preset or the source and export again.")
    return lines
