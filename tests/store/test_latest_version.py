"""Finding the newest version reads one row from the unique (project, kind, name, version) index,
so saving stays as fast at version 2,000 as at version 10 (benchmarks/bench_versions.py)."""
from __future__ import annotations

import pytest
from sqlalchemy import event, text

from studio_kit.store import edits


def _captured_sql(engine, call):
    seen = []

    def grab(conn, cursor, statement, parameters, context, executemany):
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", grab)
    try:
        result = call()
    finally:
        event.remove(engine, "before_cursor_execute", grab)
    return result, [(sql, params) for sql, params in seen if "FROM asset" in sql]


def test_latest_and_a_given_version_are_one_row_each(acme, rival):
    for n in range(1, 6):
        acme.put_asset(f"draft {n}", kind="script", name="pilot.fountain")
    rival.put_asset("theirs", kind="script", name="pilot.fountain")
    rival.put_asset("theirs 2", kind="script", name="pilot.fountain")
    assert acme.latest("script", "pilot.fountain").version == 5
    assert acme.read_text(acme.latest("script", "pilot.fountain").id) == "draft 5"
    assert acme.version("script", "pilot.fountain", 3).version == 3
    assert acme.version("script", "pilot.fountain", 6) is None
    assert acme.latest("script", "other.fountain") is None
    assert rival.latest("script", "pilot.fountain").version == 2      # each project its own history


def test_latest_asks_the_database_for_one_row_through_the_unique_index(store, acme):
    for n in range(1, 30):
        acme.put_asset(f"draft {n}", kind="script", name="pilot.fountain")
    record, queries = _captured_sql(store.engine, lambda: acme.latest("script", "pilot.fountain"))
    assert record.version == 29
    (sql, params), = queries
    assert "ORDER BY asset.version DESC" in sql and "LIMIT" in sql
    with store.engine.connect() as conn:
        if store.engine.dialect.name == "sqlite":
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "INDEX sqlite_autoindex_asset" in plan and "TEMP B-TREE" not in plan, plan
        else:
            conn.execute(text("SET LOCAL enable_seqscan = off"))  # a tiny table would be scanned anyway
            conn.execute(text("select set_config('studio.all_orgs', 'on', true)"))
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, params))
            assert "Index Scan Backward using uq_asset_project_id_kind_name_version" in plan and "Sort" not in plan, plan


def test_a_stale_save_is_still_refused_after_many_versions(acme):
    doc = None
    for n in range(40):
        doc = edits.save_doc(acme, "board", "pilot", {"n": n}, base=doc.version if doc else 0)
    mine = edits.load_doc(acme, "board", "pilot")
    assert (mine.version, mine.payload) == (40, {"n": 39})
    assert edits.load_doc(acme, "board", "pilot", version=7).payload == {"n": 6}
    edits.save_doc(acme, "board", "pilot", {"n": "theirs"}, base=mine.version)
    with pytest.raises(edits.StaleEditError, match=r"changed by ana at .* reload"):
        edits.save_doc(acme, "board", "pilot", {"n": "mine"}, base=mine.version)
    assert edits.load_doc(acme, "board", "pilot").payload == {"n": "theirs"}
