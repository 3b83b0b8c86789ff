"""A stored history to rescan: conversations seeded through the real message path (the API
for the shipped model's history, the Screener with a more eager model for an older one).
(Every conversation here is invented and mild, for tests only.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select

from childsafe.policy import Policy
from childsafe.screening import Batcher, IncomingMessage, Screener
from childsafe.screening.rescan import RescanFinding, tracker_for
from childsafe.signals.grooming import MODEL_PATH, GroomingModel
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case
from childsafe.store.tables.events import OutboxEvent
from childsafe.store.tables.service import Alert, ConversationState, StoredMessage
from tests.helpers.api import GROOMING_LINES, api_client, register

START = datetime(2026, 11, 23, 16, 0, tzinfo=UTC)
SINCE, UNTIL = START, START + timedelta(days=1)
# An invented, ordinary chat between two 16-year-olds.
HOMEWORK = [
    "did you finish the maths homework",
    "yes it was easy, the last question took a while",
    "want to play football on saturday",
    "sure, see you at the park at ten",
]


def body(id: str, conversation: str, sender: str, recipient: str, text: str, n: int) -> dict:
    return {
        "id": id,
        "conversation_id": conversation,
        "sender_id": sender,
        "recipient_ids": [recipient],
        "text": text,
        "sent_at": (START + timedelta(minutes=n)).isoformat(),
    }


def save_eager_model(folder: Path) -> Path:
    """The shipped model with a threshold so low that any author alerts on a few messages:
    a stand-in for an older, noisier model."""
    model = GroomingModel.load(MODEL_PATH)
    model.meta["tracker"]["threshold_z"] = -6.0
    path = folder / "eager.npz"
    model.save(path)
    return path


def seed_history(database: Database, eager_model: Path) -> Database:
    """conv-groom (an adult grooming a child, alerted), conv-homework (two teens, not
    alerted; one message before the period) and conv-older (screened by the eager model:
    both authors alerted)."""
    with api_client(database) as client:
        for account, band in (
            ("groomer", "adult"),
            ("kid", "under_13"),
            ("teen", "16_17"),
            ("friend", "16_17"),
            ("pal", "16_17"),
            ("mate", "16_17"),
        ):
            register(client, account, band)
        for pair in (("teen", "friend"), ("pal", "mate")):
            response = client.put(f"/v1/connections/{pair[0]}/{pair[1]}")
            assert response.status_code in (200, 201, 204), response.text
        sent = [body("g0", "conv-groom", "kid", "groomer", "hi who is this", 0)]
        sent += [
            body(f"g{n + 1}", "conv-groom", "groomer", "kid", line, n + 1)
            for n, line in enumerate(GROOMING_LINES)
        ]
        sent += [
            body(f"h{n}", "conv-homework", ("teen", "friend")[n % 2], ("friend", "teen")[n % 2],
                 line, n)
            for n, line in enumerate(HOMEWORK)
        ]  # fmt: skip
        # Before the period: stored, never replayed.
        early = body("early", "conv-homework", "teen", "friend", "morning", -60 * 24)
        for message in [early, *sent]:
            response = client.post("/v1/messages", json=message)
            assert response.status_code in (200, 201), response.text
    # An older history screened by the eager model (the Screener the message path runs).
    older = Batcher(Screener(database, Policy.default(), tracker_for(eager_model)))
    try:
        for n, line in enumerate(HOMEWORK):
            sender, recipient = ("pal", "mate") if n % 2 == 0 else ("mate", "pal")
            older.screen(
                IncomingMessage(
                    f"o{n}", "conv-older", sender, (recipient,), line, START + timedelta(minutes=n)
                )
            )
    finally:
        older.close()
    return database


def rows(database: Database) -> dict[str, int]:
    with database.session() as session:
        return {
            table.__tablename__: session.scalar(select(func.count()).select_from(table)) or 0
            for table in (StoredMessage, Alert, Case, OutboxEvent, ConversationState)
        }


def by_author(findings: list[RescanFinding]) -> dict[tuple[str, str], str]:
    return {(f.conversation_id, f.author_id): f.status for f in findings}
