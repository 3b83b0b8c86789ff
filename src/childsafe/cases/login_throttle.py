"""Sign-in throttling: a growing delay per account and per client address, never a lockout.

Before a password is checked the attempt is claimed on both rows (address first, then account)
by a compare-and-set UPDATE on the failure count (`... WHERE key = :key AND failures = :seen`),
committed before the slow password check. Of several concurrent attempts that read the same
count only one claim succeeds (SQLite serialises writers; PostgreSQL re-checks the WHERE once
the row lock is free), so concurrent wrong passwords never cost more checks than allowed. A
claimed attempt counts as a failure until it succeeds: success clears the account's row (its
owner proved who they are) and gives the address its attempt back.

The first FREE failures cost nothing; after that each failure delays the next attempt by
FIRST_DELAY * 2^(failures - FREE), capped at MAX_DELAY, so the right password always works
again within minutes. Failures are forgotten after QUIET without one.
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Table, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.cases import LoginThrottle

THROTTLE: Table = LoginThrottle.__table__  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Limit:
    free: int  # failures allowed before any delay
    first_delay: timedelta
    max_delay: timedelta

    def delay(self, failures: int) -> timedelta:
        if failures < self.free:
            return timedelta(0)
        return min(self.first_delay * 2 ** min(failures - self.free, 30), self.max_delay)


ACCOUNT_LIMIT = Limit(free=5, first_delay=timedelta(seconds=5), max_delay=timedelta(minutes=5))
# Wider: several people may sign in from behind one office or school address.
ADDRESS_LIMIT = Limit(free=20, first_delay=timedelta(seconds=5), max_delay=timedelta(minutes=5))
QUIET = timedelta(hours=1)
# Claims lost to a concurrent attempt are retried; each loss means another attempt was counted,
# so the delay is reached within a few rounds.
MAX_ROUNDS = 64


def account_key(username: str) -> str:
    return "account:" + username.strip().lower()[:64]


def address_key(address: str) -> str:
    """One key per IPv4 address or IPv6 /64 (a single host can hold a whole /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return "address:" + address[:100]
    if ip.version == 6:
        return f"address:{ipaddress.ip_network(f'{ip}/64', strict=False)}"
    return f"address:{ip}"


def claim_attempt(session: Session, username: str, address: str) -> int | None:
    """Count one sign-in attempt; None if a password may be checked now, else seconds to wait.

    The caller commits (before checking the password) so that concurrent attempts see it.
    """
    now = utcnow()
    claims = ((address_key(address), ADDRESS_LIMIT), (account_key(username), ACCOUNT_LIMIT))
    for key, limit in claims:
        wait = _claim(session, key, limit, now)
        if wait is not None:
            return wait
    return None


def _claim(session: Session, key: str, limit: Limit, now: datetime) -> int | None:
    _insert_missing(session, key, now)
    for _ in range(MAX_ROUNDS):
        failures, next_allowed, last_failure = session.execute(
            select(
                THROTTLE.c.failures, THROTTLE.c.next_allowed_at, THROTTLE.c.last_failure_at
            ).where(THROTTLE.c.key == key)
        ).one()
        waiting = (as_utc(next_allowed) - now).total_seconds()
        if waiting > 0:
            return math.ceil(waiting)
        counted = 1 if now - as_utc(last_failure) > QUIET else failures + 1
        claimed = session.execute(
            update(THROTTLE)
            .where(THROTTLE.c.key == key, THROTTLE.c.failures == failures)
            .values(
                failures=counted,
                next_allowed_at=now + limit.delay(counted),
                last_failure_at=now,
            )
        )
        if claimed.rowcount == 1:  # type: ignore[attr-defined]
            return None
    return math.ceil(limit.first_delay.total_seconds())


def _insert_missing(session: Session, key: str, now: datetime) -> None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(
        dialect.insert(THROTTLE)
        .values(key=key, failures=0, next_allowed_at=now, last_failure_at=now)
        .on_conflict_do_nothing(index_elements=["key"])
    )


def record_success(session: Session, username: str, address: str) -> None:
    """The password was right: forget the account's failures and refund the address's attempt."""
    now = utcnow()
    session.execute(delete(THROTTLE).where(THROTTLE.c.key == account_key(username)))
    session.execute(
        update(THROTTLE)
        .where(THROTTLE.c.key == address_key(address), THROTTLE.c.failures > 0)
        .values(failures=THROTTLE.c.failures - 1)
    )
    # Rows of names and addresses that have gone quiet are kept no longer than needed.
    session.execute(
        delete(THROTTLE).where(
            THROTTLE.c.last_failure_at < now - QUIET, THROTTLE.c.next_allowed_at < now
        )
    )


def unlock_account(session: Session, username: str) -> int:
    """Clear an account's failures (an administrator's unlock); returns the rows cleared."""
    result = session.execute(delete(THROTTLE).where(THROTTLE.c.key == account_key(username)))
    return int(result.rowcount)  # type: ignore[attr-defined]
