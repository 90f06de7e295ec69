"""Writers killed with kill -9 leave temp files and files without rows; the store sweeps them on open
(when old enough) and `studio store check [--repair]` reports them, with rows whose file is missing
or changed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
from typer.testing import CliRunner

from studio_kit.store import dispose_engines, files, open_store

# a writer that is killed mid-write: it stops inside fsync of the temp file (a real process, a real SIGKILL)
KILLED_MID_WRITE = textwrap.dedent("""
    import os, sys, time
    from studio_kit.store import open_store
    ctx = open_store(sys.argv[1]).project("acme", "night-shift", user="ana")
    real_fsync = os.fsync
    def stuck(fd):
        real_fsync(fd)
        print("writing", flush=True)
        time.sleep(600)
    os.fsync = stuck
    ctx.put_asset(os.urandom(3 * 2**20), kind="render", name="frame.exr")
""")

# a writer killed after the file is in place but before its row is committed
KILLED_BEFORE_COMMIT = textwrap.dedent("""
    import sys, time
    from studio_kit.store import open_store
    from studio_kit.store.context import ProjectContext
    ctx = open_store(sys.argv[1]).project("acme", "night-shift", user="ana")
    def stuck(*args, **kwargs):
        print("writing", flush=True)
        time.sleep(600)
    ProjectContext._insert_asset = stuck
    ctx.put_asset(b"orphan take " + sys.argv[2].encode(), kind="take", name="take.wav")
""")


def kill_mid_way(store_url: str, studio_home, *scripts: tuple[str, ...]) -> None:
    """Start the writers at once, wait until each is inside its write, then kill -9 them all."""
    procs = [subprocess.Popen([sys.executable, "-c", script, store_url, *args], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "STUDIO_HOME": str(studio_home)}) for script, *args in scripts]
    try:
        for proc in procs:
            assert proc.stdout.readline().strip() == "writing"
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=10)
    assert [p.returncode for p in procs] == [-signal.SIGKILL] * len(procs)


def age(paths, seconds: float) -> None:
    past = time.time() - seconds
    for path in paths:
        os.utime(path, (past, past))


@pytest.fixture
def damaged(store, store_url, acme, studio_home):
    """Two writers killed mid-write, one killed before its commit, one file deleted, one file changed."""
    kept = acme.put_asset(b"INT. DINER - NIGHT", kind="script", name="draft.fountain")
    lost = acme.put_asset(b"a storyboard", kind="board", name="panel.png")
    changed = acme.put_asset(b"the original mix", kind="mix", name="mix.wav")
    kill_mid_way(store_url, studio_home, (KILLED_MID_WRITE,), (KILLED_MID_WRITE,), (KILLED_BEFORE_COMMIT, "1"))
    (store.asset_root / lost.path).unlink()
    (store.asset_root / changed.path).write_bytes(b"someone edited this")
    return {"kept": kept, "lost": lost, "changed": changed}


def test_check_reports_every_kind_of_damage(store, damaged):
    report = store.check()
    assert len(report.partial_files) == 2 and all(p.stat().st_size == 3 * 2**20 for p in report.partial_files)
    assert len(report.orphan_files) == 1 and report.orphan_files[0].read_bytes() == b"orphan take 1"
    assert [p.asset_id for p in report.missing_files] == [damaged["lost"].id]
    assert [p.asset_id for p in report.corrupt_files] == [damaged["changed"].id]
    assert report.rows_checked == 3 and not report.ok
    assert not store.check(verify_hashes=False).corrupt_files  # without hashes a change goes unseen


def test_repair_removes_only_old_leftovers_and_never_a_row(store, acme, damaged):
    assert store.repair(older_than_s=3600) == []  # fresh: a write may still be going on
    report = store.check()
    age(report.partial_files + report.orphan_files, 7200)
    removed = store.repair(older_than_s=3600)
    assert sorted(removed) == sorted(report.partial_files + report.orphan_files)
    after = store.check()
    assert after.partial_files == [] and after.orphan_files == []
    assert len(after.missing_files) == len(after.corrupt_files) == 1  # a person decides about those
    assert acme.read_bytes(damaged["kept"].id) == b"INT. DINER - NIGHT"


def test_opening_the_store_sweeps_old_leftovers(store, store_url, damaged):
    report = store.check()
    old, young = report.partial_files[0], report.partial_files[1]
    marker = store.sweep_marker  # the fixture's open swept; pretend that was 2 h ago
    age([old, *report.orphan_files, marker], 7200)
    dispose_engines(store_url)  # the next open is a new process's first
    open_store(store_url, store.settings)
    assert not old.exists() and young.exists() and not report.orphan_files[0].exists()
    # at most once per safe age: the marker keeps the next first-open from walking the tree again
    age([young], 7200)
    dispose_engines(store_url)
    open_store(store_url, store.settings)
    assert young.exists()


def test_a_killed_write_leaves_the_store_readable(store, acme, damaged):
    assert [a.name for a in acme.list_assets()] == ["draft.fountain", "panel.png", "mix.wav"]
    again = acme.put_asset(b"orphan take 1", kind="take", name="take.wav")  # same content as the orphan
    assert acme.read_bytes(again.id) == b"orphan take 1"
    assert store.check().orphan_files == []  # the orphan is now the new row's file


def test_cli_store_check_and_repair(store, store_url, damaged, monkeypatch):
    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    monkeypatch.setenv("STUDIO_DATABASE_URL", store_url)
    reset_settings()
    runner = CliRunner(env={"COLUMNS": "250"})
    out = runner.invoke(app, ["store", "check"], terminal_width=250)
    assert out.exit_code == 1, out.output
    assert "temp files of killed writes" in out.output and "6.0 MiB" in out.output
    assert f"asset {damaged['lost'].id} (org" in out.output and f"asset {damaged['changed'].id}" in out.output
    assert "rows and files disagree" in out.output
    fixed = runner.invoke(app, ["store", "check", "--repair", "--older-than", "0"], terminal_width=250)
    assert fixed.exit_code == 1 and "Removed 3 file(s)" in fixed.output
    assert store.check().partial_files == [] and store.check().orphan_files == []
    bad = runner.invoke(app, ["store", "check", "--older-than", "-5"])
    assert bad.exit_code == 2


def test_a_clean_store_checks_clean(store, acme, monkeypatch, store_url):
    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    acme.put_asset(b"x", kind="script", name="a.fountain")
    monkeypatch.setenv("STUDIO_DATABASE_URL", store_url)
    reset_settings()
    out = CliRunner(env={"COLUMNS": "250"}).invoke(app, ["store", "check"])
    assert out.exit_code == 0 and "1 asset rows checked with hashes: rows and files agree." in out.output
    assert files.partial_files(store.asset_root) == []
