"""Held messages from a case's suspect wait for a moderator, oldest first; a release tells the
platform to deliver (message.released), a confirmation keeps it withheld; both audited, and
what a review cannot do is refused with its reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from childsafe.cases import held_messages
from childsafe.cases.actions import ActionRefused
from childsafe.store.db import Database
from childsafe.store.tables.cases import AuditEntry
from childsafe.store.tables.service import StoredMessage
from tests.helpers.cases import api_client, make_users, open_cases, scenario
from tests.helpers.decisions import events_of


def test_holds_wait_oldest_first_and_are_released_or_confirmed_once(database: Database) -> None:
    with api_client(database) as client:
        scenario(client)
    users = make_users(database)
    case_id = open_cases(database)[0].id
    with database.session() as session:
        waiting = held_messages.unreviewed(session)
        assert len(waiting) >= 2 and held_messages.unreviewed_count(session) == len(waiting)
        assert {held.sender_id for held in waiting} == {"groomer"}
        assert {held.case_id for held in waiting} == {case_id}
        assert [h.received_at for h in waiting] == sorted(h.received_at for h in waiting)
        assert all(held.reasons for held in waiting)  # the rules that held it, in words
        delivered = session.scalar(
            select(StoredMessage.id).where(StoredMessage.verdict != "hold").limit(1)
        )
    first, second = waiting[0], waiting[1]
    refusals = [
        (first.id, "release", "auditor", "fine", 403),
        (first.id, "release", "mod", "   ", 400),
        (first.id, "delete", "mod", "fine", 400),
        ("no-such-message", "release", "mod", "fine", 404),
        (delivered, "release", "mod", "fine", 409),
    ]
    for message_id, decision, who, reason, status in refusals:
        with pytest.raises(ActionRefused) as refused, database.session() as session:
            held_messages.review(session, str(message_id), decision, users[who], reason)
        assert refused.value.status == status, (message_id, decision, who)

    with database.session() as session:
        released = held_messages.review(session, first.id, "release", users["mod"], "harmless")
        held_messages.review(session, second.id, "confirm", users["spec1"], "asks for a photo")
    assert released.decision == "released"
    assert events_of(database, "message.released") == [
        {
            "message_id": first.id,
            "conversation_id": first.conversation_id,
            "sender_id": "groomer",
            "recipient_ids": ["kid"],
            "reasons": ["Released: delivered to the recipient", "harmless"],
        }
    ]
    with (
        pytest.raises(ActionRefused, match="already confirmed") as again,
        database.session() as session,
    ):
        held_messages.review(session, second.id, "release", users["spec2"], "changed mind")
    assert again.value.status == 409
    assert len(events_of(database, "message.released")) == 1
    with database.session() as session:
        assert held_messages.unreviewed_count(session) == len(waiting) - 2
        on_case = {
            held.id: held.review.decision if held.review else None
            for held in held_messages.of_case(session, case_id)
        }
        assert (on_case[first.id], on_case[second.id]) == ("released", "confirmed")
        trail = session.execute(
            select(AuditEntry.actor, AuditEntry.action, AuditEntry.target_id).where(
                AuditEntry.target_type == "message"
            )
        ).all()
    assert set(trail) == {
        (f"user:{users['mod'].id}", "message.released", first.id),
        (f"user:{users['spec1'].id}", "message.confirmed", second.id),
    }
