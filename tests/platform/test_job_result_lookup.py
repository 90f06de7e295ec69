"""A re-run job finds its earlier result asset through the database, not by listing every asset (issue 16 load bench)."""
from __future__ import annotations

import time

from studio_kit.platform.job_handlers import _existing


def test_the_result_of_an_earlier_attempt_is_found_by_run_id_among_many_assets(store):
    ctx = store.project("acme", "night-shift", user="ana")
    for n in range(30):
        ctx.put_asset(f"INT. ROOM {n} - DAY\n", "script", f"s{n}.fountain", provenance={"run_id": n})
    ctx.put_asset("INT. ODD - DAY\n", "script", "odd.fountain", provenance={"run_id": "not-a-number"})
    ctx.put_asset("INT. NONE - DAY\n", "script", "none.fountain")
    mine = ctx.put_asset("INT. MINE - DAY\n", "script", "s7.fountain", provenance={"run_id": 7})
    ctx.put_asset("voice", "post.dialogue", "d.wav", provenance={"run_id": 99})
    found = _existing(ctx, "script", 7)
    assert (found.id, found.version) == (mine.id, 2)     # the newest of two attempts' results
    assert _existing(ctx, "script", 99) is None          # another kind's result is not this one
    assert _existing(ctx, "script", 1000) is None
    other = store.project("rival", "copycat", user="bob")
    assert _existing(other, "script", 7) is None         # another organization's assets are not seen


def test_looking_up_a_result_does_not_grow_with_the_project(store):
    """Was a scan of every asset of the kind per job: the drain of a 3000-job queue slowed 12×."""
    ctx = store.project("acme", "night-shift", user="ana")
    for n in range(400):
        ctx.put_asset(f"INT. ROOM {n} - DAY\n", "script", "same.fountain", provenance={"run_id": n})
    t0 = time.perf_counter()
    for n in range(50):
        assert _existing(ctx, "script", n).provenance["run_id"] == n
    per_lookup = (time.perf_counter() - t0) / 50
    t0 = time.perf_counter()
    for _ in range(50):
        ctx.list_assets("script")                        # the old way's cost, for scale
    per_listing = (time.perf_counter() - t0) / 50
    assert per_lookup < per_listing / 3, (per_lookup, per_listing)
