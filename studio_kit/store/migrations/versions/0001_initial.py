"""Initial project store: organizations, users, projects, assets, runs, audit and usage.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Frozen snapshot of studio_kit/store/models.py at 0001: later model changes get a
new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)


def _fk(col: str, table: str, ondelete: str | None = None) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([col], [f"{table}.id"], ondelete=ondelete)


def upgrade() -> None:
    op.create_table(
        "organization",
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("slug", name="uq_organization_slug"),
    )
    op.create_table(
        "studio_user",
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        sa.UniqueConstraint("org_id", "name", name="uq_studio_user_org_id_name"),
    )
    op.create_index("ix_studio_user_org_id", "studio_user", ["org_id"])
    op.create_table(
        "project",
        sa.Column("slug", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        sa.UniqueConstraint("org_id", "slug", name="uq_project_org_id_slug"),
    )
    op.create_index("ix_project_org_id", "project", ["org_id"])
    op.create_table(
        "asset",
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", sa.String(127), nullable=True),
        sa.Column("path", sa.String(512), nullable=False),
        sa.Column("provenance", sa.JSON(), nullable=False),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        _fk("project_id", "project"),
        _fk("parent_id", "asset", ondelete="SET NULL"),
        sa.UniqueConstraint("project_id", "kind", "name", "version", name="uq_asset_project_id_kind_name_version"),
    )
    op.create_index("ix_asset_org_id", "asset", ["org_id"])
    op.create_index("ix_asset_project_id", "asset", ["project_id"])
    op.create_index("ix_asset_org_id_project_id_kind", "asset", ["org_id", "project_id", "kind"])
    op.create_index("ix_asset_path", "asset", ["path"])
    op.create_table(
        "run",
        sa.Column("template", sa.String(255), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("started_at", TS, nullable=True),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("error", sa.String(), nullable=True),
        sa.Column("error_cell_index", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(120), nullable=True),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("output_asset_id", sa.Integer(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        _fk("project_id", "project"),
        _fk("output_asset_id", "asset", ondelete="SET NULL"),
    )
    op.create_index("ix_run_org_id", "run", ["org_id"])
    op.create_index("ix_run_project_id", "run", ["project_id"])
    op.create_table(
        "audit_event",
        sa.Column("actor", sa.String(120), nullable=False),
        sa.Column("action", sa.String(120), nullable=False),
        sa.Column("target", sa.String(255), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        _fk("project_id", "project"),
    )
    op.create_index("ix_audit_event_org_id", "audit_event", ["org_id"])
    op.create_index("ix_audit_event_project_id", "audit_event", ["project_id"])
    op.create_table(
        "usage_event",
        sa.Column("user", sa.String(120), nullable=True),
        sa.Column("backend", sa.String(120), nullable=False),
        sa.Column("modality", sa.String(32), nullable=False),
        sa.Column("method", sa.String(64), nullable=False),
        sa.Column("model", sa.String(512), nullable=True),
        sa.Column("units", sa.Float(), nullable=False),
        sa.Column("unit", sa.String(32), nullable=False),
        sa.Column("seconds", sa.Float(), nullable=False),
        sa.Column("ok", sa.Boolean(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        _fk("org_id", "organization"),
        _fk("project_id", "project"),
    )
    op.create_index("ix_usage_event_org_id", "usage_event", ["org_id"])
    op.create_index("ix_usage_event_project_id", "usage_event", ["project_id"])


def downgrade() -> None:
    for table in ("usage_event", "audit_event", "run", "asset", "project", "studio_user", "organization"):
        op.drop_table(table)
