"""The shared failed-authentication counters of the API (issue 16): table ``auth_failure``.

One row per rate-limited name — an API key prefix or a client address — keyed by the
SHA-256 of the name (addresses are personal data: only their hash is kept). ``count``
failures happened since ``window_start`` (epoch seconds); a row whose window has ended
counts as zero and is overwritten by the next failure or deleted by the purge. Every API
process (``studio api --workers N``, several hosts) reads and bumps the same rows, so the
budget is one for all of them. The table holds no tenant data (no ``org_id``, no row-level
security): a failed authentication has no organization yet.

Column and constraint names must match migration 0008.
"""
from __future__ import annotations

from sqlalchemy import Index
from sqlmodel import Field, SQLModel


class AuthFailure(SQLModel, table=True):
    """Failed authentications of one key prefix or client address in the current window."""

    __tablename__ = "auth_failure"
    __table_args__ = (Index("ix_auth_failure_window_start", "window_start"),)
    name_hash: str = Field(primary_key=True, max_length=64, description="SHA-256 (hex) of 'key:PREFIX' or 'ip:ADDR'.")
    kind: str = Field(max_length=8, description="key or ip: which limit applies.")
    count: int = Field(default=0, description="Failures since window_start.")
    window_start: float = Field(description="Epoch seconds of the window's first failure.")
