"""The foundation commands as a user runs them: init, config, backends, serve."""
import os
import socket
import subprocess
import sys
import time
import urllib.request

from typer.testing import CliRunner

from studio_kit.cli import app

runner = CliRunner(env={"COLUMNS": "320"})


def test_init_creates_the_store_and_a_project(studio_home):
    result = runner.invoke(app, ["init", "--org", "acme", "--project", "night-train", "--title", "Night Train"])
    assert result.exit_code == 0, result.output
    assert (studio_home / "studio.db").exists()
    from studio_kit.store import open_store

    projects = open_store().org("acme").projects()
    assert [(p.slug, p.name) for p in projects] == [("night-train", "Night Train")]
    again = runner.invoke(app, ["init", "--org", "acme", "--project", "night-train"])
    assert again.exit_code == 0 and len(open_store().org("acme").projects()) == 1


def test_init_rejects_a_bad_slug_without_writing(studio_home):
    result = runner.invoke(app, ["init", "--org", "Bad Org!", "--project", "x"])
    assert result.exit_code != 0
    assert "Bad Org!" in str(result.exception)


def test_config_lists_every_setting_with_source_and_description(studio_home, monkeypatch):
    monkeypatch.setenv("STUDIO_TEXT_BACKEND", "transformers")
    from studio_kit.config import StudioSettings, reset_settings

    reset_settings()
    result = runner.invoke(app, ["config"], terminal_width=300)
    assert result.exit_code == 0
    for name in StudioSettings.model_fields:
        assert f"STUDIO_{name.upper()}" in result.output
    line = next(ln for ln in result.output.splitlines() if "STUDIO_TEXT_BACKEND" in ln)
    assert "transformers" in line and "env" in line
    assert "sqlite:///" in result.output  # the derived database URL is shown


def test_backends_says_why_a_model_backend_cannot_run(studio_home):
    result = runner.invoke(app, ["backends"], terminal_width=300)
    assert result.exit_code == 0
    diffusers = next(ln for ln in result.output.splitlines() if " diffusers " in ln)
    assert " no " in diffusers and "STUDIO_IMAGE_MODEL_PATH" in diffusers
    previz = next(ln for ln in result.output.splitlines() if " previz " in ln)
    assert " yes " in previz


def test_errors_are_printed_cleanly_with_the_fix(studio_home):
    out = subprocess.run([sys.executable, "-m", "studio_kit", "run", "no_such_template"],
                         capture_output=True, text=True, env={**os.environ, "STUDIO_HOME": str(studio_home)})
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert "No template named 'no_such_template'" in out.stderr and "Fix:" in out.stderr


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_serves_every_dashboard(studio_home):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "studio_kit", "serve", "--port", str(port)],
                            env={**os.environ, "STUDIO_HOME": str(studio_home)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline, index = time.time() + 90, ""
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    index = r.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        for app_name in ("studio_home", "script_room", "breakdown_board", "character_lab"):
            assert app_name in index
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/studio_home", timeout=60) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_usage_errors_print_a_hint_not_a_traceback():
    out = subprocess.run([sys.executable, "-m", "studio_kit", "script", "parse", "a", "b", "c"],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and "unexpected extra argument" in out.stderr


def test_read_commands_do_not_create_a_project(studio_home):
    assert runner.invoke(app, ["init"]).exit_code == 0
    out = subprocess.run([sys.executable, "-m", "studio_kit", "runs"], capture_output=True, text=True,
                         env={**os.environ, "STUDIO_HOME": str(studio_home), "STUDIO_PROJECT": "nosuch"})
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert "Project 'default/nosuch' does not exist" in out.stderr
    assert "studio init --org default --project nosuch" in out.stderr
    from studio_kit.store import open_store

    assert [p.slug for p in open_store().org("default").projects()] == ["demo"]
