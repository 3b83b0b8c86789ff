"""PUT/DELETE /v1/connections/{a}/{b}: a mutual connection (an accepted friend or message
request). Connected accounts can message each other directly."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe.api.auth import IngestKey
from childsafe.api.deps import DatabaseDep, strict_query
from childsafe.api.errors import MAX_BODY_BYTES, error_responses
from childsafe.api.fields import PlatformId
from childsafe.model.clock import as_utc
from childsafe.store.tables.service import Account, Connection

router = APIRouter(
    prefix="/v1/connections",
    tags=["connections"],
    max_body_size=MAX_BODY_BYTES,
    dependencies=[Depends(strict_query)],
)

AccountId = Annotated[PlatformId, Path()]


class ConnectionOut(BaseModel):
    account_a: str
    account_b: str
    created_at: datetime


def _ordered(a: str, b: str) -> tuple[str, str]:
    if a == b:
        raise HTTPException(422, "an account cannot be connected to itself")
    return (a, b) if a < b else (b, a)


def _require_accounts(session: Session, *account_ids: str) -> None:
    found = set(session.scalars(select(Account.id).where(Account.id.in_(account_ids))))
    missing = sorted(set(account_ids) - found)
    if missing:
        raise HTTPException(404, f"unknown account(s): {', '.join(missing)}")


@router.put(
    "/{a}/{b}",
    response_model=ConnectionOut,
    responses={201: {"model": ConnectionOut, "description": "connected"}, **error_responses(404)},
)
def connect(
    a: AccountId, b: AccountId, database: DatabaseDep, response: Response, _key: IngestKey
) -> ConnectionOut:
    """Connect two accounts (idempotent)."""
    first, second = _ordered(a, b)
    for attempt in range(2):
        try:
            with database.session() as session:
                _require_accounts(session, first, second)
                connection = session.get(Connection, (first, second))
                if connection is None:
                    connection = Connection(account_a=first, account_b=second)
                    session.add(connection)
                    session.flush()
                    response.status_code = status.HTTP_201_CREATED
                return ConnectionOut(
                    account_a=first, account_b=second, created_at=as_utc(connection.created_at)
                )
        except IntegrityError:  # connected concurrently, or an account was just deleted
            if attempt:
                raise
    raise AssertionError("unreachable")


@router.delete(
    "/{a}/{b}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(404),
)
def disconnect(a: AccountId, b: AccountId, database: DatabaseDep, _key: IngestKey) -> Response:
    """Remove a connection (idempotent): new messages between them go through the gate again."""
    first, second = _ordered(a, b)
    with database.session() as session:
        _require_accounts(session, first, second)
        connection = session.get(Connection, (first, second))
        if connection is not None:
            session.delete(connection)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
