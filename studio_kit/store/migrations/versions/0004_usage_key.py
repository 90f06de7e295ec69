"""Usage events carry an idempotency key.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

Usage that arrives from outside a backend call — kernel time from the JupyterHub
accounting service, external usage posted to the API — may be reported twice (a poll
repeated after a restart, a client retrying). ``key`` names the thing measured
(e.g. ``hub:alice/:2026-12-06T09:00:00Z`` for one server lifetime); it is unique per
organization, so a second report of the same thing is the same row, never a second charge.

Frozen at 0004: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("usage_event") as batch:
        batch.add_column(sa.Column("key", sa.String(255), nullable=True))
        batch.create_unique_constraint("uq_usage_event_org_id_key", ["org_id", "key"])


def downgrade() -> None:
    with op.batch_alter_table("usage_event") as batch:
        batch.drop_constraint("uq_usage_event_org_id_key", type_="unique")
        batch.drop_column("key")
