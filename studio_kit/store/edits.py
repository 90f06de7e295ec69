"""Edits that are never lost: append streams and versioned documents with optimistic concurrency.

Dashboards (and anything else several people use at once) write through this
module, never by reading a whole file, changing it and writing it back:

- **Append streams** — ``append(ctx, stream, entry)`` adds one JSON entry as
  the next version of asset ``(kind="edit-stream", name=stream)``. Two
  sessions appending at the same moment both keep their entry (the store's
  unique ``(project, kind, name, version)`` constraint orders them; the loser
  of a race takes the next number). ``read_stream`` returns every entry in
  order with who/when.
- **Versioned documents** — ``save_doc(ctx, kind, name, payload, base=N)``
  stores version N+1 only if N is still the latest. If someone saved in
  between, the unique constraint refuses the row and :class:`StaleEditError`
  says "changed by X at T — reload"; nothing is overwritten and the caller
  still holds its own payload (the UI keeps the user's input on screen).

Both are plain assets: versions with ``created_by`` / ``created_at``, an
``asset.put`` audit row, files content-addressed under the asset root.

    doc = load_doc(ctx, "board", "pilot.fountain")        # Doc(payload, version, record) or None
    save_doc(ctx, "board", "pilot.fountain", {...}, base=doc.version if doc else 0)
"""
from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from studio_kit.exceptions import StaleEditError, StoreError  # noqa: F401 - StaleEditError re-exported from its old path
from studio_kit.store import files
from studio_kit.store.context import _jsonable
from studio_kit.store.models import Asset, AssetRecord, to_record

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.store.context import ProjectContext

STREAM_KIND = "edit-stream"


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S UTC") if at else "an unknown time"


def _encode(payload: Any) -> bytes:
    try:
        return json.dumps(payload, sort_keys=True, default=str, allow_nan=False, indent=1).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise StoreError(f"This edit cannot be stored as JSON ({exc}).",
                         hint="Store numbers, strings, lists and dicts only.") from exc


@dataclass
class Doc:
    """A stored version of a document: its payload and the version it was read at (the base of the next save)."""

    payload: Any
    version: int
    record: AssetRecord

    @property
    def who_when(self) -> str:
        return f"v{self.version} by {self.record.created_by or '?'} at {_when(self.record.created_at)}"


def load_doc(ctx: ProjectContext, kind: str, name: str, version: int | None = None) -> Doc | None:
    """The latest (or a given) version of a JSON document, or None when it was never saved."""
    record = ctx.version(kind, name, version)   # one indexed row, not the whole history
    if record is None:
        return None
    return Doc(json.loads(ctx.read_text(record.id)), record.version, record)


def list_docs(ctx: ProjectContext, kind: str, name: str) -> list[AssetRecord]:
    """Every saved version of a document, oldest first (who/when on each record)."""
    return ctx.versions(kind, name)


def save_doc(ctx: ProjectContext, kind: str, name: str, payload: Any, *, base: int,
             meta: dict | None = None, what: str | None = None) -> Doc:
    """Store ``payload`` as version ``base + 1`` of (kind, name); :class:`StaleEditError` when ``base``
    is no longer the latest version (someone else saved in between). ``base=0``: the first version."""
    if isinstance(base, bool) or not isinstance(base, int) or base < 0:
        raise StoreError(f"Base version {base!r} is not a version number.", hint="Pass the version you loaded (0 if none).")
    data = _encode(payload)
    record = _insert_version(ctx, kind, name, data, base + 1, meta or {})
    if record is None:
        latest = ctx.latest(kind, name)
        if latest is None:  # pragma: no cover - a row that refused us cannot have vanished, unless deleted
            raise StoreError(f"Could not save {kind} '{name}'.", hint="Retry.")
        raise StaleEditError(what or f"{kind} '{name}'", base, latest)
    return Doc(json.loads(data), record.version, record)


def _insert_version(ctx: ProjectContext, kind: str, name: str, data: bytes, version: int,
                    meta: dict) -> AssetRecord | None:
    """Insert exactly ``version`` (no retry with another number); None when it is taken."""
    stored = files.write_blob(ctx.asset_root, ctx.org_id, f"{name}.json", data)
    with ctx.session() as s:
        previous = s.exec(select(Asset).where(Asset.kind == kind, Asset.name == name,
                                              Asset.version == version - 1)).first() if version > 1 else None
        if version > 1 and previous is None:
            raise StoreError(f"Cannot save version {version} of {kind} '{name}': version {version - 1} does not exist.",
                             hint="Load the document first and save on top of the version you loaded.")
        row = Asset(kind=kind, name=name, version=version, parent_id=previous.id if previous else None,
                    sha256=stored.sha256, size=stored.size, mime="application/json", path=stored.rel_path,
                    provenance={"created_by": ctx.user, "engine": "store.edits"}, meta=_jsonable(meta, "meta"),
                    created_by=ctx.user, org_id=ctx.org_id, project_id=ctx.project_id)
        s.add(row)
        try:
            s.flush()
            s.add(ctx._audit_row("asset.put", f"asset:{row.id}",
                                 {"kind": kind, "name": name, "version": version, "sha256": stored.sha256}))
            s.commit()
        except IntegrityError:
            s.rollback()
            if stored.created:
                with contextlib.suppress(StoreError):
                    ctx._remove_if_unreferenced(stored.rel_path)
            return None
        return to_record(row, AssetRecord)


# -- append streams ---------------------------------------------------------------------------

@dataclass
class Entry:
    """One appended edit: its payload, sequence number, who and when."""

    payload: dict[str, Any]
    seq: int
    user: str | None
    at: datetime


def append(ctx: ProjectContext, stream: str, entry: dict[str, Any]) -> Entry:
    """Add one entry at the end of ``stream``; concurrent appends all survive, each with its own number."""
    if not isinstance(entry, dict):
        raise StoreError(f"A stream entry must be a dict, got {type(entry).__name__}.")
    data = _encode(entry)
    record = ctx.put_asset(data, kind=STREAM_KIND, name=stream, mime="application/json")
    # the entry as stored (JSON types), from the bytes just written: reading the file back cost a query,
    # a read and a checksum on every edit (put_asset raised if the write failed)
    return Entry(json.loads(data), record.version, record.created_by, record.created_at)


def read_stream(ctx: ProjectContext, stream: str, after: int = 0) -> list[Entry]:
    """Every entry of ``stream`` in append order (those after sequence number ``after``)."""
    out = []
    for record in ctx.versions(STREAM_KIND, stream):
        if record.version > after:
            out.append(Entry(json.loads(ctx.read_text(record.id)), record.version, record.created_by,
                             record.created_at))
    return out
