"""One exception tree for studio_kit.

Every error names the bad input and says what to do next. Front ends (CLI,
notebooks, dashboards) catch :class:`StudioError` and show its message
without a traceback.
"""
from __future__ import annotations


class StudioError(Exception):
    """Base of every error studio_kit raises on purpose.

    ``hint`` is the fix, shown after the message ("Run `studio init` first").
    """

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\n  Fix: {hint}")


class ConfigError(StudioError):
    """A setting is missing or has a bad value."""


class StoreError(StudioError):
    """The project store refused an operation (bad ids, integrity, migrations)."""


class TenantAccessError(StoreError):
    """A row or asset belongs to another organization (or does not exist)."""


class AssetError(StoreError):
    """An asset file is missing, corrupt or could not be written."""


class BackendError(StudioError):
    """A backend is unknown, unavailable, or failed."""


class BackendNotFoundError(BackendError):
    """No backend is registered under that name."""


class BackendUnavailableError(BackendError):
    """A backend is registered but cannot run here (missing extra, no local model)."""


class ParameterError(StudioError):
    """A template parameter is unknown, missing or of the wrong type."""


class RunError(StudioError):
    """A template run failed; carries the failing cell index and the original error."""

    def __init__(self, message: str, *, cell_index: int | None = None, ename: str | None = None,
                 evalue: str | None = None, output_path: str | None = None, hint: str | None = None):
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.output_path = output_path
        super().__init__(message, hint=hint)


class ScriptError(StudioError):
    """A screenplay file cannot be read (binary, empty, malformed FDX, too large...)."""


class ScheduleError(StudioError):
    """A schedule cannot be built (infeasible constraints, no scenes...)."""


class BudgetError(StudioError):
    """A budget preset, rate card or fringe table is invalid."""


class CharacterError(StudioError):
    """A character operation broke a rule (unlocked avatar, palette violation, ...)."""


class ImageError(StudioError):
    """An image input is not an image or cannot be rendered."""
