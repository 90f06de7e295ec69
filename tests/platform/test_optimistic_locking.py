"""Two people approving or moving the same thing at once: one wins, the other is told, nothing is lost."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
import time

import pytest

from studio_kit.platform import members, milestones, reviews

RACER = textwrap.dedent("""
    import os, sys, time
    from studio_kit.config import get_settings
    from studio_kit.platform import milestones, reviews
    from studio_kit.platform._ops import ConflictError
    from studio_kit.store import open_store

    url, user, what, version, go = sys.argv[1:6]
    ctx = open_store(url, get_settings()).project("acme", "night-shift", user=user)
    ctx.get_asset(1)                      # connected and migrated before the start line
    while not os.path.exists(go):
        time.sleep(0.005)
    try:
        if what == "approve":
            reviews.approve(ctx, "script:pilot.fountain@1", note=f"yes from {user}", expected_version=int(version))
        elif what == "changes":
            reviews.request_changes(ctx, "script:pilot.fountain@1", f"no from {user}", expected_version=int(version))
        else:
            milestones.move(ctx, "shoot", what, expected_version=int(version))
    except ConflictError as exc:
        print(exc.message)
        sys.exit(3)
""")


def _race(store_url, studio_home, tmp_path, jobs):
    go = tmp_path / "go"
    env = {**os.environ, "STUDIO_HOME": str(studio_home)}
    env.pop("STUDIO_DATABASE_URL", None)
    procs = [subprocess.Popen([sys.executable, "-c", RACER, store_url, user, what, str(version), str(go)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for user, what, version in jobs]
    time.sleep(4.0)  # every racer is connected and waiting
    go.write_text("go")
    out = [(p.wait(timeout=120), p.stdout.read(), p.stderr.read()[-1500:]) for p in procs]
    assert all(rc in (0, 3) for rc, _, _ in out), out
    return out


@pytest.mark.slow
def test_two_reviewers_at_once_one_wins_one_gets_a_conflict(store, store_url, crew, studio_home, tmp_path):
    wes = crew["wes"]
    wes.put_asset(b"INT. DINER - NIGHT", kind="script", name="pilot.fountain")
    seen = reviews.request(wes, "script:pilot.fountain@1", reviewers=["dee", "pat"])
    out = _race(store_url, studio_home, tmp_path, [("dee", "approve", seen.version),
                                                    ("pat", "changes", seen.version)])
    assert sorted(rc for rc, _, _ in out) == [0, 3]
    loser = next(o for rc, o, _ in out if rc == 3)
    assert f"you had version {seen.version}" in loser and "Nothing was written" in loser
    item = reviews.get(wes, "script:pilot.fountain@1")
    events, _ = reviews.history(wes, "script:pilot.fountain@1")
    assert item.version == seen.version + 1 and len(events) == 2  # request + the one winner
    assert item.state in ("approved", "changes_requested")
    winner = "dee" if item.state == "approved" else "pat"
    assert events[-1].actor == winner


@pytest.mark.slow
def test_two_producers_moving_the_shoot_at_once(store, store_url, crew, studio_home, tmp_path):
    pat = crew["pat"]
    members.add_member(crew["olive"], "paula", "producer")
    pat.put_asset(b"x", kind="note", name="n.txt")
    shoot = milestones.add(pat, "shoot", "Principal photography", "shoot", dt.date(2027, 4, 30),
                           start=dt.date(2027, 4, 1))
    out = _race(store_url, studio_home, tmp_path, [("pat", "2027-05-07", shoot.version),
                                                    ("paula", "2027-05-14", shoot.version)])
    assert sorted(rc for rc, _, _ in out) == [0, 3]
    moved = milestones.get(pat, "shoot")
    assert moved.version == shoot.version + 1 and moved.due in (dt.date(2027, 5, 7), dt.date(2027, 5, 14))
    assert moved.slip_days in (7, 14) and moved.start == moved.due - dt.timedelta(days=29)
