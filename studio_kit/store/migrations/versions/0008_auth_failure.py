"""Shared failed-authentication counters of the API (issue 16).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06

``auth_failure`` holds one row per rate-limited key prefix or client address (by SHA-256),
so that every API process shares one budget of failed authentications. It holds no tenant
data and gets no row-level security.

Frozen at 0008: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "auth_failure",
        sa.Column("name_hash", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("window_start", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("name_hash"),
    )
    op.create_index("ix_auth_failure_window_start", "auth_failure", ["window_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_auth_failure_window_start", table_name="auth_failure")
    op.drop_table("auth_failure")
