"""Tenant-scoped views of the store: :class:`ProjectContext` and :class:`OrgContext`.

Every method opens a short transaction on a :class:`~.session.TenantSession`
bound to the context's organization (and project), so ids of other orgs'
rows behave exactly like ids that do not exist. Results are detached records
(``AssetRecord``, ``RunRecord`` ...), safe to keep after the call.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mimetypes
import os
import random
import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import SQLModel, col, select

from studio_kit.exceptions import AssetError, StoreError, TenantAccessError
from studio_kit.registry import recording
from studio_kit.store import files
from studio_kit.store.kinds import AssetKind, asset_kind
from studio_kit.store.models import (
    RUN_STATUSES,
    Asset,
    AssetRecord,
    AuditEvent,
    AuditRecord,
    Project,
    ProjectRecord,
    Run,
    RunRecord,
    UsageEvent,
    UsageRecord,
    stored_id,
    table_of,
    to_record,
)
from studio_kit.store.session import TenantSession, db_errors, scoped

if TYPE_CHECKING:  # pragma: no cover
    from studio_kit.registry import CallRecord
    from studio_kit.store.store import Store

RUN_FIELDS = {"status", "parameters", "started_at", "finished_at", "duration_s", "output_asset_id",
              "error", "error_cell_index", "heartbeat_at", "owner_pid", "owner_host"}
#: a run's error starts with this when its process died under it (kill -9, power cut, OOM killer)
INTERRUPTED = "interrupted"
#: a running run with no owner recorded (written before owners existed) is given up after a day
_OWNERLESS_STALE_S = 24 * 3600.0
# mimetypes does not know the screenplay formats
_MIME_BY_SUFFIX = {".fountain": "text/x-fountain", ".fdx": "application/xml", ".ipynb": "application/x-ipynb+json",
                   ".md": "text/markdown", ".otio": "application/json"}
log = logging.getLogger(__name__)
_VERSION_RETRIES = 25  # concurrent writers of the same (kind, name) race for the next version


def _jsonable(value: Any, what: str) -> dict[str, Any]:
    """A JSON-safe copy of a dict (odd values become strings); NaN/inf are refused (PostgreSQL rejects them)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise StoreError(f"{what} must be a dict, got {type(value).__name__}.")
    try:
        return json.loads(json.dumps(value, default=str, allow_nan=False))
    except ValueError as exc:
        raise StoreError(f"{what} contains a value JSON cannot hold ({exc}).",
                         hint="Replace NaN/infinite numbers with None or a string.") from exc


_MAX_ID = 2**63 - 1  # BIGINT: SQLite refuses larger integers with OverflowError


def _check_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise StoreError(f"{what} id must be an integer, got {value!r}.")
    if not 0 < value <= _MAX_ID:
        raise TenantAccessError(f"{what} {value} not found: ids are whole numbers from 1 to {_MAX_ID}.",
                                hint=f"List what exists with ctx.list_{what.lower()}s().")
    return value


def _check_action(action: Any) -> None:
    if not isinstance(action, str) or not action.strip() or len(action) > 120:
        raise StoreError(f"Audit action {action!r} is not valid.", hint="Use a dotted verb like 'asset.put'.")


def _as_datetime(value: Any, field: str) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=UTC)
    raise StoreError(f"Run field {field} must be a datetime or epoch seconds, got {value!r}.")


def _stale_after(settings: Any) -> float:
    """Seconds without a heartbeat after which a run's owner counts as gone: four missed beats."""
    return 4 * float(getattr(settings, "run_heartbeat_s", 15.0))


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this host (a zombie counts as gone)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no /proc (macOS): os.kill said it exists
    return stat.rpartition(")")[2].split()[0] != "Z"


def owner_gone(run: RunRecord, now: datetime, stale_after_s: float) -> str | None:
    """Why the owner of a running run is gone, or None while it may still be working.

    Same host: the owner's pid no longer exists, or it stopped beating (hung, or its pid
    was reused). Another host: no heartbeat for ``stale_after_s``. No owner recorded: no
    sign of life for a day.
    """
    last = run.heartbeat_at or run.started_at or run.created_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    silent = (now - last).total_seconds()
    if run.owner_pid is None:
        return f"no owner recorded and no sign of life for {silent:.0f} s" if silent > _OWNERLESS_STALE_S else None
    host = socket.gethostname()
    if run.owner_host == host and not pid_alive(run.owner_pid):
        return f"its process {run.owner_pid} on {host} is gone"
    if silent > stale_after_s:
        return f"no heartbeat from process {run.owner_pid} on {run.owner_host} for {silent:.0f} s"
    return None


class _Scoped:
    """Shared plumbing: the store, the tenant ids and a scoped session factory."""

    def __init__(self, store: Store, org_id: int, org_slug: str, project_id: int | None = None):
        self.store = store
        self.org_id = org_id
        self.org_slug = org_slug
        self.project_id = project_id

    @property
    def scope_name(self) -> str:
        return self.org_slug

    @contextlib.contextmanager
    def session(self) -> Iterator[TenantSession]:
        """A scoped session for one transaction; database failures surface as StoreError."""
        with db_errors(self.store.engine), scoped(self.store.engine, self.org_id, self.project_id) as s:
            yield s

    def _get(self, s: TenantSession, model: type, row_id: Any, what: str) -> Any:
        row = s.get(model, _check_id(row_id, what))
        # the loader criteria already hide other tenants' rows; the check below is belt and braces
        if row is None or row.org_id != self.org_id or \
                (self.project_id is not None and getattr(row, "project_id", self.project_id) != self.project_id):
            raise TenantAccessError(f"{what} {row_id} not found in this organization ('{self.scope_name}').",
                                    hint=f"List what exists with ctx.list_{what.lower()}s().")
        return row

    def _list(self, model: type[SQLModel], record: type[SQLModel], *where: Any, order: Any = None,
              limit: int | None = None) -> list:
        with self.session() as s:
            stmt = select(model).where(*where).order_by(order if order is not None else table_of(model).c.id)
            if limit is not None:
                stmt = stmt.limit(limit)
            return [to_record(r, record) for r in s.exec(stmt).all()]

    def list_assets(self, kind: AssetKind | str | None = None, name: str | None = None) -> list[AssetRecord]:
        """Assets (every version), oldest first; filter by ``kind`` (an :class:`AssetKind` or its
        string) and/or ``name``."""
        kind = kind.value if isinstance(kind, AssetKind) else kind
        where = [c for c in ((Asset.kind == kind) if kind else None, (Asset.name == name) if name else None)
                 if c is not None]
        return self._list(Asset, AssetRecord, *where)

    def list_runs(self, limit: int | None = 50) -> list[RunRecord]:
        """Template runs, newest first."""
        return self._list(Run, RunRecord, order=col(Run.id).desc(), limit=limit)

    def list_audit(self, action: str | None = None, limit: int | None = None) -> list[AuditRecord]:
        """Audit events, oldest first."""
        where = [AuditEvent.action == action] if action else []
        return self._list(AuditEvent, AuditRecord, *where, limit=limit)

    def list_usage(self, limit: int | None = None) -> list[UsageRecord]:
        """Usage events (one per backend call), oldest first."""
        return self._list(UsageEvent, UsageRecord, limit=limit)


class OrgContext(_Scoped):
    """What one organization sees: its projects, and the runs, assets and usage of all of them."""

    def __repr__(self) -> str:
        return f"<OrgContext {self.org_slug}>"

    def projects(self) -> list[ProjectRecord]:
        with self.session() as s:
            return [to_record(r, ProjectRecord) for r in s.exec(select(Project).order_by(Project.slug)).all()]

    def project(self, project_slug: str, user: str | None = None, create: bool = False) -> ProjectContext:
        return self.store.project(self.org_slug, project_slug, user=user, create=create)

    def audit(self, action: str, target: str | None = None, detail: dict | None = None,
              actor: str | None = None) -> AuditRecord:
        """Record an org-level audit event (no project)."""
        actor = actor or getattr(self.store.settings, "user", None) or "studio"
        _check_action(action)
        with self.session() as s:
            row = AuditEvent(actor=actor, action=action, target=target, detail=_jsonable(detail, "detail"),
                             org_id=self.org_id)
            s.add(row)
            s.commit()
            return to_record(row, AuditRecord)


class ProjectContext(_Scoped):
    """One project of one organization, acting as ``user``. Get it from ``store.project(org, project)``.

    ``user`` is None only in the system's own contexts (the storage meter records usage without a user);
    such a context cannot write audit events, which name who acted."""

    project_id: int  # always set here (an OrgContext has none)

    def __init__(self, store: Store, org_id: int, org_slug: str, project_id: int, project_slug: str,
                 user: str | None):
        super().__init__(store, org_id, org_slug, project_id)
        self.project_slug = project_slug
        self.user = user

    def __repr__(self) -> str:
        return f"<ProjectContext {self.org_slug}/{self.project_slug} as {self.user}>"

    @property
    def scope_name(self) -> str:
        return f"{self.org_slug}/{self.project_slug}"

    @property
    def asset_root(self) -> Path:
        return self.store.asset_root

    # -- assets ------------------------------------------------------------------
    def put_asset(self, data: bytes | str | Path, kind: AssetKind | str, name: str, parent_id: int | None = None,
                  provenance: dict | None = None, meta: dict | None = None,
                  mime: str | None = None) -> AssetRecord:
        """Store a new version of (kind, name) and return its record.

        ``data``: bytes, text (a ``str`` is content, encoded UTF-8, never a path) or a
        ``Path`` to copy. The file is written atomically; if the database
        transaction fails, a file this call created is removed again.
        """
        if isinstance(data, str):
            data = data.encode("utf-8")
        elif isinstance(data, Path):
            if not data.is_file():
                raise StoreError(f"Cannot store {data}: it is not a file.", hint="Pass an existing file path.")
        elif isinstance(data, (bytearray, memoryview)):
            data = bytes(data)
        elif not isinstance(data, bytes):
            raise StoreError(f"Asset data must be bytes, str or Path, got {type(data).__name__}.")
        if isinstance(kind, str) and "\x00" in kind:
            raise StoreError(f"Asset kind {kind!r} is not valid.", hint="Give a kind without NUL bytes.")
        kind = asset_kind(kind)
        if not isinstance(name, str) or not name.strip() or len(name) > 255 or "\x00" in name:
            raise StoreError(f"Asset name {name!r} is not valid.",
                             hint="Give a non-empty name of at most 255 characters, without NUL bytes.")
        provenance = _jsonable(provenance, "provenance")
        provenance.setdefault("created_by", self.user)
        meta = _jsonable(meta, "meta")
        mime = mime or _MIME_BY_SUFFIX.get(Path(name).suffix.lower()) or mimetypes.guess_type(name)[0]
        stored = files.write_blob(self.store.asset_root, self.org_id, name, data)
        try:
            record = self._insert_asset(stored, kind, name, parent_id, provenance, meta, mime)
        except BaseException:
            if stored.created:
                try:
                    self._remove_if_unreferenced(stored.rel_path)
                except StoreError as cleanup:  # the database is gone too: the sweep on open removes the file
                    log.warning("Left %s for the orphan sweep: %s", stored.rel_path, cleanup.message)
            raise
        if not (self.store.asset_root / stored.rel_path).is_file():
            # a concurrent delete of an identical asset removed the shared file: write it back
            files.write_blob(self.store.asset_root, self.org_id, name, data)
        return record

    def _insert_asset(self, stored: files.StoredFile, kind: str, name: str, parent_id: int | None,
                      provenance: dict, meta: dict, mime: str | None) -> AssetRecord:
        for attempt in range(_VERSION_RETRIES):
            with self.session() as s:
                if parent_id is not None:
                    self._get(s, Asset, parent_id, "Asset")
                latest = s.exec(select(func.max(Asset.version)).where(Asset.kind == kind,
                                                                       Asset.name == name)).one()
                row = Asset(kind=kind, name=name, version=(latest or 0) + 1, parent_id=parent_id,
                            sha256=stored.sha256, size=stored.size, mime=mime, path=stored.rel_path,
                            provenance=provenance, meta=meta, created_by=self.user,
                            org_id=self.org_id, project_id=self.project_id)
                s.add(row)
                try:
                    s.flush()
                    s.add(self._audit_row("asset.put", f"asset:{row.id}",
                                          {"kind": kind, "name": name, "version": row.version,
                                           "sha256": stored.sha256}))
                    s.commit()
                except IntegrityError as exc:
                    s.rollback()
                    if attempt == _VERSION_RETRIES - 1:
                        raise StoreError(f"Could not store {kind} '{name}': too many concurrent writers.",
                                         hint="Retry the operation.") from exc
                    time.sleep(random.uniform(0, 0.005 * (attempt + 1)))  # seconds; spreads the retries
                    continue
                return to_record(row, AssetRecord)
        raise AssertionError("unreachable")  # pragma: no cover

    def _remove_if_unreferenced(self, rel_path: str) -> None:
        # the path carries the org id, so only this org's rows (any project) can point at it
        with db_errors(self.store.engine), scoped(self.store.engine, self.org_id) as s:
            if s.exec(select(func.count()).select_from(Asset).where(Asset.path == rel_path)).one() == 0:
                files.remove_blob(self.store.asset_root, rel_path)

    def get_asset(self, asset_id: int) -> AssetRecord:
        """The asset's record; TenantAccessError if it is not in this project."""
        with self.session() as s:
            return to_record(self._get(s, Asset, asset_id, "Asset"), AssetRecord)

    def asset_path(self, asset_id: int) -> Path:
        """Absolute path of the asset's file, after checking its SHA-256 (AssetError if changed)."""
        record = self.get_asset(asset_id)
        return files.verify(self.store.asset_root, record.path, record.sha256)

    def read_bytes(self, asset_id: int) -> bytes:
        """The asset's content, checked against its SHA-256."""
        record = self.get_asset(asset_id)
        path = self.store.asset_root / record.path
        data = path.read_bytes() if path.is_file() else None
        if data is None or hashlib.sha256(data).hexdigest() != record.sha256:
            files.verify(self.store.asset_root, record.path, record.sha256)  # raises the precise AssetError
            raise AssetError(f"Asset file {path} changed while it was read.",  # verify passed: it was rewritten
                             hint="Read it again; if this repeats, check what else writes to the asset root.")
        return data

    def read_text(self, asset_id: int, encoding: str = "utf-8") -> str:
        return self.read_bytes(asset_id).decode(encoding)

    def versions(self, kind: str, name: str) -> list[AssetRecord]:
        """Every version of (kind, name), version 1 first."""
        with self.session() as s:
            rows = s.exec(select(Asset).where(Asset.kind == kind, Asset.name == name)
                          .order_by(col(Asset.version))).all()
            return [to_record(r, AssetRecord) for r in rows]

    def latest(self, kind: str, name: str) -> AssetRecord | None:
        """The newest version of (kind, name), or None: one row read backwards from the unique
        (project, kind, name, version) index, however many versions there are."""
        return self.version(kind, name)

    def version(self, kind: str, name: str, version: int | None = None) -> AssetRecord | None:
        """Version ``version`` of (kind, name) (the newest when None), or None when there is none."""
        query = select(Asset).where(Asset.kind == kind, Asset.name == name)
        query = query.order_by(col(Asset.version).desc()).limit(1) if version is None else \
            query.where(Asset.version == version)
        with self.session() as s:
            row = s.exec(query).first()
            return to_record(row, AssetRecord) if row is not None else None

    def update_asset_meta(self, asset_id: int, meta: dict, replace: bool = False) -> AssetRecord:
        """Merge ``meta`` into the asset's meta (or replace it). Content and version never change."""
        meta = _jsonable(meta, "meta")
        with self.session() as s:
            row = self._get(s, Asset, asset_id, "Asset")
            row.meta = meta if replace else {**(row.meta or {}), **meta}
            s.add(row)
            s.add(self._audit_row("asset.meta", f"asset:{row.id}", {"keys": sorted(meta)}))
            s.commit()
            return to_record(row, AssetRecord)

    def delete_asset(self, asset_id: int) -> None:
        """Delete the asset row; its file goes too when no other asset shares it.

        Assets derived from it keep existing (their ``parent_id`` becomes empty).
        """
        with self.session() as s:
            row = self._get(s, Asset, asset_id, "Asset")
            rel_path = row.path
            for child in s.exec(select(Asset).where(Asset.parent_id == row.id)).all():
                child.parent_id = None  # SQLite without FK enforcement gets the same result as ON DELETE SET NULL
            for run in s.exec(select(Run).where(Run.output_asset_id == row.id)).all():
                run.output_asset_id = None
            s.add(self._audit_row("asset.delete", f"asset:{row.id}",
                                  {"kind": row.kind, "name": row.name, "version": row.version}))
            s.delete(row)
            s.commit()
        self._remove_if_unreferenced(rel_path)

    # -- runs --------------------------------------------------------------------------
    def list_runs(self, limit: int | None = 50, reap: bool = True) -> list[RunRecord]:
        """Template runs, newest first; runs whose process is gone are marked interrupted first
        (``reap=False`` only looks)."""
        if reap:
            self.reap_stale_runs()
        return super().list_runs(limit)

    def create_run(self, template: str, parameters: dict | None = None, status: str = "queued") -> int:
        """Record a template run; returns its id."""
        if status not in RUN_STATUSES:
            raise StoreError(f"Run status {status!r} is not one of {', '.join(RUN_STATUSES)}.")
        with self.session() as s:
            row = Run(template=template, parameters=_jsonable(parameters, "parameters"), status=status,
                      created_by=self.user, org_id=self.org_id, project_id=self.project_id)
            s.add(row)
            s.commit()
            return stored_id(row)

    def update_run(self, run_id: int, **fields: Any) -> RunRecord:
        """Set run fields: status, parameters, started_at, finished_at, duration_s,
        output_asset_id, error, error_cell_index."""
        unknown = sorted(set(fields) - RUN_FIELDS)
        if unknown:
            raise StoreError(f"Unknown run field(s): {', '.join(unknown)}.",
                             hint=f"Known fields: {', '.join(sorted(RUN_FIELDS))}.")
        if "status" in fields and fields["status"] not in RUN_STATUSES:
            raise StoreError(f"Run status {fields['status']!r} is not one of {', '.join(RUN_STATUSES)}.")
        with self.session() as s:
            row = self._get(s, Run, run_id, "Run")
            if fields.get("output_asset_id") is not None:
                self._get(s, Asset, fields["output_asset_id"], "Asset")
            for key, value in fields.items():
                if key in ("started_at", "finished_at", "heartbeat_at"):
                    value = _as_datetime(value, key)
                elif key == "parameters":
                    value = _jsonable(value, "parameters")
                setattr(row, key, value)
            s.add(row)
            s.commit()
            return to_record(row, RunRecord)

    def start_run(self, run_id: int) -> RunRecord:
        """Mark a run ``running``, owned by this process (pid and host), with a first heartbeat."""
        now = datetime.now(UTC)
        return self.update_run(run_id, status="running", started_at=now, heartbeat_at=now,
                               owner_pid=os.getpid(), owner_host=socket.gethostname())

    def beat_run(self, run_id: int) -> None:
        """Record that the run's owner is still alive (called every few seconds while it works)."""
        with self.session() as s:
            row = self._get(s, Run, run_id, "Run")
            if row.status == "running":
                row.heartbeat_at = datetime.now(UTC)
                s.add(row)
                s.commit()

    def stale_runs(self, stale_after_s: float | None = None) -> list[tuple[RunRecord, str]]:
        """Running runs whose owner is gone, each with the reason (see :func:`owner_gone`)."""
        stale_after_s = _stale_after(self.store.settings) if stale_after_s is None else stale_after_s
        now = datetime.now(UTC)
        found = []
        for run in self._list(Run, RunRecord, Run.status == "running"):
            reason = owner_gone(run, now, stale_after_s)
            if reason:
                found.append((run, reason))
        return found

    def reap_stale_runs(self, stale_after_s: float | None = None) -> list[RunRecord]:
        """Mark every run whose owner is gone ``failed`` with an "interrupted: ..." error; returns them.

        Every command that lists or starts runs calls this first, so a run killed
        mid-way never stays ``running`` forever.
        """
        reaped = []
        for run, reason in self.stale_runs(stale_after_s):
            with self.session() as s:
                row = self._get(s, Run, run.id, "Run")
                if row.status != "running":
                    continue  # it finished between the look and the write
                row.status, row.error = "failed", f"{INTERRUPTED}: {reason}"
                row.finished_at = datetime.now(UTC)
                s.add(row)
                s.add(self._audit_row("run.interrupted", f"run:{row.id}", {"reason": reason}))
                s.commit()
                reaped.append(to_record(row, RunRecord))
        return reaped

    def get_run(self, run_id: int) -> RunRecord:
        with self.session() as s:
            return to_record(self._get(s, Run, run_id, "Run"), RunRecord)

    # -- audit and usage ---------------------------------------------------------------
    def _audit_row(self, action: str, target: str | None, detail: dict | None) -> AuditEvent:
        _check_action(action)
        if self.user is None:
            raise StoreError(f"The context of {self.scope_name} has no user, so it cannot record '{action}'.",
                             hint="Open the project as a user: store.project(org, project, user=NAME).")
        return AuditEvent(actor=self.user, action=action, target=target, detail=_jsonable(detail, "detail"),
                          org_id=self.org_id, project_id=self.project_id)

    def audit(self, action: str, target: str | None = None, detail: dict | None = None) -> AuditRecord:
        """Record who did what to which target (e.g. ``audit("character.lock", "character:mara")``)."""
        with self.session() as s:
            row = self._audit_row(action, target, detail)
            s.add(row)
            s.commit()
            return to_record(row, AuditRecord)

    def record_usage(self, call: CallRecord) -> UsageRecord:
        """Store one backend call (a :class:`studio_kit.registry.CallRecord`) as a UsageEvent."""
        with self.session() as s:
            row = UsageEvent(user=self.user, backend=f"{call.modality}.{call.backend}", modality=call.modality,
                             method=call.method, model=call.model, units=float(call.units), unit=call.unit,
                             seconds=float(call.seconds), ok=bool(call.ok),
                             at=datetime.fromtimestamp(call.started_at, tz=UTC),
                             org_id=self.org_id, project_id=self.project_id)
            s.add(row)
            s.commit()
            return to_record(row, UsageRecord)

    def record_usage_once(self, key: str, *, backend: str, units: float, unit: str, seconds: float = 0.0,
                          user: str | None = None, method: str = "report", model: str | None = None,
                          at: datetime | None = None) -> tuple[UsageRecord, bool]:
        """Store usage measured outside a backend call, once per ``key`` (unique per organization).

        Returns the row and whether it was created now; a repeated report of the same ``key``
        returns the stored row unchanged (kernel-time polls and API retries are idempotent)."""
        if not key or len(key) > 255:
            raise StoreError(f"A usage key must be 1-255 characters, not {len(key or '')}.",
                             hint="Name what was measured, e.g. 'hub:alice/:2026-12-06T09:00:00Z'.")
        modality = backend.split(".", 1)[0]
        with self.session() as s:
            found = s.exec(select(UsageEvent).where(UsageEvent.key == key)).first()
            if found is not None:
                return to_record(found, UsageRecord), False
            row = UsageEvent(user=user or self.user, backend=backend, modality=modality, method=method, model=model,
                             units=float(units), unit=unit, seconds=float(seconds), ok=True, key=key,
                             at=at or datetime.now(UTC), org_id=self.org_id, project_id=self.project_id)
            s.add(row)
            try:
                s.commit()
            except IntegrityError:          # a concurrent report of the same key won the race
                s.rollback()
                found = s.exec(select(UsageEvent).where(UsageEvent.key == key)).one()
                return to_record(found, UsageRecord), False
            return to_record(row, UsageRecord), True

    @contextlib.contextmanager
    def recording(self) -> Iterator[ProjectContext]:
        """Store every backend call made through ``registry.invoke`` inside the block."""
        with recording(self.record_usage):
            yield self
