"""`studio hub`: the single-machine JupyterHub (kernel profiles, dashboards behind its login, kernel-time usage)."""
from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("hub")(hub)


def find_chp() -> str | None:
    """configurable-http-proxy: STUDIO_HUB_CHP, PATH, or the copy `make` installs under .cache/chp."""
    for candidate in (os.environ.get("STUDIO_HUB_CHP"), shutil.which("configurable-http-proxy"),
                      str(Path.cwd() / ".cache" / "chp" / "node_modules" / ".bin" / "configurable-http-proxy")):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


def hub(port: int = typer.Option(8000, min=1, max=65535, help="Public port of the hub (loopback)."),
        address: str = typer.Option("127.0.0.1", help="Address to bind."),
        auth: str = typer.Option("dummy", help="dummy (shared password, try-outs) or pam (Unix accounts)."),
        password: str | None = typer.Option(None, help="Shared password for the dummy login "
                                                          "(default: STUDIO_HUB_PASSWORD or 'studio')."),
        groups: Path | None = typer.Option(None, help="YAML {group: [users]}: `org:<slug>` and `role:<name>` groups."),
        admins: str = typer.Option("", help="Comma-separated hub admins."),
        spawner: str = typer.Option("simple", help="simple (all servers as you, try-outs) or local (Unix accounts).")) -> None:
    """Start JupyterHub on this machine: CPU/GPU kernel profiles, dashboards behind the hub's login."""
    from studio_kit.config import get_settings
    from studio_kit.exceptions import ConfigError

    if auth not in ("dummy", "pam"):
        raise ConfigError(f"Unknown hub login {auth!r}.", hint="Use --auth dummy or --auth pam.")
    if spawner not in ("simple", "local"):
        raise ConfigError(f"Unknown spawner {spawner!r}.", hint="Use --spawner simple or --spawner local.")
    if groups is not None and not groups.is_file():
        raise ConfigError(f"Groups file {groups} does not exist.", hint="Write a YAML mapping {group: [user, ...]}.")
    chp = find_chp()
    if chp is None:
        raise ConfigError("configurable-http-proxy (the hub's proxy, from npm) is not installed.",
                          hint="npm install -g configurable-http-proxy  (or `make install`, which puts it in .cache/chp)")
    settings = get_settings()
    env = dict(os.environ, STUDIO_HOME=str(settings.home.resolve()), STUDIO_HUB_BIND_URL=f"http://{address}:{port}",
               STUDIO_HUB_AUTH=auth, STUDIO_HUB_SPAWNER=spawner, STUDIO_HUB_CHP=chp, STUDIO_HUB_ADMINS=admins)
    if password:
        env["STUDIO_HUB_PASSWORD"] = password
    if groups:
        env["STUDIO_HUB_GROUPS"] = str(groups.resolve())
    if settings.database_url:
        env["STUDIO_DATABASE_URL"] = settings.database_url
    config = Path(__file__).resolve().parent.parent / "hub" / "jupyterhub_config.py"
    state = settings.home.resolve() / "hub"
    state.mkdir(parents=True, exist_ok=True)
    typer.echo(f"JupyterHub on http://{address}:{port}/ (state in {state}); dashboards at /user/<name>/studio/")
    sys.stdout.flush()
    os.chdir(state)
    # exec: stopping `studio hub` stops the hub (and the proxy and services it started)
    os.execve(sys.executable, [sys.executable, "-m", "jupyterhub", "-f", str(config)], env)
