"""Opening the project store: engines, migrations, organizations and projects.

``open_store()`` is the one entry point. It reads the settings (STUDIO_HOME,
STUDIO_DATABASE_URL, asset root), creates the home folder, caches one engine per
database URL and migrates the schema to head the first time a URL is opened in
this process. Work inside a project goes through :class:`ProjectContext`.
"""
from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any, Iterable

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, select

from studio_kit.exceptions import StoreError
from studio_kit.store import files, migrate
from studio_kit.store.context import OrgContext, ProjectContext
from studio_kit.store.models import Asset, Organization, OrgRecord, Project, User, to_record
from studio_kit.store.session import db_errors, scoped

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
        with db_errors(self.engine), Session(self.engine, expire_on_commit=False) as s:
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
        with db_errors(self.engine), Session(self.engine) as s:
            rows = s.exec(select(Organization).order_by(Organization.slug)).all()
            return [to_record(r, OrgRecord) for r in rows]

    def org(self, org_slug: str, create: bool = False) -> OrgContext:
        """An organization's view: its projects, runs, assets and usage, nothing of other orgs."""
        row = self._org_row(org_slug, create)
        return OrgContext(self, row.id, row.slug)

    # -- projects --------------------------------------------------------------------
    def project(self, org_slug: str, project_slug: str, user: str | None = None,
                create: bool = True, title: str | None = None) -> ProjectContext:
        """The context for one project; creates org, user and project when ``create``.

        ``title`` is the project's human name, set when the project is created.
        """
        check_slug(project_slug, "Project")
        user = user or getattr(self.settings, "user", None) or "studio"
        org = self._org_row(org_slug, create)
        project = self._project_row(org.id, org.slug, project_slug, user, create, title)
        self._ensure_user(org.id, user, create)
        return ProjectContext(self, org.id, org.slug, project.id, project.slug, user)

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

    def sweep_orphan_files(self, older_than_s: float = 3600.0) -> list[Path]:
        """Remove asset files no row points at (left when a process died between the file
        rename and the database commit). Recent files are kept: their row may be on its way."""
        candidates = files.stored_files(self.asset_root, older_than_s)
        referenced: set[str] = set()
        paths = sorted(candidates)
        with db_errors(self.engine), Session(self.engine) as s:  # admin sweep: every org's rows
            for start in range(0, len(paths), 500):
                batch = paths[start:start + 500]
                referenced.update(s.exec(select(Asset.path).where(Asset.path.in_(batch))).all())
        removed = []
        for rel in paths:
            if rel not in referenced:
                files.remove_blob(self.asset_root, rel)
                removed.append(candidates[rel])
        return removed

    def close(self) -> None:
        """Release this store's pooled connections."""
        dispose_engines(self.engine.url.render_as_string(hide_password=False))


def open_store(url: str | None = None, settings: Any = None, *, asset_root: str | Path | None = None,
               version_dirs: Iterable[str | Path] = ()) -> Store:
    """Open (and migrate on first use) the store at ``url``, defaulting to the settings.

    ``url``: SQLAlchemy URL (default ``settings.resolved_database_url``, SQLite in STUDIO_HOME);
    ``asset_root``: folder for asset files (default ``settings.asset_root``);
    ``version_dirs``: extra Alembic version folders to apply on top of the package's.
    """
    if settings is None:
        from studio_kit.config import get_settings

        settings = get_settings()
    try:
        Path(settings.home).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(f"Cannot create STUDIO_HOME {settings.home}: {exc}.",
                         hint="Set STUDIO_HOME to a writable folder.") from exc
    url = url or settings.resolved_database_url
    root = Path(asset_root or settings.asset_root).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    try:
        engine = get_engine(url)
        key = (url, tuple(str(d) for d in version_dirs))
        if key not in _migrated:
            migrate.ensure_schema(engine, version_dirs)
            _migrated.add(key)
    except SQLAlchemyError as exc:
        dispose_engines(url)
        safe = make_url(url).render_as_string(hide_password=True)
        raise StoreError(f"Cannot open the store at {safe}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}.",
                         hint="Check STUDIO_DATABASE_URL and that the database server is running.") from exc
    return Store(engine, root, settings)
