"""The tenant wall holds for every table and every statement kind, on SQLite and PostgreSQL.

Org B's scoped session gets only B's rows from ORM and Core selects, updates and
deletes; inserts and updates that would put a row into org A are refused; what the
session cannot scope (text(), literal SQL, Core tables inside subqueries or
aliases, the raw connection) is refused. On PostgreSQL the store connects
through an ordinary application role, so row-level security (migration 0002) is a
second wall under the first: raw SQL over that role sees one organization, and
none without the per-transaction setting.
"""
from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import (
    column,
    delete,
    func,
    insert,
    literal_column,
    select,
    table,
    text,
    update,
)
from sqlalchemy.engine import make_url
from sqlalchemy.orm import aliased
from sqlmodel import SQLModel

from studio_kit.exceptions import StoreError, TenantAccessError
from studio_kit.registry import CallRecord
from studio_kit.store import dispose_engines, migrate, open_store
from studio_kit.store.models import Organization, Run
from studio_kit.store.session import scoped, tenant_connection
from studio_kit.store.tables import ORG_TABLES

MODELS = [Organization, *ORG_TABLES]


def org_column(model) -> str:
    return "id" if model is Organization else "org_id"


def plain_column(model) -> str:
    """A column that is neither the key nor a tenant column: updating it to itself changes nothing."""
    skip = {"id", "org_id", "project_id"}
    return next(c.name for c in model.__table__.columns if c.name not in skip and not c.primary_key)


@pytest.fixture
def walled(request, store_url, store, studio_home):
    """(store as the application connects to it, admin engine that sees everything).

    SQLite: the store itself. PostgreSQL: the same schema opened through a fresh
    ordinary role (not a superuser, not the owner), so row-level security applies.
    """
    if store_url.startswith("sqlite"):
        yield store, store.engine
        return
    role, password = f"sk_app_{uuid.uuid4().hex[:10]}", uuid.uuid4().hex
    with store.engine.begin() as conn:
        conn.exec_driver_sql(f"CREATE ROLE {role} LOGIN PASSWORD '{password}'")
    migrate.grant_app_role(store.engine, role)
    app_url = make_url(store_url).set(username=role, password=password).render_as_string(hide_password=False)
    try:
        yield open_store(app_url, store.settings), store.engine
    finally:
        dispose_engines(app_url)
        with store.engine.begin() as conn:
            conn.exec_driver_sql(f"DROP OWNED BY {role}")
            conn.exec_driver_sql(f"DROP ROLE {role}")


def _call() -> CallRecord:
    return CallRecord(backend="procedural", modality="text", method="generate", model=None, seed=1, params={},
                      input_hashes=[], units=12.0, unit="tokens", seconds=0.01, started_at=time.time())


@pytest.fixture
def tenants(walled):
    """Two orgs with rows in every table they can write through the store API; org A has two projects."""
    store, admin = walled
    a = store.project("acme", "night-shift", user="ana")
    a2 = store.project("acme", "day-shift", user="ana")
    b = store.project("rival", "copycat", user="bob")
    for ctx, secret in ((a, b"ACME SECRET"), (a2, b"ACME DAY"), (b, b"rival pitch")):
        first = ctx.put_asset(secret, kind="script", name="s.fountain")
        ctx.put_asset(secret + b" v2", kind="script", name="s.fountain", parent_id=first.id)
        ctx.create_run("hello_project", {"title": "x"})
        ctx.audit("character.lock", target="character:mara")
        ctx.record_usage(_call())
    store.org("acme").audit("org.settings", detail={"k": 1})
    return store, admin, a, a2, b


def counts(admin, model) -> dict[int, int]:
    """Rows per organization, counted by the admin engine (superuser on PostgreSQL)."""
    col = model.__table__.c[org_column(model)]
    with admin.connect() as conn:
        if conn.dialect.name == "postgresql":  # the test schema's owner is a superuser: RLS does not bind it
            assert conn.execute(text("select rolsuper from pg_roles where rolname = current_user")).scalar()
        return dict(conn.execute(select(col, func.count()).group_by(col)).all())


def test_every_table_is_walled(tenants):
    """The wall's table list covers every table of the store that carries an org_id."""
    names = {t.name for t in SQLModel.metadata.sorted_tables if "org_id" in t.c}
    assert names == {m.__tablename__ for m in ORG_TABLES}


def test_selects_of_every_kind_see_one_org(tenants):
    for model in MODELS:
        check_selects(*tenants, model)


def check_selects(store, admin, a, _a2, b, model):
    col = org_column(model)
    expected = counts(admin, model).get(b.org_id, 0)
    t = model.__table__
    alias = aliased(model)
    with scoped(store.engine, b.org_id) as s:
        orm_rows = s.execute(select(getattr(model, col))).scalars().all()
        core_rows = s.execute(select(t)).all()
        core_joined = s.execute(select(t.c[col]).select_from(t).where(t.c[col] >= 0)).scalars().all()
        core_count = s.execute(select(func.count()).select_from(t)).scalar_one()
        aliased_rows = s.execute(select(getattr(alias, col))).scalars().all()
        orm_sub = select(model).subquery()
        sub_rows = s.execute(select(orm_sub.c[col])).scalars().all()
    assert set(orm_rows) <= {b.org_id} and len(orm_rows) == expected
    assert {r._mapping[col] for r in core_rows} <= {b.org_id} and len(core_rows) == expected
    assert set(core_joined) <= {b.org_id} and core_count == expected == len(aliased_rows) == len(sub_rows)
    assert set(aliased_rows) | set(sub_rows) <= {b.org_id}


def test_updates_touch_one_org_and_never_move_a_row(tenants):
    for model in MODELS:
        check_updates(*tenants, model)


def check_updates(store, admin, a, _a2, b, model):
    before = counts(admin, model)
    plain, col, t = plain_column(model), org_column(model), model.__table__
    with scoped(store.engine, b.org_id) as s:
        orm = s.execute(update(model).values({plain: getattr(model, plain)})
                        .execution_options(synchronize_session=False))
        core = s.execute(update(t).values({plain: t.c[plain]}))
        assert orm.rowcount == core.rowcount == before.get(b.org_id, 0)
        for stmt in (update(model).values({col: a.org_id}), update(t).values({col: a.org_id}),
                     update(t).where(t.c[col] == b.org_id).values({col: a.org_id})):
            with pytest.raises(TenantAccessError, match="never move"):
                s.execute(stmt)
        s.commit()
    assert counts(admin, model) == before


def test_deletes_of_every_table_touch_one_org(tenants):
    """Delete everything org B's session can reach, children first, in ORM and Core form; A keeps all."""
    store, admin, a, _a2, b = tenants
    before = {m: counts(admin, m) for m in MODELS}
    by_table = {m.__tablename__: m for m in MODELS}
    order = [by_table[t.name] for t in reversed(SQLModel.metadata.sorted_tables) if t.name in by_table]
    for use_core in (False, True):
        with scoped(store.engine, b.org_id) as s:
            for model in order:
                stmt = delete(model.__table__) if use_core else delete(model).execution_options(
                    synchronize_session=False)
                assert s.execute(stmt).rowcount == before[model].get(b.org_id, 0), model.__tablename__
            s.rollback()
    assert {m: counts(admin, m) for m in MODELS} == before
    assert a.read_bytes(a.list_assets()[0].id) == b"ACME SECRET"


def test_inserts_into_another_org_are_refused(tenants):
    for model in MODELS[1:]:
        check_inserts(*tenants, model)
    with scoped(tenants[0].engine, tenants[4].org_id) as s, \
            pytest.raises(TenantAccessError, match="creating an organization"):
        s.execute(insert(Organization).values(slug="forged", name="forged"))


def check_inserts(store, admin, a, _a2, b, model):
    before = counts(admin, model)
    t, cols = model.__table__, {"org_id": a.org_id}
    with scoped(store.engine, b.org_id) as s:
        for stmt, params in ((insert(model).values(cols), None), (insert(t).values(cols), None),
                             (insert(t), [{"org_id": b.org_id}, {"org_id": a.org_id}]),
                             (insert(t).values([{"org_id": b.org_id}, {"org_id": a.org_id}]), None),
                             (insert(t).from_select(["org_id"], select(t.c.org_id)), None)):
            with pytest.raises(TenantAccessError):
                s.execute(stmt, params)
    assert counts(admin, model) == before


def test_a_core_insert_for_the_own_org_goes_through(tenants):
    store, _admin, a, _a2, b = tenants
    with scoped(store.engine, b.org_id, b.project_id) as s:
        s.execute(insert(Run.__table__).values(template="core", parameters={}, status="queued", org_id=b.org_id,
                                               project_id=b.project_id, created_at=Run().created_at))
        with pytest.raises(TenantAccessError, match="not this project"):
            s.execute(insert(Run.__table__).values(template="core", parameters={}, status="queued",
                                                   org_id=b.org_id, project_id=a.project_id))
        s.commit()
    assert [r.template for r in b.list_runs()] == ["core", "hello_project"]


def test_what_cannot_be_scoped_is_refused(tenants):
    for model in MODELS:
        check_refusals(*tenants, model)


def check_refusals(store, _admin, a, _a2, b, model):
    t, col, name = model.__table__, org_column(model), model.__tablename__
    refused = [text(f'select * from "{name}"'),
               select(t.c[col]).where(t.c[col].in_(select(t.c[col]))),   # Core table inside a subquery
               select(getattr(model, col)).where(getattr(model, col).in_(select(t.c[col]))),
               select(t.alias()),
               select(table(name, column(col))),
               select(literal_column(f'(select count(*) from "{name}")')),
               select(model).where(text("1 = 1"))]
    with scoped(store.engine, b.org_id) as s:
        for stmt in refused:
            with pytest.raises(TenantAccessError, match="cannot scope"):
                s.execute(stmt)
        with pytest.raises(TenantAccessError, match="raw connection"):
            s.connection()


def test_a_project_scoped_session_sees_one_project_in_core_too(tenants):
    store, _admin, a, a2, _b = tenants
    with scoped(store.engine, a.org_id, a2.project_id) as s:
        rows = s.execute(select(Run.__table__)).all()
        projects = s.execute(select(Organization.__table__.c.slug)).scalars().all()
    assert {r.project_id for r in rows} == {a2.project_id} and projects == ["acme"]


def test_sqlite_refuses_a_raw_tenant_connection(tenants, store_url):
    store = tenants[0]
    if not store_url.startswith("sqlite"):
        pytest.skip("PostgreSQL walls raw connections: see the test below")
    with pytest.raises(TenantAccessError, match="SQLite"), tenant_connection(store.engine, tenants[4].org_id):
        pass


@pytest.mark.postgres
def test_raw_sql_through_the_application_role_sees_one_org(tenants, store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    for model in MODELS:
        check_raw_sql(*tenants, model)
    store, admin, _a, _a2, b = tenants
    before = {m: counts(admin, m) for m in MODELS}
    by_table = {m.__tablename__: m for m in MODELS}
    with tenant_connection(store.engine, b.org_id) as conn:  # raw deletes of everything, children first
        nested = conn.begin_nested()
        for t in reversed(SQLModel.metadata.sorted_tables):
            if t.name in by_table:
                deleted = conn.execute(text(f'delete from "{t.name}"')).rowcount
                assert deleted == before[by_table[t.name]].get(b.org_id, 0), t.name
        nested.rollback()
    assert {m: counts(admin, m) for m in MODELS} == before


def check_raw_sql(store, admin, a, _a2, b, model):
    name, col = model.__tablename__, org_column(model)
    before = counts(admin, model)
    with store.engine.connect() as conn:  # the role is ordinary and the tables force RLS on their owner too
        assert conn.execute(text("select rolsuper or rolbypassrls from pg_roles where rolname = current_user")
                            ).scalar() is False
        assert conn.execute(text("select relrowsecurity and relforcerowsecurity from pg_class "
                                 "where oid = cast(:t as regclass)"), {"t": name}).scalar() is True
        # no per-transaction setting: nothing at all
        assert conn.execute(text(f'select count(*) from "{name}"')).scalar() == 0
    with tenant_connection(store.engine, b.org_id) as conn:
        assert conn.execute(text(f'select {col}, count(*) from "{name}" group by {col}')).all() == \
            ([(b.org_id, before[b.org_id])] if before.get(b.org_id) else [])
        if before.get(b.org_id):
            nested = conn.begin_nested()
            with pytest.raises(Exception, match="row-level security"):
                conn.execute(text(f'update "{name}" set {col} = :a'), {"a": a.org_id})
            nested.rollback()
    assert counts(admin, model) == before


@pytest.mark.postgres
def test_raw_inserts_into_another_org_break_the_policy(tenants, store_url):
    store, _admin, a, _a2, b = tenants
    if not store_url.startswith("postgresql"):
        pytest.skip("row-level security is PostgreSQL's")
    with pytest.raises(Exception, match="row-level security"), tenant_connection(store.engine, b.org_id) as conn:
        conn.execute(text("insert into audit_event (actor, action, detail, org_id, at) "
                          "values ('bob', 'forged', '{}', :a, now())"), {"a": a.org_id})
    assert [e.action for e in a.list_audit()].count("forged") == 0


@pytest.mark.postgres
def test_granting_a_superuser_is_refused(store, store_url):
    if not store_url.startswith("postgresql"):
        pytest.skip("roles are PostgreSQL's")
    with pytest.raises(StoreError, match="superuser"):
        migrate.grant_app_role(store.engine, "postgres")
