"""Breakdown tagging precision/recall against the hand-made answer keys, and tagging time.

    .venv/bin/python benchmarks/bench_tagging.py

Prints one row per script: elements in the key, true/false positives, misses, precision, recall, and the
time to break the script down (parse excluded).
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "engines" / "preproduction"))

from answer_keys import load_key, score  # noqa: E402

from studio_kit.engines.preproduction.breakdown import break_down  # noqa: E402
from studio_kit.engines.writing.io import load_script  # noqa: E402


def main() -> None:
    print(f"{'script':<14} {'key':>4} {'tp':>4} {'fp':>4} {'fn':>4} {'precision':>9} {'recall':>7} {'ms':>7}")
    for name in ("cyber_bob", "night_ferry", "orchard"):
        path, key = load_key(name)
        script = load_script(path)
        t0 = time.perf_counter()
        bd = break_down(script)
        ms = (time.perf_counter() - t0) * 1000
        s = score(bd, key)
        total = sum(len(v) for v in key.values())
        print(f"{name:<14} {total:>4} {s.tp:>4} {len(s.fp):>4} {len(s.fn):>4} {s.precision:>9.2f} {s.recall:>7.2f} "
              f"{ms:>7.0f}")


if __name__ == "__main__":
    main()
