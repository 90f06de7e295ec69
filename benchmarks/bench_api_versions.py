"""Save time against the number of stored versions (issue 16: the backlog drain slowed as versions grew).

Finding the newest version of (kind, name) used to load every version (``ctx.versions(...)[-1]``);
it is now one row read backwards from the unique (project, kind, name, version) index. This bench
grows one document and one script to N versions on a real store and times, at each checkpoint:

* ``save_doc``  — an editor's save: ``load_doc`` + ``save_doc(base=…)`` (optimistic concurrency);
* ``script save`` — what a script.generate job does: ``writing.versions.save_version``;
* ``latest`` — ``ctx.latest`` alone, and ``old latest`` — the former ``ctx.versions(...)[-1]``.

    .venv/bin/python benchmarks/bench_api_versions.py                      # SQLite and PostgreSQL, up to 2,000
    .venv/bin/python benchmarks/bench_api_versions.py --db sqlite --max 500

Each cell is the median of ``--repeat`` operations (milliseconds) at that version count.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_api import _database, _drop  # noqa: E402  one way to make a throw-away PostgreSQL schema

CHECKPOINTS = (10, 100, 500, 1000, 2000, 5000)
SCRIPT = "Title: Pilot\n\nINT. LIGHTHOUSE - NIGHT\n\nThe keeper climbs.\n\nKEEPER\nAnother storm.\n\n"


def _ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def run(db: str, top: int, repeat: int) -> list[dict]:
    from studio_kit.config import StudioSettings
    from studio_kit.engines.writing.versions import save_version
    from studio_kit.store import dispose_engines, edits, open_store

    home = Path(tempfile.mkdtemp(prefix="bench-versions-"))
    url, schema = _database(db)
    url = url or f"sqlite:///{home / 'studio.db'}"
    store = open_store(url, StudioSettings(home=home, database_url=url))
    ctx = store.project("bench", "versions", user="ana")
    rows, have = [], 0
    try:
        for checkpoint in (c for c in CHECKPOINTS if c <= top):
            while have < checkpoint - repeat:   # grow both histories to just below the checkpoint
                doc = edits.load_doc(ctx, "board", "pilot")
                edits.save_doc(ctx, "board", "pilot", {"n": have}, base=doc.version if doc else 0)
                ctx.put_asset(SCRIPT, kind="script", name="pilot.fountain", meta={"numbers_locked": False})
                have += 1

            def doc_round():
                doc = edits.load_doc(ctx, "board", "pilot")
                edits.save_doc(ctx, "board", "pilot", {"n": doc.version}, base=doc.version)

            row = {"db": db, "versions": checkpoint,
                   "save_doc": _ms(doc_round, repeat),
                   "script save": _ms(lambda: save_version(ctx, SCRIPT, name="pilot.fountain"), repeat)}
            have += repeat
            row["latest"] = _ms(lambda: ctx.latest("script", "pilot.fountain"), repeat)
            row["old latest"] = _ms(lambda: ctx.versions("script", "pilot.fountain")[-1], max(3, repeat // 3))
            rows.append(row)
            print(f"  {db} v{checkpoint}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in row.items()
                                                       if isinstance(v, float)), flush=True)
    finally:
        store.close()
        dispose_engines(url)
        if schema:
            _drop(schema)
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", choices=("sqlite", "postgres", "both"), default="both")
    ap.add_argument("--max", type=int, default=2000, help="largest version count (checkpoints up to it)")
    ap.add_argument("--repeat", type=int, default=9, help="operations timed per checkpoint")
    args = ap.parse_args()
    rows = []
    for db in (("sqlite", "postgres") if args.db == "both" else (args.db,)):
        rows += run(db, args.max, args.repeat)
    cols = ["db", "versions", "save_doc", "script save", "latest", "old latest"]
    print("\n| " + " | ".join(c if c in ("db", "versions") else c + " (ms)" for c in cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row[c]) if c in ("db", "versions") else f"{row[c]:.1f}" for c in cols) + " |")


if __name__ == "__main__":
    main()
