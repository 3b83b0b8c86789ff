"""Internal notes on a case: what a moderator wants colleagues to know. Each note is kept and
audited (its text in the audit entry), so the case's timeline shows it."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cases.actions import MAX_REASON, ActionRefused, actor_id, locked_case, require
from childsafe.cases.roles import Permission
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import CaseNote, ConsoleUser


def add_note(session: Session, case_id: str, user: ConsoleUser, text: str) -> CaseNote:
    require(user, Permission.ACT)
    text = text.strip()
    if not text:
        raise ActionRefused("write the note first", 400)
    if len(text) > MAX_REASON:
        raise ActionRefused(f"the note is too long (at most {MAX_REASON} characters)", 400)
    case = locked_case(session, case_id)
    note = CaseNote(
        id="note_" + secrets.token_hex(8),
        case_id=case.id,
        author_user_id=user.id,
        text=text,
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    audit.record(
        session,
        actor=actor_id(user),
        action="case.note_added",
        target_type="case",
        target_id=case.id,
        details={"note_id": note.id, "note": text},
    )
    return note


class WrittenNote(NamedTuple):
    note: CaseNote
    by: str  # the author's display name


def notes_of(session: Session, case_id: str) -> Sequence[WrittenNote]:
    """The case's notes, oldest first."""
    return [
        WrittenNote(note, by)
        for note, by in session.execute(
            select(CaseNote, ConsoleUser.display_name)
            .join(ConsoleUser, ConsoleUser.id == CaseNote.author_user_id)
            .where(CaseNote.case_id == case_id)
            .order_by(CaseNote.created_at, CaseNote.id)
        ).all()
    ]
