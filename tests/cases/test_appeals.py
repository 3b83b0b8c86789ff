"""Decisions tell the platform (case.decided, report.outcome, referral.sent) in their own
transaction; appeals are decided by someone other than the original decider, and a reversal
lifts the restriction or delivers the held message."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from childsafe.cases import appeals, held_messages
from childsafe.cases.actions import (
    ActionRefused,
    close_case,
    decide_referral,
    request_referral,
    take_action,
)
from childsafe.store.db import Database
from childsafe.store.tables.cases import Appeal, Case, CaseAction, ConsoleUser
from tests.helpers.cases import api_client, make_users, open_cases, scenario
from tests.helpers.decisions import events_of, report_groomer

World = tuple[Database, dict[str, ConsoleUser], str]


@pytest.fixture
def world(database: Database) -> Iterator[World]:
    with api_client(database) as client:
        scenario(client)
        report_groomer(client, "wants_to_meet", "he wants to pick me up (invented)")
        report_groomer(client, "asked_for_pictures", "he asked for a photo (invented)")
    yield database, make_users(database), open_cases(database)[0].id


def appeal(
    database: Database, subject_type: str, subject_id: str, account: str = "groomer"
) -> Appeal:
    with database.session() as session:
        return appeals.file_appeal(
            session,
            account_id=account,
            subject_type=subject_type,
            subject_id=subject_id,
            statement="I only said hello, this is a mistake (invented test appeal)",
            contact_preference="in_app",
            api_key_id="key_test",
        )


def decide(
    database: Database, appeal_id: str, outcome: str, user: ConsoleUser, **extra: str
) -> Appeal:
    with database.session() as session:
        return appeals.decide_appeal(session, appeal_id, outcome, user, "looked again", **extra)


def test_decisions_tell_the_platform_and_every_reporter_in_their_transaction(
    world: World,
) -> None:
    database, users, case_id = world
    with pytest.raises(RuntimeError), database.session() as session:
        take_action(session, case_id, "suspend", users["mod"], "grooming a child")
        raise RuntimeError("the transaction fails after the decision")
    assert events_of(database, "case.decided") == events_of(database, "report.outcome") == []
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(CaseAction)) == 0

    with database.session() as session:
        action = take_action(session, case_id, "restrict", users["mod"], "grooming a child")
    [decided] = events_of(database, "case.decided")
    assert decided["decision_id"] == action.id and decided["account_id"] == "groomer"
    assert decided["enforcement"] == "restrict_contact_with_children"
    assert decided["decided_by_kind"] == "human"
    assert decided["reasons"] == [
        "Restricted the account (cannot contact children)",
        "grooming a child",
    ]
    outcomes = events_of(database, "report.outcome")
    assert len(outcomes) == 2 and {o["reporter_account_id"] for o in outcomes} == {"kid"}
    assert all(o["outcome"] == "action_taken" for o in outcomes)
    assert all("can no longer contact young people" in o["message"] for o in outcomes)
    # Nothing about the suspect reaches the child's outcome.
    assert not any("groomer" in str(value) for o in outcomes for value in o.values())

    with database.session() as session:
        referral = request_referral(session, case_id, users["spec1"], "enticement, under 13")
    assert events_of(database, "referral.sent") == []
    with database.session() as session:
        decide_referral(session, referral.id, users["spec2"], True, "agree")
    assert events_of(database, "referral.sent") == [
        {"referral_id": referral.id, "case_id": case_id, "account_id": "groomer"}
    ]
    told = events_of(database, "report.outcome")[2:]  # each child hears of the referral
    assert len(told) == 2 and all("passed it on" in o["message"] for o in told)


def test_case_decisions_are_appealed_and_decided_by_someone_else(world: World) -> None:
    database, users, case_id = world
    with database.session() as session:
        warned = take_action(session, case_id, "warn", users["mod"], "first warning")
        preserved = take_action(session, case_id, "preserve", users["mod"], "keep the evidence")
    refusals = [
        ("decision", warned.id, "kid", 404, "no decision"),  # about someone else
        ("decision", "act_nothing", "groomer", 404, "no decision"),
        ("decision", preserved.id, "groomer", 409, "placed no restriction"),
        ("held_message", "msg-none", "groomer", 404, "no message"),
        ("decision", warned.id, "nobody", 404, "unknown account"),
    ]
    for subject_type, subject_id, account, status, words in refusals:
        with pytest.raises(ActionRefused, match=words) as refused:
            appeal(database, subject_type, subject_id, account)
        assert refused.value.status == status
    with database.session() as session:
        restricted = take_action(session, case_id, "restrict", users["mod"], "it went on")
    with pytest.raises(ActionRefused, match="replaced this one") as replaced:
        appeal(database, "decision", warned.id)
    assert replaced.value.status == 409

    # Reversed: the restriction is lifted, on the case and for the platform.
    with database.session() as session:
        close_case(session, case_id, users["mod"], "done")
    filed = appeal(database, "decision", restricted.id)
    assert (filed.ground, filed.against_automated) == ("restrict", False)
    with pytest.raises(ActionRefused, match="already under appeal"):
        appeal(database, "decision", restricted.id)
    with pytest.raises(ActionRefused, match="someone else") as refused:
        decide(database, filed.id, "reversed", users["mod"])
    assert refused.value.status == 403
    with pytest.raises(ActionRefused, match="new decision") as unclear:
        decide(database, filed.id, "modified", users["spec1"])
    assert unclear.value.status == 400
    decided = decide(database, filed.id, "reversed", users["spec1"])
    assert decided.outcome == "reversed" and decided.decision_seconds is not None
    with database.session() as session:
        assert session.get_one(Case, case_id).outcome == "lifted"
    lifted = events_of(database, "case.decided")[-1]
    assert (lifted["decision"], lifted["enforcement"]) == ("lift", "none")
    [told] = events_of(database, "appeal.decided")
    assert told["appeal_id"] == filed.id and told["enforcement"] == "none"
    assert told["outcome"] == "reversed" and "looked again" in told["reasons"]
    with pytest.raises(ActionRefused, match="already decided"):
        decide(database, filed.id, "upheld", users["spec2"])

    # Modified: the new enforcement is recorded and sent.
    with database.session() as session:
        suspended = take_action(session, open_case(database), "suspend", users["spec1"], "again")
    modified = appeal(database, "decision", suspended.id)
    decide(database, modified.id, "modified", users["mod"], new_decision="restrict")
    changed = events_of(database, "case.decided")[-1]
    assert changed["enforcement"] == "restrict_contact_with_children"
    assert events_of(database, "appeal.decided")[-1]["enforcement"] == changed["enforcement"]


def open_case(database: Database) -> str:
    """A new case about the groomer (the first one is closed): a report opens it."""
    with api_client(database) as client:
        report_groomer(client, "wants_to_meet", "he is back (invented)")
    return open_cases(database)[0].id


def test_an_appeal_against_an_automated_hold_can_deliver_the_message(world: World) -> None:
    database, users, _ = world
    with database.session() as session:
        first, second = held_messages.unreviewed(session)[:2]
    filed = appeal(database, "held_message", first.id)
    assert (filed.ground, filed.against_automated, filed.original_decider) == (
        "automated_hold",
        True,
        "system",
    )
    with pytest.raises(ActionRefused, match="delivered or kept withheld"):
        decide(database, filed.id, "modified", users["mod"])
    decide(database, filed.id, "reversed", users["mod"])
    [released] = events_of(database, "message.released")
    assert released["message_id"] == first.id
    # A moderator's confirmation of a hold is a human decision: they may not judge its appeal.
    with database.session() as session:
        held_messages.review(session, second.id, "confirm", users["spec1"], "asks for a photo")
    confirmed = appeal(database, "held_message", second.id)
    assert (confirmed.ground, confirmed.against_automated) == ("confirmed_hold", False)
    with pytest.raises(ActionRefused, match="someone else"):
        decide(database, confirmed.id, "upheld", users["spec1"])
    decide(database, confirmed.id, "upheld", users["spec2"])
    assert events_of(database, "appeal.decided")[-1]["enforcement"] == "keep_message_withheld"
    assert len(events_of(database, "message.released")) == 1
