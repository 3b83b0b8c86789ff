"""Case intake beside the message path: a thread that drains pending_case_intakes.

A screening process that defers case intake writes each alert's intake as a row of
pending_case_intakes in the alert's own transaction, and answers the message at once. This
worker, on its own connection, runs contract C (open_or_update_cases) for up to DRAIN_BATCH of
those rows in one call and deletes them, in one transaction. So the answer does not wait for
the cases, the cases follow within milliseconds, and a crash in between leaves the
rows for the next drain: at start, on every wake-up, and on a timer that also picks up rows
another process left behind. Concurrent workers (one per screening process) skip each other's
rows on PostgreSQL (FOR UPDATE SKIP LOCKED); intake is idempotent per alert in any case.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, select
from sqlalchemy.exc import OperationalError

from childsafe.cases.intake import CaseEvidence, CaseIntake
from childsafe.store.db import Database
from childsafe.store.tables.service import PendingCaseIntake

log = logging.getLogger("childsafe.screening")

PENDING: Table = PendingCaseIntake.__table__  # type: ignore[assignment]
DRAIN_BATCH = 100
POLL_S = 1.0

NEXT_PENDING = (
    select(PENDING.c.alert_id, PENDING.c.arguments)
    .where(PENDING.c.alert_id.not_in(bindparam("failed", expanding=True)))
    .order_by(PENDING.c.created_at, PENDING.c.alert_id)
    .limit(DRAIN_BATCH)
)
DONE = delete(PENDING).where(PENDING.c.alert_id.in_(bindparam("ids", expanding=True)))


def pending_intake(evidence: CaseEvidence, created_at: datetime) -> dict[str, Any]:
    """The pending row for one alert's case intake."""
    return {
        "alert_id": evidence.source_id,
        "arguments": evidence.to_json(),
        "created_at": created_at,
    }


class CaseIntakeWorker:
    def __init__(self, database: Database, intake: CaseIntake, poll_s: float = POLL_S) -> None:
        self.database = database
        self.intake = intake
        self.poll_s = poll_s
        self._next = (
            NEXT_PENDING if database.is_sqlite else NEXT_PENDING.with_for_update(skip_locked=True)
        )
        self._wake = threading.Event()
        self._stopping = False
        # Rows whose intake failed on their own; retried by the next process, not in a loop.
        self._failed: set[str] = set()
        self._thread = threading.Thread(target=self._run, name="childsafe-intake", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def notify(self) -> None:
        """New rows were committed: drain them now rather than at the next poll."""
        self._wake.set()

    def close(self) -> None:
        """Stop after a last drain (rows committed before this call get their case)."""
        self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join()

    def drain(self) -> int:
        """Run every pending intake; returns how many rows it took up (a row whose intake
        failed alone counts too: it is logged and left pending)."""
        done = 0
        while True:
            with self.database.session() as session:
                rows = session.connection().execute(self._next, {"failed": list(self._failed)})
                batch = rows.all()
                if not batch:
                    return done
                try:
                    with session.begin_nested():
                        self._take(session, batch)
                except OperationalError:  # the database, not the rows: retry them later
                    raise
                except Exception:
                    log.exception(
                        "case intake of %d alerts failed; retrying one by one", len(batch)
                    )
                    for row in batch:
                        self._take_alone(session, row)
            done += len(batch)

    def _take(self, session: Any, rows: Sequence[Any]) -> None:
        self.intake(session, [CaseEvidence.from_json(row.arguments) for row in rows])
        session.connection().execute(DONE, {"ids": [row.alert_id for row in rows]})

    def _take_alone(self, session: Any, row: Any) -> None:
        try:
            with session.begin_nested():
                self._take(session, [row])
        except OperationalError:
            raise
        except Exception:
            log.exception("case intake of alert %s failed; left pending", row.alert_id)
            self._failed.add(row.alert_id)

    def _run(self) -> None:
        while True:
            try:
                self.drain()
            except Exception:  # the database is down: try again at the next wake-up
                log.exception("draining pending case intakes failed")
            if self._stopping:
                return
            self._wake.wait(self.poll_s)
            self._wake.clear()
