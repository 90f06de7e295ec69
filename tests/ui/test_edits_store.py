"""Nothing is lost: appends from concurrent writers all survive; a stale versioned save is refused with who/when.

Runs on SQLite and on PostgreSQL (``store_url``), with real concurrent processes.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from studio_kit.store.edits import (
    StaleEditError,
    append,
    list_docs,
    load_doc,
    read_stream,
    save_doc,
)

CHILD = textwrap.dedent("""
    import json, sys, time
    from studio_kit.config import get_settings
    from studio_kit.store import open_store
    from studio_kit.store.edits import StaleEditError, append, save_doc
    url, user, mode, start = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    ctx = open_store(url, get_settings()).project("acme", "night-shift", user=user)
    while time.time() < start:      # every process starts writing at the same instant
        time.sleep(0.001)
    if mode == "append":
        for i in range(5):
            append(ctx, "breakdown:pilot.fountain", {"op": "add", "name": f"{user}-PROP-{i}"})
        print("ok")
    else:
        try:
            save_doc(ctx, "board", "pilot.fountain", {"by": user}, base=1)
            print("saved")
        except StaleEditError as exc:
            print("refused:" + exc.message)
""")


def _spawn(store_url, users, mode, studio_home):
    import time

    start = time.time() + 2.5
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    procs = [subprocess.Popen([sys.executable, "-c", CHILD, store_url, u, mode, str(start)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for u in users]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(out.strip())
    return outs


def test_two_producers_adding_tags_at_once_both_keep_their_tags(store, store_url, studio_home):
    ctx = store.project("acme", "night-shift", user="ana")
    outs = _spawn(store_url, ["ana", "bob", "cy"], "append", studio_home)
    assert outs == ["ok", "ok", "ok"]
    entries = read_stream(ctx, "breakdown:pilot.fountain")
    names = sorted(e.payload["name"] for e in entries)
    assert names == sorted(f"{u}-PROP-{i}" for u in ("ana", "bob", "cy") for i in range(5))
    assert [e.seq for e in entries] == list(range(1, 16))
    assert {e.user for e in entries} == {"ana", "bob", "cy"}
    # each writer's own entries stay in the order that writer made them
    for u in ("ana", "bob", "cy"):
        mine = [e.payload["name"] for e in entries if e.user == u]
        assert mine == [f"{u}-PROP-{i}" for i in range(5)]


def test_a_stale_save_is_refused_with_who_and_when_and_overwrites_nothing(store):
    ana = store.project("acme", "night-shift", user="ana")
    bob = store.project("acme", "night-shift", user="bob")
    first = save_doc(ana, "board", "pilot.fountain", {"plan": [[1, 2], [3]]}, base=0)
    assert first.version == 1
    seen_by_bob = load_doc(bob, "board", "pilot.fountain")
    save_doc(ana, "board", "pilot.fountain", {"plan": [[2, 1], [3]]}, base=1)
    with pytest.raises(StaleEditError) as refused:
        save_doc(bob, "board", "pilot.fountain", {"plan": [[3], [1, 2]]}, base=seen_by_bob.version)
    msg = refused.value.message
    assert "changed by ana at" in msg and "reload" in msg and "UTC" in msg
    assert refused.value.latest.version == 2
    latest = load_doc(bob, "board", "pilot.fountain")
    assert latest.payload == {"plan": [[2, 1], [3]]} and latest.version == 2
    # after reloading, bob's save goes through on top of ana's
    third = save_doc(bob, "board", "pilot.fountain", {"plan": [[3], [2, 1]]}, base=latest.version)
    assert third.version == 3 and third.record.created_by == "bob"
    assert [(r.version, r.created_by) for r in list_docs(ana, "board", "pilot.fountain")] == \
        [(1, "ana"), (2, "ana"), (3, "bob")]
    assert json.loads(ana.read_text(third.record.id)) == {"plan": [[3], [2, 1]]}


def test_concurrent_processes_saving_on_the_same_version_one_wins_the_rest_are_told(store, store_url, studio_home):
    ctx = store.project("acme", "night-shift", user="ana")
    save_doc(ctx, "board", "pilot.fountain", {"by": "ana"}, base=0)
    outs = _spawn(store_url, ["bob", "cy", "dee", "eve"], "save", studio_home)
    assert outs.count("saved") == 1, outs
    winner = load_doc(ctx, "board", "pilot.fountain")
    assert winner.version == 2 and winner.payload == {"by": winner.record.created_by}
    for out in outs:
        if out != "saved":
            assert out.startswith(f"refused:board 'pilot.fountain' was changed by {winner.record.created_by} at")


def test_saving_on_a_version_that_never_existed_is_refused(store):
    from studio_kit.exceptions import StoreError

    ctx = store.project("acme", "night-shift", user="ana")
    with pytest.raises(StoreError, match="does not exist"):
        save_doc(ctx, "board", "x", {"a": 1}, base=4)
    with pytest.raises(StoreError, match="JSON"):
        save_doc(ctx, "board", "x", {"a": float("nan")}, base=0)
    assert load_doc(ctx, "board", "x") is None
    append(ctx, "s", {"a": 1})
    assert [e.payload for e in read_stream(ctx, "s")] == [{"a": 1}]
