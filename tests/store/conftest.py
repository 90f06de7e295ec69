"""Store fixtures: every store test runs on SQLite and on the local PostgreSQL.

The PostgreSQL leg gives each test its own schema (``search_path`` set through
the URL's ``options``), so tests never see each other's rows and need no
cleanup order. With ``STUDIO_REQUIRE_POSTGRES=1`` (CI) a server that is down
fails the leg instead of skipping it. ``STUDIO_TEST_POSTGRES_URL`` overrides
the server URL.
"""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
_pg_state: dict[str, str | None] = {}


def postgres_url() -> str:
    return os.environ.get("STUDIO_TEST_POSTGRES_URL") or DEFAULT_PG_URL


def _postgres_problem() -> str | None:
    """None when the server answers, else why not (checked once per session)."""
    if "problem" not in _pg_state:
        from sqlalchemy import create_engine, text

        try:
            engine = create_engine(postgres_url(), connect_args={"connect_timeout": 3})
            with engine.connect() as conn:
                conn.execute(text("select 1"))
            engine.dispose()
            _pg_state["problem"] = None
        except Exception as exc:  # any driver or network error means "not reachable"
            _pg_state["problem"] = f"{type(exc).__name__}: {exc}"
    return _pg_state["problem"]


def require_postgres() -> str:
    """The base PostgreSQL URL, or skip (fail under STUDIO_REQUIRE_POSTGRES=1) if it is down."""
    problem = _postgres_problem()
    if problem:
        message = f"PostgreSQL at {postgres_url()} is not reachable: {problem}"
        if os.environ.get("STUDIO_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (STUDIO_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return postgres_url()


def _with_search_path(base: str, schema: str) -> str:
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request, tmp_path):
    """A database URL for a fresh, empty store: a SQLite file, or a new PostgreSQL schema."""
    from studio_kit.store import dispose_engines

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'store.db'}"
        yield url
        dispose_engines(url)
        return
    from sqlalchemy import create_engine, text

    base = require_postgres()
    schema = f"sk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = _with_search_path(base, schema)
    try:
        yield url
    finally:
        dispose_engines(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def store(store_url, studio_home):
    """An opened (migrated) store on ``store_url`` with assets under the test's STUDIO_HOME."""
    from studio_kit.config import get_settings
    from studio_kit.store import open_store

    return open_store(store_url, get_settings())


@pytest.fixture
def acme(store):
    """Project 'acme/night-shift' as user ana."""
    return store.project("acme", "night-shift", user="ana")


@pytest.fixture
def rival(store):
    """Project 'rival/copycat' of another organization, as user bob."""
    return store.project("rival", "copycat", user="bob")
