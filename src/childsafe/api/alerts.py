"""GET /v1/alerts: alerts newest first, filterable, paginated with an opaque cursor."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel
from sqlalchemy import and_, or_, select

from childsafe.api.auth import ModerationKey
from childsafe.api.cursors import decode_cursor, encode_cursor
from childsafe.api.deps import DatabaseDep, strict_query
from childsafe.api.errors import error_responses
from childsafe.api.fields import IsoDatetime, PlatformId
from childsafe.model.clock import as_utc
from childsafe.store.tables.service import Alert

router = APIRouter(prefix="/v1/alerts", tags=["alerts"], dependencies=[Depends(strict_query)])


class AlertOut(BaseModel):
    id: str
    conversation_id: str
    suspect_account_id: str
    victim_account_ids: list[str]
    message_id: str
    priority: Literal["low", "medium", "high"]
    score: float
    rules: list[str]
    cues: list[str]
    reasons: list[dict[str, Any]]
    created_at: datetime


class AlertPage(BaseModel):
    alerts: list[AlertOut]
    next_cursor: str | None


def _out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        conversation_id=alert.conversation_id,
        suspect_account_id=alert.suspect_account_id,
        victim_account_ids=alert.victim_account_ids,
        message_id=alert.message_id,
        priority=alert.priority,  # type: ignore[arg-type]
        score=alert.score,
        rules=alert.rules,
        cues=alert.cues,
        reasons=alert.reasons,
        created_at=as_utc(alert.created_at),
    )


@router.get("", response_model=AlertPage, responses=error_responses())
def list_alerts(
    database: DatabaseDep,
    _key: ModerationKey,
    conversation_id: Annotated[PlatformId | None, Query()] = None,
    suspect_account_id: Annotated[PlatformId | None, Query()] = None,
    priority: Literal["low", "medium", "high"] | None = None,
    since: Annotated[IsoDatetime | None, Query(description="created at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> AlertPage:
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit + 1)
    if conversation_id is not None:
        query = query.where(Alert.conversation_id == conversation_id)
    if suspect_account_id is not None:
        query = query.where(Alert.suspect_account_id == suspect_account_id)
    if priority is not None:
        query = query.where(Alert.priority == priority)
    if since is not None:
        query = query.where(Alert.created_at >= as_utc(since))
    if cursor is not None:
        created, alert_id = decode_cursor(cursor)
        query = query.where(
            or_(Alert.created_at < created, and_(Alert.created_at == created, Alert.id < alert_id))
        )
    with database.session() as session:
        rows = list(session.scalars(query))
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor(page[-1].created_at, page[-1].id)
    return AlertPage(alerts=[_out(a) for a in page], next_cursor=next_cursor)


@router.get("/{alert_id}", response_model=AlertOut, responses=error_responses(404))
def get_alert(
    alert_id: Annotated[str, Path(max_length=128)], database: DatabaseDep, _key: ModerationKey
) -> AlertOut:
    with database.session() as session:
        alert = session.get(Alert, alert_id)
        if alert is None:
            raise HTTPException(404, f"unknown alert {alert_id!r}")
        return _out(alert)
