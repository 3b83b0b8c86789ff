"""Example accounts and invented conversations, sent through the real message path.

All names and lines are invented and non-graphic. Message ids are fixed, so re-running replays
the stored answers instead of adding anything twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening.batcher import Batcher
from childsafe.screening.records import Answer, IncomingMessage
from childsafe.screening.screener import Screener
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection

ACCOUNTS = (
    ("morgan_30", "adult", "Morgan (30)", 3),  # a recently opened adult account
    ("sam_12", "under_13", "Sam (12)", 400),
    ("jamie_12", "under_13", "Jamie (12)", 500),
    ("riley_14", "13_15", "Riley (14)", 200),
    ("pat_41", "adult", "Pat (41, Sam's parent)", 900),
)
CONNECTIONS = (("sam_12", "jamie_12"), ("sam_12", "pat_41"))

BENIGN = (
    ("jamie_12", "did you finish the science worksheet?"),
    ("sam_12", "nearly, the last question is hard"),
    ("jamie_12", "want to do it together at lunch tomorrow"),
)
# A grooming-like pattern, invented: flattery, secrecy, moving platform, personal details,
# gifts, a picture request and a meeting. Long enough for the detector, which scores a window
# of about ten of an author's messages, to cross its threshold (on the ninth).
GROOMING = (
    "hi sam, you seem really mature for your age",
    "you can tell me anything, i'm a good listener",
    "how was school today? do your parents check your phone?",
    "this is just between us, don't tell your parents ok",
    "you're so pretty, i bet all the boys like you",
    "do you have snapchat? we can talk there instead",
    "what school do you go to?",
    "are you home alone after school?",
    "i could buy you that new game you wanted, it's our secret",
    "send me a pic of you",
    "delete our messages after ok, your mom wouldn't understand us",
    "we should meet up, i can pick you up after school",
)


@dataclass(frozen=True, slots=True)
class Step:
    label: str
    message: IncomingMessage


def _accounts(database: Database, now: datetime) -> None:
    with database.session() as session:
        for account_id, band, name, age_days in ACCOUNTS:
            if session.get(Account, account_id) is None:
                session.add(
                    Account(
                        id=account_id,
                        age_band=band,
                        display_name=name,
                        created_at=now - timedelta(days=age_days),
                        settings={},  # the band's safe defaults
                    )
                )
        session.flush()
        for a, b in CONNECTIONS:
            first, second = sorted((a, b))
            if session.get(Connection, (first, second)) is None:
                session.add(Connection(account_a=first, account_b=second))


def _accept_request(database: Database) -> None:
    """Sam accepts Morgan's friend request: from now on the gate lets Morgan through."""
    with database.session() as session:
        if session.get(Connection, ("morgan_30", "sam_12")) is None:
            session.add(Connection(account_a="morgan_30", account_b="sam_12"))


def _message(
    n: str, conversation: str, sender: str, recipient: str, text: str, at: datetime
) -> IncomingMessage:
    return IncomingMessage(f"demo-{n}", conversation, sender, (recipient,), text, at)


def seed_demo_conversations(
    database: Database, say: Callable[[str], None] = print
) -> dict[str, Answer]:
    now = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
    _accounts(database, now)
    batcher = Batcher(Screener(database, Policy.default(), RiskTracker.default()))
    answers: dict[str, Answer] = {}

    def send(label: str, message: IncomingMessage) -> Answer:
        answer = batcher.screen(message)
        answers[message.id] = answer
        rules = ", ".join(r["rule"] for r in answer["reasons"]) or "-"
        alert = f"  ALERT {answer['alert_id']}" if answer["alert_id"] else ""
        risk = answer["conversation_risk"]
        say(f"  {label:<44} {answer['verdict']:<6} risk {risk:.2f}  [{rules}]{alert}")
        return answer

    try:
        say("demo conversations (through the real message path):")
        for i, (sender, text) in enumerate(BENIGN):
            recipient = "sam_12" if sender == "jamie_12" else "jamie_12"
            send(
                f"friends chat: {text[:30]}",
                _message(
                    f"friends-{i}",
                    "demo-friends",
                    sender,
                    recipient,
                    text,
                    now + timedelta(minutes=i),
                ),
            )
        send(
            "stranger child: message request",
            _message(
                "request-0",
                "demo-request",
                "riley_14",
                "sam_12",
                "hey, are you in the chess club?",
                now + timedelta(minutes=5),
            ),
        )
        send(
            "stranger adult -> 12-year-old: held",
            _message(
                "groom-0",
                "demo-groom",
                "morgan_30",
                "sam_12",
                GROOMING[0],
                now + timedelta(minutes=10),
            ),
        )
        _accept_request(database)
        say("  (Sam accepts Morgan's friend request)")
        for i, text in enumerate(GROOMING[1:], start=1):
            send(
                f"morgan_30 -> sam_12: {text[:24]}",
                _message(
                    f"groom-{i}",
                    "demo-groom",
                    "morgan_30",
                    "sam_12",
                    text,
                    now + timedelta(minutes=10 + i),
                ),
            )
    finally:
        batcher.close()
    return answers
