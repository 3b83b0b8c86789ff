"""Helpers for the casework tests (not a test module): a real app on a real database,
accounts and a grooming-like conversation sent through the message path."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import select

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.cases import users
from childsafe.cases.actions import decide_referral, request_referral, take_action
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.cases.users import create_user
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, ConsoleUser, Report
from childsafe.store.tables.hashbanks import HashBank, HashEntry, HashMatch
from childsafe.store.tables.service import Account
from tests.helpers.stored_media import blocked_image

PASSWORD = "correct horse battery staple"

# Real argon2id, with the cost turned down for tests (the production parameters take ~0.4 s a
# hash on the shared CI machine; verification reads the parameters from each stored hash).
users._hasher = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
_ids = itertools.count()

# Invented, non-graphic grooming-like lines (flattery, secrecy, platform move, personal
# details, picture request, meeting): enough for the detector and policy to raise an alert.
GROOMING = [
    "hey, you seem really mature for your age",
    "this is just between us, don't tell your parents ok",
    "do you have snapchat? we can talk there instead",
    "what school do you go to? where do you live",
    "send me a pic of you",
    "we should meet up, i can pick you up after school",
]


@contextmanager
def api_client(database: Database) -> Iterator[TestClient]:
    with database.session() as session:
        key = create_api_key(session, "cases-tests", (KeyScope.INGEST, KeyScope.MODERATION)).key
    app = create_app(database)
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
        yield client


def register(client: TestClient, account_id: str, age_band: str) -> None:
    response = client.put(
        f"/v1/accounts/{account_id}", json={"age_band": age_band, "display_name": account_id}
    )
    assert response.status_code in (200, 201), response.text


def send(client: TestClient, sender: str, recipient: str, text: str, conversation: str) -> Any:
    response = client.post(
        "/v1/messages",
        json={
            "id": f"msg{next(_ids)}",
            "conversation_id": conversation,
            "sender_id": sender,
            "recipient_ids": [recipient],
            "text": text,
            "sent_at": "2026-11-23T16:00:00Z",
        },
    )
    assert response.status_code in (200, 201), response.text
    return response.json()


def groom(client: TestClient, suspect: str, child: str, conversation: str) -> list[Any]:
    """The suspect grooms the child (the child answers once); returns the verdicts."""
    answers = [send(client, child, suspect, "hi who is this", conversation)]
    answers += [send(client, suspect, child, line, conversation) for line in GROOMING]
    return answers


def scenario(client: TestClient) -> None:
    """Two suspects: one grooms a 12-year-old, one only flatters a 16-year-old."""
    register(client, "groomer", "adult")
    register(client, "kid", "under_13")
    register(client, "teen", "16_17")
    register(client, "flatterer", "adult")
    groom(client, "groomer", "kid", "conv-1")
    # Connected so the message is delivered; mild flattery alone should not alert.
    send(client, "flatterer", "teen", "you seem really mature for your age", "conv-2")


def make_users(database: Database) -> dict[str, ConsoleUser]:
    created = {}
    with database.session() as session:
        for username, role in (
            ("mod", "moderator"),
            ("spec1", "specialist"),
            ("spec2", "specialist"),
            ("admin", "admin"),
            ("auditor", "auditor"),
        ):
            created[username] = create_user(
                session, username=username, password=PASSWORD, role=role
            )
    return created


def open_cases(database: Database) -> list[Case]:
    with database.session() as session:
        return list(
            session.scalars(
                select(Case).where(Case.status != "closed").order_by(Case.priority_rank)
            )
        )


def referred_case(database: Database) -> str:
    with api_client(database) as client:
        scenario(client)
        client.post(
            "/v1/reports",
            json={
                "reporter_account_id": "kid",
                "reported_account_id": "groomer",
                "category": "threatening_me",
                "details": "he says he will share my photos",
            },
        )
    users = make_users(database)
    case_id = open_cases(database)[0].id
    with database.session() as session:
        spec1, spec2, mod = (session.merge(users[name]) for name in ("spec1", "spec2", "mod"))
        take_action(session, case_id, "suspend", mod, "grooming")
        referral = request_referral(session, case_id, spec1, "enticement, under 13")
        decide_referral(session, referral.id, spec2, True, "agree")
    return case_id


def reports_sent_earlier(database: Database) -> None:
    """Moves the reports sent so far five minutes back, so a report link signed next comes
    after them (links are signed to the second: one signed in the same second is the same
    link)."""
    with database.session() as session:
        for report in session.scalars(select(Report)):  # SQLite keeps dates as text: no SQL sums
            report.created_at = report.created_at - timedelta(minutes=5)


BANK_HASH = "f" * 64


def known_image_case(database: Database) -> str:
    """An invented suspect whose (placeholder, not an image) upload matched a bank entry."""
    now = datetime.now(UTC)
    with database.session() as session:
        for account_id, band in (("sharer", "adult"), ("teen", "13_15")):
            if session.get(Account, account_id) is None:
                session.add(
                    Account(id=account_id, age_band=band, display_name=account_id, settings={})
                )
        session.add(
            HashBank(id="bank-1", name="Test bank", kind="match", source="test", pdq_threshold=31)
        )
        session.flush()
        entry = HashEntry(bank_id="bank-1", kind="pdq", value=BANK_HASH)
        content = b"placeholder bytes, not an image"
        session.add_all(
            [
                entry,
                blocked_image("media-1", content, 1, 1, pdq="e" * 64),
            ]
        )
        session.flush()
        case_id = open_or_update_case(
            session,
            CaseEvidence("sharer", "hash_match", "media-1", ("teen",), (), None, now),
        )
        session.add(
            HashMatch(
                id="match-1",
                media_id="media-1",
                bank_id="bank-1",
                entry_id=entry.id,
                kind="pdq",
                distance=7,
                transform="rotate_90",
                case_id=case_id,
            )
        )
    return case_id
