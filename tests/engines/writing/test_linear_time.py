"""Parse and pagination time grows linearly with the input, whatever its shape (issue 8, item 2).

Each pathological shape is timed at 1x and 8x its size; a linear path takes
about 8 times as long, a quadratic one 64 times (n^1.5 would be 23). The test
asserts a ratio under 16: a ratio of times on the same machine, not a wall-clock
limit, so a loaded machine does not fail it. Times are CPU time with the garbage
collector paused (its passes scale with the heap, not with the algorithm), best of a few runs.
"""
from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from script_shapes import FDX_SHAPES, FOUNTAIN_SHAPES

from studio_kit.engines.writing.fdx import read_fdx_text
from studio_kit.engines.writing.fountain import parse_fountain, plain_text, strip_notes
from studio_kit.engines.writing.layout import emphasis_runs, strip_hidden
from studio_kit.engines.writing.pagination import paginate

MAX_RATIO = 16.0


def _fountain_work(text: str) -> None:
    script = parse_fountain(text)
    paginate(script)
    for el in script.elements:
        plain_text(el.text)
        strip_notes(el.text)
        emphasis_runs(strip_hidden(el.text))


def _fdx_work(text: str) -> None:
    paginate(read_fdx_text(text))


def _cpu(work, text: str, reps: int) -> float:
    best = float("inf")
    for _ in range(reps):
        gc.collect()
        gc.disable()
        try:
            started = time.process_time()
            work(text)
            best = min(best, time.process_time() - started)
        finally:
            gc.enable()
    return best


def _ratio(work, make, n: int) -> tuple[float, float, float]:
    small, big = make(n), make(8 * n)
    work(small)                                   # warm-up (imports, regex compilation)
    t1 = _cpu(work, small, 5)
    t8 = _cpu(work, big, 3)
    return t8 / max(t1, 1e-4), t1, t8


def _assert_linear(work, make, n: int) -> None:
    ratio, t1, t8 = _ratio(work, make, n)
    if ratio >= MAX_RATIO:                        # one retry with twice the size: noise shrinks, a quadratic stays
        ratio, t1, t8 = _ratio(work, make, 2 * n)
    assert ratio < MAX_RATIO, f"1x {t1 * 1000:.1f} ms, 8x {t8 * 1000:.1f} ms: x{ratio:.1f} (8 is linear, 64 quadratic)"


@pytest.mark.parametrize("shape", sorted(FOUNTAIN_SHAPES))
def test_fountain_parse_and_pagination_are_linear_in_every_shape(shape):
    make, n = FOUNTAIN_SHAPES[shape]
    _assert_linear(_fountain_work, make, n)


@pytest.mark.parametrize("shape", sorted(FDX_SHAPES))
def test_fdx_import_and_pagination_are_linear_in_every_shape(shape):
    make, n = FDX_SHAPES[shape]
    _assert_linear(_fdx_work, make, n)


def test_issue_reproducers_at_their_reported_sizes_take_milliseconds_not_minutes():
    # 'INT. A - DAY\n\nabc ' + '[[' * N at 64 KB took 11 s; '/*x ' * N at 256 KB took 44 s.
    # (The other reported shapes, '_a_ ' and '*a', are in FOUNTAIN_SHAPES, checked by ratio above.)
    for text in ("INT. A - DAY\n\nabc " + "[[" * 32_000, "INT. A - DAY\n\n" + "/*x " * 64_000):
        started = time.process_time()
        _fountain_work(text)
        assert time.process_time() - started < 2.0, text[:20]
