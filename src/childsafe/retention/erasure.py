"""Erasure of one account (`DELETE /v1/accounts/{id}`): everything about it goes, except what
a case, alert, report or sealed evidence legally needs, and the record says which is which.

Deleted: its connections; messages and images it sent or received, with their conversations'
detector state (which quotes excerpts), in conversations without an alert, report or hash
match. If nothing kept still names the account, the account (and so its settings) goes too;
otherwise only its id and age band stay (cases are prioritised and referred by age band) and its
display name and settings are cleared. Kept conversations follow their case's retention.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.accounts import UnknownAccount
from childsafe.retention.scope import array_holds, protected_among
from childsafe.store.tables.cases import Case, Report
from childsafe.store.tables.hashbanks import StoredMedia
from childsafe.store.tables.service import (
    Account,
    Alert,
    Connection,
    ConversationState,
    StoredMessage,
)


@dataclass(frozen=True, slots=True)
class Erasure:
    account_id: str
    account_deleted: bool
    deleted: dict[str, int]
    kept: dict[str, int]
    kept_because: list[str] = field(default_factory=list)
    audit_seq: int = 0

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _count(session: Session, statement: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(statement.subquery())) or 0)


def _deleted(session: Session, statement: Any) -> int:
    return int(session.execute(statement).rowcount)  # type: ignore[attr-defined]


def _references(session: Session, account_id: str) -> list[str]:
    """Why the account row must stay: what still names it after the deletions."""
    reasons = []
    cases = _naming(session, Case, account_id)
    if cases:
        reasons.append(f"named in {cases} case(s)")
    alerts = _naming(session, Alert, account_id)
    if alerts:
        reasons.append(f"named in {alerts} alert(s)")
    reports = _count(
        session,
        select(Report.id).where(
            or_(Report.reporter_account_id == account_id, Report.reported_account_id == account_id)
        ),
    )
    if reports:
        reasons.append(f"party to {reports} report(s)")
    return reasons


def _naming(session: Session, table: type[Case] | type[Alert], account_id: str) -> int:
    """How many rows of `table` name the account as suspect or victim."""
    return _count(
        session,
        select(table.id).where(
            or_(
                table.suspect_account_id == account_id,
                array_holds(session, table.victim_account_ids, account_id),
            )
        ),
    )


def erase_account(session: Session, account_id: str, *, actor: str) -> Erasure:
    """Erase in the caller's transaction and audit it there (both commit or neither)."""
    audit.serialise_writes(session)  # the audit head's lock before the account's row
    account = session.get(Account, account_id, with_for_update=True)
    if account is None:
        raise UnknownAccount(f"unknown account {account_id!r}")
    its_messages = or_(
        StoredMessage.sender_id == account_id,
        array_holds(session, StoredMessage.recipient_ids, account_id),
    )
    its_media = or_(
        StoredMedia.sender_id == account_id,
        array_holds(session, StoredMedia.recipient_ids, account_id),
    )
    conversations = set(
        session.scalars(select(StoredMessage.conversation_id).where(its_messages).distinct())
    ) | set(session.scalars(select(StoredMedia.conversation_id).where(its_media).distinct()))
    kept_conversations = protected_among(session, conversations)
    erasable = conversations - kept_conversations
    deleted = {
        "connections": _deleted(
            session,
            delete(Connection).where(
                or_(Connection.account_a == account_id, Connection.account_b == account_id)
            ),
        ),
        "messages": _deleted(
            session,
            delete(StoredMessage).where(its_messages, StoredMessage.conversation_id.in_(erasable)),
        ),
        "media": _deleted(
            session,
            delete(StoredMedia).where(
                its_media,
                StoredMedia.conversation_id.in_(erasable),
                StoredMedia.evidence_preserved.is_(False),
            ),
        ),
        "conversation_states": _deleted(
            session,
            delete(ConversationState).where(ConversationState.conversation_id.in_(erasable)),
        ),
    }
    kept = {
        "messages": _count(session, select(StoredMessage.id).where(its_messages)),
        "media": _count(session, select(StoredMedia.id).where(its_media)),
    }
    kept_because = _references(session, account_id)
    if kept["messages"] or kept["media"]:
        kept_because.append(
            f"{kept['messages']} message(s) and {kept['media']} image(s) in "
            f"{len(kept_conversations)} conversation(s) under an alert, report or hash match"
        )
    account_deleted = not kept_because
    if account_deleted:
        session.delete(account)
    else:
        # Kept for the case: the id and age band. Nothing the account holder chose stays.
        account.display_name = None
        account.settings = {}
    session.flush()
    details = {
        "account_deleted": account_deleted,
        "deleted": deleted,
        "kept": kept,
        "kept_because": kept_because,
        "kept_fields": [] if account_deleted else ["id", "age_band", "created_at"],
    }
    seq = audit.record(
        session,
        actor=actor,
        action="account.erased",
        target_type="account",
        target_id=account_id,
        details=details,
    )
    return Erasure(account_id, account_deleted, deleted, kept, kept_because, seq)
