"""One rich console and one progress bar for every command that does long work."""
from __future__ import annotations

from typing import Any, Self


def console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


class ProgressBar:
    """Transient rich bars, one per kind of work (``key``), advanced by an engine's progress callback.

    ``with ProgressBar(enabled) as bar: service(..., progress=bar.adapter(...))``; disabled, it does nothing."""

    def __init__(self, enabled: bool = True):
        self.enabled = enabled
        self.progress: Any = None
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Self:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                     TimeElapsedColumn(), transient=True, console=console())
            self.progress.__enter__()
        return self

    def step(self, key: str, done: int, total: int, description: str) -> None:
        """``done`` of ``total`` for the work named ``key``, shown as ``description``."""
        if self.progress is None:
            return
        if key not in self.tasks:
            self.tasks[key] = self.progress.add_task(description, total=total)
        self.progress.update(self.tasks[key], completed=done, total=total, description=description)

    def __exit__(self, *exc: Any) -> None:
        if self.progress is not None:
            self.progress.__exit__(*exc)
