"""Rate cards and invoices (issue 16).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

``rate_card`` holds versioned prices per organization; ``invoice`` issued invoices and
credit notes, never updated (on PostgreSQL a trigger refuses UPDATE and DELETE).

Frozen at 0006: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
POLICY = "studio_tenant_wall"
TENANT_TABLES = ("rate_card", "invoice")


def _predicate(column: str) -> str:
    return (f"({column} = nullif(current_setting('studio.org_id', true), '')::integer "
            "OR coalesce(current_setting('studio.all_orgs', true), '') = 'on')")


def upgrade() -> None:
    op.create_table(
        "rate_card",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("tax_rate", sa.String(length=16), nullable=False),
        sa.Column("prices", sa.JSON(), nullable=True),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "version", name="uq_rate_card_org_id_version"),
    )
    op.create_index(op.f("ix_rate_card_org_id"), "rate_card", ["org_id"], unique=False)
    op.create_table(
        "invoice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("period_start", TS, nullable=False),
        sa.Column("period_end", TS, nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate_card_version", sa.Integer(), nullable=False),
        sa.Column("tax_rate", sa.String(length=16), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=True),
        sa.Column("subtotal_cents", sa.Integer(), nullable=False),
        sa.Column("tax_cents", sa.Integer(), nullable=False),
        sa.Column("total_cents", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("issued_by", sa.String(length=120), nullable=True),
        sa.Column("issued_at", TS, nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organization.id"]),
        sa.ForeignKeyConstraint(["corrects_id"], ["invoice.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("org_id", "number", name="uq_invoice_org_id_number"),
    )
    op.create_index(op.f("ix_invoice_org_id"), "invoice", ["org_id"], unique=False)
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
        op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
        op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING {_predicate("org_id")} '
                   f'WITH CHECK {_predicate("org_id")}')
    op.execute("CREATE FUNCTION studio_invoice_immutable() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
               "RAISE EXCEPTION 'invoices are immutable once issued: issue a credit note'; END $$")
    op.execute("CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON invoice "
               "FOR EACH ROW EXECUTE FUNCTION studio_invoice_immutable()")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS invoice_immutable ON invoice")
        op.execute("DROP FUNCTION IF EXISTS studio_invoice_immutable()")
        for table in TENANT_TABLES:
            op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.drop_index(op.f("ix_invoice_org_id"), table_name="invoice")
    op.drop_table("invoice")
    op.drop_index(op.f("ix_rate_card_org_id"), table_name="rate_card")
    op.drop_table("rate_card")
