"""The README's generated-client example, run as written against a live `studio api`.

The README's bash block (fetch /openapi.json with curl, run openapi-python-client) and its
Python block (submit a script job, poll it until a worker finishes it) are taken from the
README itself, pointed at the test server, and executed; a stale example fails here.

openapi-python-client pins older httpx/typer than the project, so it lives in its own
environment: the test finds it through ``STUDIO_OPENAPI_CLIENT`` (the executable) or on PATH
(``pipx install openapi-python-client``), and is skipped, saying so, when it is not installed.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[2] / "README.md"


def _block(lang: str, marker: str) -> str:
    blocks = re.findall(rf"```{lang}\n(.*?)```", README.read_text(), flags=re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, f"README.md should have one ```{lang} block with {marker!r}, found {len(found)}"
    return found[0]


GENERATOR = os.environ.get("STUDIO_OPENAPI_CLIENT") or shutil.which("openapi-python-client")
pytestmark = pytest.mark.skipif(not GENERATOR, reason="openapi-python-client is not installed: `pipx install "
                                "openapi-python-client` or set STUDIO_OPENAPI_CLIENT to its executable")


@pytest.mark.slow  # ~50 s: a server, the generator, a worker and a script job
@pytest.mark.parametrize("api", ["sqlite"], indirect=True)  # the client does not depend on the database
def test_the_readme_client_example_runs_against_a_live_server(api, tmp_path):
    tool = GENERATOR
    host = api.base.removeprefix("http://")
    shell = _block("bash", "openapi-python-client generate")
    commands = [line for line in shell.splitlines() if line.strip() and not line.lstrip().startswith(("#", "pip "))]
    assert any("openapi.json" in c for c in commands)
    script = "\n".join(commands).replace("localhost:8080", host)
    env = {**os.environ, "PATH": f"{Path(tool).parent}{os.pathsep}{os.environ['PATH']}"}
    gen = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=300)
    assert gen.returncode == 0, gen.stdout[-2000:] + gen.stderr[-2000:]
    package = tmp_path / "studio-kit-api-client"
    assert (package / "studio_kit_api_client" / "api" / "scripts" / "generate_script.py").is_file(), gen.stdout

    example = _block("python", "studio_kit_api_client")
    example = example.replace("http://localhost:8080", api.base)
    example = example.replace("project_id=1", f"project_id={api.ids['acme_project']}")
    api.worker()  # the example waits for a worker to run its job
    run = subprocess.run([sys.executable, "-c", example], cwd=tmp_path, capture_output=True, text=True, timeout=300,
                         env={**os.environ, "PYTHONPATH": str(package), "STUDIO_KEY": api.keys["writer"]})
    assert run.returncode == 0, run.stderr[-3000:]
    job_id, state, result = run.stdout.strip().splitlines()[-1].split(" ", 2)
    assert state == "succeeded", run.stdout
    with api.client("admin") as c:
        job = c.get(f"/api/v1/jobs/{job_id}").json()
        assert job["state"] == "succeeded" and job["kind"] == "script.generate"
        assert f"'asset_id': {job['result']['asset_id']}" in result, (job, result)
        script = c.get(f"/api/v1/scripts/{job['result']['asset_id']}")
    assert script.status_code == 200, script.text  # the script the example asked for is stored
