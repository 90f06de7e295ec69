"""Run heartbeats and owners; the PostgreSQL tenant wall (row-level security).

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-06

Runs gain ``heartbeat_at``, ``owner_pid`` and ``owner_host``: the process that
executes a run beats while it works, so a run whose owner died (``kill -9``,
power cut) can be told from one that is still going and marked failed
("interrupted") instead of staying ``running`` forever.

On PostgreSQL every tenant table gets row-level security keyed on two
per-transaction settings that :mod:`studio_kit.store.session` sets with
``set_config(..., true)`` (the ``SET LOCAL`` form) at the start of each
transaction: ``studio.org_id`` (a tenant session) or ``studio.all_orgs = 'on'``
(the store's own admin work: slug lookups, org listings, file sweeps). With no
setting a connection sees and writes no rows at all, so even raw SQL sent
through the application's role sees one organization. ``FORCE ROW LEVEL
SECURITY`` makes the policies bind the tables' owner too; only superusers and
roles with BYPASSRLS pass through (connect the application with neither, see
:func:`studio_kit.store.migrate.grant_app_role`). SQLite has no RLS: there the
scoped session is the wall.

Frozen at 0002: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

#: table -> the column holding its organization's id
TENANT_COLUMNS = {"organization": "id", "studio_user": "org_id", "project": "org_id", "asset": "org_id",
                  "run": "org_id", "audit_event": "org_id", "usage_event": "org_id"}
POLICY = "studio_tenant_wall"


def _predicate(column: str) -> str:
    return (f"({column} = nullif(current_setting('studio.org_id', true), '')::integer "
            "OR coalesce(current_setting('studio.all_orgs', true), '') = 'on')")


def upgrade() -> None:
    with op.batch_alter_table("run") as batch:
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("owner_pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("owner_host", sa.String(255), nullable=True))
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column in TENANT_COLUMNS.items():
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING {_predicate(column)} '
                   f'WITH CHECK {_predicate(column)}')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_COLUMNS:
            op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
            op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
            op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
    with op.batch_alter_table("run") as batch:
        batch.drop_column("owner_host")
        batch.drop_column("owner_pid")
        batch.drop_column("heartbeat_at")
