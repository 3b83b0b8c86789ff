"""Webhook deliveries: fan-out from the outbox, claiming, signed POSTs, retries, dead letters.

One delivery row per (event, subscription), made by `fan_out` from the outbox after the cursor
it keeps in `events_cursors` (never on the message path). A worker claims due rows: on
PostgreSQL with FOR UPDATE SKIP LOCKED, then leased (next attempt pushed past the request's
timeout) and committed, so several `serve` processes never send the same attempt twice, and a
process killed mid-delivery leaves its rows to be claimed again when the lease runs out: every
event is delivered at least once, always under its own id (receivers dedupe by webhook-id).
A failure waits a random time up to an exponentially growing cap (full jitter); a delivery
still failing `max_age` after it was queued is dead until someone redelivers it.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import orjson
import standardwebhooks
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from childsafe.events.cursors import lock_cursor, save_cursor
from childsafe.events.outbox import OUTBOX, Event, settled_events
from childsafe.events.webhooks import (
    ALL_TYPES,
    SUBSCRIPTIONS,
    Subscription,
    WebhookRefused,
    check_url,
)
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.db import Database
from childsafe.store.tables.events import WebhookDelivery

DELIVERIES: Table = WebhookDelivery.__table__  # type: ignore[assignment]
FAN_OUT_CURSOR = "webhooks"  # the row migration events_0001 creates
FAN_OUT_BATCH = 500
STATUSES = ("pending", "delivered", "dead")
MAX_AGE_ENV = "CHILDSAFE_WEBHOOK_MAX_AGE_HOURS"
TIMEOUT_ENV = "CHILDSAFE_WEBHOOK_TIMEOUT_SECONDS"
LEASE_MARGIN_ENV = "CHILDSAFE_WEBHOOK_LEASE_MARGIN_SECONDS"
USER_AGENT = "childsafe-webhooks/1"


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    """How long to wait for a receiver, how to space retries, when to give up."""

    timeout: timedelta = timedelta(seconds=10)
    max_age: timedelta = timedelta(hours=24)
    first_retry: timedelta = timedelta(seconds=5)
    longest_wait: timedelta = timedelta(hours=1)
    # Slack beyond two timeouts before a killed worker's attempts may be claimed again.
    lease_margin: timedelta = timedelta(seconds=30)

    @classmethod
    def from_environment(cls) -> DeliveryPolicy:
        return cls(
            timeout=timedelta(seconds=float(os.environ.get(TIMEOUT_ENV, "10"))),
            max_age=timedelta(hours=float(os.environ.get(MAX_AGE_ENV, "24"))),
            lease_margin=timedelta(seconds=float(os.environ.get(LEASE_MARGIN_ENV, "30"))),
        )

    @property
    def lease(self) -> timedelta:
        """How long a claimed attempt is left to its worker before another may take it."""
        return self.timeout * 2 + self.lease_margin

    def retry_delay(self, failures: int) -> timedelta:
        """Full jitter: anywhere from now up to first_retry * 2^(failures-1), capped."""
        cap = min(self.longest_wait, self.first_retry * 2 ** min(failures - 1, 30))
        return cap * random.random()


@dataclass(frozen=True, slots=True)
class Claim:
    """One attempt a worker holds: the event to send, where, and what it held it at."""

    delivery_id: str
    attempts_before: int
    subscription_id: str
    url: str
    secret: str
    event: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Outcome:
    delivered: bool
    status_code: int | None
    error: str | None

    def describe(self) -> str:
        return "delivered" if self.delivered else self.error or f"HTTP {self.status_code}"


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """A row of the delivery log."""

    id: str
    subscription_id: str
    event_id: str
    event_type: str
    status: str
    attempts: int
    next_attempt_at: datetime
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    delivered_at: datetime | None
    queued_at: datetime

    def document(self) -> dict[str, object]:
        return {
            name: as_utc(value).isoformat() if isinstance(value, datetime) else value
            for name, value in (
                ("id", self.id),
                ("subscription_id", self.subscription_id),
                ("event_id", self.event_id),
                ("event_type", self.event_type),
                ("status", self.status),
                ("attempts", self.attempts),
                ("next_attempt_at", self.next_attempt_at if self.status == "pending" else None),
                ("last_attempt_at", self.last_attempt_at),
                ("last_status_code", self.last_status_code),
                ("last_error", self.last_error),
                ("delivered_at", self.delivered_at),
                ("queued_at", self.queued_at),
            )
        }


class UnknownDelivery(LookupError):
    pass


# -- fan-out --------------------------------------------------------------------------------


def fan_out(connection: Connection) -> int:
    """Queue a delivery per enabled subscription for the events after the cursor; returns
    how many. The cursor row's lock makes concurrent fan-outs take turns."""
    cursor = lock_cursor(connection, FAN_OUT_CURSOR)
    subscriptions = [
        Subscription(*row)
        for row in connection.execute(
            select(
                SUBSCRIPTIONS.c.id,
                SUBSCRIPTIONS.c.url,
                SUBSCRIPTIONS.c.event_types,
                SUBSCRIPTIONS.c.enabled,
                SUBSCRIPTIONS.c.created_by,
                SUBSCRIPTIONS.c.created_at,
            ).where(SUBSCRIPTIONS.c.enabled)
        )
    ]
    # Only the types someone wants are routed (none: the cursor just moves on), and no
    # event's data is read: a delivery names its event, read when it is claimed.
    wanted = (
        None
        if any(ALL_TYPES in subscription.event_types for subscription in subscriptions)
        else {name for subscription in subscriptions for name in subscription.event_types}
    )
    found, next_cursor = settled_events(connection, after=cursor, types=wanted, limit=FAN_OUT_BATCH)
    if next_cursor == cursor:
        return 0
    now = utcnow()
    rows = [
        _queued(seq, subscription.id, now)
        for seq, type_name in found
        for subscription in subscriptions
        if subscription.wants(type_name)
    ]
    if rows:
        connection.execute(insert(DELIVERIES), rows)
    save_cursor(connection, FAN_OUT_CURSOR, next_cursor)
    return len(rows)


def _queued(event_seq: int, subscription_id: str, now: datetime) -> dict[str, Any]:
    return {
        "id": "dlv_" + os.urandom(10).hex(),
        "event_seq": event_seq,
        "subscription_id": subscription_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "queued_at": now,
    }


# -- claiming and recording -----------------------------------------------------------------


def claim_due(
    database: Database,
    policy: DeliveryPolicy,
    *,
    limit: int,
    busy: Collection[str] = (),
    observe: Callable[[str], None] | None = None,
) -> list[Claim]:
    """Take up to `limit` due attempts, each subscription's oldest event first, and lease
    them; none of the `busy` subscriptions' (so one receiver gets its events one at a time and
    in order); expired ones go dead (each told to `observe` as "dead" once committed).

    Each free subscription's due deliveries are read from its own range of the queue index
    (subscription, status, event), so a receiver that is down with a long backlog costs the
    others nothing, and a busy one costs no query at all."""
    now = utcnow()
    claims: list[Claim] = []
    expired: list[str] = []
    with database.session() as session:
        connection = session.connection()
        free = [
            (subscription_id, url, secret)
            for subscription_id, url, secret in connection.execute(
                select(SUBSCRIPTIONS.c.id, SUBSCRIPTIONS.c.url, SUBSCRIPTIONS.c.secret).where(
                    SUBSCRIPTIONS.c.enabled
                )
            )
            if subscription_id not in busy
        ]
        # The room is shared out (in a random order, so with more receivers than room none
        # waits for ever); one receiver alone may take all of it.
        random.shuffle(free)
        share = -(-limit // max(len(free), 1))
        for subscription_id, url, secret in free:
            room = min(share, limit - len(claims) - len(expired))
            if room <= 0:
                break
            due = (
                select(
                    DELIVERIES.c.id,
                    DELIVERIES.c.attempts,
                    DELIVERIES.c.queued_at,
                    OUTBOX.c.id,
                    OUTBOX.c.type,
                    OUTBOX.c.data,
                    OUTBOX.c.occurred_at,
                )
                .join(OUTBOX, OUTBOX.c.seq == DELIVERIES.c.event_seq)
                .where(
                    DELIVERIES.c.subscription_id == subscription_id,
                    DELIVERIES.c.status == "pending",
                    DELIVERIES.c.next_attempt_at <= now,
                )
                .order_by(DELIVERIES.c.event_seq)
                .limit(room)
                .with_for_update(of=DELIVERIES, skip_locked=True)
            )
            for delivery_id, attempts, queued_at, *event in connection.execute(due):
                if as_utc(queued_at) + policy.max_age < now:
                    expired.append(delivery_id)
                    continue
                document = Event(0, *event).document()
                claims.append(Claim(delivery_id, attempts, subscription_id, url, secret, document))
        if expired:
            connection.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id.in_(expired))
                .values(status="dead", last_error=_gave_up(policy))
            )
        if claims:
            connection.execute(
                update(DELIVERIES)
                .where(DELIVERIES.c.id.in_([c.delivery_id for c in claims]))
                .values(next_attempt_at=now + policy.lease)
            )
    if observe is not None:
        for _ in expired:
            observe("dead")
    return claims


def record_outcome(
    database: Database, claim: Claim, outcome: Outcome, policy: DeliveryPolicy
) -> str:
    """Log the attempt and decide what comes next; returns the delivery's new status."""
    now = utcnow()
    attempts = claim.attempts_before + 1
    values: dict[str, Any] = {
        "attempts": attempts,
        "last_attempt_at": now,
        "last_status_code": outcome.status_code,
        "last_error": None if outcome.delivered else outcome.describe(),
    }
    with database.session() as session:
        queued_at = session.execute(
            select(DELIVERIES.c.queued_at).where(DELIVERIES.c.id == claim.delivery_id)
        ).scalar_one_or_none()
        if queued_at is None:
            return "removed"  # its subscription was removed meanwhile
        if outcome.delivered:
            values |= {"status": "delivered", "delivered_at": now}
        else:
            retry_at = now + policy.retry_delay(attempts)
            if retry_at > as_utc(queued_at) + policy.max_age:
                values |= {
                    "status": "dead",
                    "last_error": f"{outcome.describe()}; {_gave_up(policy)}",
                }
            else:
                values |= {"status": "pending", "next_attempt_at": retry_at}
        # Only the holder of this attempt records it (a redelivery meanwhile starts afresh).
        session.execute(
            update(DELIVERIES)
            .where(
                DELIVERIES.c.id == claim.delivery_id,
                DELIVERIES.c.attempts == claim.attempts_before,
                DELIVERIES.c.status == "pending",
            )
            .values(values)
        )
    return str(values["status"])


def _gave_up(policy: DeliveryPolicy) -> str:
    return f"gave up: not delivered within the maximum age of {policy.max_age}"


# -- sending --------------------------------------------------------------------------------


def signed_request(secret: str, document: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """The body and the Standard Webhooks headers (webhook-id is the event's id)."""
    body = orjson.dumps(document)
    now = utcnow()
    signature = standardwebhooks.Webhook(secret).sign(
        msg_id=str(document["id"]), timestamp=now, data=body.decode()
    )
    return body, {
        "webhook-id": str(document["id"]),
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": signature,
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def send(client: httpx.Client, url: str, secret: str, document: dict[str, Any]) -> Outcome:
    """POST one signed event; any 2xx is delivered, anything else a failure with its cause."""
    try:
        check_url(url)
    except WebhookRefused as refused:
        return Outcome(False, None, f"refused: {refused}")
    body, headers = signed_request(secret, document)
    try:
        response = client.post(url, content=body, headers=headers)
    except httpx.TimeoutException:
        return Outcome(False, None, "timed out waiting for the receiver")
    except httpx.HTTPError as error:
        return Outcome(False, None, f"could not reach the receiver ({type(error).__name__})")
    if response.is_success:
        return Outcome(True, response.status_code, None)
    return Outcome(False, response.status_code, f"HTTP {response.status_code}")


def http_client(policy: DeliveryPolicy) -> httpx.Client:
    """No redirects: a receiver must not send our events on to an address we did not check."""
    return httpx.Client(timeout=policy.timeout.total_seconds(), follow_redirects=False)


def send_test(subscription: Subscription, secret: str, policy: DeliveryPolicy) -> Outcome:
    """Send a signed `webhook.test` event now (not stored, not in the feed) and say how it went."""
    document = {
        "id": "evt_test_" + os.urandom(8).hex(),
        "type": "webhook.test",
        "timestamp": utcnow().isoformat(),
        "data": {"subscription_id": subscription.id},
    }
    with http_client(policy) as client:
        return send(client, subscription.url, secret, document)


# -- the log and manual redelivery ----------------------------------------------------------


def list_deliveries(
    session: Session,
    *,
    status: str | None = None,
    subscription_id: str | None = None,
    limit: int = 100,
) -> list[DeliveryRecord]:
    """The newest deliveries first."""
    query = (
        select(
            DELIVERIES.c.id,
            DELIVERIES.c.subscription_id,
            OUTBOX.c.id,
            OUTBOX.c.type,
            DELIVERIES.c.status,
            DELIVERIES.c.attempts,
            DELIVERIES.c.next_attempt_at,
            DELIVERIES.c.last_attempt_at,
            DELIVERIES.c.last_status_code,
            DELIVERIES.c.last_error,
            DELIVERIES.c.delivered_at,
            DELIVERIES.c.queued_at,
        )
        .join(OUTBOX, OUTBOX.c.seq == DELIVERIES.c.event_seq)
        .order_by(DELIVERIES.c.event_seq.desc(), DELIVERIES.c.id)
        .limit(limit)
    )
    if status is not None:
        query = query.where(DELIVERIES.c.status == status)
    if subscription_id is not None:
        query = query.where(DELIVERIES.c.subscription_id == subscription_id)
    return [DeliveryRecord(*tuple(row)) for row in session.execute(query)]


def redeliver(session: Session, delivery_id: str) -> None:
    """Queue one delivery again now, afresh (attempts and maximum age start over)."""
    if not _requeue(session, DELIVERIES.c.id == delivery_id):
        raise UnknownDelivery(f"no webhook delivery {delivery_id!r}")


def redeliver_dead(session: Session) -> int:
    """Queue every dead delivery again; returns how many."""
    return _requeue(session, DELIVERIES.c.status == "dead")


def _requeue(session: Session, which: Any) -> int:
    now = utcnow()
    result = session.execute(
        update(DELIVERIES)
        .where(which)
        .values(status="pending", attempts=0, next_attempt_at=now, queued_at=now)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def pending_deliveries(connection: Connection) -> int:
    """Deliveries queued or waiting for a retry."""
    return int(
        connection.execute(
            select(func.count()).select_from(DELIVERIES).where(DELIVERIES.c.status == "pending")
        ).scalar_one()
    )


def count_by_status(session: Session) -> dict[str, int]:
    rows = session.execute(select(DELIVERIES.c.status, func.count()).group_by(DELIVERIES.c.status))
    counts = dict.fromkeys(STATUSES, 0)
    counts.update({status: int(count) for status, count in rows})
    return counts
