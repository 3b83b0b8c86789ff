"""What a platform files for its users (a report, an appeal): stored in one transaction before
it is acknowledged, and read back by moderation or by the key that filed it, so the platform
can tell its user the outcome without reading what other keys filed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException
from sqlalchemy.orm import Session

from childsafe.api.auth import KeyIdentity, KeyScope, require_scope
from childsafe.cases.actions import ActionRefused
from childsafe.cases.reports import ReportRejected
from childsafe.store.db import Database

Filed = TypeVar("Filed")

FilerOrModerationKey = Annotated[
    KeyIdentity, Depends(require_scope(KeyScope.INGEST, KeyScope.MODERATION))
]


def file_for_user(
    database: Database,
    refused: type[ActionRefused | ReportRejected],
    file: Callable[[Session], Filed],
) -> Filed:
    """`file` in one transaction, returned once committed (what we acknowledge is stored);
    the domain's `refused` becomes the HTTP error with its status and words."""
    try:
        with database.session() as session:
            return file(session)
    except refused as refusal:
        raise HTTPException(refusal.status, refusal.message) from refusal


def check_filer_or_moderation(key: KeyIdentity, filed_by_key: str | None, what: str) -> None:
    """403 unless `key` may moderate or is the key that filed it; `what` names what the key
    may read instead, e.g. "the reports it submitted"."""
    if KeyScope.MODERATION not in key.scopes and filed_by_key != key.id:
        raise HTTPException(403, f"this API key may read only {what} (moderation reads all)")
