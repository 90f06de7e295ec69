"""3D previz (Blender, extra ``previz3d``) speed and memory.

Measures, in one render worker process:

* worker start (Python + bpy import + empty scene);
* scene build: the first shot at a location (set + two mannequins built) vs a later shot there (reused);
* frames per second at 1280×720 with Workbench (picture only, and picture + depth + pose + mask)
  and with Cycles at 16 samples (CPU);
* a 40-shot storyboard (4 scenes × 10 shots, every size and angle) with Workbench, at 1280×720 and at
  the 640×360 preview size — the issue's goal is under 60 s;
* the worker's peak resident memory.

Prints one table; numbers go to benchmarks/NOTES.md.

    .venv/bin/python benchmarks/bench_previz3d.py [--shots 40] [--cycles-frames 2]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CAST = [
    {"name": "MAYA", "seed": 11, "age": 34, "pronouns": "she/her",
     "appearance": {"hair": "long wavy", "hair_color": "black", "build": "slim"}, "palette": ["#8c2f39", "#2f2f38"]},
    {"name": "RAFA", "seed": 22, "age": 40, "pronouns": "he/him",
     "appearance": {"hair": "short", "hair_color": "brown", "build": "stocky", "marks": "beard, glasses"},
     "palette": ["#2e7d5b", "#5a4632"]},
]
SCENES = [("INT", "DINER", "NIGHT"), ("EXT", "CITY STREET", "DUSK"), ("EXT", "PARK", "DAY"), ("INT", "OFFICE", "DAY")]
SHOTS = [("WS", "eye", "Maya sits at the table. Rafa stands by the door."), ("MS", "eye", "Rafa points at Maya."),
         ("CU", "eye", "Maya looks at Rafa."), ("OTS", "eye", "Rafa holds a phone."), ("CU", "low", "Rafa waits."),
         ("MCU", "high", "Maya reaches for the cup."), ("FS", "dutch", "Maya and Rafa fight."),
         ("EWS", "eye", "Maya walks."), ("BCU", "eye", "Rafa stares."), ("MWS", "overhead", "Maya kneels.")]


def _request(i: int, w: int, h: int):
    from studio_kit.domain.requests import ImageRequest

    ie, loc, tod = SCENES[(i // len(SHOTS)) % len(SCENES)]
    size, angle, action = SHOTS[i % len(SHOTS)]
    subjects = ["MAYA", "RAFA"] if size in ("WS", "MS", "FS", "EWS", "MWS") else [["MAYA"], ["RAFA"]][i % 2]
    return ImageRequest(kind="frame", identities=CAST, width=w, height=h, seed=1,
                        scene={"int_ext": ie, "location": loc, "time_of_day": tod, "characters": ["MAYA", "RAFA"]},
                        shot={"size": size, "angle": angle, "subjects": subjects, "description": action,
                              "number": str(i + 1)})


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--shots", type=int, default=40)
    ap.add_argument("--frames", type=int, default=5, help="frames per fps measurement")
    ap.add_argument("--cycles-frames", type=int, default=2)
    args = ap.parse_args()

    from studio_kit.backends.image.blender3d.backend import (
        Blender3DImageBackend,
        bpy_installed,
    )
    from studio_kit.backends.image.blender3d.worker import RenderWorker

    if not bpy_installed():
        sys.exit("bpy is not installed: pip install 'studio_kit[previz3d]'")
    rows: list[tuple[str, str, str]] = []
    worker = RenderWorker()
    t = time.perf_counter()
    worker.call({"op": "ping"})
    rows.append(("worker start (bpy import + empty scene)", "", f"{time.perf_counter() - t:.2f} s"))
    wb = Blender3DImageBackend(worker=worker)

    t = time.perf_counter()
    wb.render(_request(0, 1280, 720))
    first = time.perf_counter() - t
    t = time.perf_counter()
    wb.render(_request(0, 1280, 720))
    again = time.perf_counter() - t
    rows.append(("first shot at a location (set + 2 mannequins built)", "1280x720", f"{first:.2f} s"))
    rows.append(("same shot again (set reused)", "1280x720", f"{again:.2f} s"))
    rows.append(("scene build time (difference)", "", f"{first - again:.2f} s"))

    wb8 = Blender3DImageBackend(worker=worker, antialias=8)
    for label, engine, outputs in (("Workbench picture (AA off, default)", wb, ("picture",)),
                                   ("Workbench picture, 8 AA samples", wb8, ("picture",)),
                                   ("Workbench picture+depth+pose+mask", wb, ("picture", "depth", "pose", "mask"))):
        t = time.perf_counter()
        for i in range(args.frames):
            engine.render_passes(_request(i % len(SHOTS), 1280, 720), outputs=outputs)
        dt = time.perf_counter() - t
        rows.append((label, "1280x720", f"{args.frames / dt:.2f} fps"))

    cy = Blender3DImageBackend(worker=worker, engine="cycles", samples=16)
    t = time.perf_counter()
    for i in range(args.cycles_frames):
        cy.render(_request(i, 1280, 720))
    dt = time.perf_counter() - t
    rows.append(("Cycles 16 samples (CPU)", "1280x720", f"{args.cycles_frames / dt:.3f} fps ({dt / args.cycles_frames:.1f} s/frame)"))

    for w, h in ((640, 360), (1280, 720)):
        t = time.perf_counter()
        for i in range(args.shots):
            wb.render(_request(i, w, h))
        dt = time.perf_counter() - t
        rows.append((f"{args.shots}-shot storyboard, Workbench", f"{w}x{h}", f"{dt:.1f} s ({dt / args.shots:.2f} s/shot)"))

    stats = wb.stats()
    rows.append(("worker peak memory (RSS)", "", f"{stats['max_rss_mb']:.0f} MB"))
    rows.append(("sets / mannequins built", "", f"{stats['sets']} / {stats['figures']}"))
    worker.close()

    width = [max(len(r[i]) for r in rows + [("case", "size", "result")]) for i in range(3)]
    print("3D previz (Blender bpy, CPU, Workbench + Cycles)")
    print("  ".join(h.ljust(width[i]) for i, h in enumerate(("case", "size", "result"))))
    print("  ".join("-" * width[i] for i in range(3)))
    for r in rows:
        print("  ".join(c.ljust(width[i]) for i, c in enumerate(r)))


if __name__ == "__main__":
    main()
