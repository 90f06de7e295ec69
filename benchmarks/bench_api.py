"""Load test of the REST API on loopback (issue 16): N concurrent clients for D seconds — mixed reads,
job submissions and uploads — against a real `studio api` (uvicorn) and real `studio worker`
processes, on SQLite or PostgreSQL; then the queue must drain with nothing lost.

    .venv/bin/python benchmarks/bench_api.py                                  # 50 clients, 60 s, SQLite
    .venv/bin/python benchmarks/bench_api.py --db postgres                    # a fresh schema in the test db
    .venv/bin/python benchmarks/bench_api.py --clients 50 --seconds 20 --db postgres --workers 2

Every client is an ``httpx.AsyncClient`` (its own connection) in one event loop; each request is
timed from send to the end of the response body. A request is an error when it fails to connect,
times out or answers >= 400. After the load the bench waits for the workers to empty the queue
and reads every submitted job's final state from the database: ``done`` = succeeded,
``lost`` = submitted but not found or never finished (``failed`` jobs are listed apart).
Prints one summary row (markdown) and the latency per request kind.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import quote

import httpx

PG_URL = os.environ.get("STUDIO_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
READS = ("/api/v1/projects", "/api/v1/jobs?limit=20", "/api/v1/scripts/{script}", "/api/v1/usage?limit=20",
         "/api/v1/scripts?project_id={project}")


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pct(xs: list[float], q: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, round(q * (len(xs) - 1)))] if xs else float("nan")


def _database(kind: str) -> tuple[str, str | None]:
    """(URL, schema to drop afterwards): a SQLite file in a temp home, or a fresh PostgreSQL schema."""
    if kind == "sqlite":
        return "", None
    from sqlalchemy import create_engine, text

    schema = f"sk_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine.dispose()
    return f"{PG_URL}{'&' if '?' in PG_URL else '?'}options={quote(f'-csearch_path={schema}')}", schema


def _drop(schema: str) -> None:
    from sqlalchemy import create_engine, text

    engine = create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    engine.dispose()


async def _load(base: str, key: str, clients: int, seconds: float, project: int, script: int) -> dict:
    lat: dict[str, list[float]] = defaultdict(list)
    errors: Counter[str] = Counter()
    jobs: list[int] = []
    mov = b"\0\0\0\x14ftypqt  " + os.urandom(64 * 1024)
    reads = [r.format(script=script, project=project) for r in READS]
    stop = time.perf_counter() + seconds

    async def client(n: int) -> None:
        rnd = random.Random(n)
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as c:
            while time.perf_counter() < stop:
                r = rnd.random()
                t0 = time.perf_counter()
                try:
                    if r < 0.6:
                        kind, resp = "read", await c.get(rnd.choice(reads))
                    elif r < 0.9:
                        kind = "submit"
                        resp = await c.post("/api/v1/scripts", json={
                            "project_id": project, "pages": 1, "seed": rnd.randrange(2**31),
                            "logline": f"Client {n} story {rnd.random():.6f}"})
                    else:
                        # a few clients share a file name: concurrent uploads make new versions of one asset
                        kind = "upload"
                        resp = await c.post("/api/v1/production/upload-footage", data={"project_id": str(project)},
                                            files={"file": (f"cam{n % 10}.mov", mov, "video/quicktime")})
                except httpx.HTTPError as exc:
                    lat[kind].append(time.perf_counter() - t0)
                    errors[f"{kind} {type(exc).__name__}"] += 1
                    continue
                lat[kind].append(time.perf_counter() - t0)
                if resp.status_code >= 400:
                    errors[f"{kind} {resp.status_code} {resp.text[:160]}"] += 1
                elif kind == "submit":
                    jobs.append(resp.json()["job"]["id"])

    t0 = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return {"lat": lat, "errors": errors, "jobs": jobs, "wall": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite",
                    help=f"sqlite: a file in a temp STUDIO_HOME; postgres: a fresh schema at {PG_URL}.")
    ap.add_argument("--workers", type=int, default=1, help="`studio worker` processes.")
    ap.add_argument("--drain-timeout", type=float, default=1800, help="Seconds to wait for the queue to empty.")
    args = ap.parse_args()

    home = Path(tempfile.mkdtemp(prefix="bench-api-"))
    url, schema = _database(args.db)
    url = url or f"sqlite:///{home / 'studio.db'}"
    env = {**os.environ, "STUDIO_HOME": str(home), "STUDIO_DATABASE_URL": url, "STUDIO_ORG": "bench",
           "STUDIO_PROJECT": "load", "STUDIO_USER": "bench", "PYTHONUNBUFFERED": "1"}
    from sqlmodel import select

    from studio_kit.config import StudioSettings
    from studio_kit.platform import keys
    from studio_kit.store import dispose_engines, open_store
    from studio_kit.store.platform_models import Job

    store = open_store(url, StudioSettings(home=home, database_url=url))
    ctx = store.project("bench", "load", user="bench")
    key, _ = keys.create_key(store, "bench", "bench", ["*:write"], user="bench")
    script = ctx.put_asset("INT. ROOM - DAY\n\nANA\nHello.\n", "script", "s.fountain")
    port = _port()
    base = f"http://127.0.0.1:{port}"
    files = contextlib.ExitStack()
    logs = [files.enter_context(open(home / name, "wb"))  # noqa: SIM115 (closed by the ExitStack in finally)
            for name in ["api.log", *(f"worker{i}.log" for i in range(args.workers))]]
    procs = [subprocess.Popen([sys.executable, "-m", "studio_kit", "api", "--port", str(port), "--log-level",
                               "warning"], env=env, stdout=logs[0], stderr=subprocess.STDOUT, start_new_session=True)]
    for i in range(args.workers):
        procs.append(subprocess.Popen([sys.executable, "-m", "studio_kit", "worker"], env=env, stdout=logs[i + 1],
                                      stderr=subprocess.STDOUT, start_new_session=True))
    try:
        for _ in range(600):
            try:
                if httpx.get(base + "/healthz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise SystemExit(f"`studio api` did not start; see {home / 'api.log'}")
        res = asyncio.run(_load(base, key, args.clients, args.seconds, ctx.project_id, script.id))
        drain0 = time.time()
        while time.time() - drain0 < args.drain_timeout:
            q = httpx.get(base + "/readyz", timeout=60).json()["checks"]["workers"]
            if q.get("queued", 1) == 0 and q.get("running", 1) == 0:
                break
            time.sleep(0.5)
        drain = time.time() - drain0
        ids = res["jobs"]
        with store.org("bench").session() as s:
            found = dict(s.exec(select(Job.id, Job.state).where(Job.id.in_(ids))).all()) if ids else {}
        states = Counter(found.get(i, "missing") for i in ids)
        done, failed = states["succeeded"], states["failed"]
        lost = len(ids) - done - failed
        everything = [x for xs in res["lat"].values() for x in xs]
        n_err = sum(res["errors"].values())
        print(f"\nREST API load, {args.workers} worker(s), drained {drain:.1f} s after the load; home {home}\n")
        print("| database | clients | seconds | requests | errors | p50 ms | p95 ms | req/s | jobs submitted "
              "| jobs done | jobs failed | lost |")
        print("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
        print(f"| {args.db} | {args.clients} | {args.seconds:g} | {len(everything)} | {n_err} | "
              f"{statistics.median(everything) * 1000:.1f} | {_pct(everything, 0.95) * 1000:.1f} | "
              f"{len(everything) / res['wall']:.1f} | {len(ids)} | {done} | {failed} | {lost} |")
        print("\n| kind | requests | p50 ms | p95 ms | max ms |")
        print("|---|--:|--:|--:|--:|")
        for kind, xs in sorted(res["lat"].items()):
            print(f"| {kind} | {len(xs)} | {statistics.median(xs) * 1000:.1f} | {_pct(xs, 0.95) * 1000:.1f} | "
                  f"{max(xs) * 1000:.1f} |")
        for what, count in res["errors"].most_common(5):
            print(f"error ×{count}: {what}")
        if any(s not in ("succeeded", "failed") for s in states):
            print(f"job states: {dict(states)}")
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGTERM)
        for p in procs:
            try:
                p.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        files.close()
        store.engine.dispose()
        dispose_engines()
        if schema:
            _drop(schema)


if __name__ == "__main__":
    main()
