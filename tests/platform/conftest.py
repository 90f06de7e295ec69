"""Studio-ops fixtures: a film project with one member per role, on SQLite and PostgreSQL.

The store fixtures (``store_url`` on both databases, ``store``) are the store tests' own,
loaded from tests/store/conftest.py so both suites run the same way.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest


def _load(folder: str, name: str):
    """Another test folder's conftest as a module (the test folders are not packages)."""
    spec = importlib.util.spec_from_file_location(name, Path(__file__).parents[1] / folder / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_store_conftest = _load("store", "store_conftest_for_ops")
store_url = _store_conftest.store_url
store = _store_conftest.store
require_postgres = _store_conftest.require_postgres

#: one member per project role; olive created the project (its first owner)
CREW = {"pat": "producer", "dee": "director", "wes": "writer", "art": "artist", "eddie": "editor", "vic": "viewer"}
ORG, PROJECT = "acme", "night-shift"


def make_admin(store, name: str) -> None:
    """Org admins are kept by the store administrator (studio_user.role = 'admin')."""
    from sqlmodel import Session, select

    from studio_kit.store.models import User

    store.project(ORG, PROJECT, user=name)  # creates the user row
    with Session(store.engine) as s:
        row = s.exec(select(User).where(User.name == name)).one()
        row.role = "admin"
        s.add(row)
        s.commit()


@pytest.fixture(autouse=True)
def _finish_webhook_deliveries():
    """Webhook deliveries run in threads: let each test's finish before its database goes."""
    yield
    from studio_kit.platform import notify

    notify.wait_for_deliveries()


@pytest.fixture
def owner(store):
    """Project acme/night-shift as olive, its creator."""
    return store.project(ORG, PROJECT, user="olive")


@pytest.fixture
def crew(store, owner):
    """user -> project context, one per role (owner olive, admin ada included)."""
    from studio_kit.platform import members

    for user, role in CREW.items():
        members.add_member(owner, user, role)
    make_admin(store, "ada")
    ctxs = {user: store.project(ORG, PROJECT, user=user) for user in CREW}
    ctxs["olive"] = owner
    ctxs["ada"] = store.project(ORG, PROJECT, user="ada")
    return ctxs


@pytest.fixture
def sqlite_store(studio_home, tmp_path):
    from studio_kit.config import get_settings
    from studio_kit.store import dispose_engines, open_store

    url = f"sqlite:///{tmp_path / 'ops.db'}"
    yield open_store(url, get_settings())
    dispose_engines(url)


# the browser harness of tests/ui (a real `panel serve` driven by headless Chromium)
_ui_conftest = _load("ui", "ui_conftest_for_ops")
serve_dashboard = _ui_conftest.serve_dashboard
