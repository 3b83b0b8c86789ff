"""The audit log as the console shows it: filtered by who, what, which case and when, newest
first, a page at a time, with actors named as people read them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from childsafe.cases.queries import actor_names
from childsafe.store.tables.cases import AuditEntry, ConsoleUser

AUDIT_PAGE = 100


@dataclass(frozen=True, slots=True)
class AuditFilter:
    actor: str = ""  # a console username or display name, or an actor as logged (api:<key>)
    action: str = ""  # an action ("case.assigned") or its area ("case")
    case_id: str = ""
    start: date | None = None
    end: date | None = None  # included
    before: int | None = None  # the page: entries older than this one


@dataclass(frozen=True, slots=True)
class AuditPage:
    entries: Sequence[AuditEntry]  # newest first
    names: dict[str, str]  # actor -> display name
    older: int | None  # the `before` of the next page, None on the last


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def audit_page(session: Session, chosen: AuditFilter) -> AuditPage:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(AUDIT_PAGE + 1)
    if chosen.actor:
        users = select(ConsoleUser.id).where(
            or_(ConsoleUser.username == chosen.actor, ConsoleUser.display_name == chosen.actor)
        )
        actors = [f"user:{user_id}" for user_id in session.scalars(users)]
        query = query.where(AuditEntry.actor.in_([chosen.actor, *actors]))
    if chosen.action:
        query = query.where(
            or_(
                AuditEntry.action == chosen.action,
                AuditEntry.action.startswith(chosen.action + "."),
            )
        )
    if chosen.case_id:
        query = query.where(
            AuditEntry.target_type == "case", AuditEntry.target_id == chosen.case_id
        )
    if chosen.start:
        query = query.where(AuditEntry.at >= _day_start(chosen.start))
    if chosen.end:
        query = query.where(AuditEntry.at < _day_start(chosen.end + timedelta(days=1)))
    if chosen.before is not None:
        query = query.where(AuditEntry.seq < chosen.before)
    found = session.scalars(query).all()
    entries = found[:AUDIT_PAGE]
    return AuditPage(
        entries=entries,
        names=actor_names(session, {entry.actor for entry in entries}),
        older=entries[-1].seq if len(found) > AUDIT_PAGE else None,
    )
