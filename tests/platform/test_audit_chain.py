"""The audit log is a hash chain per organization: any edited, deleted or reordered entry is named."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import text

from studio_kit.platform import audit, members, reviews


def _history(ctx, n=3):
    for i in range(n):
        ctx.put_asset(f"INT. DINER - NIGHT {i}".encode(), kind="script", name="pilot.fountain")
    members.invite(ctx, "viewer")
    ctx.audit("character.lock", target="character:mara", detail={"version": 1})


def _sql(store, statement, **params):
    with store.engine.begin() as conn:  # the database owner, going around the store
        return conn.execute(text(statement), params)


def test_every_write_lands_in_the_chain_and_verifies(store, owner):
    _history(owner)
    result = audit.verify(owner)
    assert result.ok and result.entries == 5 and result.head_seq == 5, result.summary()
    entries = audit.entries(owner)
    assert [e.action for e in entries] == ["asset.put"] * 3 + ["member.invite", "character.lock"]
    assert entries[0].after_hash.startswith("sha256:") and entries[1].prev_hash == entries[0].entry_hash
    assert "intact: 5 entries" in result.summary()


@pytest.mark.parametrize("tamper, seq, words", [
    ("UPDATE audit_entry SET actor = 'mallory' WHERE seq = 3", 3, "was edited"),
    ("DELETE FROM audit_entry WHERE seq = 2", 2, "is missing"),
    ("UPDATE audit_entry SET seq = -2 WHERE seq = 2; UPDATE audit_entry SET seq = 2 WHERE seq = 4; "
     "UPDATE audit_entry SET seq = 4 WHERE seq = -2", 2, "does not follow"),  # entries 2 and 4 swapped
    ("DELETE FROM audit_entry WHERE seq = 5", 5, "last 1 entries were deleted"),
    ("UPDATE audit_event SET detail = '{\"version\": 9}' WHERE action = 'character.lock'", 5,
     "audit_event .* was edited"),
    ("DELETE FROM audit_event WHERE action = 'member.invite'", 4, "was deleted"),
])
def test_verify_names_the_first_bad_entry(store, owner, tamper, seq, words):
    _history(owner)
    for statement in tamper.split("; "):
        _sql(store, statement)
    result = audit.verify(owner)
    assert not result.ok and result.first_bad == seq, result.summary()
    import re

    assert re.search(words, result.problem), result.problem


def test_a_row_written_around_the_store_is_caught(store, owner):
    _history(owner, 1)
    _sql(store, "INSERT INTO audit_event (actor, action, target, detail, org_id, at) "
                "VALUES ('mallory', 'asset.put', 'asset:99', '{}', :org, CURRENT_TIMESTAMP)", org=owner.org_id)
    # the mapper hook chains ORM writes only; raw SQL shows up as unchained
    result = audit.verify(owner)
    assert not result.ok and "not in the chain" in result.problem


def test_a_rewritten_chain_fails_against_the_daily_anchor(store, owner, tmp_path):
    _history(owner)
    anchors = tmp_path / "anchors.jsonl"
    line = audit.anchor(owner, anchors)
    assert line["seq"] == 5 and audit.verify(owner, anchors=anchors).anchors_checked == 1
    # recompute every hash after an edit: the chain is self-consistent again, the anchor is not
    from studio_kit.store.ops_models import GENESIS, entry_digest

    _sql(store, "UPDATE audit_entry SET actor = 'mallory' WHERE seq = 2")
    rows = _sql(store, "SELECT id, org_id, project_id, seq, at, actor, action, target, detail, before_hash, "
                       "after_hash FROM audit_entry ORDER BY seq").mappings().all()
    prev = GENESIS
    for r in rows:
        detail = r["detail"] if isinstance(r["detail"], dict) else json.loads(r["detail"])
        digest = entry_digest(org_id=r["org_id"], project_id=r["project_id"], seq=r["seq"], at=_dt(r["at"]),
                              actor=r["actor"], action=r["action"], target=r["target"], detail=detail,
                              before_hash=r["before_hash"], after_hash=r["after_hash"], prev_hash=prev)
        _sql(store, "UPDATE audit_entry SET prev_hash = :p, entry_hash = :h WHERE id = :i", p=prev, h=digest, i=r["id"])
        prev = digest
    _sql(store, "UPDATE audit_chain_head SET head_hash = :h", h=prev)
    _sql(store, "UPDATE audit_event SET actor = 'mallory' WHERE id = (SELECT event_id FROM audit_entry WHERE seq = 2)")
    assert audit.verify(owner).ok  # self-consistent
    result = audit.verify(owner, anchors=anchors)
    assert not result.ok and result.first_bad == 5 and "rewritten" in result.problem


def _dt(value):
    import datetime as dt

    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def test_export_a_period_as_csv_and_jsonl(store, crew, tmp_path):
    olive = crew["olive"]
    _history(olive, 2)
    out = audit.export_audit(olive, tmp_path / "audit.csv", since="2000-01-01", until="2999-01-01")
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["seq"] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    assert {"member.add", "asset.put", "character.lock"} <= {r["action"] for r in rows}
    assert json.loads(rows[-1]["detail"]) == {"version": 1}
    lines = audit.export_audit(olive, tmp_path / "audit.jsonl").read_text().splitlines()
    assert len(lines) == len(rows) and json.loads(lines[0])["prev_hash"] == "0" * 64
    assert audit.entries(olive, since="2999-01-01") == []
    from studio_kit.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="view_audit"):
        audit.verify(crew["wes"])


WRITER = textwrap.dedent("""
    import sys
    from studio_kit.config import get_settings
    from studio_kit.platform import reviews
    from studio_kit.store import open_store

    store = open_store(sys.argv[1], get_settings())
    ctx = store.project("acme", "night-shift", user="olive")
    for i in range(int(sys.argv[3])):
        a = ctx.put_asset(f"take {sys.argv[2]}-{i}".encode(), kind="take", name=f"take-{sys.argv[2]}.txt")
        reviews.comment(ctx, a.id, f"note {i} from writer {sys.argv[2]}")
        ctx.audit("take.logged", target=f"asset:{a.id}")
""")


@pytest.mark.slow
def test_eight_processes_writing_at_once_never_fork_the_chain(store, store_url, owner, studio_home):
    procs_n, each = (8, 6) if store.engine.dialect.name == "postgresql" else (4, 4)
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    env.pop("STUDIO_DATABASE_URL", None)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, str(i), str(each)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for i in range(procs_n)]
    results = [(p.wait(timeout=300), p.stderr.read()[-2000:]) for p in procs]
    assert all(rc == 0 for rc, _ in results), results
    result = audit.verify(owner)
    # per write: asset.put, review.comment, take.logged
    assert result.ok and result.entries == procs_n * each * 3, result.summary()
    seqs = [e.seq for e in audit.entries(owner)]
    assert seqs == list(range(1, len(seqs) + 1))
    assert len({e.prev_hash for e in audit.entries(owner)}) == len(seqs)  # no two entries share a parent
    assert len(reviews.items(owner)) == procs_n * each
