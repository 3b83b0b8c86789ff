"""Platform API keys: `Authorization: Bearer <key>` on every /v1 route.

Keys are 256-bit random tokens; we store only their SHA-256 (a slow password hash adds nothing
for a secret with that much entropy, and a fast one keeps the per-request cost tiny).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.store.db import Database
from childsafe.store.tables.service import ApiKey

KEY_PREFIX = "cs_"
# A revoked key stops working within this many seconds (lookups are cached per process).
CACHE_SECONDS = 5.0

bearer = HTTPBearer(
    auto_error=False, description="A platform API key from `childsafe apikey create`."
)


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: str
    name: str
    key: str  # shown once, never stored


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(session: Session, name: str) -> IssuedKey:
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(id="key_" + secrets.token_hex(8), name=name, key_hash=hash_key(key))
    session.add(record)
    return IssuedKey(id=record.id, name=name, key=key)


def revoke_api_key(session: Session, key_id: str) -> bool:
    record = session.get(ApiKey, key_id)
    if record is None:
        return False
    record.revoked = True
    return True


def _lookup(database: Database, key_hash: str) -> str | None:
    with database.session() as session:
        record = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
    if record is None or record.revoked:
        return None
    # The index lookup found it by hash; compare again in constant time before trusting it.
    return record.id if hmac.compare_digest(record.key_hash, key_hash) else None


class _KeyCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[str | None, float]] = {}

    def get(self, key_hash: str) -> tuple[bool, str | None]:
        entry = self._entries.get(key_hash)
        if entry is None or entry[1] < time.monotonic():
            return False, None
        return True, entry[0]

    def put(self, key_hash: str, key_id: str | None) -> None:
        if len(self._entries) > 10_000:  # wrong keys must not grow memory without bound
            self._entries.clear()
        self._entries[key_hash] = (key_id, time.monotonic() + CACHE_SECONDS)


def _cache(app: Any) -> _KeyCache:
    cache: _KeyCache | None = getattr(app.state, "api_key_cache", None)
    if cache is None:
        cache = app.state.api_key_cache = _KeyCache()
    return cache


def cached_key_id(app: Any, authorization: str) -> str | None:
    """The key id for an `Authorization` header value when a recent lookup found it valid;
    None when it is unknown, invalid, revoked or not cached (then `require_api_key` decides)."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return _cache(app).get(hash_key(token))[1]


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"}
    )


async def require_api_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
) -> str:
    """Dependency for every /v1 router; returns the id of the calling platform's key."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    key_hash = hash_key(credentials.credentials)
    cache = _cache(request.app)
    found, key_id = cache.get(key_hash)
    if not found:
        key_id = await run_in_threadpool(_lookup, request.app.state.database, key_hash)
        cache.put(key_hash, key_id)
    if key_id is None:
        raise _unauthorized("invalid or revoked API key")
    return key_id


ApiKeyDep = Annotated[str, Depends(require_api_key)]
