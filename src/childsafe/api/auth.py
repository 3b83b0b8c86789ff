"""Platform API keys: `Authorization: Bearer <key>` on every /v1 route, each route one scope.

Keys are 256-bit random tokens; we store only their SHA-256 (a slow password hash adds nothing
for a secret with that much entropy, and a fast one keeps the per-request cost tiny).
A key holds scopes (KeyScope); a route names the scope it needs with `require_scope`, so the
platform's ingest service can hold a key that reads nothing back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
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


class KeyScope(StrEnum):
    """What a key may do. Scopes do not imply each other: a key gets exactly those it is given."""

    # The platform's own writes: accounts, connections, messages, media uploads, reports.
    INGEST = "ingest"
    # Reads of alerts, reports, media and matches; hash-match feedback; raising a child's band.
    MODERATION = "moderation"
    # Keys and hash banks. Both are managed with the CLI today, so no /v1 route asks for it.
    ADMIN = "admin"


DEFAULT_SCOPES = frozenset({KeyScope.INGEST})


@dataclass(frozen=True, slots=True)
class KeyIdentity:
    """The key a request authenticated with."""

    id: str
    name: str
    scopes: frozenset[KeyScope]

    @property
    def actor(self) -> str:
        """The key as the audit log names it (the same form reports use for their submitter)."""
        return f"api:{self.id}"


@dataclass(frozen=True, slots=True)
class IssuedKey:
    id: str
    name: str
    scopes: frozenset[KeyScope]
    key: str  # shown once, never stored


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def create_api_key(
    session: Session, name: str, scopes: Iterable[KeyScope] = DEFAULT_SCOPES
) -> IssuedKey:
    granted = frozenset(scopes)
    if not granted:
        raise ValueError("a key needs at least one scope")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    record = ApiKey(
        id="key_" + secrets.token_hex(8),
        name=name,
        key_hash=hash_key(key),
        scopes=sorted(granted),
    )
    session.add(record)
    return IssuedKey(id=record.id, name=name, scopes=granted, key=key)


def scopes_of(record: ApiKey) -> frozenset[KeyScope]:
    """The scopes a stored key holds; a value this version does not know grants nothing."""
    return frozenset(scope for scope in KeyScope if scope.value in record.scopes)


def revoke_api_key(session: Session, key_id: str) -> bool:
    record = session.get(ApiKey, key_id)
    if record is None:
        return False
    record.revoked = True
    return True


def _lookup(database: Database, key_hash: str) -> KeyIdentity | None:
    with database.session() as session:
        record = session.scalar(select(ApiKey).where(ApiKey.key_hash == key_hash))
    if record is None or record.revoked:
        return None
    # The index lookup found it by hash; compare again in constant time before trusting it.
    if not hmac.compare_digest(record.key_hash, key_hash):
        return None
    return KeyIdentity(id=record.id, name=record.name, scopes=scopes_of(record))


class _KeyCache:
    def __init__(self) -> None:
        self._entries: dict[str, tuple[KeyIdentity | None, float]] = {}

    def get(self, key_hash: str) -> tuple[bool, KeyIdentity | None]:
        entry = self._entries.get(key_hash)
        if entry is None or entry[1] < time.monotonic():
            return False, None
        return True, entry[0]

    def put(self, key_hash: str, identity: KeyIdentity | None) -> None:
        if len(self._entries) > 10_000:  # wrong keys must not grow memory without bound
            self._entries.clear()
        self._entries[key_hash] = (identity, time.monotonic() + CACHE_SECONDS)


def _cache(app: Any) -> _KeyCache:
    cache: _KeyCache | None = getattr(app.state, "api_key_cache", None)
    if cache is None:
        cache = app.state.api_key_cache = _KeyCache()
    return cache


def cached_key_holds(app: Any, authorization: str, scope: KeyScope) -> bool:
    """Whether a recent lookup found the key in an `Authorization` header value valid and
    holding `scope`; False when unknown, invalid, revoked, not cached or lacking the scope
    (then `require_scope` decides, with the documented 401 or 403)."""
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return False
    identity = _cache(app).get(hash_key(token))[1]
    return identity is not None and scope in identity.scopes


def _unauthorized(message: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail=message, headers={"WWW-Authenticate": "Bearer"}
    )


async def _authenticate(
    request: Request, credentials: HTTPAuthorizationCredentials | None
) -> KeyIdentity:
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise _unauthorized("missing API key: send 'Authorization: Bearer <key>'")
    key_hash = hash_key(credentials.credentials)
    cache = _cache(request.app)
    found, identity = cache.get(key_hash)
    if not found:
        identity = await run_in_threadpool(_lookup, request.app.state.database, key_hash)
        cache.put(key_hash, identity)
    if identity is None:
        raise _unauthorized("invalid or revoked API key")
    return identity


def require_scope(*scopes: KeyScope) -> Callable[..., Awaitable[KeyIdentity]]:
    """A dependency admitting a valid key that holds any of `scopes` (401 without a valid key,
    403 without the scope); it returns the key's identity."""
    accepted = frozenset(scopes)
    needed = " or ".join(sorted(accepted))

    async def dependency(
        request: Request,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    ) -> KeyIdentity:
        identity = await _authenticate(request, credentials)
        if accepted.isdisjoint(identity.scopes):
            held = ", ".join(sorted(identity.scopes)) or "none"
            raise HTTPException(
                status.HTTP_403_FORBIDDEN,
                detail=f"this API key lacks the {needed} scope (it holds: {held}); "
                f"issue one with `childsafe apikey create --scope {sorted(accepted)[0]}`",
            )
        return identity

    return dependency


IngestKey = Annotated[KeyIdentity, Depends(require_scope(KeyScope.INGEST))]
ModerationKey = Annotated[KeyIdentity, Depends(require_scope(KeyScope.MODERATION))]
