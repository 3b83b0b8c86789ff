"""A moderator's saved queue views: a name and the queue's filter, kept per user."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from childsafe.cases.actions import ActionRefused
from childsafe.cases.queue_filters import QueueFilter
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import SavedView

MAX_NAME = 80
MAX_VIEWS = 50


def save_view(session: Session, user_id: str, name: str, chosen: QueueFilter) -> SavedView:
    """Keep `chosen` (from its first page) under `name`, replacing a view of that name."""
    name = " ".join(name.split())
    if not name or len(name) > MAX_NAME:
        raise ActionRefused(f"name the view (1 to {MAX_NAME} characters)", 400)
    kept = {view.name: view for view in views_of(session, user_id)}
    query = chosen.query_string(page=1)
    if name in kept:
        kept[name].query = query
        return kept[name]
    if len(kept) >= MAX_VIEWS:
        raise ActionRefused(f"you have {MAX_VIEWS} saved views: delete one first", 400)
    view = SavedView(
        id="view_" + secrets.token_hex(8),
        user_id=user_id,
        name=name,
        query=query,
        created_at=utcnow(),
    )
    session.add(view)
    return view


def delete_view(session: Session, user_id: str, view_id: str) -> None:
    """Delete one of the user's own views (another user's id deletes nothing)."""
    session.execute(delete(SavedView).where(SavedView.id == view_id, SavedView.user_id == user_id))


def views_of(session: Session, user_id: str) -> Sequence[SavedView]:
    return session.scalars(
        select(SavedView).where(SavedView.user_id == user_id).order_by(SavedView.name)
    ).all()
