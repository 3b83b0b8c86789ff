"""The webhook worker inside `childsafe serve`: a thread that fans out and delivers.

It shares nothing with the message path but the database: the requests wait in a small pool of
its own threads, so a receiver that is slow, refuses, or never answers costs a pool thread for
at most the timeout, and the message path never waits for it. One receiver's deliveries go one
at a time, in the order of the events.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy.exc import OperationalError

from childsafe.events.delivery import (
    Claim,
    DeliveryPolicy,
    claim_due,
    fan_out,
    http_client,
    record_outcome,
    send,
)
from childsafe.store.db import Database

log = logging.getLogger("childsafe.events")

CLAIMS_PER_SENDER = 10


class WebhookWorker:
    def __init__(
        self,
        database: Database,
        policy: DeliveryPolicy,
        *,
        senders: int = 4,
        poll_every: timedelta = timedelta(milliseconds=500),
        observe: Callable[[str], None] | None = None,
    ) -> None:
        """`observe` is told each delivery's status after an attempt ("delivered", "pending"
        for a retry, "dead") and "dead" for each one that expired unattempted (metrics)."""
        self.database = database
        self.policy = policy
        self.senders = senders
        self.poll_every = poll_every
        self.observe = observe
        self._client = http_client(policy)
        self._pool = ThreadPoolExecutor(senders, thread_name_prefix="webhook-send")
        self._busy: set[str] = set()  # subscriptions with deliveries in the pool
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # Set when a receiver took all it was sent: what waits behind is claimed at once, not
        # at the next poll (which would otherwise cap one receiver's rate).
        self._more = threading.Event()
        self._thread = threading.Thread(target=self._run, name="webhook-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def close(self) -> None:
        """Stop claiming; attempts in flight finish (at most the timeout), queued ones are
        left to their lease and claimed again by the next worker."""
        self._stop.set()
        self._more.set()
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._client.close()

    def run_once(self) -> int:
        """Fan out, then hand the due attempts to the senders; returns how many it claimed."""
        with self.database.session() as session:
            fan_out(session.connection())
        with self._lock:
            busy = set(self._busy)
            free = self.senders - len(busy)
        if free <= 0:
            return 0
        claims = claim_due(
            self.database,
            self.policy,
            limit=free * CLAIMS_PER_SENDER,
            busy=busy,
            observe=self.observe,
        )
        leased_until = time.monotonic() + self.policy.lease.total_seconds()
        by_subscription: dict[str, list[Claim]] = defaultdict(list)
        for claim in claims:
            by_subscription[claim.subscription_id].append(claim)
        for subscription_id, in_order in by_subscription.items():
            with self._lock:
                self._busy.add(subscription_id)
            self._pool.submit(self._deliver, subscription_id, in_order, leased_until)
        return len(claims)

    def _deliver(self, subscription_id: str, claims: list[Claim], leased_until: float) -> None:
        timeout = self.policy.timeout.total_seconds()
        delivered = 0
        try:
            for claim in claims:
                # The rest are left to their lease and claimed again later: when stopping,
                # when an attempt might outlast the lease (another worker could then take it),
                # and after a failure (the receiver is in trouble; its retry comes first).
                if self._stop.is_set() or time.monotonic() + timeout > leased_until:
                    return
                outcome = send(self._client, claim.url, claim.secret, claim.event)
                status = record_outcome(self.database, claim, outcome, self.policy)
                if self.observe is not None:
                    self.observe(status)
                log.info(
                    "webhook %s: event %s to %s: %s (%s)",
                    claim.delivery_id,
                    claim.event["id"],
                    subscription_id,
                    outcome.describe(),
                    status,
                )
                if not outcome.delivered:
                    return
                delivered += 1
        except Exception:  # logged; the attempt's lease runs out and it is tried again
            log.exception("webhook delivery to %s failed", subscription_id)
        finally:
            with self._lock:
                self._busy.discard(subscription_id)
            if delivered == len(claims):
                self._more.set()  # all went through: claim what waits behind them now

    def _run(self) -> None:
        while not self._stop.is_set():
            self._more.clear()  # before claiming: a wake-up from now on is not lost
            try:
                self.run_once()
            except OperationalError as error:
                # SQLite busy with the message path's writes, or the database away: next poll.
                log.warning("webhook worker: database unavailable (%s); retrying", error.code)
            except Exception:  # logged and tried again at the next poll
                log.exception("webhook worker: fan-out or claim failed")
            self._more.wait(self.poll_every.total_seconds())
