"""API keys and the durable job queue (issue 16).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06

``api_key`` stores only an argon2id hash of each key; ``job`` is the queue entry of a
queued run (attempts, back-off, worker heartbeat); ``job_event`` its progress events.
All three carry ``org_id`` and get the same row-level security wall as the other
tenant tables on PostgreSQL.

Frozen at 0005: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
POLICY = "studio_tenant_wall"
TENANT_TABLES = ("api_key", "job", "job_event")


def _predicate(column: str) -> str:
    return (f"({column} = nullif(current_setting('studio.org_id', true), '')::integer "
            "OR coalesce(current_setting('studio.all_orgs', true), '') = 'on')")


def upgrade() -> None:
    op.create_table(
        "api_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("secret_hash", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("scopes", sa.JSON(), nullable=True),
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=True),
        sa.Column("revoked_at", TS, nullable=True),
        sa.Column("last_used_at", TS, nullable=True),
        sa.Column("last_used_ip", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("prefix", name="uq_api_key_prefix"),
    )
    op.create_index(op.f("ix_api_key_org_id"), "api_key", ["org_id"], unique=False)
    op.create_table(
        "job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("max_attempts", sa.Integer(), nullable=False),
        sa.Column("available_at", TS, nullable=False),
        sa.Column("worker", sa.String(length=255), nullable=True),
        sa.Column("heartbeat_at", TS, nullable=True),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["run_id"], ["run.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("run_id", name="uq_job_run_id"),
    )
    op.create_index(op.f("ix_job_org_id"), "job", ["org_id"], unique=False)
    op.create_index(op.f("ix_job_project_id"), "job", ["project_id"], unique=False)
    op.create_index("ix_job_state_available_at", "job", ["state", "available_at"], unique=False)
    op.create_table(
        "job_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("at", TS, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(op.f("ix_job_event_org_id"), "job_event", ["org_id"], unique=False)
    op.create_index(op.f("ix_job_event_project_id"), "job_event", ["project_id"], unique=False)
    op.create_index("ix_job_event_job_id_id", "job_event", ["job_id", "id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING {_predicate("org_id")} '
                   f'WITH CHECK {_predicate("org_id")}')


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TENANT_TABLES:
            op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.drop_index("ix_job_event_job_id_id", table_name="job_event")
    op.drop_index(op.f("ix_job_event_project_id"), table_name="job_event")
    op.drop_index(op.f("ix_job_event_org_id"), table_name="job_event")
    op.drop_table("job_event")
    op.drop_index("ix_job_state_available_at", table_name="job")
    op.drop_index(op.f("ix_job_project_id"), table_name="job")
    op.drop_index(op.f("ix_job_org_id"), table_name="job")
    op.drop_table("job")
    op.drop_index(op.f("ix_api_key_org_id"), table_name="api_key")
    op.drop_table("api_key")
