"""The API's stories end to end on a real server with real workers."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest


def test_a_script_ordered_over_http_is_written_by_a_worker_streamed_live_and_downloadable_in_ranges(api):
    from websockets.sync.client import connect

    with api.client("writer") as c:
        r = c.post("/api/v1/scripts", json={"project_id": api.ids["acme_project"], "pages": 2, "seed": 7,
                                            "logline": "A lighthouse keeper finds a bottle that predicts storms."})
        assert r.status_code == 202
        job_id = r.json()["job"]["id"]
        ws_url = api.base.replace("http", "ws") + f"/api/v1/jobs/{job_id}/events"
        worker = api.worker("--once")
        with connect(ws_url, additional_headers={"Authorization": f"Bearer {api.keys['reader']}"},
                     open_timeout=30) as ws:
            events = []
            for raw in ws:  # the server closes the socket when the job ends
                events.append(json.loads(raw))
        assert worker.wait(120) == 0, api.worker_logs()
        states = [e["data"]["state"] for e in events if e["kind"] == "state"]
        assert states[0] == "queued" and "running" in states and states[-1] == "succeeded"
        fractions = [e["data"]["fraction"] for e in events if e["kind"] == "progress"]
        assert fractions == sorted(fractions) and fractions[-1] == 1.0
        job = c.get(f"/api/v1/jobs/{job_id}").json()
        assert job["state"] == "succeeded" and job["attempts"] == 1
        script = c.get(f"/api/v1/scripts/{job['result']['asset_id']}").json()
        assert script["scenes"] >= 1 and "INT." in script["fountain"] or "EXT." in script["fountain"]
        whole = c.get(f"/api/v1/assets/{script['id']}/content")
        assert whole.status_code == 200 and whole.text == script["fountain"]
        part = c.get(f"/api/v1/assets/{script['id']}/content", headers={"Range": "bytes=10-49"})
        assert part.status_code == 206 and part.content == whole.content[10:50]
        assert part.headers["content-range"] == f"bytes 10-49/{len(whole.content)}"


def test_a_websocket_without_a_key_or_for_another_orgs_job_is_closed(api):
    from websockets.exceptions import ConnectionClosed, InvalidStatus
    from websockets.sync.client import connect

    with api.client("rival") as rival:
        job = rival.post("/api/v1/scripts", json={"project_id": api.ids["rival_project"],
                                                  "logline": "A copier jams."}).json()["job"]
    url = api.base.replace("http", "ws") + f"/api/v1/jobs/{job['id']}/events"
    for headers in ({}, {"Authorization": f"Bearer {api.keys['admin']}"}):
        with pytest.raises((ConnectionClosed, InvalidStatus)):
            with connect(url, additional_headers=headers, open_timeout=10) as ws:
                ws.recv(timeout=10)


def test_a_revoked_key_is_refused_on_the_next_request(api):
    from studio_kit.platform import keys

    key, info = keys.create_key(api.store, "acme", "laptop", ["*:read"], user="ana")
    with api.client(key) as c:
        assert c.get("/api/v1/projects").status_code == 200
        keys.revoke_key(api.store, "acme", info.prefix)
        r = c.get("/api/v1/projects")
    assert r.status_code == 401 and "revoked" in r.json()["detail"]


def test_guessing_one_keys_secret_is_rate_limited_with_retry_after(api):
    prefix = "sk_live_Guess123"
    with api.client(f"{prefix}_wrong") as c:
        codes = [c.get("/api/v1/projects").status_code for _ in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429]
    with api.client(f"{prefix}_wrong") as c:
        r = c.get("/api/v1/projects")
    assert r.status_code == 429 and int(r.headers["retry-after"]) >= 1 and "Too many failed" in r.json()["detail"]


def test_footage_upload_is_streamed_sniffed_and_size_limited(api, tmp_path):
    import imageio_ffmpeg

    clip = tmp_path / "A001C003.mov"
    subprocess.run([imageio_ffmpeg.get_ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i",
                    "testsrc=size=160x90:rate=24:duration=1", "-pix_fmt", "yuv420p", str(clip)], check=True)
    with api.client("writer") as c:
        ok = c.post("/api/v1/production/upload-footage", data={"project_id": api.ids["acme_project"]},
                    files={"file": (clip.name, clip.read_bytes(), "application/octet-stream")})
        assert ok.status_code == 201, ok.text
        asset = ok.json()["asset"]
        assert ok.json()["sniffed"] == "video/quicktime" and asset["size"] == clip.stat().st_size
        assert c.get(f"/api/v1/assets/{asset['id']}/content").content == clip.read_bytes()
        fake = c.post("/api/v1/production/upload-footage", data={"project_id": api.ids["acme_project"]},
                      files={"file": ("evil.mp4", b"#!/bin/sh\nrm -rf /\n" * 10, "video/mp4")})
        assert fake.status_code == 415 and "not a video or audio file" in fake.json()["detail"]
        big = c.post("/api/v1/production/upload-footage", data={"project_id": api.ids["acme_project"]},
                     files={"file": ("big.mov", b"\0\0\0\x14ftypqt  " + b"\0" * (1024 * 1024 + 10), "video/quicktime")})
        assert big.status_code == 413 and "1 MB" in big.json()["detail"]
    leftovers = [p for p in api.store.asset_root.iterdir() if p.name.startswith(".upload-")]
    assert leftovers == []


def test_health_readiness_and_metrics(api):
    import httpx

    assert httpx.get(api.base + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(api.base + "/readyz").json()
    assert ready["status"] == "ready" and all(c["ok"] for c in ready["checks"].values())
    with api.client("admin") as c:
        c.get("/api/v1/projects")
    text = httpx.get(api.base + "/metrics").text
    assert 'studio_http_request_seconds_count{method="GET",route="/api/v1/projects",status="200"}' in text
    assert "studio_jobs{state=" in text


def test_keys_used_in_requests_never_reach_the_logs(api):
    secret = api.keys["reader"]
    with api.client("reader") as c:
        c.get("/api/v1/projects", headers={"X-Request-ID": "trace-me-42"})
        c.get("/api/v1/jobs/999999")
    with api.client(secret[:-3] + "zzz") as c:
        c.get("/api/v1/projects")
    time.sleep(0.5)
    log = api.log()
    assert secret not in log and secret.split("_", 3)[-1] not in log
    line = next(json.loads(row) for row in log.splitlines() if "\"trace-me-42\"" in row)
    assert line["key_prefix"] == secret[:16] and line["status"] == 200 and line["org"] == "acme"


@pytest.mark.slow
def test_a_worker_killed_mid_job_leaves_it_to_another_and_exactly_one_result(api):
    with api.client("writer") as c:
        r = c.post("/api/v1/templates/hello_project/runs", json={"project_id": api.ids["acme_project"]})
        assert r.status_code == 202, r.text
        job_id = r.json()["job"]["id"]
        first = api.worker()
        deadline = time.time() + 60
        while c.get(f"/api/v1/jobs/{job_id}").json()["state"] != "running":
            assert time.time() < deadline, "the first worker never claimed the job"
            time.sleep(0.1)
        os.killpg(first.pid, signal.SIGKILL)  # kill -9 the worker (and its kernel) mid-job
        first.wait()
        second = api.worker("--max-jobs", "1")  # waits for the dead worker's lease to go stale, then re-claims
        job = api.wait_job(job_id, timeout=420)
        second.wait(60)
    assert job["state"] == "succeeded" and job["attempts"] == 2, job
    ctx = api.store.project("acme", "night-shift", user="ana")
    results = [a for a in ctx.list_assets("run_notebook") if a.provenance.get("run_id") == job["run_id"]]
    assert len(results) == 1 and results[0].id == job["result"]["asset_id"]
