"""One exception tree for studio_kit.

Every error names the bad input and says what to do next. Front ends (CLI,
notebooks, dashboards) catch :class:`StudioError` and show its message
without a traceback.
"""
from __future__ import annotations

from datetime import UTC
from typing import Any


class StudioError(Exception):
    """Base of every error studio_kit raises on purpose.

    ``hint`` is the fix, shown after the message ("Run `studio init` first").
    """

    def __init__(self, message: str, *, hint: str | None = None):
        self.message = message
        self.hint = hint
        super().__init__(message if not hint else f"{message}\n  Fix: {hint}")


class InputError(StudioError):
    """A command-line argument or file path makes no sense (a folder for a file, a negative count ...)."""


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


class TranslationError(BackendError):
    """A translation is missing lines, has extra or duplicate ids, or the language is unknown."""


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


class TimelineError(StudioError):
    """A timeline operation named a shot, scene or line the film's timeline does not have."""


class AudioError(StudioError):
    """Audio input is unreadable or not audio, or a sound tool (soundfont, voice package) is missing."""


class ProductionError(StudioError):
    """A production operation cannot run on this input (no shots, unknown shot, broken footage...)."""


class MarketingError(StudioError):
    """A marketing operation cannot run on this input (film shorter than the trailer, unknown platform, failed QC...)."""


class PermissionDenied(StudioError):
    """The acting user's project role lacks the permission an operation needs (studio_kit.platform.permissions)."""

    def __init__(self, message: str, *, user: str = "", role: str | None = None, permission: str = "",
                 hint: str | None = None):
        self.user, self.role, self.permission = user, role, permission
        super().__init__(message, hint=hint)


def _utc_stamp(at: Any) -> str:
    """``2026-03-01 14:05:09 UTC`` of a datetime (naive ones, as SQLite returns them, are UTC)."""
    if at is None:
        return "an unknown time"
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


class StaleEditError(StoreError):
    """A versioned write was based on a version that is no longer the latest (``store.edits``)."""

    def __init__(self, what: str, based_on: int, latest: Any):
        self.based_on = based_on
        self.latest = latest
        self.changed_by = latest.created_by or "someone"
        self.changed_at = latest.created_at
        super().__init__(
            f"{what} was changed by {self.changed_by} at {_utc_stamp(latest.created_at)} (version {latest.version}; "
            f"you edited version {based_on}) — reload.",
            hint="Reload to see their version; your change is still on screen and was not saved.")


class ConflictError(StoreError):
    """Optimistic locking: the row changed since the caller read it (someone else wrote first)."""

    def __init__(self, what: str, expected: int, row: Any, by: str | None = None):
        self.expected, self.current = expected, row.version
        super().__init__(f"{what} was changed by {by or 'someone else'} at "
                         f"{_utc_stamp(getattr(row, 'updated_at', None))} (now version {row.version}; "
                         f"you had version {expected}). Nothing was written.",
                         hint="Reload to see their change, then repeat yours if it still applies.")


class OpsError(StudioError):
    """A studio-ops operation was refused (unknown member, bad state change, bad date ...)."""


class ApprovalGateError(StudioError):
    """What follows needs an approval that has not been given (a project's approval gate)."""


class BreakdownError(ScriptError):
    """A script cannot be broken down (no scene headings, unreadable file ...).

    Scripts are read by the writing engine's one loader (Fountain and Final Draft), through
    :func:`studio_kit.engines.preproduction.service.read_script`."""


class EditError(StudioError):
    """A breakdown edit log cannot be read or an edit names nothing that exists."""


class CallSheetError(StudioError):
    """A call sheet cannot be made (no such shoot day, bad coordinates or time zone)."""


class BoardError(ScriptError):
    """The board cannot do what was asked (bad board order, unknown tag, empty script text)."""


class NotFoundError(StudioError, KeyError):
    """A lookup named something that does not exist (a cast id not on the cast list ...).

    Also a :class:`KeyError`, so code written against the old bare ``KeyError`` keeps working."""

    def __str__(self) -> str:  # KeyError would quote the message
        return Exception.__str__(self)
