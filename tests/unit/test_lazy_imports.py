"""Importing studio_kit and running `studio --help` must stay light: no torch, no heavy engines."""
import json
import subprocess
import sys

HEAVY = ["torch", "diffusers", "transformers", "panel", "ortools", "reportlab", "papermill", "sqlalchemy"]

PROBE = """
import json, sys
import studio_kit
from typer.testing import CliRunner
from studio_kit.cli import app
for args in (["--help"], ["script", "--help"], ["character", "--help"], ["run", "--help"]):
    result = CliRunner().invoke(app, args)
loaded = [m for m in %r if m in sys.modules]
print(json.dumps(loaded))
"""


def test_import_and_help_do_not_import_torch_or_heavy_libraries():
    out = subprocess.run([sys.executable, "-c", PROBE % HEAVY], capture_output=True, text=True, check=True)
    loaded = json.loads(out.stdout.strip().splitlines()[-1])
    assert "torch" not in loaded
    assert loaded == [], f"`studio --help` imported heavy modules: {loaded}"


def test_studio_help_lists_every_foundation_command():
    out = subprocess.run([sys.executable, "-m", "studio_kit", "--help"], capture_output=True, text=True, check=True)
    for command in ("init", "config", "backends", "templates", "run", "runs", "demo", "serve"):
        assert f" {command} " in out.stdout, command
