"""Synthetic footage with known cuts, made by ffmpeg's test sources."""
from __future__ import annotations

import subprocess

from studio_kit import media


def make_clip(path, *, cuts_at=(48, 96), fps=24, total=144, timecode="01:00:00:00"):
    """A synthetic clip whose shots change at known frames: test pattern, flat navy, a fractal."""
    sources = ["testsrc2=s=320x240:r={fps}", "color=c=navy:s=320x240:r={fps}", "mandelbrot=s=320x240:r={fps}"]
    bounds = [0, *cuts_at, total]
    args = []
    for src in sources[:len(bounds) - 1]:
        args += ["-f", "lavfi", "-i", src.format(fps=fps)]
    chain = "".join(f"[{i}:v]trim=end_frame={bounds[i + 1] - bounds[i]},setpts=PTS-STARTPTS[v{i}];"
                    for i in range(len(bounds) - 1))
    chain += "".join(f"[v{i}]" for i in range(len(bounds) - 1)) + f"concat=n={len(bounds) - 1}:v=1:a=0[v]"
    subprocess.run([media.ffmpeg_exe(), "-v", "error", "-y", *args, "-f", "lavfi", "-i",
                    f"sine=f=440:d={total / fps}", "-filter_complex", chain, "-map", "[v]", "-map",
                    f"{len(bounds) - 1}:a", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-c:a", "aac",
                    "-metadata", f"timecode={timecode}", "-movflags", "+faststart", str(path)], check=True)
    return path
