"""Marketing exports: platform presets from one decode vs plain ffmpeg encodes (issue 13's target).

Measures, in one run on the same machine, each stage in a process of its own (so its peak RSS is its own):

* a ``--seconds`` spot (default 60 s) as the source: ``--source`` (default 1920×1080, the delivery master)
  24 fps testsrc2 + tone;
* reframing analysis (face tracking) frames per second;
* for each platform preset (``--platforms``, default all), one plain ffmpeg encode of the same length at the
  preset's resolution, codec and bitrate (scale only, no crop, no captions, no QC) — the reference;
* the marketing engine's export of those presets in one ffmpeg process (decode once, encode many: split,
  subject-tracked crops for the vertical/square presets, per-output loudness gain) with its self-QC;
* the self-QC alone (one header read and one decode per file), so encode-only = export − QC;
* per export: the multi-output time divided by the number of outputs, as a ratio to that preset's plain
  encode (goal ≤ 1.5× each), and the whole run against the sum of the plain encodes.

Every stage prints wall time and peak RSS (the Python process, and the largest ffmpeg it ran).

    .venv/bin/python benchmarks/bench_marketing.py [--seconds 60] [--scale 1.0] [--platforms youtube,tiktok]
"""
from __future__ import annotations

import argparse
import multiprocessing
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def _child(fn: Callable[[], Any], q: Any) -> None:
    t0 = time.perf_counter()
    try:
        out, err = fn(), None
    except Exception as exc:  # noqa: BLE001 - reported by the parent
        out, err = None, f"{type(exc).__name__}: {exc}"
    wall = time.perf_counter() - t0
    q.put((out, err, wall, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024))


def stage(name: str, fn: Callable[[], Any], rows: list[tuple]) -> tuple[Any, float]:
    """Run ``fn`` in a forked process; record (name, wall s, peak RSS of Python MB, of its largest child MB)."""
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(fn, q))
    p.start()
    out, err, wall, rss, child_rss = q.get()
    p.join()
    if err:
        raise SystemExit(f"{name} failed: {err}")
    rows.append((name, wall, rss, child_rss))
    print(f"  {name}: {wall:.1f} s", flush=True)
    return out, wall


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--scale", type=float, default=1.0, help="preset sizes × this (1.0: full size)")
    ap.add_argument("--source", default="1920x1080", help="the spot's size, WxH (the 16:9 master)")
    ap.add_argument("--platforms", default="all", help="'all' or e.g. youtube,tiktok")
    ap.add_argument("--reframe", choices=("tracked", "centre"), default="tracked",
                    help="crop of the narrower presets: the subject-tracked one (the product's) or a fixed centre")
    args = ap.parse_args()

    from studio_kit import media
    from studio_kit.engines.marketing import platforms as P
    from studio_kit.engines.marketing import social as S

    sw, sh = (int(v) for v in args.source.lower().split("x"))
    presets = [P.scaled(p, args.scale) for p in P.select(args.platforms)]
    rows: list[tuple] = []
    with tempfile.TemporaryDirectory(prefix="bench-marketing-") as work:
        w = Path(work)
        src = w / "source.mp4"
        print(f"{args.seconds:.0f} s spot {sw}x{sh}, presets at scale {args.scale}: "
              f"{', '.join(p.key for p in presets)}", flush=True)
        stage("source (not compared)", lambda: media.run_ffmpeg(
            ["-f", "lavfi", "-i", f"testsrc2=size={sw}x{sh}:rate=24:duration={args.seconds}", "-f", "lavfi",
             "-i", f"sine=frequency=440:sample_rate=48000:duration={args.seconds}", "-ac", "2", "-c:v", "libx264",
             "-preset", "veryfast", "-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "256k", "-shortest", str(src)],
            "bench source") and None, rows)

        def track() -> tuple[int, float, dict[str, str]]:
            t = S.track_subject(src)
            return t.analysed, t.fps, {p.key: S.crop_filter(t, p.aspect, sw, sh) for p in presets}

        (analysed, det_fps, crops), track_s = stage("reframing analysis", track, rows)
        plain: dict[str, float] = {}
        for p in presets:
            _out, plain[p.key] = stage(f"plain encode {p.key}", lambda p=p: media.run_ffmpeg(
                ["-i", str(src), "-vf", f"scale={p.width}:{p.height}", "-map", "0:v", "-map", "0:a",
                 *P.encoder_args(p), str(w / f"plain-{p.key}.{p.container}")], "plain encode") and None, rows)
        if args.reframe == "centre":
            crops = {p.key: f"crop=trunc(ih*{p.aspect:.6f}/2)*2:ih" if p.aspect < sw / sh - 1e-3 else "" for p in presets}
        targets = [(p, w / f"multi-{p.key}.{p.container}", crops[p.key] or None) for p in presets]
        lines, multi_qc = stage(f"export {len(presets)} outputs + self-QC", lambda: P.export(
            src, targets, what="bench multi-output"), rows)
        _qc, qc_s = stage("self-QC alone (1 decode/file)",
                          lambda: [P.check(path, p) for p, path, _vf in targets], rows)
    multi = max(0.0, multi_qc - qc_s)
    n = len(presets)
    print(f"\n{args.seconds:.0f} s spot, source {sw}x{sh}, scale {args.scale}, {n} presets, {args.reframe} crops, "
          f"all QC passed: "
          f"{all(q.passed for q in lines)}")
    print(f"\n{'stage':34} {'wall s':>8} {'peak RSS py MB':>15} {'peak RSS ffmpeg MB':>19}")
    for name, wall, rss, child in rows:
        print(f"{name:34} {wall:8.1f} {rss:15.0f} {child:19.0f}")
    print(f"\n{'preset':18} {'size':>11} {'plain s':>8} {'encode/n s':>11} {'ratio':>6} {'with QC/n':>10} {'ratio':>6}")
    for p in presets:
        print(f"{p.key:18} {p.width:>5}x{p.height:<5} {plain[p.key]:8.2f} {multi / n:11.2f} "
              f"{multi / n / plain[p.key]:6.2f} {multi_qc / n:10.2f} {multi_qc / n / plain[p.key]:6.2f}")
    total_plain = sum(plain.values())
    print(f"{'all':18} {'':>11} {total_plain:8.2f} {multi:11.2f} {multi / total_plain:6.2f} "
          f"{multi_qc:10.2f} {multi_qc / total_plain:6.2f}")
    print(f"self-QC: {qc_s / n:.2f} s per file (one decode each)")
    print(f"reframing analysis: {analysed} frames in {track_s:.2f} s = {analysed / track_s:.1f} fps "
          f"(detector {det_fps:.1f} fps)")


if __name__ == "__main__":
    main()
