"""Migration 0003 builds exactly the studio-ops tables the models describe, chains older audit rows,
and the new tables are walled per organization like the rest of the store."""
from __future__ import annotations

from sqlalchemy import inspect, text

from studio_kit.platform import audit, members, reviews
from studio_kit.store import migrate
from studio_kit.store.ops_models import OPS_ORG_TABLES

OPS_TABLES = {t.__tablename__ for t in OPS_ORG_TABLES}


def test_models_match_migration_0003(store):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    def ours(obj, name, type_, reflected, compare_to):
        table = obj if type_ == "table" else getattr(obj, "table", None)
        return table is None or table.name in OPS_TABLES

    assert OPS_TABLES <= set(inspect(store.engine).get_table_names())
    with store.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": ours})
        assert compare_metadata(ctx, SQLModel.metadata) == []


def test_upgrading_a_store_chains_the_audit_rows_it_already_had(store, store_url, owner):
    owner.put_asset(b"INT. DINER - NIGHT", kind="script", name="pilot.fountain")
    owner.audit("character.lock", target="character:mara")
    from alembic import command

    cfg = migrate.alembic_config(store.engine)
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    assert not OPS_TABLES & set(inspect(store.engine).get_table_names())
    with store.engine.begin() as conn:  # written by a studio_kit before 0003
        conn.execute(text("INSERT INTO audit_event (actor, action, target, detail, org_id, project_id, at) "
                          "VALUES ('olive', 'character.approve', 'character:mara', '{\"stage\": \"casting\"}', "
                          ":o, :p, CURRENT_TIMESTAMP)"), {"o": owner.org_id, "p": owner.project_id})
    migrate.upgrade(store.engine, "heads")
    result = audit.verify(owner)
    assert result.ok and [e.action for e in audit.entries(owner)] == \
        ["asset.put", "character.lock", "character.approve"], result.summary()
    owner.audit("after.upgrade")
    assert audit.verify(owner).ok and audit.verify(owner).head_seq == 4


def test_one_organizations_reviews_and_members_are_invisible_to_another(store, owner):
    rival = store.project("rival", "copycat", user="bob")
    draft = owner.put_asset(b"INT. PIER - DAY", kind="script", name="pilot.fountain")
    reviews.request(owner, draft.id)
    members.add_member(owner, "ben", "writer")
    assert reviews.items(rival) == [] and [m.user for m in members.list_members(rival)] == ["bob"]
    assert audit.verify(rival).entries == 0 and audit.verify(owner).entries == 3
