"""The durable job queue: queued Run rows first, workers claim, heartbeat, retry with back-off."""
from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from studio_kit.platform import jobs
from studio_kit.store.platform_models import Job


def test_a_queued_script_job_is_a_run_row_before_anything_executes_and_a_worker_completes_it(store):
    ctx = store.project("acme", "night-shift", user="ana")
    job = jobs.enqueue(ctx, "script.generate", {"logline": "A night nurse hears her dead patient call.",
                                                "pages": 2, "seed": 3})
    run = ctx.get_run(job.run_id)
    assert (run.status, run.template, job.state) == ("queued", "script.generate", "queued")
    worker = jobs.Worker(store, heartbeat_s=0.2)
    assert worker.run(once=True) == 1
    done = jobs.get_job(ctx, job.id)
    assert done.state == "succeeded" and done.attempts == 1
    asset = ctx.get_asset(done.result["asset_id"])
    text = ctx.read_text(asset.id)
    assert asset.kind == "script" and ("INT." in text or "EXT." in text)
    assert ctx.get_run(job.run_id).status == "succeeded"
    kinds = [(e["kind"], e["data"].get("state")) for e in jobs.events(ctx, job.id)]
    assert kinds[0] == ("state", "queued") and kinds[-1] == ("state", "succeeded")
    assert any(k == "progress" for k, _ in kinds)


def test_bad_input_fails_at_once_and_another_org_never_sees_the_job(store):
    ctx = store.project("acme", "night-shift", user="ana")
    rival = store.project("rival", "copycat", user="bob")
    job = jobs.enqueue(ctx, "post.voice", {"script_id": 999999})
    jobs.Worker(store).run(once=True)
    failed = jobs.get_job(ctx, job.id)
    assert failed.state == "failed" and failed.attempts == 1 and "999999" in failed.error
    import pytest

    from studio_kit.exceptions import TenantAccessError

    with pytest.raises(TenantAccessError):
        jobs.get_job(rival, job.id)
    assert jobs.list_jobs(rival) == []


def test_a_job_whose_worker_stopped_heartbeating_is_claimed_again(store):
    ctx = store.project("acme", "night-shift", user="ana")
    job = jobs.enqueue(ctx, "script.generate", {"logline": "Two rivals share a lifeboat.", "pages": 1})
    dead = jobs.Worker(store, name="dead-host:1")
    claimed = dead.claim()  # claims, then "dies" without finishing
    assert claimed.id == job.id
    live = jobs.Worker(store, stale_after_s=5)
    assert live.claim() is None  # its heartbeat is fresh: not yet
    with Session(store.engine) as s:
        row = s.exec(select(Job).where(Job.id == job.id)).one()
        row.heartbeat_at = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=30)
        s.add(row)
        s.commit()
    assert live.run(once=True) == 1
    done = jobs.get_job(ctx, job.id)
    assert done.state == "succeeded" and done.attempts == 2
    assert len(ctx.list_assets("script")) == 1
    assert any(e["data"].get("reclaimed_from") == "dead-host:1" for e in jobs.events(ctx, job.id))
    dead._finish(claimed, result={"asset_id": None})  # the presumed-dead worker wakes up: ignored
    assert jobs.get_job(ctx, job.id).result["asset_id"] == done.result["asset_id"]


def test_jobs_run_on_a_dask_cluster_each_in_a_worker_process_with_one_result(store):
    """`studio worker --dask local`: the queue's jobs execute on Dask worker processes, two at a time."""
    import os

    ctx = store.project("acme", "night-shift", user="ana")
    queued = [jobs.enqueue(ctx, "script.generate", {"logline": f"Two rivals share lifeboat {k}.", "pages": 1,
                                                    "seed": k}) for k in range(3)]
    worker = jobs.Worker(store, heartbeat_s=0.3, poll_s=0.1)
    assert worker.run_on_dask(workers=2, once=True) == 3
    for job in queued:
        done = jobs.get_job(ctx, job.id)
        assert done.state == "succeeded" and done.attempts == 1 and done.worker == worker.name, done
        assert ctx.get_asset(done.result["asset_id"]).kind == "script"
        where = [e["data"]["message"] for e in jobs.events(ctx, job.id) if e["data"].get("message", "")
                 .startswith("on Dask worker")]
        assert len(where) == 1 and not where[0].endswith(f":{os.getpid()}")      # another process ran it
    assert len(ctx.list_assets(kind="script")) == 3


def test_a_heartbeat_and_the_finish_of_the_same_job_never_deadlock(store):
    """Both write the job row and its run row; they lock them in one order, so a heartbeat that lands while the
    worker records the outcome waits its turn instead of deadlocking (on PostgreSQL the loser would be aborted,
    and a worker whose outcome write was aborted left its job "running" until another worker took it over)."""
    import threading

    ctx = store.project("acme", "night-shift", user="ana")
    worker = jobs.Worker(store, heartbeat_s=0.001)
    failures: list[BaseException] = []
    for k in range(25):
        jobs.enqueue(ctx, "script.generate", {"logline": f"Two rivals share lifeboat {k}.", "pages": 1})
        job = worker.claim()
        stop = threading.Event()

        def beat(job_id=job.id, stop=stop):
            while not stop.is_set():
                try:
                    worker._beat(job_id)
                except BaseException as exc:  # noqa: BLE001 - the test reports whatever went wrong
                    failures.append(exc)

        beater = threading.Thread(target=beat)
        beater.start()
        try:
            worker._finish(job, result={"asset_id": None})
        finally:
            stop.set()
            beater.join()
        assert jobs.get_job(ctx, job.id).state == "succeeded"
    assert failures == []


def test_a_job_queued_through_an_orgs_key_runs_as_its_user_even_one_who_works_in_another_org(store):
    """The API opens projects with the key's word for the org (org_checked); the worker runs the job as the
    same user without asking again, though a dashboard would refuse bob acme's projects."""
    import pytest

    from studio_kit.exceptions import TenantAccessError

    store.project("acme", "night-shift", user="ana")
    store.project("rival", "copycat", user="bob")
    with pytest.raises(TenantAccessError, match="bob works in organization 'rival'"):
        store.project("acme", "night-shift", user="bob")
    bob = store.project("acme", "night-shift", user="bob", create=False, org_checked=True)  # as the API does
    job = jobs.enqueue(bob, "script.generate", {"logline": "A night nurse hears her dead patient call.",
                                                "pages": 1, "seed": 3})
    assert jobs.Worker(store, heartbeat_s=0.2).run(once=True) == 1
    done = jobs.get_job(bob, job.id)
    assert done.state == "succeeded", done.error
    assert bob.get_asset(done.result["asset_id"]).created_by == "bob"
