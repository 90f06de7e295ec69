"""The media prober and reader every layer shares: probing, frame and sound reads, ffmpeg runs.

ffmpeg comes from imageio-ffmpeg. This module sits below the engines (it imports only
``studio_kit.domain`` and ``studio_kit.exceptions``), so production, post, marketing, the UI,
the CLI and the backends all read media through the same code.

There is no ffprobe in imageio-ffmpeg, so :func:`probe` asks PyAV (libavformat's
demuxers, as ffprobe does) instead of parsing ffmpeg's human-readable report.
Files are never read into Python: ffmpeg (or PyAV's demuxer) streams them.
"""
from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from studio_kit.domain.media import MediaInfo
from studio_kit.exceptions import ProductionError


def ffmpeg_exe() -> str:
    import imageio_ffmpeg

    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], what: str, *, timeout: float | None = None, stdin: Any = None) -> str:
    """Run ffmpeg with ``args``; ProductionError naming ``what`` and ffmpeg's last words on failure."""
    proc = subprocess.run([ffmpeg_exe(), "-hide_banner", "-nostdin", "-y", *args],
                          capture_output=True, check=False, text=True, timeout=timeout, stdin=stdin)
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        errors = [ln for ln in lines if re.search(r"error|invalid|truncat|partial|not found|no such", ln, re.IGNORECASE)]
        tail = " ".join((errors or lines)[-2:])[-300:]
        raise ProductionError(f"ffmpeg could not {what}: {tail}",
                              hint="Check the file plays in a video player; re-export it as H.264/ProRes if not.")
    return proc.stderr


def probe(path: str | Path, *, require_video: bool = True) -> MediaInfo:
    """Streams and timing of a media file, read by PyAV (libavformat's own demuxers, no report parsing):
    container, codecs, profile, pixel format, size, exact frame rate, duration, frames, timecode tag,
    display rotation, audio channels and rate, bitrates. The one prober every engine uses.

    ProductionError for a missing, broken or non-media file, and (``require_video``) one without picture.
    """
    import av

    path = Path(path)
    if not path.is_file():
        raise ProductionError(f"{path} does not exist.", hint="Check the path of the footage file.")
    try:
        container = av.open(str(path), metadata_errors="replace")
    except (av.FFmpegError, UnicodeDecodeError, ValueError) as exc:
        reason = (getattr(exc, "strerror", None) or str(exc) or "no media streams").lower()
        raise ProductionError(f"{path.name} is not a readable video file ({reason}).",
                              hint="Ingest camera originals or exports (MOV, MP4, MXF); a truncated copy must "
                                   "be copied again from the card.") from None
    with container:
        info = MediaInfo(path=str(path), bytes=path.stat().st_size, container=container.format.name.split(",")[0])
        if container.duration:
            info.duration_s = float(container.duration / av.time_base)
        tags = {k.lower(): v for k, v in container.metadata.items()}
        video = container.streams.video[0] if container.streams.video else None
        audio = container.streams.audio[0] if container.streams.audio else None
        for stream in container.streams:  # the timecode tag sits on the container, the picture or a tmcd track
            tags.update({k.lower(): v for k, v in stream.metadata.items() if k.lower() == "timecode"})
        tc = tags.get("timecode", "")
        info.timecode = tc if re.fullmatch(r"\d\d[:;]\d\d[:;]\d\d[:;.]\d\d", tc) else None
        if video is not None:
            cc = video.codec_context
            info.video_codec = cc.name
            info.width, info.height = cc.width, cc.height
            info.profile = cc.profile or ""
            info.pix_fmt = cc.format.name if cc.format is not None else ""
            info.video_kbps = round(cc.bit_rate / 1000) if cc.bit_rate else None
            rate = video.average_rate or video.guessed_rate or video.base_rate
            if rate:
                info.fps, info.fps_rational = float(rate), f"{rate.numerator}/{rate.denominator}"
            if not info.duration_s and video.duration and video.time_base:
                info.duration_s = float(video.duration * video.time_base)
            info.frames = video.frames or (round(info.duration_s * info.fps) if info.fps else 0)
            info.rotation = _rotation(container, video)
        if audio is not None:
            acc = audio.codec_context
            info.audio_codec = acc.name
            info.sample_rate = acc.sample_rate or 0
            info.audio_channels = acc.channels or 0
            info.audio_kbps = round(acc.bit_rate / 1000) if acc.bit_rate else None
    if video is None and (require_video or audio is None):
        what = "no video stream" if require_video else "no video or audio stream"
        raise ProductionError(f"{path.name} has {what}.",
                              hint="Ingest picture files; sound-only recordings go to post-production.")
    return info


def _rotation(container: Any, video: Any) -> int:
    """The display rotation of the first picture frame (a phone's portrait clip: 90 or -90), 0 if none."""
    try:
        for frame in container.decode(video.index):
            return int(round(frame.rotation or 0))
    except Exception:  # noqa: BLE001 - an undecodable first frame is the ingest's error to report, not the probe's
        return 0
    return 0


def tags(path: str | Path) -> dict[str, str]:
    """Container and stream metadata tags (lower-case keys): slate fields some cameras and recorders write."""
    import av

    try:
        with av.open(str(path), metadata_errors="replace") as container:
            out: dict[str, str] = {}
            for stream in reversed(container.streams):   # the container's own tags win over a stream's
                out.update({k.lower(): str(v).strip() for k, v in stream.metadata.items()})
            out.update({k.lower(): str(v).strip() for k, v in container.metadata.items()})
    except (av.FFmpegError, OSError):
        return {}
    out.pop("duration", None)
    return out


def read_frames(path: str | Path, width: int, height: int, *, start_s: float = 0.0,
                count: int | None = None, fps: float | None = None, fit: bool = False,
                filters: str | None = None) -> Iterator[Any]:
    """Decoded RGB frames (numpy arrays) of a video, streamed through a pipe, scaled to width×height
    (``fit``: kept in aspect and letterboxed; ``fps``: resampled to that rate; ``filters``: an ffmpeg
    filter chain applied to the source picture first, e.g. a cut choice's colour match)."""
    import numpy as np

    args = [ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error"]
    if start_s:
        args += ["-ss", f"{start_s:.3f}"]
    vf = (f"scale={width}:{height}:force_original_aspect_ratio=decrease,pad={width}:{height}:(ow-iw)/2:(oh-ih)/2"
          if fit else f"scale={width}:{height}")
    if fps:
        vf = f"fps={fps},{vf}"
    if filters:
        vf = f"{filters},{vf}"
    args += ["-i", str(path), "-an", "-vf", vf, "-f", "rawvideo", "-pix_fmt", "rgb24"]
    if count:
        args += ["-frames:v", str(count)]
    proc = subprocess.Popen(args + ["-"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None  # stdout=PIPE
    size = width * height * 3
    try:
        while True:
            buf = proc.stdout.read(size)
            if len(buf) < size:
                break
            yield np.frombuffer(buf, np.uint8).reshape(height, width, 3)
    finally:
        proc.stdout.close()
        proc.kill()
        proc.wait()


def audio_seconds(path: str | Path, rate: int = 48000) -> float:
    """Length of the first audio stream in seconds, by decoding it (0.0 when there is none)."""
    proc = subprocess.Popen([ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-i", str(path), "-vn",
                             "-ac", "1", "-ar", str(rate), "-f", "s16le", "-"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL)
    assert proc.stdout is not None  # stdout=PIPE
    stdout = proc.stdout
    total = 0
    for chunk in iter(lambda: stdout.read(1 << 20), b""):
        total += len(chunk)
    proc.wait()
    return total / 2 / rate


def video_frames(path: str | Path) -> int:
    """Number of video frames, by decoding (exact, unlike the container's duration)."""
    err = run_ffmpeg(["-i", str(path), "-map", "0:v:0", "-f", "null", "-"], f"decode {Path(path).name}")
    found = re.findall(r"frame=\s*(\d+)", err)
    return int(found[-1]) if found else 0
