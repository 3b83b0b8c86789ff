"""GET /v1/cases, GET /v1/cases/{id} and POST /v1/cases/{id}/decisions: cases and decisions
for platforms with their own moderation tools (scope `moderation`).

A key decides as a moderator, by the console's rules (cases/actions.py), audited as
`api:<key id>`; referrals to the authorities need two specialists in the console, so `refer`
is refused here (403).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from childsafe.api.auth import ModerationKey
from childsafe.api.cursors import decode_cursor, encode_cursor
from childsafe.api.deps import DatabaseDep, in_one_transaction, strict_query
from childsafe.api.errors import error_responses
from childsafe.api.fields import IsoDatetime, PlatformId
from childsafe.cases.actions import (
    ACTIONS,
    ENFORCEMENT,
    MAX_REASON,
    ActionRefused,
    Decider,
    close_case,
    take_action,
)
from childsafe.cases.case_documents import CaseFilter, case_document, list_cases
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import Case

router = APIRouter(prefix="/v1/cases", tags=["cases"], dependencies=[Depends(strict_query)])

CaseId = Annotated[str, Path(max_length=128)]
REFERRAL_REFUSED = (
    "referrals to the authorities are not taken over the API: a child-safety specialist "
    "requests one in the console and a second specialist approves it"
)


class CasePage(BaseModel):
    cases: list[dict[str, Any]]
    next_cursor: str | None


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    decision: str = Field(
        min_length=1,
        max_length=16,
        description=f"one of {', '.join((*ACTIONS, 'close'))} ('refer' is console-only)",
    )
    reason: str = Field(min_length=1, max_length=MAX_REASON, description="kept in the audit log")
    automated: bool = Field(
        False, description="true when your tool took the decision without a person"
    )


class DecisionOut(BaseModel):
    case_id: str
    decision: str
    decision_id: str | None
    enforcement: str | None
    status: str
    decided_by: str
    decided_at: datetime


def decider(key: ModerationKey) -> Decider:
    """The key that authenticated, never anything the body says."""
    return Decider.api_key(key.id, key.name)


KeyDecider = Annotated[Decider, Depends(decider)]


@router.get("", response_model=CasePage, responses=error_responses())
def get_cases(
    database: DatabaseDep,
    _key: ModerationKey,
    status: Literal["open", "in_progress", "closed"] | None = None,
    priority: Literal["P1", "P2", "P3", "P4"] | None = None,
    suspect: Annotated[PlatformId | None, Query(description="the suspect's account id")] = None,
    since: Annotated[IsoDatetime | None, Query(description="opened at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
) -> CasePage:
    where = CaseFilter(status, priority, suspect, since)
    after = decode_cursor(cursor) if cursor is not None else None
    with database.session() as session:
        listing = list_cases(session, where, limit, after)
    next_cursor = encode_cursor(*listing.last) if listing.last else None
    return CasePage(cases=listing.cases, next_cursor=next_cursor)


@router.get("/{case_id}", responses=error_responses(404))
def get_case(case_id: CaseId, database: DatabaseDep, _key: ModerationKey) -> dict[str, Any]:
    with database.session() as session:
        document = case_document(session, case_id)
    if document is None:
        raise HTTPException(404, f"unknown case {case_id!r}")
    return document


@router.post(
    "/{case_id}/decisions",
    response_model=DecisionOut,
    status_code=201,
    responses=error_responses(400, 403, 404, 409),
)
def decide(case_id: CaseId, body: DecisionIn, database: DatabaseDep, by: KeyDecider) -> DecisionOut:
    if body.decision == "refer":
        raise HTTPException(403, REFERRAL_REFUSED)
    return in_one_transaction(
        database, ActionRefused, lambda session: _record_decision(session, case_id, body, by)
    )


def _record_decision(session: Session, case_id: str, body: DecisionIn, by: Decider) -> DecisionOut:
    """The decision taken on the case; closing it is no action, so it has no decision id."""
    decided_at = utcnow()
    decision_id = None
    if body.decision == "close":
        close_case(session, case_id, by, body.reason)
    else:
        action = take_action(
            session, case_id, body.decision, by, body.reason, automated=body.automated
        )
        decision_id, decided_at = action.id, action.created_at
    return DecisionOut(
        case_id=case_id,
        decision=body.decision,
        decision_id=decision_id,
        enforcement=ENFORCEMENT.get(body.decision),
        status=session.get_one(Case, case_id).status,
        decided_by=by.actor,
        decided_at=as_utc(decided_at),
    )
