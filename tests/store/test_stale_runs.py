"""A run whose process is killed (kill -9) does not stay "running": the next command that lists or
starts runs marks it failed ("interrupted"), and `studio runs --stale` shows it."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta

import nbformat
import pytest
from typer.testing import CliRunner

from studio_kit.store.context import INTERRUPTED, owner_gone, pid_alive

OWNER = textwrap.dedent("""
    import sys, time
    from studio_kit.store import open_store
    ctx = open_store(sys.argv[1]).project("acme", "night-shift", user="ana")
    run_id = ctx.create_run("long_render", {"frames": 240})
    ctx.start_run(run_id)
    print(run_id, flush=True)
    while True:
        time.sleep(0.2)
        ctx.beat_run(run_id)
""")


def spawn_owner(store_url, studio_home) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", OWNER, store_url], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "STUDIO_HOME": str(studio_home)})


def run_id_of(proc: subprocess.Popen) -> int:
    line = proc.stdout.readline()
    assert line.strip().isdigit(), f"owner process said {line!r}"
    return int(line)


def start_owner(store_url, studio_home) -> tuple[subprocess.Popen, int]:
    proc = spawn_owner(store_url, studio_home)
    return proc, run_id_of(proc)


def kill9(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)  # reaped: the pid is really gone, not a zombie


def test_a_killed_runs_owner_is_detected_and_the_run_marked_interrupted(store, store_url, acme, studio_home):
    proc, run_id = start_owner(store_url, studio_home)
    try:
        run = acme.get_run(run_id)
        assert run.status == "running" and run.owner_pid == proc.pid and run.owner_host and run.heartbeat_at
        assert acme.reap_stale_runs() == []  # alive and beating: left alone
    finally:
        kill9(proc)
    assert acme.get_run(run_id).status == "running"  # nothing changed by itself
    assert acme.list_runs(reap=False)[0].status == "running"  # looking without reaping
    reaped = acme.reap_stale_runs()
    assert [r.id for r in reaped] == [run_id]
    run = acme.get_run(run_id)
    assert run.status == "failed" and run.error.startswith(f"{INTERRUPTED}: its process {proc.pid}")
    assert run.finished_at is not None
    assert [e.target for e in acme.list_audit("run.interrupted")] == [f"run:{run_id}"]
    assert acme.reap_stale_runs() == []  # once


@pytest.mark.slow
def test_killed_runs_leave_none_running(store, store_url, acme, studio_home):
    """41 kills used to leave 12 runs running forever; here every killed run is marked."""
    procs = [spawn_owner(store_url, studio_home) for _ in range(4)]  # four owners at once
    owners = [(proc, run_id_of(proc)) for proc in procs]
    for proc, _ in owners:
        kill9(proc)
    ids = [run_id for _, run_id in owners]
    assert {acme.get_run(i).status for i in ids} == {"running"}
    listed = acme.list_runs()  # any listing (the CLI, the studio home dashboard) marks them first
    assert {r.status for r in listed if r.id in ids} == {"failed"}
    assert all(r.error.startswith(INTERRUPTED) for r in listed if r.id in ids)


def test_owners_on_other_hosts_are_judged_by_their_heartbeat(acme):
    now = datetime.now(UTC)
    fresh = acme.create_run("render")
    acme.update_run(fresh, status="running", started_at=now, heartbeat_at=now, owner_pid=4242,
                    owner_host="render-node-7")
    silent = acme.create_run("render")
    acme.update_run(silent, status="running", started_at=now - timedelta(minutes=10),
                    heartbeat_at=now - timedelta(minutes=5), owner_pid=4242, owner_host="render-node-7")
    reaped = acme.reap_stale_runs(stale_after_s=60)
    assert [r.id for r in reaped] == [silent]
    assert "no heartbeat from process 4242 on render-node-7 for 30" in acme.get_run(silent).error
    assert acme.get_run(fresh).status == "running"


def test_a_run_with_no_owner_is_given_up_after_a_day(acme):
    old = acme.create_run("legacy")
    acme.update_run(old, status="running", started_at=datetime.now(UTC) - timedelta(days=2))
    recent = acme.create_run("legacy")
    acme.update_run(recent, status="running", started_at=datetime.now(UTC))
    assert [r.id for r in acme.reap_stale_runs()] == [old]
    queued = acme.create_run("waiting")  # queued runs wait for a worker: never reaped
    assert acme.get_run(queued).status == "queued" and acme.reap_stale_runs() == []


def test_pid_alive_tells_the_living_from_the_dead_and_the_zombie():
    assert pid_alive(os.getpid()) and not pid_alive(0)
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    deadline = time.time() + 10
    while pid_alive(proc.pid) and time.time() < deadline:  # exited but not yet waited: a zombie
        time.sleep(0.05)
    assert not pid_alive(proc.pid)
    proc.wait()
    assert not pid_alive(proc.pid)


def test_owner_gone_explains_why(acme):
    run = acme.get_run(acme.create_run("x"))
    now = datetime.now(UTC)
    alive = run.model_copy(update={"status": "running", "owner_pid": os.getpid(), "owner_host": os.uname().nodename,
                                   "heartbeat_at": now})
    assert owner_gone(alive, now, 60) is None
    assert "no heartbeat" in owner_gone(alive, now + timedelta(seconds=61), 60)


def test_cli_runs_marks_and_stale_lists_interrupted_runs(store, store_url, acme, studio_home, monkeypatch):
    from studio_kit.cli import app
    from studio_kit.config import reset_settings

    proc, run_id = start_owner(store_url, studio_home)
    kill9(proc)
    monkeypatch.setenv("STUDIO_DATABASE_URL", store_url)
    monkeypatch.setenv("STUDIO_ORG", "acme")
    monkeypatch.setenv("STUDIO_PROJECT", "night-shift")
    reset_settings()
    runner = CliRunner()
    listing = runner.invoke(app, ["runs"], terminal_width=200)
    assert listing.exit_code == 0, listing.output
    assert f"Marked 1 run(s) interrupted (their process is gone): {run_id}" in listing.output
    assert "failed" in listing.output and "interrupted" in listing.output
    stale = runner.invoke(app, ["runs", "--stale"], terminal_width=250)
    assert stale.exit_code == 0, stale.output
    assert "Interrupted runs of acme/night-shift" in stale.output and f"pid {proc.pid}" in stale.output
    assert "long_render" in stale.output


@pytest.mark.slow
def test_studio_run_killed_mid_way_is_interrupted_for_the_next_command(studio_home, tmp_path, monkeypatch):
    """The real thing: `studio run` of a slow notebook, the whole process group killed with SIGKILL."""
    from studio_kit.config import reset_settings
    from studio_kit.store import open_store

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("seconds = 60", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import time\ntime.sleep(seconds)")],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(notebook, tmp_path / "slow.ipynb")
    env = {**os.environ, "STUDIO_HOME": str(studio_home), "STUDIO_RUN_HEARTBEAT_S": "0.5"}
    studio = [sys.executable, "-m", "studio_kit"]
    assert subprocess.run([*studio, "init"], env=env, capture_output=True, timeout=60, check=False).returncode == 0
    proc = subprocess.Popen([*studio, "run", str(tmp_path / "slow.ipynb"), "--no-progress"], env=env,
                            start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    monkeypatch.setenv("STUDIO_HOME", str(studio_home))
    reset_settings()
    ctx = open_store().project("default", "demo", create=False)
    deadline = time.time() + 90
    while time.time() < deadline:
        runs = ctx.list_runs()
        if runs and runs[0].status == "running" and runs[0].heartbeat_at > runs[0].started_at:
            break  # the kernel is up and the heartbeat thread beats
        time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the run never reached 'running' with a heartbeat")
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    out = subprocess.run([*studio, "runs", "--stale"], env=env, capture_output=True, text=True, timeout=60,
                         check=False)
    assert out.returncode == 0, out.stderr
    assert f"pid {proc.pid}" in out.stdout and "interrupted" in out.stdout
    assert ctx.get_run(runs[0].id).status == "failed"
