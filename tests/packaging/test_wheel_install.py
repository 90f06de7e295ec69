"""A user who installs the wheel has no checkout: templates, dashboards and samples come with the package."""
from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1800)]  # the whole chain, voices to social clips


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> Path:
    """A fresh venv outside the checkout with studio_kit installed from a freshly built wheel.

    Dependencies come from the test environment's site-packages (added as a plain path, so its
    editable-install hook does not run): the package under test is the wheel's copy only."""
    root = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    "-w", str(root / "dist"), str(REPO)], check=True, capture_output=True, text=True)
    wheel = next((root / "dist").glob("studio_kit-*.whl"))
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
                   check=True, capture_output=True, text=True)
    subprocess.run([str(py), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"],
                   check=True, capture_output=True, text=True)
    return venv


def _studio(venv: Path, *args: str, home: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("STUDIO_")}
    env.update(STUDIO_HOME=str(home), PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    return subprocess.run([str(venv / "bin" / "studio"), *args], cwd=home.parent, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_wheel_carries_templates_dashboards_and_samples(wheel_venv, tmp_path):
    code = ("import studio_kit, json; from studio_kit.config import get_settings; s = get_settings();"
            "print(json.dumps([studio_kit.__file__, str(s.resolved_templates_dir), str(s.resolved_dashboards_dir)]))")
    out = subprocess.run([str(wheel_venv / "bin" / "python"), "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True).stdout
    import json

    module, templates, dashboards = json.loads(out)
    assert not module.startswith(str(REPO)), "studio_kit was imported from the checkout, not the wheel"
    assert sorted(p.name for p in Path(templates).glob("*.ipynb")) == sorted(p.name for p in (REPO / "templates").glob("*.ipynb"))
    assert sorted(p.name for p in Path(dashboards).glob("*.py")) == sorted(p.name for p in (REPO / "dashboards").glob("*.py"))


def test_studio_templates_and_demo_run_from_the_wheel(wheel_venv, tmp_path):
    home = tmp_path / "home"
    listed = _studio(wheel_venv, "templates", home=home)
    assert listed.returncode == 0, listed.stderr
    for name in ("hello_project", "script_from_logline", "preproduction_package"):
        assert name in listed.stdout
    demo = _studio(wheel_venv, "demo", "--pages", "1", home=home)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "Traceback" not in demo.stderr
    assert any(home.rglob("*.pdf")), "the demo wrote its script PDF under STUDIO_HOME"
