"""POST /v1/appeals (the platform forwards a user's appeal against a decision about their
account or the automated hold of their message; scope `ingest`) and GET /v1/appeals/{id}
(its status and outcome: for moderation, or for the key that filed it)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Path
from pydantic import BaseModel, ConfigDict, Field

from childsafe.api.auth import IngestKey
from childsafe.api.deps import DatabaseDep, in_one_transaction
from childsafe.api.errors import error_responses
from childsafe.api.fields import PlatformId
from childsafe.api.filings import FilerOrModerationKey, check_filer_or_moderation
from childsafe.cases.actions import ActionRefused
from childsafe.cases.appeals import MAX_STATEMENT, NEXT_STEPS, STATUS_WORDS, file_appeal
from childsafe.model.clock import as_utc
from childsafe.store.tables.cases import Appeal

router = APIRouter(prefix="/v1/appeals", tags=["appeals"])


class AppealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: PlatformId = Field(description="the account the decision is about")
    subject_type: Literal["decision", "held_message"] = Field(
        description="a case decision (its decision_id from case.decided) or a held message"
    )
    subject_id: PlatformId = Field(description="the decision id or the held message's id")
    statement: str = Field(
        min_length=1, max_length=MAX_STATEMENT, description="the user's own words"
    )
    contact_preference: Literal["in_app", "email", "none"] | None = None


class AppealReceipt(BaseModel):
    id: str
    status: str
    next_steps: str
    received_at: datetime


class AppealStatus(BaseModel):
    id: str
    account_id: str
    subject_type: str
    subject_id: str
    status: str = Field(description="pending | decided")
    outcome: str | None = Field(description="upheld | reversed | modified, once decided")
    words: str = Field(description="the status in plain words for the user")
    reason: str | None = Field(description="why, once decided")
    received_at: datetime
    decided_at: datetime | None


@router.post(
    "", response_model=AppealReceipt, status_code=201, responses=error_responses(400, 404, 409)
)
def create_appeal(body: AppealIn, database: DatabaseDep, key: IngestKey) -> AppealReceipt:
    appeal = in_one_transaction(
        database,
        ActionRefused,
        lambda session: file_appeal(
            session,
            account_id=body.account_id,
            subject_type=body.subject_type,
            subject_id=body.subject_id,
            statement=body.statement,
            contact_preference=body.contact_preference,
            api_key_id=key.id,
        ),
    )
    return AppealReceipt(
        id=appeal.id,
        status=appeal.status,
        next_steps=NEXT_STEPS.replace("{id}", appeal.id),
        received_at=as_utc(appeal.received_at),
    )


@router.get("/{appeal_id}", response_model=AppealStatus, responses=error_responses(403, 404))
def get_appeal(
    appeal_id: Annotated[str, Path(max_length=128)],
    database: DatabaseDep,
    key: FilerOrModerationKey,
) -> AppealStatus:
    with database.session() as session:
        appeal = session.get(Appeal, appeal_id)
    if appeal is None:
        raise HTTPException(404, f"unknown appeal {appeal_id!r}")
    check_filer_or_moderation(key, appeal.api_key_id, "the appeals it filed")
    return AppealStatus(
        id=appeal.id,
        account_id=appeal.account_id,
        subject_type=appeal.subject_type,
        subject_id=appeal.subject_id,
        status=appeal.status,
        outcome=appeal.outcome,
        words=STATUS_WORDS[appeal.outcome or appeal.status],
        reason=appeal.outcome_reason,
        received_at=as_utc(appeal.received_at),
        decided_at=as_utc(appeal.decided_at) if appeal.decided_at else None,
    )
