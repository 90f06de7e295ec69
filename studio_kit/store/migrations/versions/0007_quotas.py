"""Quotas per organization and project (issue 16).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06

Frozen at 0007: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

POLICY = "studio_tenant_wall"


def upgrade() -> None:
    op.create_table(
        "quota",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("project_key", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("limit", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=8), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "project_key", "unit", name="uq_quota_org_id_project_key_unit"),
    )
    op.create_index(op.f("ix_quota_org_id"), "quota", ["org_id"], unique=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE "quota" ENABLE ROW LEVEL SECURITY')
        op.execute('ALTER TABLE "quota" FORCE ROW LEVEL SECURITY')
        pred = ("(org_id = nullif(current_setting('studio.org_id', true), '')::integer "
                "OR coalesce(current_setting('studio.all_orgs', true), '') = 'on')")
        op.execute(f'CREATE POLICY {POLICY} ON "quota" USING {pred} WITH CHECK {pred}')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "quota"')
    op.drop_index(op.f("ix_quota_org_id"), table_name="quota")
    op.drop_table("quota")
