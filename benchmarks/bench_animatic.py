"""Animatic speed and memory on a 10-minute script at 720p (issue 12's targets).

Measures, in one run on the same machine:

* shots drawn per second by the previz image backend (the whole shot list at 1280×720);
* previz camera-move frames per second (the video backend alone, a push-in at 720p);
* the full animatic render (segments encoded + assembly with a silent track), wall time;
* a plain ffmpeg encode of the same frames at the same settings (ffmpeg decoding the finished
  animatic and re-encoding it with the animatic's encoder arguments), and the ratio (goal ≤ 1.5×);
* peak memory of the Python process and of the largest ffmpeg child (goal < 1.5 GB);
* the incremental re-render after changing one shot, as a share of the full render (goal < 10 %).

    .venv/bin/python benchmarks/bench_animatic.py [--minutes 10]

moviepy is not used anywhere in studio_kit, so it has nothing to cost here.
"""
from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def long_script(minutes: float) -> str:
    """The sample short, its scenes repeated (renamed locations) until the script runs ``minutes``."""
    from studio_kit.engines.production.shots import load

    sample = (REPO / "studio_kit" / "data" / "samples" / "the_last_reel.fountain").read_text()
    head, _, body = sample.partition("\n\n")
    if not re.match(r"^\w[\w ]*:", head):
        head, body = "Title: The Last Reel", sample
    text = head + "\n\n" + body
    copies = 1
    while load(text).scenes and sum(s.eighths for s in load(text).scenes) / 8 < minutes:
        copies += 1
        text = head + "\n\n" + "\n\n".join(body.replace("INT. ", f"INT. REEL {k} ").replace("EXT. ", f"EXT. REEL {k} ")
                                           for k in range(copies))
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="bench-animatic-"))
    os.environ["STUDIO_HOME"] = str(home)
    from studio_kit.config import reset_settings

    reset_settings()
    from studio_kit import media
    from studio_kit.engines.characters import service as characters
    from studio_kit.engines.production import animatic, service
    from studio_kit.store import open_store

    ctx = open_store().project("bench", "animatic", user="bench")
    script = home / "long.fountain"
    script.write_text(long_script(args.minutes))
    characters.create_from_script(script, "all", ctx=ctx)
    rows = []

    t = time.perf_counter()
    plan = service.render_shots(script, ctx=ctx)
    shots_s = time.perf_counter() - t
    rows.append(("previz shots drawn / s (1280×720)", f"{len(plan.shots) / shots_s:.1f}", f"{len(plan.shots)} shots"))

    from PIL import Image

    from studio_kit.backends.video.previz_motion import PrevizVideoBackend
    from studio_kit.domain.requests import VideoRequest

    still = Image.open(ctx.asset_path(plan.shots[0].asset_id))
    clip = PrevizVideoBackend().generate(VideoRequest(frames=240, image=still, movement="push in"))
    t = time.perf_counter()
    for _ in clip:
        pass
    rows.append(("previz push-in frames / s (720p)", f"{240 / (time.perf_counter() - t):.0f}", "no encode"))

    timeline = service.film_timeline(script, ctx=ctx)
    out = home / "animatic.mp4"
    t = time.perf_counter()
    result = service.render_animatic(script, out, ctx=ctx, timeline=timeline)
    full = time.perf_counter() - t
    rows.append(("animatic, full render (s)", f"{full:.1f}",
                 f"{result.frames} frames = {result.frames / 24 / 60:.1f} min, {result.rendered} segments"))

    baseline_out = home / "baseline.mp4"
    t = time.perf_counter()
    media.run_ffmpeg(["-i", str(out), "-an", *animatic.ENCODER_ARGS, str(baseline_out)], "baseline encode")
    base = time.perf_counter() - t
    rows.append(("plain ffmpeg encode, same frames + settings (s)", f"{base:.1f}", "decode + libx264"))
    rows.append(("ratio animatic / plain encode", f"{full / base:.2f}", "goal ≤ 1.5"))

    shot = plan.shots[len(plan.shots) // 2].number
    service.rerender_shot(shot, ctx=ctx, prompt_tweak="changed")
    t = time.perf_counter()
    again = service.render_animatic(script, home / "again.mp4", ctx=ctx, timeline=timeline)
    incremental = time.perf_counter() - t
    rows.append(("incremental re-render, one shot changed (s)", f"{incremental:.1f}",
                 f"{incremental / full * 100:.1f} % of full (goal < 10 %), {again.rendered} segment re-encoded"))

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    child = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rows.append(("peak memory, Python process (MB)", f"{own:.0f}", "goal < 1500"))
    rows.append(("peak memory, largest ffmpeg child (MB)", f"{child:.0f}", ""))

    width = max(len(r[0]) for r in rows)
    print(f"bench_animatic: {args.minutes:g}-minute script, 720p, {os.cpu_count()} CPUs")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>8}  {note}")


if __name__ == "__main__":
    main()
