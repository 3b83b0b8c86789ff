"""The events the message and media paths write, in their own transactions: what the platform
must act on (held, blocked, alert raised, case opened, known-image match), never message text."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from childsafe.events.outbox import read_events
from childsafe.hashbanks.banks import add_entries, create_bank
from childsafe.hashbanks.importers import ImportedHash
from childsafe.hashbanks.signal_types import HashKind
from childsafe.media import MediaScreener
from childsafe.media.records import IncomingMedia
from childsafe.policy import Policy
from childsafe.signals.image_hash import hash_image
from childsafe.store.db import Database
from childsafe.store.tables.service import Account
from tests.helpers.api import GROOMING_LINES, api_client, message, register
from tests.helpers.images import encode, sample


def all_events(database: Database) -> list[dict[str, object]]:
    with database.engine.connect() as connection:
        return [e.document() for e in read_events(connection, limit=500).events]


def test_the_message_path_emits_holds_blocks_alerts_and_the_case(database: Database) -> None:
    with api_client(database) as client:
        register(client, "suspect", "adult")
        register(client, "child", "under_13")
        answers = [
            client.post("/v1/messages", json=message("suspect", "child", line, "conv-e")).json()
            for line in GROOMING_LINES
        ]
    events = all_events(database)
    by_type: dict[str, list[dict[str, object]]] = {}
    for event in events:
        by_type.setdefault(str(event["type"]), []).append(event["data"])  # type: ignore[arg-type]
    stopped = [a for a in answers if a["verdict"] in ("hold", "block")]
    alerts = [a["alert_id"] for a in answers if a["alert_id"]]
    assert stopped and alerts, "the invented conversation should be held and alerted"
    emitted = by_type.get("message.held", []) + by_type.get("message.blocked", [])
    assert len(emitted) == len(stopped)
    assert all(e["sender_id"] == "suspect" and e["recipient_ids"] == ["child"] for e in emitted)
    assert all(r["description"] for e in emitted for r in e["reasons"])  # type: ignore[attr-defined]
    assert [e["alert_id"] for e in by_type["alert.raised"]] == alerts
    assert by_type["alert.raised"][0]["victim_ids"] == ["child"]
    [opened] = by_type["case.opened"]
    assert opened["suspect_id"] == "suspect" and opened["source"] == "alert"
    # Facts, never the conversation: no line of it travels in any event.
    text = json.dumps(events)
    assert not any(line in text for line in GROOMING_LINES)


def test_a_known_image_match_emits_media_match(database: Database) -> None:
    image = encode(sample("astronaut"))
    with database.session() as session:
        bank = create_bank(session, name="known", source="test stand-ins (benign samples)")
        add_entries(session, bank, [ImportedHash(HashKind.PDQ, hash_image(image).pdq, "x")])
        session.add_all(
            [Account(id="sender", age_band="adult"), Account(id="kid", age_band="13_15")]
        )
    screener = MediaScreener(database, Policy.default(), None)
    answer = screener.screen(
        IncomingMedia("img-1", "conv-m", "sender", ("kid",), datetime.now(UTC), image)
    )
    [match] = [e for e in all_events(database) if e["type"] == "media.match"]
    data = match["data"]
    assert data["media_id"] == "img-1" and data["case_id"] == answer["case_id"]  # type: ignore[index]
    assert data["verdict"] == answer["verdict"] == "block"  # type: ignore[index]
    assert data["matches"][0]["bank"] == "known"  # type: ignore[index]
