"""The durable job queue: long operations asked for through the API run on workers.

Every job is a queued :class:`~studio_kit.store.models.Run` row (what users see:
template/operation, parameters, status, output asset) plus a ``job`` row (the queue's
bookkeeping), both written in one transaction before anything executes.

Workers (``studio worker``) claim the oldest available job. On PostgreSQL the claim is
``SELECT ... FOR UPDATE SKIP LOCKED``, so any number of workers share the queue; on
SQLite one worker runs at a time (a lock file under STUDIO_HOME keeps a second one
waiting). A worker heartbeats the job while it runs; a job whose worker stopped
heart-beating (killed, machine gone) becomes claimable again, and the next worker runs
it again. A failing job is retried with exponential back-off until ``max_attempts``;
a :class:`StudioError` (bad input) fails at once, since retrying cannot fix it.

Handlers make their result asset idempotent (named after the run), so a job re-run
after a worker died mid-way ends with exactly one result asset.

Progress events (``job_event`` rows: state changes, progress fractions, messages)
are what ``WS /api/v1/jobs/{id}/events`` streams.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, or_, select

from studio_kit.config import get_settings, reset_settings
from studio_kit.exceptions import InputError, StoreError, StudioError, TenantAccessError
from studio_kit.platform import quotas
from studio_kit.platform._ops import as_utc
from studio_kit.platform.job_handlers import HANDLERS
from studio_kit.platform.usage import sample_storage
from studio_kit.runs.batch import dask_client
from studio_kit.runs.heartbeat import beating
from studio_kit.store import open_store
from studio_kit.store.context import _jsonable
from studio_kit.store.models import Organization, Project, Run, RunRecord, stored_id
from studio_kit.store.platform_models import Job, JobEvent
from studio_kit.store.session import admin_session, db_errors

HEARTBEAT_S = float(os.environ.get("STUDIO_JOB_HEARTBEAT_S", "2"))     #: a running job's heartbeat interval
#: a running job with no heartbeat for this long is claimable again
STALE_AFTER_S = float(os.environ.get("STUDIO_JOB_STALE_S", "15"))
BACKOFF_S = 2.0            #: first retry delay; doubles per attempt
MAX_BACKOFF_S = 300.0
FINISH_TRIES = 4           #: tries at recording a job's outcome before the worker gives up on it

log = logging.getLogger("studio_kit.worker")
Progress = Callable[[float, str], None]
@dataclass(frozen=True)
class JobRecord:
    id: int
    run_id: int
    org_id: int
    project_id: int
    kind: str
    state: str
    attempts: int
    max_attempts: int
    worker: str | None
    result: dict[str, Any]
    error: str | None
    created_at: dt.datetime
    finished_at: dt.datetime | None
    parameters: dict[str, Any]
    warnings: tuple[str, ...] = ()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _record(job: Job, run: Run | RunRecord, warnings: list[str] | tuple[str, ...] = ()) -> JobRecord:
    return JobRecord(stored_id(job), job.run_id, job.org_id, job.project_id, job.kind, job.state, job.attempts,
                     job.max_attempts, job.worker, dict(job.result or {}), job.error, as_utc(job.created_at),
                     as_utc(job.finished_at), dict(run.parameters or {}), tuple(warnings))


def _run_of(s: Session, job: Job) -> Run:
    """The Run row of ``job`` (the foreign key keeps it there; a missing one is a damaged database)."""
    run = s.get(Run, job.run_id)
    if run is None:
        raise StoreError(f"Job {job.id} has no run row (run {job.run_id} is missing).",
                         hint="The database lost a row the job queue needs: restore it, or cancel the job.")
    return run


def enqueue(ctx: Any, kind: str, parameters: dict[str, Any] | None = None, *, max_attempts: int = 3) -> JobRecord:
    """Queue ``kind`` with ``parameters`` in the project of ``ctx``: Run and job rows in one transaction."""
    if kind not in HANDLERS:
        raise InputError(f"Unknown job kind {kind!r}.", hint="Known kinds: " + ", ".join(sorted(HANDLERS)) + ".")

    params = _jsonable(parameters, "parameters")
    warnings = quotas.check(ctx, kind)  # refused here, before any row is written
    with ctx.session() as s:
        run = Run(template=kind, parameters=params, status="queued", created_by=ctx.user,
                  org_id=ctx.org_id, project_id=ctx.project_id)
        s.add(run)
        s.flush()
        job = Job(org_id=ctx.org_id, project_id=ctx.project_id, run_id=stored_id(run), kind=kind,
                  max_attempts=max_attempts, available_at=_now())
        s.add(job)
        s.flush()
        s.add(JobEvent(org_id=ctx.org_id, project_id=ctx.project_id, job_id=stored_id(job), kind="state",
                       data={"state": "queued", **({"warnings": warnings} if warnings else {})}))
        s.commit()
        return _record(job, run, warnings)


def get_job(ctx: Any, job_id: int) -> JobRecord:
    """A job of this organization (project, if ``ctx`` is a project); another org's id is not found."""
    with ctx.session() as s:
        job = s.get(Job, int(job_id))
        if job is None or job.org_id != ctx.org_id or (ctx.project_id is not None and job.project_id != ctx.project_id):
            raise TenantAccessError(f"Job {job_id} not found.", hint="List jobs with GET /api/v1/jobs.")
        return _record(job, _run_of(s, job))


def list_jobs(ctx: Any, *, after: int | None = None, limit: int = 50, state: str | None = None) -> list[JobRecord]:
    """Jobs, newest first; ``after`` is the cursor (jobs with a smaller id)."""
    with ctx.session() as s:
        stmt = select(Job, Run).where(Job.run_id == Run.id)
        if after is not None:
            stmt = stmt.where(col(Job.id) < after)
        if state:
            stmt = stmt.where(Job.state == state)
        rows = s.exec(stmt.order_by(col(Job.id).desc()).limit(limit)).all()
        return [_record(j, r) for j, r in rows]


def events(ctx: Any, job_id: int, after_id: int = 0) -> list[dict[str, Any]]:
    """Progress events of a job after event ``after_id``, oldest first."""
    get_job(ctx, job_id)
    with ctx.session() as s:
        rows = s.exec(select(JobEvent).where(JobEvent.job_id == int(job_id), col(JobEvent.id) > after_id)
                      .order_by(col(JobEvent.id))).all()
        return [{"id": r.id, "kind": r.kind, "data": r.data, "at": as_utc(r.at).isoformat()} for r in rows]


def queue_depth(store: Any) -> dict[str, int]:
    """Jobs per state across every organization (for metrics and the admin page)."""
    from sqlalchemy import func

    with db_errors(store.engine), admin_session(store.engine) as s:
        rows = s.exec(select(Job.state, func.count()).group_by(Job.state)).all()
        return {state: int(n) for state, n in rows}


# -- workers ---------------------------------------------------------------------------------

class JobContext:
    """What a handler gets besides the project: progress reporting and its job's ids."""

    def __init__(self, worker: Worker, job: Job):
        self.worker, self.job_id, self.run_id, self.attempt = worker, stored_id(job), job.run_id, job.attempts
        self._org_id, self._project_id = job.org_id, job.project_id

    def progress(self, fraction: float, message: str = "") -> None:
        self.worker._event(self.job_id, self._org_id, self._project_id, "progress",
                           {"fraction": round(max(0.0, min(1.0, float(fraction))), 4), "message": message})


class Worker:
    """Claims and runs jobs until stopped. ``Worker(store).run()`` is `studio worker`."""

    def __init__(self, store: Any, *, name: str | None = None, heartbeat_s: float | None = None,
                 stale_after_s: float | None = None, backoff_s: float = BACKOFF_S, poll_s: float = 0.5):
        self.store = store
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.heartbeat_s = HEARTBEAT_S if heartbeat_s is None else heartbeat_s
        self.stale_after_s = STALE_AFTER_S if stale_after_s is None else stale_after_s
        self.backoff_s, self.poll_s = backoff_s, poll_s
        self.stop = threading.Event()
        self.done = 0

    # one transaction each -----------------------------------------------------------------
    def _event(self, job_id: int, org_id: int, project_id: int, kind: str, data: dict[str, Any]) -> None:
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            s.add(JobEvent(org_id=org_id, project_id=project_id, job_id=job_id, kind=kind, data=data))
            s.commit()

    def claim(self) -> Job | None:
        """Take the oldest available job (queued and due, or running with a dead worker)."""
        now = _now()
        stale = now - dt.timedelta(seconds=self.stale_after_s)
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            stmt = (select(Job).where(or_((col(Job.state) == "queued") & (col(Job.available_at) <= now),
                                          (col(Job.state) == "running") & (col(Job.heartbeat_at) < stale)))
                    .order_by(col(Job.id)).limit(1).with_for_update(skip_locked=True))
            job = s.exec(stmt).first()
            if job is None:
                return None
            previous = job.worker if job.state == "running" else None
            if job.state == "running" and job.attempts >= job.max_attempts:
                job.state, job.error, job.finished_at = "failed", f"interrupted: worker {previous} stopped", now
                run = _run_of(s, job)
                run.status, run.error, run.finished_at = "failed", job.error, now
                s.add(JobEvent(org_id=job.org_id, project_id=job.project_id, job_id=stored_id(job), kind="state",
                               data={"state": "failed", "error": job.error}))
                s.commit()
                return self.claim()
            job.state, job.worker, job.heartbeat_at = "running", self.name, now
            job.attempts += 1
            run = _run_of(s, job)
            run.status, run.started_at, run.heartbeat_at = "running", now, now
            run.owner_pid, run.owner_host, run.error = os.getpid(), socket.gethostname(), None
            s.add(JobEvent(org_id=job.org_id, project_id=job.project_id, job_id=stored_id(job), kind="state",
                           data={"state": "running", "worker": self.name, "attempt": job.attempts,
                                 **({"reclaimed_from": previous} if previous else {})}))
            s.commit()
        log.info(f"job {job.id} claimed ({job.kind}, attempt {job.attempts})",
                 extra={"event": "job.claim", "job_id": job.id})
        return job

    @staticmethod
    def _lock(s: Session, job_id: int) -> tuple[Job, Run] | None:
        """The job row, then its run row, each ``FOR UPDATE`` (PostgreSQL): every writer of both rows
        (claim, heartbeat, finish) locks them in this one order, so two of them can never deadlock.
        None when the job is gone."""
        job = s.exec(select(Job).where(Job.id == job_id).with_for_update()).first()
        if job is None:
            return None
        run = s.exec(select(Run).where(Run.id == job.run_id).with_for_update()).first()
        if run is None:
            raise StoreError(f"Job {job_id} has no run row (run {job.run_id} is missing).",
                             hint="The database lost a row the job queue needs: restore it, or cancel the job.")
        return job, run

    def _beat(self, job_id: int) -> bool:
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            locked = self._lock(s, job_id)
            if locked is None:
                return False
            job, run = locked
            if job.worker != self.name or job.state != "running":
                return False
            now = _now()
            job.heartbeat_at = now
            run.heartbeat_at = now
            s.commit()
            return True

    def _heartbeat(self, job_id: int) -> contextlib.AbstractContextManager[None]:
        def beat() -> None:
            self._beat(job_id)

        return beating(beat, self.heartbeat_s, f"job-{job_id}")

    def _finish(self, job: Job, **outcome: Any) -> None:
        """Record a job's outcome; a failed write (the database blinked) is tried again before giving up.

        A worker that cannot record the outcome at all raises: the job stays ``running``, its heartbeat
        stops with this worker, and the next worker claims it again."""
        for attempt in range(FINISH_TRIES):
            try:
                self._write_outcome(job, **outcome)
                return
            except StoreError as exc:
                if attempt == FINISH_TRIES - 1:
                    raise
                log.warning(f"recording job {job.id}'s outcome failed ({exc.message}); trying again",
                            extra={"event": "job.finish_retry", "job_id": job.id})
                time.sleep(0.5 * 2 ** attempt)

    def _write_outcome(self, job: Job, *, result: dict[str, Any] | None = None, error: str | None = None,
                       retry: bool = False, duration: float = 0.0) -> None:
        now = _now()
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            locked = self._lock(s, stored_id(job))
            if locked is None:
                return
            row, run = locked
            if row.worker != self.name:  # another worker took it over after we were presumed dead
                return
            data: dict[str, Any]
            if error is None:
                row.state, row.result, row.error, row.finished_at = "succeeded", result or {}, None, now
                run.status, run.finished_at, run.duration_s = "succeeded", now, duration
                run.output_asset_id = (result or {}).get("asset_id")
                data = {"state": "succeeded", "result": result or {}}
            elif retry and row.attempts < row.max_attempts:
                delay = min(MAX_BACKOFF_S, self.backoff_s * 2 ** (row.attempts - 1))
                row.state, row.error, row.worker = "queued", error, None
                row.available_at = now + dt.timedelta(seconds=delay)
                run.status, run.error = "queued", error
                data = {"state": "queued", "error": error, "retry_in_s": delay, "attempt": row.attempts}
            else:
                row.state, row.error, row.finished_at = "failed", error, now
                run.status, run.error, run.finished_at, run.duration_s = "failed", error, now, duration
                data = {"state": "failed", "error": error}
            s.add(JobEvent(org_id=row.org_id, project_id=row.project_id, job_id=stored_id(row), kind="state", data=data))
            s.commit()
        log.info(f"job {job.id} {data['state']}", extra={"event": "job.finish", "job_id": job.id,
                                                         "duration_ms": round(duration * 1000, 1)})

    def _context(self, job: Job) -> Any:
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            org, project, run = s.get(Organization, job.org_id), s.get(Project, job.project_id), _run_of(s, job)
            if org is None or project is None:
                raise StoreError(f"Job {job.id}'s organization {job.org_id} or project {job.project_id} is missing.",
                                 hint="The project was deleted after the job was queued: cancel the job.")
            user = run.created_by or "api"
        return (self.store.project(org.slug, project.slug, user=user, create=False, org_checked=True),  # a job of the org
                dict(run.parameters or {}))

    def run_one(self) -> bool:
        """Claim and execute one job; False when none was available."""
        job = self.claim()
        if job is None:
            return False
        self.execute(job)
        return True

    def execute(self, job: Job) -> None:
        """Run a job this worker has claimed (here, or on a Dask worker under this worker's name)."""
        t0 = time.perf_counter()
        with self._heartbeat(stored_id(job)):
            try:
                ctx, params = self._context(job)
                fn = HANDLERS.get(job.kind)
                if fn is None:
                    raise InputError(f"No handler for job kind {job.kind!r}.")
                result = fn(ctx, params, JobContext(self, job))
            except StudioError as exc:
                self._finish(job, error=exc.message + (f" Fix: {exc.hint}" if exc.hint else ""),
                             duration=time.perf_counter() - t0)
            except Exception as exc:  # unexpected: may be transient (database, disk), so retried
                self._finish(job, error=f"{type(exc).__name__}: {exc}", retry=True, duration=time.perf_counter() - t0)
            else:
                self._finish(job, result=result, duration=time.perf_counter() - t0)
        self.done += 1

    def run_on_dask(self, scheduler: str | None = None, *, workers: int | None = None, once: bool = False,
                    max_jobs: int | None = None) -> int:
        """Work like :meth:`run`, executing each claimed job on a Dask worker (a ``LocalCluster`` of
        ``workers`` processes, or the cluster at ``scheduler``), as many at once as the cluster has threads.

        This process claims; the Dask worker heartbeats and finishes the job under this worker's name, so a
        Dask worker that dies leaves its job to go stale and be claimed again, as a killed `studio worker` does.
        """
        from dask.distributed import wait


        settings = get_settings()
        env = {"STUDIO_HOME": str(settings.home.resolve()), "STUDIO_USER": settings.user}
        if settings.database_url:
            env["STUDIO_DATABASE_URL"] = settings.database_url
        # the Dask worker opens this worker's store (its database and asset folder), not its own settings'
        store_at = (self.store.engine.url.render_as_string(hide_password=False), str(self.store.asset_root))
        client, cluster = dask_client(scheduler, workers, 0)
        running: dict[Any, int] = {}
        try:
            slots = max(1, sum(w.get("nthreads", 1) for w in client.scheduler_info()["workers"].values()))
            while not self.stop.is_set():
                for fut in [f for f in running if f.done()]:
                    job_id = running.pop(fut)
                    if fut.status == "error":   # the task itself broke (not the job): retried like a crash
                        self._finish_id(job_id, error=f"Dask task failed: {fut.exception()}", retry=True)
                    self.done += 1
                started = self.done + len(running)
                if (max_jobs is None or started < max_jobs) and len(running) < slots:
                    job = self.claim()
                    if job is not None:
                        fut = client.submit(_execute_on_dask, job.id, self.name, env, store_at, self.heartbeat_s,
                                            key=f"studio-job-{job.id}-{job.attempts}", pure=False)
                        running[fut] = stored_id(job)
                        continue
                if not running and (once or (max_jobs is not None and started >= max_jobs)):
                    break
                if running:
                    with contextlib.suppress(TimeoutError):    # none finished within a poll: look again
                        wait(list(running), timeout=self.poll_s, return_when="FIRST_COMPLETED")
                else:
                    self.stop.wait(self.poll_s)
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
        return self.done

    def _finish_id(self, job_id: int, **kwargs: Any) -> None:
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            job = s.get(Job, job_id)
        if job is not None and job.state == "running":
            self._finish(job, **kwargs)

    def sample_storage_daily(self) -> int:
        """Once per UTC day per worker process: sample every organization's asset-store storage (the
        storage GB-month meter; a day already sampled keeps its first figure). Returns projects sampled."""
        today = _now().date()
        if getattr(self, "_storage_day", None) == today:
            return 0
        self._storage_day = today
        with db_errors(self.store.engine), admin_session(self.store.engine) as s:
            slugs = [o.slug for o in s.exec(select(Organization)).all()]
        sampled = 0
        for slug in slugs:
            try:
                sampled += len(sample_storage(self.store.org(slug), today))
            except StudioError as exc:    # one organization's trouble never stops the queue
                log.warning(f"storage sample of {slug} failed: {exc.message}", extra={"event": "storage.sample"})
        return sampled

    def run(self, *, once: bool = False, max_jobs: int | None = None) -> int:
        """Work until stopped (``once``: until the queue is empty). Returns the number of jobs run.

        Between jobs the worker also takes the day's storage sample (:meth:`sample_storage_daily`)."""
        with self._single_on_sqlite():
            while not self.stop.is_set():
                if max_jobs is not None and self.done >= max_jobs:
                    break
                self.sample_storage_daily()
                if not self.run_one():
                    if once:
                        break
                    self.stop.wait(self.poll_s)
        return self.done

    @contextlib.contextmanager
    def _single_on_sqlite(self) -> Iterator[None]:
        if self.store.engine.dialect.name != "sqlite":
            yield
            return

        path = self.store.asset_root.parent / "worker.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+") as fh:
            while True:  # SQLite: one worker at a time; the OS frees the lock when a worker dies
                try:
                    fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if self.stop.wait(self.poll_s):
                        return
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)


def _execute_on_dask(job_id: int, worker_name: str, env: dict[str, str], store_at: tuple[str, str],
                     heartbeat_s: float) -> dict[str, Any]:
    """One Dask task: execute job ``job_id``, claimed by ``worker_name``, in the Dask worker's process."""
    os.environ.update(env)           # the worker's own settings: home and user (worker processes only)

    reset_settings()
    url, asset_root = store_at
    worker = Worker(open_store(url, asset_root=asset_root), name=worker_name, heartbeat_s=heartbeat_s)
    with db_errors(worker.store.engine), admin_session(worker.store.engine) as s:
        job = s.get(Job, job_id)
    if job is None or job.worker != worker_name or job.state != "running":
        return {"job_id": job_id, "skipped": True}       # taken over meanwhile: nothing to do here
    worker._event(job_id, job.org_id, job.project_id, "progress",
                  {"fraction": 0.0, "message": f"on Dask worker {socket.gethostname()}:{os.getpid()}"})
    worker.execute(job)
    return {"job_id": job_id, "pid": os.getpid()}


def worker_heartbeat_age(store: Any) -> float | None:
    """Seconds since any running job's last heartbeat (None when nothing runs) — for /readyz."""
    with db_errors(store.engine), admin_session(store.engine) as s:
        latest = s.exec(select(Job.heartbeat_at).where(Job.state == "running")
                        .order_by(col(Job.heartbeat_at).desc()).limit(1)).first()
    return None if latest is None else (_now() - as_utc(latest)).total_seconds()
