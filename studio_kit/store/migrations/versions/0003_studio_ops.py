"""Studio operations: members and invites, policies, reviews, inbox, webhooks, milestones,
and the hash-chained audit log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06

Every audit_event row is mirrored into audit_entry (per-organization sequence, each
entry committing to the previous one's hash) by the mapper hook in
studio_kit/store/ops_models.py; audit_chain_head is the per-org row locked while an
entry is appended. On PostgreSQL the new tenant tables join 0002's row-level
security wall (same policy and settings).

Frozen at 0003: later model changes get a new migration, never an edit here.
"""
import sqlalchemy as sa
from alembic import op

from studio_kit.store.ops_models import GENESIS, entry_digest

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TS = sa.DateTime(timezone=True)
POLICY = "studio_tenant_wall"
TENANT_TABLES = ('audit_chain_head', 'audit_entry', 'inbox_message', 'milestone', 'ops_policy', 'project_invite', 'project_member', 'webhook', 'review_item', 'webhook_delivery', 'review_comment', 'review_event')


def _predicate(column: str) -> str:
    return (f"({column} = nullif(current_setting('studio.org_id', true), '')::integer "
            "OR coalesce(current_setting('studio.all_orgs', true), '') = 'on')")


def _chain_existing_events() -> None:
    """Chain the audit_event rows written before 0003, per organization in id order."""
    bind = op.get_bind()
    events = sa.table("audit_event", sa.column("id"), sa.column("org_id"), sa.column("project_id"),
                      sa.column("actor"), sa.column("action"), sa.column("target"), sa.column("detail", sa.JSON),
                      sa.column("at", TS))
    entries = sa.table("audit_entry", *(sa.column(c) for c in (
        "org_id", "project_id", "seq", "event_id", "actor", "action", "target", "before_hash", "after_hash",
        "prev_hash", "entry_hash")), sa.column("detail", sa.JSON), sa.column("at", TS))
    heads: dict[int, tuple[int, str]] = {}
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings():
        seq, prev = heads.get(row["org_id"], (0, GENESIS))
        detail = row["detail"] or {}
        after = ("sha256:" + detail["sha256"]) if isinstance(detail.get("sha256"), str) else None
        digest = entry_digest(org_id=row["org_id"], project_id=row["project_id"], seq=seq + 1, at=row["at"],
                              actor=row["actor"], action=row["action"], target=row["target"], detail=detail,
                              before_hash=None, after_hash=after, prev_hash=prev)
        bind.execute(entries.insert().values(
            org_id=row["org_id"], project_id=row["project_id"], seq=seq + 1, event_id=row["id"], at=row["at"],
            actor=row["actor"], action=row["action"], target=row["target"], detail=detail, before_hash=None,
            after_hash=after, prev_hash=prev, entry_hash=digest))
        heads[row["org_id"]] = (seq + 1, digest)
    heads_table = sa.table("audit_chain_head", sa.column("org_id"), sa.column("seq"), sa.column("head_hash"),
                           sa.column("updated_at", TS))
    for org_id, (seq, digest) in heads.items():
        bind.execute(heads_table.insert().values(org_id=org_id, seq=seq, head_hash=digest,
                                                 updated_at=sa.func.now()))


def upgrade() -> None:
    op.create_table('audit_chain_head',
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('head_hash', sa.String(64), nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.PrimaryKeyConstraint('org_id')
    )
    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('at', TS, nullable=False),
    sa.Column('actor', sa.String(120), nullable=False),
    sa.Column('action', sa.String(120), nullable=False),
    sa.Column('target', sa.String(255), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('before_hash', sa.String(71), nullable=True),
    sa.Column('after_hash', sa.String(71), nullable=True),
    sa.Column('prev_hash', sa.String(64), nullable=False),
    sa.Column('entry_hash', sa.String(64), nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'seq', name='uq_audit_entry_org_id_seq')
    )
    op.create_index(op.f('ix_audit_entry_org_id'), 'audit_entry', ['org_id'], unique=False)
    op.create_index(op.f('ix_audit_entry_project_id'), 'audit_entry', ['project_id'], unique=False)
    op.create_table('inbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(120), nullable=False),
    sa.Column('kind', sa.String(32), nullable=False),
    sa.Column('title', sa.String(255), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('subject', sa.String(255), nullable=True),
    sa.Column('actor', sa.String(120), nullable=True),
    sa.Column('read_at', TS, nullable=True),
    sa.Column('at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_inbox_message_org_id'), 'inbox_message', ['org_id'], unique=False)
    op.create_index('ix_inbox_message_org_id_recipient', 'inbox_message', ['org_id', 'recipient'], unique=False)
    op.create_index(op.f('ix_inbox_message_project_id'), 'inbox_message', ['project_id'], unique=False)
    op.create_table('milestone',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(64), nullable=False),
    sa.Column('name', sa.String(200), nullable=False),
    sa.Column('phase', sa.String(32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('baseline_due', sa.Date(), nullable=False),
    sa.Column('depends_on', sa.JSON(), nullable=False),
    sa.Column('subjects', sa.JSON(), nullable=False),
    sa.Column('source', sa.String(32), nullable=False),
    sa.Column('done_at', TS, nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'key', name='uq_milestone_project_id_key')
    )
    op.create_index(op.f('ix_milestone_org_id'), 'milestone', ['org_id'], unique=False)
    op.create_index(op.f('ix_milestone_project_id'), 'milestone', ['project_id'], unique=False)
    op.create_table('ops_policy',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('scope', sa.String(16), nullable=False),
    sa.Column('project_key', sa.Integer(), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_by', sa.String(120), nullable=True),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('org_id', 'scope', 'project_key', name='uq_ops_policy_org_id_scope_project_key')
    )
    op.create_index(op.f('ix_ops_policy_org_id'), 'ops_policy', ['org_id'], unique=False)
    op.create_index(op.f('ix_ops_policy_project_id'), 'ops_policy', ['project_id'], unique=False)
    op.create_table('project_invite',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('token_sha256', sa.String(64), nullable=False),
    sa.Column('role', sa.String(32), nullable=False),
    sa.Column('invitee', sa.String(120), nullable=True),
    sa.Column('created_by', sa.String(120), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('expires_at', TS, nullable=False),
    sa.Column('accepted_by', sa.String(120), nullable=True),
    sa.Column('accepted_at', TS, nullable=True),
    sa.Column('revoked_at', TS, nullable=True),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_sha256', name='uq_project_invite_token_sha256')
    )
    op.create_index(op.f('ix_project_invite_org_id'), 'project_invite', ['org_id'], unique=False)
    op.create_index(op.f('ix_project_invite_project_id'), 'project_invite', ['project_id'], unique=False)
    op.create_table('project_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('user', sa.String(120), nullable=False),
    sa.Column('role', sa.String(32), nullable=False),
    sa.Column('added_by', sa.String(120), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'user', name='uq_project_member_project_id_user')
    )
    op.create_index(op.f('ix_project_member_org_id'), 'project_member', ['org_id'], unique=False)
    op.create_index(op.f('ix_project_member_project_id'), 'project_member', ['project_id'], unique=False)
    op.create_table('webhook',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.String(1024), nullable=False),
    sa.Column('secret', sa.String(128), nullable=False),
    sa.Column('events', sa.JSON(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(120), nullable=True),
    sa.Column('created_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_webhook_org_id'), 'webhook', ['org_id'], unique=False)
    op.create_index(op.f('ix_webhook_project_id'), 'webhook', ['project_id'], unique=False)
    op.create_table('review_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(255), nullable=False),
    sa.Column('kind', sa.String(64), nullable=False),
    sa.Column('asset_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(255), nullable=False),
    sa.Column('state', sa.String(32), nullable=False),
    sa.Column('stage', sa.String(32), nullable=True),
    sa.Column('requested_by', sa.String(120), nullable=True),
    sa.Column('reviewers', sa.JSON(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('approved_by', sa.String(120), nullable=True),
    sa.Column('approved_role', sa.String(32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', TS, nullable=False),
    sa.Column('updated_at', TS, nullable=False),
    sa.ForeignKeyConstraint(['asset_id'], ['asset.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('project_id', 'subject', name='uq_review_item_project_id_subject')
    )
    op.create_index(op.f('ix_review_item_org_id'), 'review_item', ['org_id'], unique=False)
    op.create_index(op.f('ix_review_item_project_id'), 'review_item', ['project_id'], unique=False)
    op.create_index('ix_review_item_project_id_state', 'review_item', ['project_id', 'state'], unique=False)
    op.create_table('webhook_delivery',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('webhook_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.String(64), nullable=False),
    sa.Column('event', sa.String(64), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=True),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('duration_ms', sa.Float(), nullable=False),
    sa.Column('at', TS, nullable=False),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhook.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_webhook_delivery_org_id'), 'webhook_delivery', ['org_id'], unique=False)
    op.create_index(op.f('ix_webhook_delivery_project_id'), 'webhook_delivery', ['project_id'], unique=False)
    op.create_index(op.f('ix_webhook_delivery_webhook_id'), 'webhook_delivery', ['webhook_id'], unique=False)
    op.create_table('review_comment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('anchor_kind', sa.String(16), nullable=True),
    sa.Column('anchor', sa.String(64), nullable=True),
    sa.Column('mentions', sa.JSON(), nullable=False),
    sa.Column('at', TS, nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['review_item.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_review_comment_item_id'), 'review_comment', ['item_id'], unique=False)
    op.create_index(op.f('ix_review_comment_org_id'), 'review_comment', ['org_id'], unique=False)
    op.create_index(op.f('ix_review_comment_project_id'), 'review_comment', ['project_id'], unique=False)
    op.create_table('review_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('actor', sa.String(120), nullable=False),
    sa.Column('action', sa.String(32), nullable=False),
    sa.Column('from_state', sa.String(32), nullable=False),
    sa.Column('to_state', sa.String(32), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('at', TS, nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['review_item.id'], ),
    sa.ForeignKeyConstraint(['org_id'], ['organization.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['project.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index(op.f('ix_review_event_item_id'), 'review_event', ['item_id'], unique=False)
    op.create_index(op.f('ix_review_event_org_id'), 'review_event', ['org_id'], unique=False)
    op.create_index(op.f('ix_review_event_project_id'), 'review_event', ['project_id'], unique=False)
    _chain_existing_events()
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
    op.drop_index(op.f('ix_review_event_project_id'), table_name='review_event')
    op.drop_index(op.f('ix_review_event_org_id'), table_name='review_event')
    op.drop_index(op.f('ix_review_event_item_id'), table_name='review_event')
    op.drop_table('review_event')
    op.drop_index(op.f('ix_review_comment_project_id'), table_name='review_comment')
    op.drop_index(op.f('ix_review_comment_org_id'), table_name='review_comment')
    op.drop_index(op.f('ix_review_comment_item_id'), table_name='review_comment')
    op.drop_table('review_comment')
    op.drop_index(op.f('ix_webhook_delivery_webhook_id'), table_name='webhook_delivery')
    op.drop_index(op.f('ix_webhook_delivery_project_id'), table_name='webhook_delivery')
    op.drop_index(op.f('ix_webhook_delivery_org_id'), table_name='webhook_delivery')
    op.drop_table('webhook_delivery')
    op.drop_index('ix_review_item_project_id_state', table_name='review_item')
    op.drop_index(op.f('ix_review_item_project_id'), table_name='review_item')
    op.drop_index(op.f('ix_review_item_org_id'), table_name='review_item')
    op.drop_table('review_item')
    op.drop_index(op.f('ix_webhook_project_id'), table_name='webhook')
    op.drop_index(op.f('ix_webhook_org_id'), table_name='webhook')
    op.drop_table('webhook')
    op.drop_index(op.f('ix_project_member_project_id'), table_name='project_member')
    op.drop_index(op.f('ix_project_member_org_id'), table_name='project_member')
    op.drop_table('project_member')
    op.drop_index(op.f('ix_project_invite_project_id'), table_name='project_invite')
    op.drop_index(op.f('ix_project_invite_org_id'), table_name='project_invite')
    op.drop_table('project_invite')
    op.drop_index(op.f('ix_ops_policy_project_id'), table_name='ops_policy')
    op.drop_index(op.f('ix_ops_policy_org_id'), table_name='ops_policy')
    op.drop_table('ops_policy')
    op.drop_index(op.f('ix_milestone_project_id'), table_name='milestone')
    op.drop_index(op.f('ix_milestone_org_id'), table_name='milestone')
    op.drop_table('milestone')
    op.drop_index(op.f('ix_inbox_message_project_id'), table_name='inbox_message')
    op.drop_index('ix_inbox_message_org_id_recipient', table_name='inbox_message')
    op.drop_index(op.f('ix_inbox_message_org_id'), table_name='inbox_message')
    op.drop_table('inbox_message')
    op.drop_index(op.f('ix_audit_entry_project_id'), table_name='audit_entry')
    op.drop_index(op.f('ix_audit_entry_org_id'), table_name='audit_entry')
    op.drop_table('audit_entry')
    op.drop_table('audit_chain_head')
