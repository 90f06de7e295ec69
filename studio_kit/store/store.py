"""Opening the project store: engines, migrations, organizations and projects.

``open_store()`` is the one entry point. It reads the settings (STUDIO_HOME,
STUDIO_DATABASE_URL, asset root), creates the home folder, caches one engine per
database URL and migrates the schema to head the first time a URL is opened in
this process. Work inside a project goes through :class:`ProjectContext`.
"""
from __future__ import annotations

import hashlib
import logging
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import col, select

from studio_kit.config import get_settings
from studio_kit.exceptions import StoreError, TenantAccessError
from studio_kit.store import files, migrate
from studio_kit.store.context import OrgContext, ProjectContext
from studio_kit.store.models import Asset, Organization, OrgRecord, Project, User, stored_id, to_record
from studio_kit.store.ops_models import ProjectInvite, ProjectMember
from studio_kit.store.session import admin_session, db_errors, scoped

log = logging.getLogger(__name__)
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

_engines: dict[str, Engine] = {}
_migrated: set[tuple[str, tuple[str, ...]]] = set()
_lock = threading.Lock()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")  # SQLite ignores FKs unless asked
    cur.execute("PRAGMA busy_timeout=30000")  # ms: a run and a dashboard may write at once
    cur.execute("PRAGMA journal_mode=WAL")  # dashboards keep reading while a run writes
    cur.close()


def _ensure_schema_once(engine: Engine, version_dirs: Any) -> None:
    """Migrate to head. Two processes opening a brand-new SQLite file at once can see SQLite refuse one of them
    at once with "database is locked" (switching the file to WAL, or a read snapshot racing the other's
    migration, is not covered by the busy timeout); the migration itself is one IMMEDIATE transaction, so the
    refused process waits a moment and checks again: by then the schema is there or the lock is free."""
    for attempt in range(6):
        try:
            migrate.ensure_schema(engine, version_dirs)
            return
        except (OperationalError, sqlite3.OperationalError) as exc:
            if engine.dialect.name != "sqlite" or "locked" not in str(exc) or attempt == 5:
                raise
            time.sleep(0.1 * (attempt + 1))


def get_engine(url: str) -> Engine:
    """One engine per database URL for the whole process."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            parsed = make_url(url)
            kwargs: dict[str, Any] = {"pool_pre_ping": True}
            if parsed.get_backend_name() == "sqlite":
                if parsed.database and parsed.database != ":memory:":
                    Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
                else:  # an in-memory database lives in one connection: share it
                    kwargs["poolclass"] = StaticPool
                kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            engine = create_engine(url, **kwargs)
            if parsed.get_backend_name() == "sqlite":
                event.listen(engine, "connect", _sqlite_pragmas)
            _engines[url] = engine
        return engine


def dispose_engines(url: str | None = None) -> None:
    """Close pooled connections (all URLs, or one) and forget that they were migrated."""
    with _lock:
        for key in [url] if url else list(_engines):
            engine = _engines.pop(key, None)
            if engine is not None:
                engine.dispose()
            for done in [m for m in _migrated if m[0] == key]:
                _migrated.discard(done)


def check_slug(value: str, what: str) -> str:
    if not isinstance(value, str) or not SLUG.match(value):
        raise StoreError(f"{what} slug {value!r} is not valid.",
                         hint="Use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit "
                              "(e.g. 'acme', 'my-film').")
    return value


@dataclass(frozen=True)
class AssetProblem:
    """An asset row whose file is missing (``actual_sha256`` None) or has other content."""

    asset_id: int
    org_id: int
    project_id: int
    path: str
    sha256: str
    actual_sha256: str | None


@dataclass
class StoreReport:
    """What :meth:`Store.check` found."""

    partial_files: list[Path] = field(default_factory=list)
    orphan_files: list[Path] = field(default_factory=list)
    missing_files: list[AssetProblem] = field(default_factory=list)
    corrupt_files: list[AssetProblem] = field(default_factory=list)
    rows_checked: int = 0

    @property
    def ok(self) -> bool:
        return not (self.partial_files or self.orphan_files or self.missing_files or self.corrupt_files)


class Store:
    """A project store: one database plus one asset root. Get it from :func:`open_store`."""

    def __init__(self, engine: Engine, asset_root: Path, settings: Any):
        self.engine = engine
        self.asset_root = Path(asset_root)
        self.settings = settings

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def __repr__(self) -> str:
        return f"<Store {self.url} assets={self.asset_root}>"

    # -- organizations ---------------------------------------------------------
    def _org_row(self, org_slug: str, create: bool) -> Organization:
        check_slug(org_slug, "Organization")
        with db_errors(self.engine), admin_session(self.engine) as s:
            row = s.exec(select(Organization).where(Organization.slug == org_slug)).first()
            if row is not None or not create:
                if row is None:
                    raise StoreError(f"Organization '{org_slug}' does not exist.",
                                     hint=f"Create it with `studio init --org {org_slug}`.")
                return row
            try:
                row = Organization(slug=org_slug, name=org_slug)
                s.add(row)
                s.commit()
                return row
            except IntegrityError:  # another process created it first
                s.rollback()
                return s.exec(select(Organization).where(Organization.slug == org_slug)).one()

    def orgs(self) -> list[OrgRecord]:
        """Every organization (admin listing; not tenant-scoped)."""
        with db_errors(self.engine), admin_session(self.engine) as s:
            rows = s.exec(select(Organization).order_by(Organization.slug)).all()
            return [to_record(r, OrgRecord) for r in rows]

    def org(self, org_slug: str, create: bool = False) -> OrgContext:
        """An organization's view: its projects, runs, assets and usage, nothing of other orgs."""
        row = self._org_row(org_slug, create)
        return OrgContext(self, stored_id(row), row.slug)

    # -- projects --------------------------------------------------------------------
    def project(self, org_slug: str, project_slug: str, user: str | None = None,
                create: bool = True, title: str | None = None, *, org_checked: bool = False) -> ProjectContext:
        """The context for one project; creates org, user and project when ``create``.

        ``title`` is the project's human name, set when the project is created.

        A user of another organization is refused (TenantAccessError naming the project and the
        fix) when this organization already has users and nothing ties ``user`` to it: no user
        row here, no membership of one of its projects, no pending invitation naming them. So a
        dashboard's ``?org=`` or a CLI ``--org`` cannot walk a logged-in user into another studio's
        projects, and the get-or-create never enrolls them there. A solo user (one name, or a
        name seen nowhere else yet) opens and creates what they like, as before.
        ``org_checked``: the caller already tied ``user`` to this organization (an API key or a
        job of the org, a service account such as the hub's usage meter); no check.
        """
        check_slug(project_slug, "Project")
        if title is not None and (not isinstance(title, str) or not title.strip() or len(title) > 200
                                  or "\x00" in title):
            raise StoreError(f"Project title {str(title)[:40]!r}{'...' if len(str(title)) > 40 else ''} "
                             f"({len(str(title))} characters) is not valid.",
                             hint="Give a title of 1-200 characters, without NUL bytes.")
        user = user or getattr(self.settings, "user", None) or "studio"
        if not isinstance(user, str) or not user.strip() or len(user) > 120 or "\x00" in user:
            raise StoreError(f"User name {str(user)[:40]!r} is not valid.",
                             hint="Set STUDIO_USER to a name of 1-120 characters.")
        try:
            org = self._org_row(org_slug, create)
        except StoreError as exc:
            if create or "does not exist" not in exc.message:
                raise
            raise StoreError(f"Project '{org_slug}/{project_slug}' does not exist (nor does its organization "
                             f"'{org_slug}').",
                             hint=f"Create both with `studio init --org {org_slug} --project {project_slug}`.") \
                from None
        org_id = stored_id(org)
        if not org_checked:
            self._check_belongs(org_id, org.slug, project_slug, user)
        project = self._project_row(org_id, org.slug, project_slug, user, create, title)
        self._ensure_user(org_id, user, create)
        return ProjectContext(self, org_id, org.slug, stored_id(project), project.slug, user)

    def _check_belongs(self, org_id: int, org_slug: str, project_slug: str, user: str) -> None:
        """TenantAccessError if ``user`` works in another organization and nothing ties them to this one."""
        with db_errors(self.engine), admin_session(self.engine) as s:  # the user's rows in every org
            ties = [select(User.id).where(User.org_id == org_id, User.name == user),
                    select(ProjectMember.id).where(ProjectMember.org_id == org_id, ProjectMember.user == user),
                    select(ProjectInvite.id).where(ProjectInvite.org_id == org_id, ProjectInvite.invitee == user,
                                                   col(ProjectInvite.accepted_at).is_(None),
                                                   col(ProjectInvite.revoked_at).is_(None))]
            if any(s.exec(q.limit(1)).first() is not None for q in ties):
                return
            if s.exec(select(User.id).where(User.org_id == org_id).limit(1)).first() is None:
                return  # nobody works here yet: whoever opens it first joins it
            home = s.exec(select(Organization.slug).join(User, col(User.org_id) == col(Organization.id))
                          .where(User.name == user, User.org_id != org_id).order_by(Organization.slug)).first()
        if home is None:
            return  # a name the store has never seen (a solo user's new STUDIO_USER, a first login) joins
        raise TenantAccessError(
            f"{user} works in organization '{home}', not '{org_slug}', so may not open project "
            f"'{org_slug}/{project_slug}'.",
            hint=f"Ask an owner or producer of {org_slug}/{project_slug} to invite you "
                 f"(`studio members invite --role ROLE --user {user}`), then open it again; or open a "
                 f"project of {home}.")

    def _project_row(self, org_id: int, org_slug: str, slug: str, user: str, create: bool,
                     title: str | None = None) -> Project:
        for _ in range(2):
            with db_errors(self.engine), scoped(self.engine, org_id) as s:
                row = s.exec(select(Project).where(Project.slug == slug)).first()
                if row is not None:
                    return row
                if not create:
                    raise StoreError(f"Project '{org_slug}/{slug}' does not exist.",
                                     hint=f"Create it with `studio init --org {org_slug} --project {slug}`.")
                try:
                    row = Project(slug=slug, name=title or slug, org_id=org_id, created_by=user)
                    s.add(row)
                    s.commit()
                    return row
                except IntegrityError:
                    s.rollback()
        raise StoreError(f"Could not create project '{org_slug}/{slug}'.")  # pragma: no cover

    def _ensure_user(self, org_id: int, name: str, create: bool) -> None:
        if not create:
            return
        with db_errors(self.engine), scoped(self.engine, org_id) as s:
            if s.exec(select(User).where(User.name == name)).first() is None:
                try:
                    s.add(User(name=name, org_id=org_id))
                    s.commit()
                except IntegrityError:
                    s.rollback()

    # -- maintenance ---------------------------------------------------------------------
    def sweep_partial_files(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove temp files of asset writes that died mid-way (see :mod:`.files`)."""
        return files.sweep_partials(self.asset_root, older_than_s)

    def _orphans(self, older_than_s: float) -> dict[str, Path]:
        """Stored files untouched for ``older_than_s`` seconds that no asset row points at."""
        candidates = files.stored_files(self.asset_root, older_than_s)
        referenced: set[str] = set()
        paths = sorted(candidates)
        with db_errors(self.engine), admin_session(self.engine) as s:  # admin sweep: every org's rows
            for start in range(0, len(paths), 500):
                batch = paths[start:start + 500]
                referenced.update(s.exec(select(Asset.path).where(col(Asset.path).in_(batch))).all())
        return {rel: path for rel, path in candidates.items() if rel not in referenced}

    def sweep_orphan_files(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove asset files no row points at (left when a process died between the file
        rename and the database commit). Recent files are kept: their row may be on its way."""
        removed = []
        for rel, path in sorted(self._orphans(older_than_s).items()):
            files.remove_blob(self.asset_root, rel)
            removed.append(path)
        return removed

    def check(self, verify_hashes: bool = True) -> StoreReport:
        """What is wrong between the rows and the files: temp files of killed writes, files
        without rows, rows without files and (``verify_hashes``) files whose content changed."""
        report = StoreReport(partial_files=files.partial_files(self.asset_root),
                             orphan_files=sorted(self._orphans(0.0).values()))
        checked: dict[str, str | None] = {}  # rel path -> actual sha (None: missing); shared by versions
        with db_errors(self.engine), admin_session(self.engine) as s:
            # sqlmodel types select() for at most 4 columns; at run time it takes any number
            rows = s.exec(select(Asset.id, Asset.org_id, Asset.project_id, Asset.path,  # type: ignore[call-overload]
                                 Asset.sha256).order_by(col(Asset.id))).all()
        for asset_id, org_id, project_id, rel, sha in rows:
            if rel not in checked:
                path = self.asset_root / rel
                if not path.is_file():
                    checked[rel] = None
                else:
                    checked[rel] = files.sha256_of_file(path)[0] if verify_hashes else sha
            problem = AssetProblem(asset_id, org_id, project_id, rel, sha, checked[rel])
            if checked[rel] is None:
                report.missing_files.append(problem)
            elif checked[rel] != sha:
                report.corrupt_files.append(problem)
        report.rows_checked = len(rows)
        return report

    def repair(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove temp files and files without rows untouched for ``older_than_s`` seconds.

        Rows without files and corrupt files are not touched: they need a backup (or a
        decision to delete the asset), which only a person can make.
        """
        return self.sweep_partial_files(older_than_s) + self.sweep_orphan_files(older_than_s)

    @property
    def sweep_marker(self) -> Path:
        """The file whose mtime says when this asset root was last swept (kept out of the asset root)."""
        digest = hashlib.sha1(str(self.asset_root).encode()).hexdigest()[:12]
        return Path(getattr(self.settings, "home", self.asset_root.parent)) / f".last-sweep-{digest}"

    def sweep_if_due(self, older_than_s: float) -> list[Path]:
        """The automatic sweep on open: at most once per ``older_than_s`` per asset root.

        A marker file in STUDIO_HOME (see :attr:`sweep_marker`) records when it last ran, so
        opening the store many times a minute costs one ``stat``.
        """
        marker = self.sweep_marker
        try:
            if marker.exists() and time.time() - marker.stat().st_mtime < older_than_s:
                return []
            marker.touch()
        except OSError as exc:  # a read-only asset root: nothing can be swept anyway
            log.warning("Not sweeping %s: %s", self.asset_root, exc)
            return []
        removed = self.repair(older_than_s)
        if removed:
            log.info("Swept %d leftover file(s) older than %.0f s from %s", len(removed), older_than_s,
                     self.asset_root)
        return removed

    def close(self) -> None:
        """Release this store's pooled connections."""
        dispose_engines(self.engine.url.render_as_string(hide_password=False))


def _redacted(url: str) -> str:
    """The URL without its password, for messages; a string that is no URL at all is shown cut short."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url[:80]


def open_store(url: str | None = None, settings: Any = None, *, asset_root: str | Path | None = None,
               version_dirs: Iterable[str | Path] = ()) -> Store:
    """Open (and migrate on first use) the store at ``url``, defaulting to the settings.

    ``url``: SQLAlchemy URL (default ``settings.resolved_database_url``, SQLite in STUDIO_HOME);
    ``asset_root``: folder for asset files (default ``settings.asset_root``);
    ``version_dirs``: extra Alembic version folders to apply on top of the package's.
    """
    if settings is None:
        settings = get_settings()
    try:
        Path(settings.home).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create STUDIO_HOME {settings.home}: {exc}.",
                         hint="Set STUDIO_HOME to a writable folder.") from exc
    url = url or settings.resolved_database_url
    root = Path(asset_root or settings.asset_root).expanduser().resolve()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create the asset folder {root}: {exc.strerror or exc}.",
                         hint="Set STUDIO_ASSET_ROOT (or STUDIO_HOME) to a writable folder.") from exc
    try:
        engine = get_engine(url)
        key = (url, tuple(str(d) for d in version_dirs))
        if key not in _migrated:
            _ensure_schema_once(engine, version_dirs)
            _migrated.add(key)
            first_open = True
        else:
            first_open = False
    except ArgumentError as exc:
        dispose_engines(url)
        raise StoreError(f"The store URL {_redacted(url)!r} is not a database URL ({exc}).",
                         hint="Set STUDIO_DATABASE_URL to e.g. sqlite:////path/studio.db or "
                              "postgresql+psycopg://user@host:5432/db (or unset it for STUDIO_HOME's SQLite file).") \
            from None
    except OSError as exc:
        dispose_engines(url)
        raise StoreError(f"Cannot open the store at {_redacted(url)}: {exc.strerror or exc} ({exc.filename}).",
                         hint="Point STUDIO_DATABASE_URL (or STUDIO_HOME) at a folder you can write to.") from None
    except SQLAlchemyError as exc:
        dispose_engines(url)
        safe = _redacted(url)
        raise StoreError(f"Cannot open the store at {safe}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}.",
                         hint="Check STUDIO_DATABASE_URL and that the database server is running.") from exc
    store = Store(engine, root, settings)
    if first_open:  # once per process: leftovers of killed writes older than a safe age go
        store.sweep_if_due(float(getattr(settings, "sweep_after_s", 3600.0)))
    return store
