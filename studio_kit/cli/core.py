"""Foundation commands: init, config, backends, templates, run, runs, demo, serve."""
from __future__ import annotations

from pathlib import Path

import typer


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("config")(config)
    app.command("backends")(backends)
    app.command("templates")(templates)
    app.command("run", context_settings={"allow_extra_args": True, "ignore_unknown_options": True})(run)
    app.command("runs")(runs)
    app.command("demo")(demo)
    app.command("serve")(serve)


def _console():
    from rich.console import Console

    return Console()


def init(org: str | None = typer.Option(None, help="Organization slug (default: STUDIO_ORG or 'default')."),
         project: str | None = typer.Option(None, help="Project slug (default: STUDIO_PROJECT or 'demo')."),
         title: str | None = typer.Option(None, help="Human title of the project.")) -> None:
    """Create STUDIO_HOME, the store (migrated) and an organization with a project."""
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    settings = get_settings()
    store = open_store()
    ctx = store.project(settings.org if org is None else org, settings.project if project is None else project,
                        user=settings.user, title=title)
    ctx.audit("project.init", target=ctx.project_slug)
    _console().print(f"Project [bold]{ctx.org_slug}/{ctx.project_slug}[/] ready in {settings.home.resolve()} "
                     f"(store: {store.url})")


def config() -> None:
    """Print every setting with its value, where it came from and what it does."""
    from rich.table import Table

    from studio_kit.config import get_settings

    table = Table(title="studio_kit settings (environment variables STUDIO_*)")
    for col in ("setting", "value", "source", "description"):
        table.add_column(col, overflow="fold")
    for row in get_settings().describe():
        table.add_row(row["env"], row["value"], row["source"], row["description"])
    _console().print(table)
    from studio_kit.engines.writing import speedups

    _console().print(speedups.describe())


def backends() -> None:
    """List every installed backend by modality, with whether it can run here and why not."""
    from rich.table import Table

    from studio_kit.registry import list_backends

    table = Table(title="Backends (entry-point group studio_kit.backends)")
    for col in ("modality", "name", "available", "capabilities", "status"):
        table.add_column(col, overflow="fold")
    for info in list_backends():
        table.add_row(info.modality, info.name, "yes" if info.available else "no", ", ".join(info.capabilities),
                      info.reason)
    _console().print(table)


def templates(name: str | None = typer.Argument(None, help="Show one template's parameters in detail.")) -> None:
    """List papermill templates with their parameters (type, default, help)."""
    from rich.table import Table

    from studio_kit.runs.templates import find_template, list_templates

    items = [find_template(name)] if name else list_templates()
    for tpl in items:
        table = Table(title=f"{tpl.name} — {tpl.description}", title_justify="left")
        for col in ("parameter", "type", "default", "help"):
            table.add_column(col, overflow="fold")
        for p in tpl.parameters:
            table.add_row(p.name + (" *" if p.required else ""), p.type_name, p.default, p.help)
        _console().print(table)
    if not items:
        _console().print("No templates found.")


def run(ctx: typer.Context,
        template: str = typer.Argument(..., help="Template name (see `studio templates`) or a notebook path."),
        output: Path | None = typer.Option(None, "-o", "--output", help="Where to write the executed notebook."),
        no_progress: bool = typer.Option(False, "--no-progress", help="Hide the cell progress bar.")) -> None:
    """Execute a template with papermill; the run and its notebook are stored.

    Parameters: -p NAME VALUE (repeatable), e.g. `studio run hello_project -p title "Night Train" -p scenes 3`.
    Values are converted to the types the template declares.
    """
    from studio_kit.cli.checks import output_file
    from studio_kit.exceptions import RunError
    from studio_kit.runs.runner import run_template

    if output is not None:
        output_file(output, "-o/--output", RunError)
    result = run_template(template, _pairs(ctx.args), output, progress=not no_progress)
    _console().print(f"Run {result.run_id} [green]{result.status}[/] in {result.duration_s:.1f} s → {result.output_path}")
    for key, value in result.outputs.items():
        _console().print(f"  {key}: {value}")


def _pairs(args: list[str]) -> dict[str, str]:
    """Parse `-p NAME VALUE` pairs left over by click (typer has no 2-tuple list options)."""
    from studio_kit.exceptions import ParameterError

    params: dict[str, str] = {}
    i = 0
    while i < len(args):
        flag = args[i]
        if flag not in ("-p", "--param"):
            raise ParameterError(f"Unexpected argument {flag!r}.", hint="Pass parameters as -p NAME VALUE.")
        if i + 2 >= len(args):
            raise ParameterError(f"{flag} needs a NAME and a VALUE.", hint="e.g. -p title 'Night Train'")
        params[args[i + 1]] = args[i + 2]
        i += 3
    return params


def runs(limit: int = typer.Option(20, min=1, max=10_000, help="How many recent runs to show (1-10000)."),
         failed: bool = typer.Option(False, "--failed", help="Only failed runs."),
         stale: bool = typer.Option(False, "--stale", help="Only runs interrupted because their process died "
                                    "(kill -9, crash): their owner, last heartbeat and why.")) -> None:
    """Show run history of the current project (template, status, duration, error).

    Runs whose process is gone are marked failed ("interrupted") first.
    """
    from rich.table import Table

    from studio_kit.config import get_settings
    from studio_kit.store import open_store
    from studio_kit.store.context import INTERRUPTED

    settings = get_settings()
    ctx = open_store().project(settings.org, settings.project, user=settings.user, create=False)
    reaped = ctx.reap_stale_runs()
    rows = ctx.list_runs(limit=None if stale else limit, reap=False)  # reaped just above
    if stale:
        rows = [r for r in rows if (r.error or "").startswith(INTERRUPTED)][:limit]
    elif failed:
        rows = [r for r in rows if r.status == "failed"]
    title = f"{'Interrupted runs' if stale else 'Runs'} of {ctx.org_slug}/{ctx.project_slug}"
    table = Table(title=title)
    columns: tuple[str, ...] = ("id", "template", "status", "started", "seconds", "parameters", "error")
    if stale:
        columns = ("id", "template", "started", "last heartbeat", "owner", "error")
    for col in columns:
        table.add_column(col, overflow="fold")
    for r in rows:
        started = f"{r.started_at:%Y-%m-%d %H:%M:%S}" if r.started_at else ""
        if stale:
            table.add_row(str(r.id), r.template, started,
                          f"{r.heartbeat_at:%Y-%m-%d %H:%M:%S}" if r.heartbeat_at else "",
                          f"pid {r.owner_pid} on {r.owner_host}" if r.owner_pid else "", r.error or "")
            continue
        error = f"cell {r.error_cell_index}: {r.error}" if r.error_cell_index is not None else (r.error or "")
        table.add_row(str(r.id), r.template, r.status, started,
                      f"{r.duration_s:.1f}" if r.duration_s is not None else "", str(r.parameters), error)
    console = _console()
    if reaped:
        console.print(f"Marked {len(reaped)} run(s) interrupted (their process is gone): "
                      + ", ".join(str(r.id) for r in reaped))
    console.print(table)


def demo(output: Path | None = typer.Option(None, "-o", "--output",
                                               help="Folder for the demo's outputs (default: STUDIO_HOME/outputs/demo)."),
         logline: str | None = typer.Option(None, help="Logline for the demo film."),
         seed: int = typer.Option(7, help="Seed for every generator in the demo."),
         pages: int = typer.Option(4, min=1, max=30, help="Length of the demo short in pages (about a minute each "
                                                          "of voiced, scored, animated film).")) -> None:
    """Run the main job on the offline defaults and print where every output is."""
    from studio_kit.demo import run_demo

    run_demo(output, logline=logline, seed=seed, pages=pages, console=_console())


def serve(port: int = typer.Option(5006, help="Port to serve on."),
          address: str = typer.Option("127.0.0.1", help="Address to bind."),
          show: bool = typer.Option(False, help="Open a browser."),
          prefix: str = typer.Option("", help="URL prefix the dashboards live under (behind a proxy, e.g. "
                                              "/user/alice/studio inside JupyterHub)."),
          allow_origin: list[str] = typer.Option([], "--allow-origin",
                                                 help="Extra host[:port] allowed to open the websocket ('*' for any, "
                                                      "behind an authenticating proxy).")) -> None:
    """Serve every Panel dashboard in dashboards/ with `panel serve`."""
    import os
    import sys

    from studio_kit.config import get_settings
    from studio_kit.exceptions import ConfigError

    folder = get_settings().resolved_dashboards_dir
    apps = sorted(str(p) for p in folder.glob("*.py") if not p.name.startswith("_"))
    if not apps:
        raise ConfigError(f"No dashboards found in {folder}.", hint="Set STUDIO_DASHBOARDS_DIR to the dashboards folder.")
    cmd = [sys.executable, "-m", "panel", "serve", *apps, "--port", str(port), "--address", address,
           "--allow-websocket-origin", f"{address}:{port}", "--allow-websocket-origin", f"localhost:{port}",
           # a page's session waits 60 s (bokeh: 15 s) for its browser: under load a page whose websocket came
           # late had its session discarded and built again from scratch (0–3 of 8 pages opened at once)
           "--unused-session-lifetime", "60000",
           # pandas, the store, Markdown, the UI modules imported at start, not in the first visitor's page
           "--plugins", "studio_kit.ui.preload"]
    for origin in allow_origin:
        cmd += ["--allow-websocket-origin", origin]
    if prefix:
        cmd += ["--prefix", prefix]
    if show:
        cmd.append("--show")
    from studio_kit.ui.shot_generator import media_serve_options

    media_args, media_env = media_serve_options()    # /studio-media/: rendered previews only, not the home
    cmd += media_args
    os.environ.update(media_env)
    _console().print(f"Serving {len(apps)} dashboards on http://{address}:{port}/ : "
                     + ", ".join(Path(a).stem for a in apps))
    sys.stdout.flush()
    # exec, not a child process: stopping `studio serve` must stop the server with it
    os.execv(sys.executable, cmd)
