"""Alembic migrations of the project store, configured from code (no alembic.ini).

:func:`ensure_schema` is what :func:`studio_kit.store.open_store` calls: it reads
the database's current revision (one small query) and runs ``upgrade head`` only
when it is behind. Extra version folders (a test's 0002, a plugin's tables) can
be passed as ``version_dirs``.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.script.revision import RevisionError
from alembic.util.exc import CommandError
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from studio_kit.exceptions import StoreError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine, version_dirs: Iterable[Path | str] = ()) -> Config:
    """A programmatic Alembic Config for ``engine`` (package versions + ``version_dirs``)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    locations = [str(MIGRATIONS / "versions")] + [str(Path(d).resolve()) for d in version_dirs]
    cfg.set_main_option("version_locations", " ".join(locations))
    cfg.set_main_option("path_separator", "space")
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return cfg


def head_revisions(engine: Engine, version_dirs: Iterable[Path | str] = ()) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(engine, version_dirs)).get_heads())


def current_revisions(engine: Engine) -> set[str]:
    """Revisions stamped in the database (empty for a new database)."""
    with engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


# any constant: the key of the PostgreSQL advisory lock that serializes migrations
_PG_LOCK_KEY = 0x57D10C17


def _lock_for_migration(conn: Connection) -> None:
    """Make concurrent first opens (CLI, kernel, dashboard) migrate one at a time, atomically."""
    if conn.dialect.name == "sqlite":
        # pysqlite does not BEGIN before DDL; an explicit IMMEDIATE transaction makes the
        # whole upgrade atomic and takes the write lock before reading the revision
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    elif conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")


def upgrade(engine: Engine, revision: str = "head", version_dirs: Iterable[Path | str] = ()) -> set[str]:
    """Upgrade the database to ``revision`` in one locked transaction; returns the revisions after."""
    version_dirs = list(version_dirs)
    cfg = alembic_config(engine, version_dirs)
    try:
        with engine.begin() as conn:
            _lock_for_migration(conn)
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
    except CommandError as exc:
        raise StoreError(
            f"Could not migrate the store at {engine.url.render_as_string(hide_password=True)}: {exc}.",
            hint="The database may have been created by a newer studio_kit; upgrade studio_kit.",
        ) from exc
    return current_revisions(engine)


def ensure_schema(engine: Engine, version_dirs: Iterable[Path | str] = ()) -> set[str]:
    """Bring the database to head if it is behind; cheap when it is already there."""
    version_dirs = list(version_dirs)
    current = current_revisions(engine)
    heads = head_revisions(engine, version_dirs)
    if current == heads:
        return current
    script = ScriptDirectory.from_config(alembic_config(engine, version_dirs))
    unknown = [rev for rev in current if _lookup(script, rev) is None]
    if unknown:
        raise StoreError(
            f"The store at {engine.url.render_as_string(hide_password=True)} is at revision "
            f"{', '.join(sorted(unknown))}, which this studio_kit does not know.",
            hint="It was migrated by a newer studio_kit (or with extra migrations); use that version.",
        )
    return upgrade(engine, "heads", version_dirs)


def grant_app_role(engine: Engine, role: str) -> None:
    """Let PostgreSQL role ``role`` use the store's tables in the engine's current schema.

    Run it as the role that migrated the store (the tables' owner). The application
    then connects as ``role``: a role that is not a superuser and has no BYPASSRLS,
    so the row-level security of migration 0002 applies to everything it sends.
    """
    if engine.dialect.name != "postgresql":
        raise StoreError("Row-level security roles exist only on PostgreSQL.",
                         hint="On SQLite the scoped session is the tenant wall; nothing to grant.")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", role):
        raise StoreError(f"Role name {role!r} is not valid.", hint="Use lower-case letters, digits and '_'.")
    with engine.begin() as conn:
        super_, bypass = conn.execute(text("select rolsuper, rolbypassrls from pg_roles where rolname = :r"),
                                      {"r": role}).one_or_none() or (None, None)
        if super_ is None:
            raise StoreError(f"PostgreSQL role {role!r} does not exist.",
                             hint=f"Create it first: CREATE ROLE {role} LOGIN PASSWORD '...';")
        if super_ or bypass:
            raise StoreError(f"Role {role!r} is a superuser or has BYPASSRLS: the tenant wall would not hold.",
                             hint="Connect the application through an ordinary role.")
        schema = conn.execute(text("select current_schema()")).scalar_one()
        conn.exec_driver_sql(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}')
        conn.exec_driver_sql(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "{schema}" TO {role}')
        conn.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA "{schema}" TO {role}')
        conn.exec_driver_sql(f'REVOKE INSERT, UPDATE, DELETE ON "{schema}".alembic_version FROM {role}')


def _lookup(script: ScriptDirectory, rev: str):
    try:
        return script.get_revision(rev)
    except (RevisionError, CommandError):  # unknown, ambiguous or malformed revision ids
        return None
