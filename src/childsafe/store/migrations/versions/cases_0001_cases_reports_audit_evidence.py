"""cases: cases, case items, reports, actions, referrals, audit log, evidence, console users

Revision ID: cases_0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cases_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = ("cases",)
depends_on: str | Sequence[str] | None = "service_0001"

ID = sa.String(128)
TS = sa.DateTime(timezone=True)
SEQUENCE = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

GENESIS_HASH = "0" * 64

# The audit log is append-only and a sealed evidence bundle never changes; a bundle may only
# be deleted once its retention period is over. The database enforces both, so no code path
# (or hand-typed SQL through the application's role) can rewrite history quietly.
POSTGRES_GUARDS = [
    """
    CREATE FUNCTION childsafe_audit_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only';
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION childsafe_audit_append_only()
    """,
    """
    CREATE FUNCTION childsafe_evidence_sealed() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND OLD.retain_until < now() THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'evidence bundle is sealed until %', OLD.retain_until;
    END;
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER evidence_bundles_sealed BEFORE UPDATE OR DELETE ON evidence_bundles
    FOR EACH ROW EXECUTE FUNCTION childsafe_evidence_sealed()
    """,
]
SQLITE_GUARDS = [
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END
    """,
    """
    CREATE TRIGGER evidence_bundles_no_update BEFORE UPDATE ON evidence_bundles
    BEGIN SELECT RAISE(ABORT, 'evidence bundle is sealed'); END
    """,
    # SQLAlchemy stores SQLite datetimes as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, which compares
    # correctly as text with datetime('now').
    """
    CREATE TRIGGER evidence_bundles_retained BEFORE DELETE ON evidence_bundles
    WHEN OLD.retain_until >= datetime('now')
    BEGIN SELECT RAISE(ABORT, 'evidence bundle is sealed until its retention period ends'); END
    """,
]


def upgrade() -> None:
    op.create_table(
        "console_users",
        sa.Column("id", ID, nullable=False),
        sa.Column("username", sa.String(64), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(32), nullable=False),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_console_users")),
        sa.UniqueConstraint("username", name=op.f("uq_console_users_username")),
    )
    op.create_table(
        "console_sessions",
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.Column("expires_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["console_users.id"],
            name=op.f("fk_console_sessions_user_id_console_users"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_console_sessions")),
    )
    op.create_index("ix_console_sessions_user_id", "console_sessions", ["user_id"])
    op.create_table(
        "cases",
        sa.Column("id", ID, nullable=False),
        sa.Column("suspect_account_id", ID, nullable=False),
        sa.Column("open_suspect_key", ID, nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("priority", sa.String(4), nullable=False),
        sa.Column("priority_rank", sa.Integer(), nullable=False),
        sa.Column("priority_score", sa.Float(), nullable=False),
        sa.Column("priority_reasons", sa.JSON(), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("victim_account_ids", sa.JSON(), nullable=False),
        sa.Column("youngest_age_band", sa.String(16), nullable=False),
        sa.Column("max_score", sa.Float(), nullable=True),
        sa.Column("item_count", sa.Integer(), nullable=False),
        sa.Column("opened_at", TS, nullable=False),
        sa.Column("last_activity_at", TS, nullable=False),
        sa.Column("sla_due_at", TS, nullable=False),
        sa.Column("first_action_at", TS, nullable=True),
        sa.Column("first_action_seconds", sa.Float(), nullable=True),
        sa.Column("first_action_within_sla", sa.Boolean(), nullable=True),
        sa.Column("closed_at", TS, nullable=True),
        sa.Column("updated_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["suspect_account_id"],
            ["accounts.id"],
            name=op.f("fk_cases_suspect_account_id_accounts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("open_suspect_key", name=op.f("uq_cases_open_suspect_key")),
    )
    op.create_index("ix_cases_queue", "cases", ["status", "priority_rank", "sla_due_at"])
    op.create_index("ix_cases_suspect", "cases", ["suspect_account_id"])
    op.create_table(
        "case_items",
        sa.Column("id", SEQUENCE, autoincrement=True, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", ID, nullable=False),
        sa.Column("victim_account_ids", sa.JSON(), nullable=False),
        sa.Column("cues", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("occurred_at", TS, nullable=False),
        sa.Column("added_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_items_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_items")),
        sa.UniqueConstraint("source", "source_id", name="uq_case_items_source"),
    )
    op.create_index("ix_case_items_case_id", "case_items", ["case_id"])
    op.create_table(
        "reports",
        sa.Column("id", ID, nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("reporter_account_id", ID, nullable=False),
        sa.Column("reported_account_id", ID, nullable=False),
        sa.Column("reporter_age_band", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("surface", sa.String(32), nullable=False),
        sa.Column("conversation_id", ID, nullable=True),
        sa.Column("message_ids", sa.JSON(), nullable=False),
        sa.Column("details", sa.Text(), nullable=True),
        sa.Column("api_key_id", ID, nullable=True),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["reporter_account_id"],
            ["accounts.id"],
            name=op.f("fk_reports_reporter_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(
            ["reported_account_id"],
            ["accounts.id"],
            name=op.f("fk_reports_reported_account_id_accounts"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_reports_case_id_cases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("reference", name=op.f("uq_reports_reference")),
    )
    op.create_index("ix_reports_case_id", "reports", ["case_id"])
    op.create_index("ix_reports_created", "reports", ["created_at"])
    op.create_table(
        "case_actions",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("actor_user_id", ID, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("priority", sa.String(4), nullable=False),
        sa.Column("severity", sa.String(32), nullable=False),
        sa.Column("automated_detection", sa.Boolean(), nullable=False),
        sa.Column("created_at", TS, nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_actions_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["console_users.id"],
            name=op.f("fk_case_actions_actor_user_id_console_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_actions")),
    )
    op.create_index("ix_case_actions_case_id", "case_actions", ["case_id"])
    op.create_index("ix_case_actions_created", "case_actions", ["created_at"])
    op.create_table(
        "referrals",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", ID, nullable=False),
        sa.Column("requested_at", TS, nullable=False),
        sa.Column("decided_by", ID, nullable=True),
        sa.Column("decided_at", TS, nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_referrals_case_id_cases")),
        sa.ForeignKeyConstraint(
            ["requested_by"],
            ["console_users.id"],
            name=op.f("fk_referrals_requested_by_console_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"],
            ["console_users.id"],
            name=op.f("fk_referrals_decided_by_console_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referrals")),
    )
    op.create_index("ix_referrals_case_id", "referrals", ["case_id"])
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("last_seq", SEQUENCE, nullable=False),
        sa.Column("last_hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(audit_head, [{"id": 1, "last_seq": 0, "last_hash": GENESIS_HASH}])
    op.create_table(
        "audit_log",
        sa.Column("seq", SEQUENCE, autoincrement=False, nullable=False),
        sa.Column("at", TS, nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("target_type", sa.String(32), nullable=False),
        sa.Column("target_id", ID, nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_log")),
        sa.UniqueConstraint("hash", name=op.f("uq_audit_log_hash")),
    )
    op.create_index("ix_audit_log_target", "audit_log", ["target_type", "target_id"])
    op.create_table(
        "evidence_bundles",
        sa.Column("id", ID, nullable=False),
        sa.Column("case_id", ID, nullable=False),
        sa.Column("sealed_by", ID, nullable=False),
        sa.Column("sealed_at", TS, nullable=False),
        sa.Column("retain_until", TS, nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("manifest", sa.JSON(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_evidence_bundles_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_bundles")),
    )
    op.create_index("ix_evidence_bundles_case_id", "evidence_bundles", ["case_id"])
    guards = POSTGRES_GUARDS if op.get_bind().dialect.name == "postgresql" else SQLITE_GUARDS
    for statement in guards:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS evidence_bundles_sealed ON evidence_bundles")
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS childsafe_evidence_sealed()")
        op.execute("DROP FUNCTION IF EXISTS childsafe_audit_append_only()")
    for table in (
        "evidence_bundles",
        "audit_log",
        "audit_head",
        "referrals",
        "case_actions",
        "reports",
        "case_items",
        "cases",
        "console_sessions",
        "console_users",
    ):
        op.drop_table(table)
