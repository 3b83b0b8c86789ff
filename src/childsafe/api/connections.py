"""PUT/DELETE /v1/connections/{a}/{b}: a mutual connection (an accepted friend or message
request). Connected accounts can message each other directly. POST /v1/connections:batch
connects many pairs at once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe.accounts import SelfConnection, connect_accounts, ordered_pair
from childsafe.api.auth import IngestKey
from childsafe.api.batches import BatchIn, BatchOut, answer_batch, invalid_fields
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


class ConnectionItem(BaseModel):
    """One connection of a batch or an import file."""

    model_config = ConfigDict(extra="forbid")

    account_a: PlatformId
    account_b: PlatformId


def connection_record(raw: Any) -> tuple[str, str] | str:
    """A batch item or an import line as a pair of ids, or why it is invalid."""
    try:
        item = ConnectionItem.model_validate(raw)
    except ValidationError as error:
        return invalid_fields(error)
    return item.account_a, item.account_b


def _ordered(a: str, b: str) -> tuple[str, str]:
    try:
        return ordered_pair(a, b)
    except SelfConnection as error:
        raise HTTPException(422, str(error)) from error


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


@router.post(":batch", response_model=BatchOut, responses=error_responses())
def connect_many(body: BatchIn, database: DatabaseDep, _key: IngestKey) -> BatchOut:
    """Connect up to 5,000 pairs (`{"account_a": ..., "account_b": ...}` each), one transaction
    per 1,000. Each item gets its own result: `created`, `unchanged` (already connected) or
    `error` with the reason (an unknown account, an account paired with itself); a bad item
    never stops the others."""
    return answer_batch(database, body.items, connection_record, connect_accounts)


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
