"""A real API: uvicorn on loopback over a real store (SQLite file, or a fresh PostgreSQL schema).

``api`` starts the server in a subprocess (its JSON log captured to a file) and seeds two
organizations through the store: acme (the caller) and rival (whose ids must be 404 to acme),
with keys of different scopes. ``api.worker()`` starts a `studio worker` process.
"""
from __future__ import annotations

import importlib.util
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest


def _load(folder: str, name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / folder / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store_conftest = _load("store", "store_conftest_for_api")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Api:
    base: str
    env: dict
    home: Path
    log_path: Path
    store: object
    keys: dict = field(default_factory=dict)     # name -> key
    ids: dict = field(default_factory=dict)      # name -> id
    procs: list = field(default_factory=list)

    def client(self, key: str | None = "admin", **kw) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.keys.get(key, key)}"} if key else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=60, **kw)

    def worker(self, *args: str) -> subprocess.Popen:
        """Start `studio worker`; its output goes to a file (a pipe nobody reads would fill up and stall it)."""
        path = self.home / f"worker-{len(self.procs) + 1}.log"
        with open(path, "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "studio_kit", "worker", *args], env=self.env,
                                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        proc.log_path = path
        self.procs.append(proc)
        return proc

    def worker_logs(self) -> str:
        return "\n".join(f"--- {p.log_path.name}\n{p.log_path.read_text(errors='replace')[-3000:]}"
                         for p in self.procs if hasattr(p, "log_path"))

    def wait_job(self, job_id: int, timeout: float = 120, key: str = "admin") -> dict:
        deadline = time.time() + timeout
        with self.client(key) as c:
            while time.time() < deadline:
                job = c.get(f"/api/v1/jobs/{job_id}").json()
                if job["state"] in ("succeeded", "failed"):
                    return job
                time.sleep(0.3)
        raise AssertionError(f"job {job_id} did not finish in {timeout} s: {job}\n{self.worker_logs()}")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def _seed(store) -> tuple[dict, dict]:
    from studio_kit.platform import keys

    acme = store.project("acme", "night-shift", user="ana", title="Night Shift")
    rival = store.project("rival", "copycat", user="bob")
    made = {}
    for name, org, scopes, user in [
        ("admin", "acme", ["admin"], "ana"), ("reader", "acme", ["*:read"], "ana"),
        ("writer", "acme", ["*:write"], "ana"), ("usage_only", "acme", ["usage:read"], "ana"),
        ("rival", "rival", ["admin"], "bob"),
    ]:
        made[name], _ = keys.create_key(store, org, name, scopes, user=user)
    rival_script = rival.put_asset("INT. COPY ROOM - NIGHT\n\nBob copies.\n", "script", "copy.fountain")
    ids = {"acme_project": acme.project_id, "rival_project": rival.project_id, "rival_script": rival_script.id}
    return made, ids


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def api(request, tmp_path_factory):
    from studio_kit.config import StudioSettings as Settings
    from studio_kit.store import dispose_engines, open_store

    home = tmp_path_factory.mktemp("api-home")
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{home / 'studio.db'}"
    else:
        from sqlalchemy import create_engine, text

        base = _store_conftest.require_postgres()
        schema = f"sk_api_{uuid.uuid4().hex[:10]}"
        admin = create_engine(base)
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = _store_conftest._with_search_path(base, schema)
    env = {**os.environ, "STUDIO_HOME": str(home), "STUDIO_DATABASE_URL": url, "STUDIO_ORG": "acme",
           "STUDIO_PROJECT": "night-shift", "STUDIO_USER": "ana", "STUDIO_API_MAX_UPLOAD_MB": "1",
           "STUDIO_JOB_STALE_S": "4", "STUDIO_JOB_HEARTBEAT_S": "0.5", "PYTHONUNBUFFERED": "1"}
    settings = Settings(home=home, database_url=url)
    store = open_store(url, settings)
    made, ids = _seed(store)
    port = free_port()
    log_path = home / "api.log"
    log = open(log_path, "wb")
    server = subprocess.Popen([sys.executable, "-m", "studio_kit", "api", "--port", str(port)], env=env,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if server.poll() is not None:
            raise RuntimeError(f"studio api exited: {log_path.read_text()[-2000:]}")
        time.sleep(0.3)
    else:
        raise RuntimeError(f"studio api did not answer: {log_path.read_text()[-2000:]}")
    result = Api(base, env, home, log_path, store, made, ids)
    yield result
    for proc in [server, *result.procs]:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
    log.close()
    store.close()
    dispose_engines(url)
    if schema:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
