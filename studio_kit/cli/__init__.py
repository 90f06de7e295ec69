"""The ``studio`` command line (typer).

Each engine contributes its commands from its own module in this package
(``cli/script.py`` ...), registered in ``_COMMAND_MODULES``. Modules import
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

# module path -> each exposes register(app)
_COMMAND_MODULES = [
    "studio_kit.cli.core",
    "studio_kit.cli.script",
    "studio_kit.cli.preproduction",
    "studio_kit.cli.budget",
    "studio_kit.cli.character",
]


def _register_all() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # engine not built yet
                continue
            raise
        module.register(app)


_register_all()


def main() -> None:
    """Entry point: run the app, turning StudioError into a clean message and exit code 2."""
    try:
        app(standalone_mode=False)
    except StudioError as exc:
        from rich.console import Console

        Console(stderr=True).print(f"[bold red]Error:[/] {exc.message}")
        if exc.hint:
            Console(stderr=True).print(f"[yellow]Fix:[/] {exc.hint}")
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:
        # click usage errors (typer vendors its own click, so match by behaviour, not by class)
        if callable(getattr(exc, "show", None)) and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
