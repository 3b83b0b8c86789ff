"""Reading back what a platform filed for its users (a report, an appeal): moderation reads all,
any other key only what it filed, so the platform can tell its user the outcome without reading
what other keys filed."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException

from childsafe.api.auth import KeyIdentity, KeyScope, require_scope

FilerOrModerationKey = Annotated[
    KeyIdentity, Depends(require_scope(KeyScope.INGEST, KeyScope.MODERATION))
]


def check_filer_or_moderation(key: KeyIdentity, filed_by_key: str | None, what: str) -> None:
    """403 unless `key` may moderate or is the key that filed it; `what` names what the key
    may read instead, e.g. "the reports it submitted"."""
    if KeyScope.MODERATION not in key.scopes and filed_by_key != key.id:
        raise HTTPException(403, f"this API key may read only {what} (moderation reads all)")
