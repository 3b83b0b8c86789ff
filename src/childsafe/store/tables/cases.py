"""Cases area tables: cases, their cues (one row each) and what they merge, children's
reports, moderator actions and referrals, the hash-chained audit log, sealed evidence bundles,
console users and sessions, reviews of held messages and users' appeals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from childsafe.model.clock import utcnow
from childsafe.store.db import Base

ID = String(128)
# SQLite only auto-increments an INTEGER PRIMARY KEY; PostgreSQL wants BIGINT for the audit log.
SEQUENCE = BigInteger().with_variant(Integer(), "sqlite")


class Case(Base):
    """Everything known about one suspect account, merged: alerts, reports, hash matches."""

    __tablename__ = "cases"
    __table_args__ = (
        # The queue: open cases by priority, then the SLA clock. Its counts and filters are
        # answered from the queue's indexes alone: `id` ends each order's tie and lets the cue
        # and source filters (cases.id IN ...) be checked without reading the row.
        Index(
            "ix_cases_queue",
            "status",
            "priority_rank",
            "sla_due_at",
            "id",
            "first_action_at",
            "assigned_to",
        ),
        Index("ix_cases_suspect", "suspect_account_id"),
        # Transparency: time to first decision per period, read from the index alone.
        Index(
            "ix_cases_first_action",
            "first_action_at",
            "first_action_seconds",
            "first_action_within_sla",
        ),
        # Triage: the other queue orders, "my cases" and the youngest age band.
        Index(
            "ix_cases_status_due", "status", "sla_due_at", "id", "first_action_at", "assigned_to"
        ),
        Index(
            "ix_cases_status_opened",
            "status",
            "opened_at",
            "id",
            "sla_due_at",
            "first_action_at",
            "assigned_to",
        ),
        Index(
            "ix_cases_status_age_band",
            "status",
            "youngest_age_band",
            "priority_rank",
            "sla_due_at",
            "id",
            "first_action_at",
        ),
        Index("ix_cases_status_activity", "status", "last_activity_at"),
        Index("ix_cases_assignee", "assigned_to", "status"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    suspect_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    # Equal to suspect_account_id while the case is open, NULL once closed: the unique
    # constraint then allows one open case per suspect (NULLs never collide).
    open_suspect_key: Mapped[str | None] = mapped_column(ID, unique=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed
    outcome: Mapped[str | None] = mapped_column(String(32))
    priority: Mapped[str] = mapped_column(String(4))  # P1 (most urgent) .. P4
    priority_rank: Mapped[int] = mapped_column(Integer)  # 1..4, sorts the queue
    priority_score: Mapped[float] = mapped_column(Float)
    priority_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(32))  # the most severe cue seen
    cues: Mapped[list[str]] = mapped_column(JSON, default=list)
    victim_account_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    youngest_age_band: Mapped[str] = mapped_column(String(16))
    max_score: Mapped[float | None] = mapped_column(Float)
    item_count: Mapped[int] = mapped_column(Integer, default=0)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sla_due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Kept with the first action so transparency figures aggregate without date arithmetic.
    first_action_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    first_action_seconds: Mapped[float | None] = mapped_column(Float)
    first_action_within_sla: Mapped[bool | None] = mapped_column(Boolean)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Who works the case (triage: claim, assign, escalate); NULL when nobody has it.
    assigned_to: Mapped[str | None] = mapped_column(ID, ForeignKey("console_users.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class CaseItem(Base):
    """One alert, report or hash match merged into a case (each source id at most once)."""

    __tablename__ = "case_items"
    __table_args__ = (
        UniqueConstraint("source", "source_id", name="uq_case_items_source"),
        # The queue's source filter: the cases with an item from this source.
        Index("ix_case_items_source_case", "source", "case_id"),
    )

    id: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # alert | report | hash_match
    source_id: Mapped[str] = mapped_column(ID)
    victim_account_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    cues: Mapped[list[str]] = mapped_column(JSON, default=list)
    score: Mapped[float | None] = mapped_column(Float)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseCue(Base):
    """One cue (a grooming tactic, or what intake adds: a hash match, a child's report) of a
    case, one row each: the queue's cue filter reads this index rather than scanning every
    case's JSON list. Written by intake with the case's cues, in the same transaction."""

    __tablename__ = "case_cues"
    # The filter asks "which cases carry this cue": by cue first.
    __table_args__ = (Index("ix_case_cues_cue", "cue", "case_id"),)

    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), primary_key=True)
    cue: Mapped[str] = mapped_column(String(64), primary_key=True)


class Report(Base):
    """A user's report (usually a child's), in their own words, with the feedback we owe them."""

    __tablename__ = "reports"
    # Covers the transparency breakdowns (period, category, age band, surface).
    __table_args__ = (
        Index("ix_reports_created", "created_at", "category", "reporter_age_band", "surface"),
        # A report page link finds the report already sent about its conversation.
        Index(
            "ix_reports_conversation",
            "reporter_account_id",
            "reported_account_id",
            "conversation_id",
        ),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    reference: Mapped[str] = mapped_column(String(16), unique=True)  # what the reporter sees
    reporter_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    reported_account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    reporter_age_band: Mapped[str] = mapped_column(String(16))  # at the time of the report
    category: Mapped[str] = mapped_column(String(32))
    surface: Mapped[str] = mapped_column(String(32))  # chat | profile | image | live | other
    conversation_id: Mapped[str | None] = mapped_column(ID)
    message_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    details: Mapped[str | None] = mapped_column(Text)
    api_key_id: Mapped[str | None] = mapped_column(ID)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseAction(Base):
    """A decision a moderator took on a case (dismiss, warn, restrict, suspend, preserve, refer)."""

    __tablename__ = "case_actions"
    # Covers the transparency counts (period, kind).
    __table_args__ = (Index("ix_case_actions_created", "created_at", "kind"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    # Who decided, as the audit log names them: user:<id> (console) or api:<key id> (API);
    # actor_user_id is set for console users only.
    actor: Mapped[str] = mapped_column(ID)
    actor_user_id: Mapped[str | None] = mapped_column(ID, ForeignKey("console_users.id"))
    reason: Mapped[str] = mapped_column(Text)
    # Snapshot for transparency figures: the case's priority/severity when the action was taken.
    priority: Mapped[str] = mapped_column(String(4))
    severity: Mapped[str] = mapped_column(String(32))
    # Whether a detector (rather than a user report) brought the case to us.
    automated_detection: Mapped[bool] = mapped_column(Boolean, default=False)
    # Whether the decision itself was taken by automated means (a platform's tool over the
    # API says so); console decisions are human (DSA transparency counts both).
    automated_decision: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CaseNote(Base):
    """An internal note a moderator left on a case (never shown outside the console)."""

    __tablename__ = "case_notes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    author_user_id: Mapped[str] = mapped_column(ID, ForeignKey("console_users.id"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SavedView(Base):
    """A queue filter a moderator named and kept: the queue's query string, re-encoded."""

    __tablename__ = "saved_views"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_views_user_name"),)

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("console_users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Referral(Base):
    """A referral to the authorities: requested by one specialist, approved by a second."""

    __tablename__ = "referrals"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending|approved|rejected
    reason: Mapped[str] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(ID, ForeignKey("console_users.id"))
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(ID, ForeignKey("console_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditHead(Base):
    """The single row that serialises audit appends: its lock orders the chain."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(SEQUENCE, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditEntry(Base):
    """Append-only, hash-chained: hash = SHA-256(prev_hash + canonical JSON of the entry)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_target", "target_type", "target_id"),)

    seq: Mapped[int] = mapped_column(SEQUENCE, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(ID)  # user:<id> | api:<key id> | system
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[str] = mapped_column(ID)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class EvidenceBundle(Base):
    """A sealed copy of a case's messages and metadata with its SHA-256 manifest."""

    __tablename__ = "evidence_bundles"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    case_id: Mapped[str] = mapped_column(ID, ForeignKey("cases.id"), index=True)
    sealed_by: Mapped[str] = mapped_column(ID)
    sealed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    retain_until: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # name -> file text (JSON documents), exactly the bytes the manifest hashes (UTF-8).
    files: Mapped[dict[str, str]] = mapped_column(JSON)
    manifest: Mapped[dict[str, str]] = mapped_column(JSON)  # name -> SHA-256 hex
    manifest_sha256: Mapped[str] = mapped_column(String(64))


class ConsoleUser(Base):
    """A person who works in the moderator console; the password is stored argon2-hashed."""

    __tablename__ = "console_users"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(256))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ConsoleSession(Base):
    """A signed-in browser: the cookie carries the token, we keep only its SHA-256."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ID, ForeignKey("console_users.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LoginThrottle(Base):
    """Failed sign-ins for one account or one client address, and when the next may be tried.

    The key is "account:<username>" or "address:<client address>"; rows are claimed by a
    compare-and-set UPDATE on `failures` (cases/login_throttle.py), so concurrent attempts
    cannot slip past the limit.
    """

    __tablename__ = "login_throttle"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    next_allowed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_failure_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class HeldMessageReview(Base):
    """A moderator's review of a message the policy held: released (delivered) or confirmed
    (stays withheld). A message without a review is still waiting for one."""

    __tablename__ = "held_message_reviews"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    message_id: Mapped[str] = mapped_column(ID, ForeignKey("messages.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))  # released | confirmed
    reviewed_by: Mapped[str] = mapped_column(ID)  # user:<id> | api:<key id>
    reviewer_name: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text)
    reviewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Appeal(Base):
    """A user's complaint against a decision about them (DSA Art. 20): a case decision or an
    automated hold of their message, forwarded by the platform, decided by someone else than
    whoever took the original decision."""

    __tablename__ = "appeals"
    __table_args__ = (
        Index("ix_appeals_queue", "status", "received_at"),
        Index("ix_appeals_decided", "decided_at"),
    )

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    account_id: Mapped[str] = mapped_column(ID, ForeignKey("accounts.id"))
    subject_type: Mapped[str] = mapped_column(String(16))  # decision | held_message
    subject_id: Mapped[str] = mapped_column(ID)  # a case action id or a message id
    case_id: Mapped[str | None] = mapped_column(ID, ForeignKey("cases.id"))
    # What was appealed, for the figures: the decision's kind, or "automated_hold".
    ground: Mapped[str] = mapped_column(String(32))
    # Against a decision of automated detection (Ofcom ICU D11 complaints).
    against_automated: Mapped[bool] = mapped_column(Boolean, default=False)
    original_decider: Mapped[str] = mapped_column(ID)  # user:<id> | api:<key id> | system
    statement: Mapped[str] = mapped_column(Text)  # the user's own words
    contact_preference: Mapped[str | None] = mapped_column(String(32))
    api_key_id: Mapped[str] = mapped_column(ID)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | decided
    outcome: Mapped[str | None] = mapped_column(String(16))  # upheld | reversed | modified
    outcome_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(ID)
    decided_by_name: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_seconds: Mapped[float | None] = mapped_column(Float)
