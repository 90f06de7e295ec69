"""The ``studio`` command line (typer).

Each engine contributes its commands from its own module in this package
(``cli/script.py`` ...), registered as an entry point in the ``studio_kit.commands``
group of ``pyproject.toml`` — adding an engine never edits this file. Modules import
only typer/rich at import time, so ``studio --help`` stays fast and never
imports torch.
"""
from __future__ import annotations

import importlib
import sys

import typer

from studio_kit.exceptions import StudioError

app = typer.Typer(
    name="studio",
    help="studio_kit: an AI film studio workbench. Writing, pre-production, characters, runs and dashboards, "
    "offline by default. Settings come from STUDIO_* environment variables (see `studio config`).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMANDS_GROUP = "studio_kit.commands"


def _register_all() -> None:
    """Add every command module registered under the ``studio_kit.commands`` entry point group.

    Each module exposes ``register(app)``. An engine's module that is not installed (its own
    import missing) is skipped, so a partial install still has a working ``studio``."""
    from importlib.metadata import entry_points

    for ep in sorted(entry_points(group=COMMANDS_GROUP), key=lambda e: (e.name != "core", e.name)):
        try:
            module = importlib.import_module(ep.value)
        except ModuleNotFoundError as exc:
            if exc.name == ep.value:  # engine not built or not installed
                continue
            raise
        module.register(app)


_register_all()


def _fail(message: str, hint: str | None) -> None:
    """Print the error and its fix, one unwrapped line each, on stderr; exit 2."""
    from rich.console import Console
    from rich.markup import escape

    # escaped: a message quoting user input ("[[", "[bold]") must print as written
    console = Console(stderr=True, soft_wrap=True, highlight=False)
    console.print(f"[bold red]Error:[/] {escape(message)}")
    if hint:
        console.print(f"[yellow]Fix:[/] {escape(hint)}")
    sys.exit(2)


def main() -> None:
    """Entry point: run the app, turning StudioError into a clean message and exit code 2."""
    try:
        # without standalone mode click returns a command's `typer.Exit(code)` instead of exiting
        code = app(standalone_mode=False)
    except StudioError as exc:
        _fail(exc.message, exc.hint)
    except OSError as exc:
        # the operating system refused a path the user gave (a folder where a file goes, /proc, no space
        # left ...): name the path and the reason, not a traceback
        where = f" {exc.filename}" if exc.filename else ""
        _fail(f"cannot use{where}: {exc.strerror or exc}.",
              "Check the path, that its folder exists and that you may write there (and free disk space).")
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        # click usage errors (typer vendors its own click, so match by behaviour, not by class)
        show, exit_code = getattr(exc, "show", None), getattr(exc, "exit_code", None)
        if callable(show) and isinstance(exit_code, int):
            show()
            sys.exit(exit_code)
        raise
    if isinstance(code, int) and code:
        sys.exit(code)


if __name__ == "__main__":  # pragma: no cover
    main()
