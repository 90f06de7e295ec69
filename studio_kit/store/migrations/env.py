"""Alembic environment of the project store (SQLite and PostgreSQL).

Configured from code by :func:`studio_kit.store.migrate.upgrade`: the caller
passes an open connection in ``config.attributes["connection"]`` (so a
PostgreSQL ``search_path`` set on the engine applies), or a URL in
``sqlalchemy.url``. SQLite gets ``render_as_batch`` because it cannot ALTER
most things in place.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool
from sqlmodel import SQLModel

from studio_kit.config import get_settings
from studio_kit.store import models  # noqa: F401  (registers the tables on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if not url:  # the developer alembic.ini leaves it empty: use the studio settings

        url = get_settings().resolved_database_url
    return url


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
