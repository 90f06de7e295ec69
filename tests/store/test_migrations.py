"""Alembic: the migrations build the schema the models describe; a later migration keeps the data."""
from __future__ import annotations

import textwrap

import pytest
from sqlalchemy import inspect, text

from studio_kit.exceptions import StoreError
from studio_kit.store import dispose_engines, migrate, open_store

STORE_TABLES = {"organization", "studio_user", "project", "asset", "run", "audit_event", "usage_event"}

#: a test-only migration that chains after whatever the package's head is today
TEST_REVISION = "test_reviews"
NEXT_MIGRATION = textwrap.dedent('''
    """Reviews: a rating on every asset and a review_note table.

    Revision ID: test_reviews
    Revises: {head}
    """
    from alembic import op
    import sqlalchemy as sa

    revision = "test_reviews"
    down_revision = "{head}"
    branch_labels = None
    depends_on = None


    def upgrade():
        with op.batch_alter_table("asset") as batch:
            batch.add_column(sa.Column("rating", sa.Integer(), nullable=False, server_default="0"))
        op.create_table(
            "review_note",
            sa.Column("id", sa.Integer(), primary_key=True),
            sa.Column("org_id", sa.Integer(), sa.ForeignKey("organization.id"), nullable=False),
            sa.Column("project_id", sa.Integer(), sa.ForeignKey("project.id"), nullable=False),
            sa.Column("asset_id", sa.Integer(), sa.ForeignKey("asset.id"), nullable=False),
            sa.Column("body", sa.Text(), nullable=False),
        )


    def downgrade():
        op.drop_table("review_note")
        with op.batch_alter_table("asset") as batch:
            batch.drop_column("rating")
''')


def package_head(engine) -> str:
    (head,) = migrate.head_revisions(engine)  # one linear history, no branches
    return head


def test_first_open_migrates_to_head(store):
    assert migrate.current_revisions(store.engine) == {package_head(store.engine)}
    assert "0002" in {r.revision for r in migrate.ScriptDirectory.from_config(
        migrate.alembic_config(store.engine)).walk_revisions()}
    assert STORE_TABLES <= set(inspect(store.engine).get_table_names())


def test_models_match_the_migrations(store):
    """A model change without a new migration fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    def ours(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in STORE_TABLES

    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": ours})
        diffs = compare_metadata(ctx, SQLModel.metadata)
    assert diffs == []


def test_second_migration_keeps_existing_rows(store, store_url, acme, tmp_path):
    script = acme.put_asset(b"INT. DINER - NIGHT", kind="script", name="draft.fountain", meta={"draft": 1})
    run_id = acme.create_run("hello_project", {"title": "Night Shift"})
    acme.audit("character.lock", target="character:mara")
    versions = tmp_path / "extra_versions"
    versions.mkdir()
    head = package_head(store.engine)
    (versions / "test_reviews.py").write_text(NEXT_MIGRATION.replace("{head}", head))

    dispose_engines(store_url)  # a new process: the URL has not been checked yet
    upgraded = open_store(store_url, store.settings, version_dirs=[versions])
    assert migrate.current_revisions(upgraded.engine) == {TEST_REVISION}

    columns = {c["name"] for c in inspect(upgraded.engine).get_columns("asset")}
    assert "rating" in columns and "review_note" in inspect(upgraded.engine).get_table_names()
    with upgraded.engine.connect() as conn:
        rows = conn.execute(text("select id, name, sha256, rating from asset")).all()
    assert rows == [(script.id, "draft.fountain", script.sha256, 0)]

    ctx = upgraded.project("acme", "night-shift", user="ana")
    assert ctx.read_bytes(script.id) == b"INT. DINER - NIGHT" and ctx.get_asset(script.id).meta == {"draft": 1}
    assert ctx.get_run(run_id).parameters == {"title": "Night Shift"}
    assert [e.action for e in ctx.list_audit()] == ["asset.put", "character.lock"]
    assert ctx.put_asset(b"v2", kind="script", name="draft.fountain").version == 2

    # a studio_kit without the test migration refuses the newer database instead of guessing
    dispose_engines(store_url)
    with pytest.raises(StoreError, match="does not know"):
        open_store(store_url, store.settings)


def test_open_store_checks_the_revision_once_per_process(store, store_url, monkeypatch):
    calls = []
    monkeypatch.setattr(migrate, "ensure_schema", lambda *a, **k: calls.append(a))
    open_store(store_url, store.settings)
    assert calls == []
    dispose_engines(store_url)
    open_store(store_url, store.settings)
    assert len(calls) == 1
