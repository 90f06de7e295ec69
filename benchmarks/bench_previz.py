"""Previz renderer speed (the issue asks ≥ 20 character frames/s at 1280×720 on 2 cores).

Measures, at 1280×720:

* character panels (``kind="character"``, one figure — people, a dog, a cloud —, views and expressions cycling);
* storyboard frames (``kind="frame"``, three characters — two people and a dog or a cloud —, every shot
  size, INT/EXT, day/night/dusk);
* the same frames rendered by 2 worker processes at once (throughput of a 2-core machine);
* scoring one render against its identity (consistency check cost);

and, when the diffusers backend is importable, seconds per image of the tiny random-weight
Stable Diffusion pipeline (built like OFFLINE_STACK.md says, 2 steps at 64×64) rendering a
character identity. Prints one table; numbers go to benchmarks/NOTES.md.

    .venv/bin/python benchmarks/bench_previz.py [--seconds 3]
"""
from __future__ import annotations

import argparse
import importlib.util
import itertools
import multiprocessing as mp
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

CAST = [
    {"character_id": "bob", "name": "Bob", "seed": 1234, "age": 40, "mode": "actor", "style": "stylized",
     "appearance": {"hair": "short", "hair_color": "brown", "build": "stocky", "marks": "beard, glasses"},
     "palette": ["#3b5b92", "#2f2f38", "#c8a165"], "wardrobe": {}, "brand": None},
    {"character_id": "mara", "name": "Mara", "seed": 98765, "age": 35, "mode": "actor", "style": "stylized",
     "appearance": {"hair": "long wavy", "hair_color": "red", "build": "slim", "eyes": "green"},
     "palette": ["#8c2f39", "#3d3d3d", "#e0c48b"], "wardrobe": {}, "brand": None},
    # speaking animals and things are drawn with their own bodies (previz_creatures.py)
    {"character_id": "dog", "name": "Dog", "seed": 9, "species": "dog", "mode": "actor", "style": "stylized",
     "appearance": {"hair_color": "brown"}, "palette": [], "wardrobe": {}, "brand": None},
    {"character_id": "boss", "name": "Cyber Boss", "seed": 11, "species": "cloud", "mode": "actor",
     "style": "stylized", "description": "a faceless cloud", "appearance": {}, "palette": ["#f2f0ea"],
     "wardrobe": {}, "brand": None},
]
SIZES = ("wide", "medium", "close-up", "over-the-shoulder", "insert")
SETTINGS = (("EXT", "PARK", "DAY"), ("INT", "KITCHEN", "NIGHT"), ("EXT", "STREET", "DUSK"), ("INT", "OFFICE", "DAY"))


def _requests(kind: str):
    from studio_kit.domain.requests import ImageRequest

    if kind == "character":
        views = itertools.cycle(("front", "three-quarter", "profile"))
        exprs = itertools.cycle(("neutral", "happy", "angry", "sad", "surprised"))
        cast = itertools.cycle(CAST)
        while True:
            yield ImageRequest(kind="character", identities=[next(cast)], view=next(views), expression=next(exprs),
                               width=1280, height=720)
    for i in itertools.count():
        ie, loc, tod = SETTINGS[i % len(SETTINGS)]
        yield ImageRequest(kind="frame", identities=CAST[:2] + [CAST[2 + i % 2]], width=1280, height=720,
                           shot={"size": SIZES[i % len(SIZES)], "number": f"1.{i}", "description": "Bob meets Mara."},
                           scene={"int_ext": ie, "location": loc, "time_of_day": tod})


def frames_per_second(kind: str, seconds: float) -> tuple[float, int]:
    from studio_kit.backends.image.previz import PrevizImageBackend

    backend = PrevizImageBackend()
    gen = _requests(kind)
    for _ in range(len(SIZES) * len(SETTINGS)):  # warm the backdrop cache like a real storyboard run
        backend.render(next(gen))
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        backend.render(next(gen))
        n += 1
    return n / (time.perf_counter() - t0), n


def _worker(args):
    kind, seconds = args
    return frames_per_second(kind, seconds)


def two_process_fps(kind: str, seconds: float) -> float:
    with mp.get_context("spawn").Pool(2) as pool:
        results = pool.map(_worker, [(kind, seconds)] * 2)
    return sum(fps for fps, _ in results)


def scoring_ms() -> float:
    from studio_kit.backends.image.previz import PrevizImageBackend
    from studio_kit.domain.character import CharacterBible
    from studio_kit.domain.requests import ImageRequest
    from studio_kit.engines.characters.consistency import score_render
    from studio_kit.engines.characters.identity import lock

    bible, _ = lock(CharacterBible(character_id="bob", name="Bob", seed=1234), user="bench")
    img = PrevizImageBackend().render(ImageRequest(kind="character", identities=[bible.identity.to_identity()]))
    t0 = time.perf_counter()
    for _ in range(50):
        score_render(img, bible.identity)
    return (time.perf_counter() - t0) / 50 * 1000


def tiny_diffusers_seconds(repeats: int = 5) -> tuple[float, float] | None:
    if importlib.util.find_spec("studio_kit.backends.image.diffusers_sd") is None:
        return None
    sys.path.insert(0, str(REPO / "tests" / "backends"))
    import diffusers
    import transformers
    from tiny_models import build_tiny_sd  # the tests' builder: tiny UNet/VAE/CLIP configs, DDIM, save_pretrained

    from studio_kit.backends.image.diffusers_sd import DiffusersImageBackend
    from studio_kit.domain.requests import ImageRequest

    # the tiny CLIP truncates long prompts at 77 tokens: expected, not worth a warning per image
    transformers.logging.set_verbosity_error()
    diffusers.utils.logging.set_verbosity_error()
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_tiny_sd(Path(tmp) / "tiny-sd")
        t0 = time.perf_counter()
        backend = DiffusersImageBackend.from_pretrained(folder, device="cpu")
        request = ImageRequest(kind="character", identities=[CAST[0]], width=64, height=64, steps=2, seed=1234)
        backend.render(request)  # first call loads the pipeline
        load = time.perf_counter() - t0
        t0 = time.perf_counter()
        for _ in range(repeats):
            backend.render(request)
        return (time.perf_counter() - t0) / repeats, load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="measuring time per case (seconds)")
    parser.add_argument("--no-diffusers", action="store_true", help="skip the tiny diffusers pipeline")
    args = parser.parse_args()

    rows = []
    for kind, label in (("character", "previz character panel 1280×720"), ("frame", "previz storyboard frame 1280×720")):
        fps, n = frames_per_second(kind, args.seconds)
        rows.append((label + " (1 process)", f"{fps:7.1f} frames/s", f"{1000 / fps:6.1f} ms/frame", f"n={n}"))
        fps2 = two_process_fps(kind, args.seconds)
        rows.append((label + " (2 processes)", f"{fps2:7.1f} frames/s", f"{1000 / fps2 * 2:6.1f} ms/frame/proc", ""))
    rows.append(("consistency score of one render", f"{scoring_ms():7.2f} ms", "", ""))
    if not args.no_diffusers:
        tiny = tiny_diffusers_seconds()
        if tiny is None:
            rows.append(("tiny diffusers pipeline", "backend not installed", "", ""))
        else:
            per, load = tiny
            rows.append(("tiny diffusers 64×64, 2 steps (CPU)", f"{per:7.3f} s/image", f"load {load:.2f} s", ""))
    width = max(len(r[0]) for r in rows)
    print(f"{'case'.ljust(width)}  result")
    print("-" * (width + 40))
    for r in rows:
        print(f"{r[0].ljust(width)}  {'  '.join(x for x in r[1:] if x)}")


if __name__ == "__main__":
    main()
