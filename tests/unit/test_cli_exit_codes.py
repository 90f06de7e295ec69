"""A command's own exit code reaches the shell (a failed batch exits 1, not 0)."""
from __future__ import annotations

import sys

import pytest
import typer


def test_a_commands_typer_exit_code_is_the_process_exit_code(monkeypatch):
    from studio_kit import cli

    @cli.app.command("exit-three-for-test", hidden=True)
    def _exit_three() -> None:
        raise typer.Exit(3)

    monkeypatch.setattr(sys, "argv", ["studio", "exit-three-for-test"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 3
