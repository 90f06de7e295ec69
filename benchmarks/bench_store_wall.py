"""What the tenant wall, run reaping and store check cost, on SQLite (and PostgreSQL when reachable).

    .venv/bin/python benchmarks/bench_store_wall.py [--assets 300] [--postgres URL]

Prints one table: microseconds per statement to scope (the wall's own work, no database), and
milliseconds for the store operations that now go through it.
"""
from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote


def _timed(fn, repeat: int = 1) -> float:
    t0 = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - t0) / repeat


def scoping_costs() -> list[tuple[str, str]]:
    from sqlalchemy import func, select, update

    from studio_kit.store.models import Asset, Run
    from studio_kit.store.session import _core_tables, _criteria

    rows = []
    for label, stmt in (("ORM select(Asset)", select(Asset)),
                        ("Core select(asset table)", select(Asset.__table__)),
                        ("ORM count with join", select(func.count()).select_from(Asset)
                         .join(Run, Run.output_asset_id == Asset.id)),
                        ("ORM update(Run)", update(Run).values(status="failed"))):
        n = 2000
        walk = _timed(lambda s=stmt: _core_tables(s), n) * 1e6
        cold = _timed(lambda: _criteria.__wrapped__(1, 2), 50) * 1e6
        warm = _timed(lambda: _criteria(1, 2), n) * 1e6
        rows.append((f"scope {label}", f"{walk:.1f} µs walk; loader criteria {cold:.0f} µs to build, "
                                       f"{warm:.2f} µs cached"))
    return rows


def store_costs(url: str, home: Path, assets: int) -> list[tuple[str, str]]:
    from studio_kit.config import StudioSettings
    from studio_kit.store import dispose_engines, open_store

    settings = StudioSettings(home=home)
    store = open_store(url, settings)
    ctx = store.project("bench", "film", user="ana")
    put = _timed(lambda: ctx.put_asset(uuid.uuid4().bytes * 256, kind="take", name="t.wav"), assets)
    listing = _timed(lambda: ctx.list_assets(), 20)
    for _ in range(100):
        ctx.create_run("render")
    reap = _timed(lambda: ctx.reap_stale_runs(), 20)
    check = _timed(lambda: store.check(), 3)
    check_fast = _timed(lambda: store.check(verify_hashes=False), 3)
    dispose_engines(url)
    name = url.split(":")[0]
    return [(f"{name}: put_asset (4 KB)", f"{put * 1e3:.2f} ms"),
            (f"{name}: list_assets ({assets} rows)", f"{listing * 1e3:.2f} ms"),
            (f"{name}: reap_stale_runs (100 queued runs)", f"{reap * 1e3:.2f} ms"),
            (f"{name}: store check, hashes ({assets} files)", f"{check * 1e3:.1f} ms"),
            (f"{name}: store check, no hashes", f"{check_fast * 1e3:.1f} ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--assets", type=int, default=300)
    parser.add_argument("--postgres", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    rows = scoping_costs()
    with tempfile.TemporaryDirectory() as tmp:
        rows += store_costs(f"sqlite:///{tmp}/bench.db", Path(tmp) / "home", args.assets)
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(args.postgres)
        schema = f"bench_{uuid.uuid4().hex[:8]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 - the PostgreSQL rows are optional
        rows.append(("postgresql", f"skipped: {type(exc).__name__}"))
    else:
        sep = "&" if "?" in args.postgres else "?"
        url = f"{args.postgres}{sep}options={quote(f'-csearch_path={schema}')}"
        try:
            with tempfile.TemporaryDirectory() as tmp:
                rows += store_costs(url, Path(tmp) / "home", args.assets)
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    width = max(len(r[0]) for r in rows)
    print(f"{'case'.ljust(width)} | result")
    print(f"{'-' * width}-|-------")
    for case, result in rows:
        print(f"{case.ljust(width)} | {result}")


if __name__ == "__main__":
    main()
