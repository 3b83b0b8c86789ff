"""What a case, alert or report still needs: the conversations deletion must leave alone."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, Select, cast, exists, func, literal, select, union
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session

from childsafe.store.tables.cases import Report
from childsafe.store.tables.hashbanks import HashMatch, StoredMedia
from childsafe.store.tables.service import Alert, StoredMessage


def protected_conversations(session: Session) -> Select[Any]:
    """Conversation ids with an alert, a report (by its conversation or a message it names),
    or a hash-matched image: cases are opened from exactly these, so they are the evidence."""
    reported_ids = {
        message_id
        for ids in session.scalars(
            select(Report.message_ids).where(Report.message_ids.is_not(None))
        )
        for message_id in ids or ()
    }
    sources = [
        select(Alert.conversation_id),
        select(Report.conversation_id).where(Report.conversation_id.is_not(None)),
        select(StoredMedia.conversation_id).join(HashMatch, HashMatch.media_id == StoredMedia.id),
        select(StoredMessage.conversation_id).where(StoredMessage.id.in_(reported_ids)),
    ]
    protected = union(*sources).subquery()
    return select(protected.c[0])


def array_holds(session: Session, column: Any, value: str) -> ColumnElement[bool]:
    """`value` is one of the strings in the JSON array `column` (on either backend)."""
    if session.get_bind().dialect.name == "postgresql":
        return cast(column, JSONB).contains([value])
    items = func.json_each(column).table_valued("value")
    return exists(select(literal(1)).select_from(items).where(items.c.value == value))


def protected_among(session: Session, conversation_ids: Collection[str]) -> set[str]:
    """Those of `conversation_ids` that a case, alert or report needs."""
    if not conversation_ids:
        return set()
    protected = protected_conversations(session).subquery()
    column = protected.c[0]
    return set(session.scalars(select(column).where(column.in_(conversation_ids))))
