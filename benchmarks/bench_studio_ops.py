"""Studio ops costs on SQLite (and the local PostgreSQL when it answers).

* what the hash chain adds to every audited write: ``ctx.audit`` with the chain hook, then with the
  hook detached, milliseconds per write;
* ``audit.verify`` over the whole chain, entries per second;
* a permission check (``permissions.require``) and a review approval, milliseconds each.

    .venv/bin/python benchmarks/bench_studio_ops.py [--writes 300]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _urls(tmp: Path) -> list[tuple[str, str, str | None]]:
    out = [("sqlite", f"sqlite:///{tmp / 'ops.db'}", None)]
    try:
        from sqlalchemy import create_engine, text

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        admin = create_engine(PG, connect_args={"connect_timeout": 3})
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        out.append(("postgresql", f"{PG}?options=-csearch_path%3D{schema}", schema))
    except Exception as exc:  # no server: SQLite only
        print(f"(PostgreSQL not measured: {type(exc).__name__})")
    return out


def _ms_per(fn, n: int) -> float:
    start = time.perf_counter()
    for i in range(n):
        fn(i)
    return (time.perf_counter() - start) * 1000.0 / n


def measure(name: str, url: str, writes: int) -> list[tuple]:
    from sqlalchemy import event

    from studio_kit.config import get_settings
    from studio_kit.platform import audit, permissions, reviews
    from studio_kit.store import open_store
    from studio_kit.store.models import AuditEvent
    from studio_kit.store.ops_models import _chain_audit_event

    store = open_store(url, get_settings())
    ctx = store.project("bench", f"p-{uuid.uuid4().hex[:6]}", user="olive")
    chained = _ms_per(lambda i: ctx.audit("bench.write", target=f"t:{i}", detail={"i": i}), writes)
    event.remove(AuditEvent, "after_insert", _chain_audit_event)
    try:
        plain = _ms_per(lambda i: ctx.audit("bench.write", target=f"t:{i}", detail={"i": i}), writes)
    finally:
        event.listen(AuditEvent, "after_insert", _chain_audit_event)
    # the unchained rows would (rightly) fail verify: remove them again
    from sqlalchemy import text

    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id NOT IN (SELECT event_id FROM audit_entry "
                          "WHERE event_id IS NOT NULL)"))
    start = time.perf_counter()
    result = audit.verify(ctx)
    verify_s = time.perf_counter() - start
    assert result.ok, result.summary()
    check = _ms_per(lambda i: permissions.require(ctx, "see_budget"), 200)
    assets = [ctx.put_asset(f"v{i}".encode(), kind="storyboard", name=f"f{i}.png") for i in range(50)]
    approve = _ms_per(lambda i: reviews.approve(ctx, assets[i].id), 50)
    store.close()
    return [(name, "audited write, chained", f"{chained:.2f} ms"),
            (name, "audited write, chain hook off", f"{plain:.2f} ms"),
            (name, f"verify {result.entries} entries", f"{verify_s:.2f} s ({result.entries / verify_s:,.0f}/s)"),
            (name, "permission check", f"{check:.2f} ms"),
            (name, "review approval (+audit, inbox)", f"{approve:.2f} ms")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--writes", type=int, default=300)
    args = parser.parse_args()
    import os

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["STUDIO_HOME"] = tmp
        from studio_kit.config import reset_settings

        reset_settings()
        rows = []
        for name, url, schema in _urls(Path(tmp)):
            try:
                rows += measure(name, url, args.writes)
            finally:
                if schema:
                    from sqlalchemy import create_engine, text

                    with create_engine(PG).begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    width = max(len(r[1]) for r in rows)
    print(f"Studio ops, {args.writes} audited writes per database")
    print(f"{'database':10}  {'case':{width}}  result")
    print(f"{'-' * 10}  {'-' * width}  {'-' * 24}")
    for db, case, value in rows:
        print(f"{db:10}  {case:{width}}  {value}")


if __name__ == "__main__":
    main()
