"""PUT/GET/DELETE /v1/accounts/{id}: register an account, read its effective (safe) settings,
erase it; POST /v1/accounts:batch registers many at once."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Response, status
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, create_model
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.accounts import (
    SETTINGS,
    AccountRecord,
    InvalidSetting,
    UnknownAccount,
    apply_changes,
    band_change_loosens,
    effective_settings,
    loosened_settings,
    register_accounts,
)
from childsafe.api.auth import IngestKey, KeyIdentity, KeyScope
from childsafe.api.batches import BatchIn, BatchOut, answer_batch, invalid_fields
from childsafe.api.deps import DatabaseDep, strict_query
from childsafe.api.errors import MAX_BODY_BYTES, error_responses
from childsafe.api.fields import IsoDatetime, PlatformId
from childsafe.model import AgeBand
from childsafe.model.clock import as_utc, utcnow
from childsafe.retention.erasure import erase_account
from childsafe.store.tables.service import Account

router = APIRouter(
    prefix="/v1/accounts",
    tags=["accounts"],
    max_body_size=MAX_BODY_BYTES,
    dependencies=[Depends(strict_query)],
)

AccountId = Annotated[PlatformId, Path(description="the platform's id")]

# One optional field per setting, its choices from childsafe.accounts (safest first).
_SETTING_FIELDS: dict[str, Any] = {
    s.name: (Literal[s.choices] | None, Field(default=None, description=s.description))
    for s in SETTINGS
}
SettingsIn: type[BaseModel] = create_model(
    "SettingsIn", __config__=ConfigDict(extra="forbid"), **_SETTING_FIELDS
)


class AccountIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    age_band: AgeBand = Field(description="unknown is treated as a child")
    display_name: str | None = Field(default=None, max_length=200)
    created_at: IsoDatetime | None = Field(
        default=None, description="when the account was opened on the platform (default: now)"
    )
    settings: SettingsIn | None = Field(  # type: ignore[valid-type]
        default=None, description="settings the account holder asked for"
    )
    notice_acknowledged: StrictBool = Field(
        default=False,
        description="the platform showed the child the supportive notice for a loosening",
    )


class AccountItem(AccountIn):
    """One account of a batch or an import file: PUT's body plus the id."""

    id: PlatformId


def account_record(raw: Any) -> AccountRecord | str:
    """A batch item or an import line as a record, or why it is invalid, field by field."""
    try:
        item = AccountItem.model_validate(raw)
    except ValidationError as error:
        return invalid_fields(error)
    return AccountRecord(
        id=item.id,
        age_band=item.age_band,
        display_name=item.display_name,
        created_at=item.created_at,
        settings=item.settings.model_dump(exclude_none=True) if item.settings else {},
        notice_acknowledged=item.notice_acknowledged,
    )


class SettingView(BaseModel):
    value: str
    default: str
    loosest_allowed: str
    standard: str


class SettingChangeOut(BaseModel):
    setting: str
    requested: str
    status: Literal["applied", "needs_notice", "refused"]
    message: str


class AccountOut(BaseModel):
    id: str
    age_band: AgeBand
    display_name: str | None
    created_at: datetime
    settings: dict[str, SettingView]
    changes: list[SettingChangeOut] = Field(
        default_factory=list, description="what happened to each requested setting"
    )


def _view(account: Account, changes: list[SettingChangeOut] | None = None) -> AccountOut:
    band = AgeBand(account.age_band)
    effective = effective_settings(band, account.settings)
    return AccountOut(
        id=account.id,
        age_band=band,
        display_name=account.display_name,
        created_at=as_utc(account.created_at),
        settings={
            s.name: SettingView(
                value=effective[s.name],
                default=s.defaults[band],
                loosest_allowed=s.loosest[band],
                standard=s.standard,
            )
            for s in SETTINGS
        },
        changes=changes or [],
    )


def _put(
    session: Session, account_id: str, body: AccountIn, key: KeyIdentity
) -> tuple[AccountOut, bool]:
    if session.get(Account, account_id) is not None:
        # An update may be audited: take the audit lock before the row, as every writer does.
        audit.serialise_writes(session)
    account = session.get(Account, account_id, with_for_update=True)
    created = account is None
    old_band = body.age_band if account is None else AgeBand(account.age_band)
    before = effective_settings(old_band, account.settings if account else {})
    band_loosens = old_band.is_child and band_change_loosens(old_band, body.age_band)
    if band_loosens and KeyScope.MODERATION not in key.scopes:
        raise HTTPException(
            403,
            f"age_band {old_band.value} -> {body.age_band.value} lowers a child's protection: "
            "it needs an API key with the moderation scope",
        )
    if account is None:
        account = Account(
            id=account_id,
            age_band=body.age_band.value,
            created_at=as_utc(body.created_at) if body.created_at else utcnow(),
            settings={},
        )
        session.add(account)
    account.age_band = body.age_band.value
    if body.display_name is not None:
        account.display_name = body.display_name
    if body.created_at is not None:
        account.created_at = as_utc(body.created_at)
    requested: dict[str, Any] = body.settings.model_dump(exclude_none=True) if body.settings else {}
    change = apply_changes(body.age_band, account.settings, requested, body.notice_acknowledged)
    account.settings = change.stored
    loosened = loosened_settings(before, change.effective) if old_band.is_child else {}
    if band_loosens or loosened:
        audit.record(
            session,
            actor=key.actor,
            action="account.protection_loosened",
            target_type="account",
            target_id=account.id,
            details={"age_band": [old_band.value, body.age_band.value], "settings": loosened},
        )
    session.flush()
    changes = [
        SettingChangeOut(
            setting=o.setting, requested=o.requested, status=o.status.value, message=o.message
        )
        for o in change.outcomes
    ]
    return _view(account, changes), created


@router.put(
    "/{account_id}",
    response_model=AccountOut,
    responses={201: {"model": AccountOut, "description": "registered"}, **error_responses()},
)
def put_account(
    account_id: AccountId,
    body: AccountIn,
    database: DatabaseDep,
    response: Response,
    key: IngestKey,
) -> AccountOut:
    """Register or update an account. A child's settings never go below their band's floor;
    a loosening needs `notice_acknowledged` after the platform showed the returned notice.
    Moving a child to an older band needs the moderation scope too; every loosening of a
    child's protection is audited under the key."""
    try:
        try:
            with database.session() as session:
                view, created = _put(session, account_id, body, key)
        except IntegrityError:  # registered concurrently by another request: update it
            with database.session() as session:
                view, created = _put(session, account_id, body, key)
    except InvalidSetting as error:
        raise HTTPException(422, str(error)) from error
    if created:
        response.status_code = status.HTTP_201_CREATED
    return view


@router.post(":batch", response_model=BatchOut, responses=error_responses())
def put_accounts(body: BatchIn, database: DatabaseDep, _key: IngestKey) -> BatchOut:
    """Register or update up to 5,000 accounts (each item is PUT's body plus `id`), one
    transaction per 1,000. Each item gets its own result: `created`, `updated`, `unchanged`
    or `error` with the reason; a bad item never stops the others. Lowering a child's
    protection (an older band, looser settings) is refused here: PUT audits it."""
    return answer_batch(database, body.items, account_record, register_accounts)


@router.get("/{account_id}", response_model=AccountOut, responses=error_responses(404))
def get_account(account_id: AccountId, database: DatabaseDep, _key: IngestKey) -> AccountOut:
    """The account with its effective settings, each with the standard it meets."""
    with database.session() as session:
        account = session.get(Account, account_id)
        if account is None:
            raise HTTPException(404, f"unknown account {account_id!r}")
        return _view(account)


class ErasureOut(BaseModel):
    account_id: str
    account_deleted: bool = Field(description="false: only id and age band stay, for a case")
    deleted: dict[str, int] = Field(description="rows deleted: connections, messages, media, ...")
    kept: dict[str, int] = Field(description="its messages and media a case or report needs")
    kept_because: list[str] = Field(description="why anything stays (empty when all went)")
    audit_seq: int = Field(description="the audit log entry recording the erasure")


@router.delete("/{account_id}", response_model=ErasureOut, responses=error_responses(404))
def delete_account(account_id: AccountId, database: DatabaseDep, key: IngestKey) -> ErasureOut:
    """Erase an account: its connections, settings, and the messages, images and detector
    state of its conversations, except what an alert, case, report or evidence needs (named
    in `kept_because`). Audited under the key."""
    try:
        with database.session() as session:
            erasure = erase_account(session, account_id, actor=key.actor)
    except UnknownAccount as error:
        raise HTTPException(404, str(error)) from error
    return ErasureOut(**erasure.as_dict())
