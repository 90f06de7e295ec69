"""A real JupyterHub on loopback: profiles at spawn, a kernel that sees only its user's organization,
dashboards behind the hub's login, and one kernel-time usage record per server lifetime."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parents[2]
CHP = REPO / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy"

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(predicate, timeout: float, what: str):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            got = predicate()
            if got:
                return got
        except (httpx.HTTPError, OSError) as exc:
            last = exc
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what} ({last})")


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    from shutil import which

    chp = str(CHP) if CHP.exists() else which("configurable-http-proxy")
    if not chp:
        pytest.fail("configurable-http-proxy is not installed: `make install` puts it in .cache/chp")
    root = tmp_path_factory.mktemp("hub")
    home = root / "studio-home"
    db = f"sqlite:///{home / 'studio.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STUDIO_", "JUPYTERHUB_"))}
    env.update(STUDIO_HOME=str(home), STUDIO_DATABASE_URL=db)
    # the studio's own data before anyone logs in: two organizations
    subprocess.run([sys.executable, "-c", "from studio_kit.store import open_store; s = open_store();"
                    "s.project('acme', 'feature', user='setup'); s.project('rival', 'secret-film', user='setup')"],
                   env=env, check=True)
    groups = root / "groups.yaml"
    groups.write_text("org:acme: [alice]\nrole:producer: [alice]\norg:rival: [bob]\n")
    port = _free_port()
    env.update(STUDIO_HUB_CHP=chp, STUDIO_HUB_API_PORT=str(_free_port()),
               STUDIO_HUB_PROXY_API=f"http://127.0.0.1:{_free_port()}", STUDIO_HUB_USAGE_INTERVAL="1",
               STUDIO_HUB_HOMES=str(root / "homes" / "{username}"))
    log = open(root / "hub.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "studio_kit", "hub", "--port", str(port), "--password", "cut-print",
                             "--groups", str(groups)], env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait(lambda: httpx.get(f"{url}/hub/api/", timeout=2).status_code == 200, 90, "the hub to answer")
        yield {"url": url, "env": env, "root": root, "db": db}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _login(url: str, user: str, password: str = "cut-print") -> httpx.Client:
    client = httpx.Client(base_url=url, follow_redirects=True, timeout=60)
    client.get("/hub/login")
    xsrf = client.cookies.get("_xsrf")
    r = client.post("/hub/login", data={"username": user, "password": password, "_xsrf": xsrf})
    assert r.status_code == 200, r.text[:500]
    return client


def _token(client: httpx.Client, user: str) -> str:
    r = client.post(f"/hub/api/users/{user}/tokens", json={"note": "test", "expires_in": 3600},
                    headers={"X-XSRFToken": client.cookies.get("_xsrf", path="/hub/")})
    assert r.status_code in (200, 201), r.text
    return r.json()["token"]


def _execute(url: str, user: str, token: str, code: str) -> str:
    from websockets.sync.client import connect

    api = f"{url}/user/{user}/api"
    kernel = httpx.post(f"{api}/kernels", headers={"Authorization": f"token {token}"}, json={"name": "python3"},
                        timeout=60).json()["id"]
    out: list[str] = []
    ws_url = api.replace("http://", "ws://") + f"/kernels/{kernel}/channels"
    with connect(ws_url, open_timeout=60, additional_headers={"Authorization": f"token {token}"}) as ws:
        msg_id = uuid.uuid4().hex
        ws.send(json.dumps({"header": {"msg_id": msg_id, "username": user, "session": uuid.uuid4().hex,
                                       "msg_type": "execute_request", "version": "5.3"},
                            "parent_header": {}, "metadata": {}, "channel": "shell",
                            "content": {"code": code, "silent": False, "store_history": False,
                                        "user_expressions": {}, "allow_stdin": False}}))
        deadline = time.time() + 120
        while time.time() < deadline:
            msg = json.loads(ws.recv(timeout=120))
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "stream":
                out.append(msg["content"]["text"])
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                break
    return "".join(out)


def test_a_studio_member_works_in_their_own_org_and_their_kernel_time_is_metered(hub):
    url = hub["url"]
    alice = _login(url, "alice")
    token = _token(alice, "alice")
    auth = {"Authorization": f"token {token}"}
    # the spawn page offers the kernel profiles
    form = alice.get("/hub/spawn").text
    assert "cpu-small" in form and "gpu-1" in form and "Kernel profile" in form
    started = time.time()
    r = httpx.post(f"{url}/hub/api/users/alice/server", headers=auth, json={"profile": "cpu-large"}, timeout=120)
    assert r.status_code in (201, 202), r.text
    _wait(lambda: httpx.get(f"{url}/hub/api/users/alice", headers=auth).json()["servers"][""]["ready"], 150,
          "alice's server")

    # a cell opens the studio store: alice's organization and role, and only its projects
    printed = _execute(url, "alice", token, (
        "import os; from studio_kit.config import get_settings; from studio_kit.store import open_store\n"
        "s = get_settings(); org = open_store().org(s.org)\n"
        "print(s.org, s.user, os.environ['STUDIO_ROLE'], os.environ['STUDIO_PROFILE'],"
        " sorted(p.slug for p in org.projects()))"))
    assert printed.split()[:4] == ["acme", "alice", "producer", "cpu-large"], printed
    assert "feature" in printed and "secret-film" not in printed

    # the dashboards, through the hub's login and alice's server
    page = _wait(lambda: (lambda r: r if r.status_code == 200 else None)(alice.get("/user/alice/studio/studio_home")),
                 180, "the studio dashboards behind the hub")
    assert "studio home" in page.text.lower()
    import re

    local = re.findall(r'(?:src|href)="(/[^"]*)"', page.text)
    assert all(u.startswith("/user/alice/studio/") for u in local), local   # resources come through the hub too

    # another organization's member reaches neither alice's server nor her dashboards
    bob = _login(url, "bob")
    for path in ("/user/alice/studio/studio_home", "/user/alice/api/contents"):
        r = bob.get(path)
        assert r.status_code in (403, 404) or "/user/bob/" in str(r.url), (path, r.status_code, r.url)
        assert "feature" not in r.text

    # stop the server: one usage record for its lifetime, booked to acme with the profile's unit
    httpx.delete(f"{url}/hub/api/users/alice/server", headers=auth, timeout=120)
    _wait(lambda: not httpx.get(f"{url}/hub/api/users/alice", headers=auth).json()["servers"], 120, "the server to stop")
    lifetime = time.time() - started
    from studio_kit.store import open_store

    store = open_store(hub["db"])       # read as the store's operator, through each organization's own view
    rows = _wait(lambda: [u for u in store.org("acme").list_usage()
                          if (u.key or "").startswith("hub:alice/")], 30, "the kernel-time record")
    assert len(rows) == 1
    row = rows[0]
    assert row.backend == "kernel.cpu-large" and row.unit == "cpu-second" and row.user == "alice"
    assert 1 < row.seconds <= lifetime + 1 and row.units == pytest.approx(4 * row.seconds)
    assert not [u for u in store.org("rival", create=True).list_usage() if u.key]
    time.sleep(2.5)                                       # more polls: still one record
    assert len([u for u in store.org("acme").list_usage() if u.key]) == 1
