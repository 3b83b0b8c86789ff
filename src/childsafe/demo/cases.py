"""Demo data for the moderation side, on top of the demo accounts and conversations:
console users (one per role, passwords printed once), children's reports about the suspects
the detector flagged, and a few cases already worked, so the console opens on a realistic queue.

Runs after the service's demo conversations went through the real message path (they raise
the alerts that open the cases). Re-running it resets the demo users' passwords and adds
nothing twice.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from sqlalchemy import select

from childsafe.cases.actions import take_action
from childsafe.cases.reports import submit_report
from childsafe.cases.users import create_user
from childsafe.conversations import RiskTracker
from childsafe.policy import Policy
from childsafe.screening.batcher import Batcher
from childsafe.screening.records import IncomingMessage
from childsafe.screening.screener import Screener
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, ConsoleUser, Report
from childsafe.store.tables.service import Account, Connection

DEMO_USERS = (
    ("moderator", "moderator", "Maya (moderator)"),
    ("specialist", "specialist", "Sam (child-safety specialist)"),
    ("specialist2", "specialist", "Jo (second specialist)"),
    ("admin", "admin", "Alex (administrator)"),
    ("auditor", "auditor", "Ria (auditor)"),
)
# What the child who was contacted says, by the most severe cue in the case.
REPORT_FOR_SEVERITY = {
    "threat_sextortion": ("threatening_me", "they said they will send my pictures to everyone"),
    "meeting": ("wants_to_meet", "they keep asking to meet me after school"),
    "image_request": ("asked_for_pictures", "they keep asking for pictures"),
    "sexual": ("sent_me_pictures", None),
    "secrecy": ("keep_a_secret", "they said not to tell my mum"),
}


# More invented, non-graphic conversations (beside the service's), so the queue shows cases of
# different urgency: (id, age band, display name) and (conversation, sender, recipient, lines).
MORE_ACCOUNTS = (
    ("alex_19", "adult", "Alex (19)"),
    ("chris_25", "adult", "Chris (25)"),
    ("taylor_16", "16_17", "Taylor (16)"),
)
MORE_CONNECTIONS = (("alex_19", "riley_14"), ("chris_25", "jamie_12"), ("riley_14", "taylor_16"))
MORE_CONVERSATIONS = (
    (
        "demo-threat",
        "alex_19",
        "riley_14",
        (
            "you looked really nice in that photo you posted",
            "don't tell anyone we talk ok",
            "send me more pics or i will share the ones you sent with your whole school",
        ),
    ),
    (
        "demo-secret",
        "chris_25",
        "jamie_12",
        (
            "you're so mature for your age",
            "this is our secret, don't tell your parents",
            "do you have snapchat? we can talk there instead",
        ),
    ),
)
# Children's own reports: (reporter, reported, category, their words). The first joins the
# detector's case about Alex; the second is a report with no alert behind it.
MORE_REPORTS = (
    ("riley_14", "alex_19", "threatening_me", "they said they will send my pictures to everyone"),
    ("riley_14", "taylor_16", "made_me_uncomfortable", "they keep messaging me at night"),
)
DEMO_TIME = datetime(2026, 11, 23, 15, 30, tzinfo=UTC)


@dataclass
class DemoSummary:
    passwords: dict[str, str] = field(default_factory=dict)
    reports: int = 0
    worked: list[str] = field(default_factory=list)


def _users(database: Database) -> dict[str, str]:
    passwords = {}
    hasher = PasswordHasher()
    with database.session() as session:
        for username, role, name in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            existing = session.scalar(select(ConsoleUser).where(ConsoleUser.username == username))
            if existing is None:
                create_user(
                    session,
                    username=username,
                    password=password,
                    role=role,
                    display_name=name,
                    created_by="demo",
                )
            else:
                existing.password_hash = hasher.hash(password)
            passwords[username] = password
    return passwords


def _more_conversations(database: Database, say: Callable[[str], None]) -> None:
    """Through the real message path (fixed ids: a re-run replays the stored answers).

    They talk to the service's demo children, so they need its demo accounts first.
    """
    with database.session() as session:
        children = {recipient for _c, _s, recipient, _l in MORE_CONVERSATIONS}
        if any(session.get(Account, child) is None for child in children):
            say("  (skipped: the service's demo accounts are not there)")
            return
        for account_id, band, name in MORE_ACCOUNTS:
            if session.get(Account, account_id) is None:
                session.add(Account(id=account_id, age_band=band, display_name=name, settings={}))
        session.flush()
        for a, b in MORE_CONNECTIONS:
            first, second = sorted((a, b))
            if session.get(Connection, (first, second)) is None:
                session.add(Connection(account_a=first, account_b=second))
    batcher = Batcher(Screener(database, Policy.default(), RiskTracker.default()))
    try:
        for conversation, sender, recipient, lines in MORE_CONVERSATIONS:
            for index, text in enumerate(lines):
                message = IncomingMessage(
                    f"{conversation}-{index}",
                    conversation,
                    sender,
                    (recipient,),
                    text,
                    DEMO_TIME + timedelta(minutes=index),
                )
                answer = batcher.screen(message)
                alert = f"  ALERT {answer['alert_id']}" if answer["alert_id"] else ""
                say(f"  {sender} -> {recipient}: {text[:32]:<32} {answer['verdict']}{alert}")
    finally:
        batcher.close()


def seed_demo_cases(database: Database, say: Callable[[str], None] = print) -> DemoSummary:
    say("more demo conversations for the moderation queue:")
    _more_conversations(database, say)
    summary = DemoSummary(passwords=_users(database))
    with database.session() as session:
        cases = list(
            session.scalars(
                select(Case)
                .where(Case.status != "closed")
                .order_by(Case.priority_rank, Case.sla_due_at)
            )
        )
        already_reported = set(session.scalars(select(Report.reported_account_id)))
        own_words = {reported for _reporter, reported, _category, _words in MORE_REPORTS}
        skip = already_reported | own_words
        for case in cases:
            if case.suspect_account_id in skip or not case.victim_account_ids:
                continue
            category, words = REPORT_FOR_SEVERITY.get(
                case.severity, ("made_me_uncomfortable", None)
            )
            submit_report(
                session,
                reporter_account_id=case.victim_account_ids[0],
                reported_account_id=case.suspect_account_id,
                category=category,
                surface="chat",
                details=words,
                submitted_by="demo",
            )
            summary.reports += 1
        for reporter, reported, category, words in MORE_REPORTS:
            if reported in already_reported or session.get(Account, reporter) is None:
                continue
            submit_report(
                session,
                reporter_account_id=reporter,
                reported_account_id=reported,
                category=category,
                surface="chat",
                details=words,
                submitted_by="demo",
            )
            summary.reports += 1
    # Work the least urgent cases so the queue shows each state; the most urgent stay for you.
    with database.session() as session:
        moderator = session.scalar(select(ConsoleUser).where(ConsoleUser.username == "moderator"))
        assert moderator is not None
        waiting = list(
            session.scalars(
                select(Case)
                .where(Case.status == "open")
                .order_by(Case.priority_rank.desc(), Case.sla_due_at.desc())
            )
        )
        # Only mild cases are worked, and at least two cases always stay open.
        plan = [
            ("dismiss", 3, "Looked at the whole conversation: nothing concerning."),
            ("warn", 2, "Pressured a child to keep the chat secret: warned."),
        ]
        for case in waiting[: max(len(waiting) - 2, 0)]:
            if not plan or case.priority_rank < plan[0][1]:
                continue
            kind, _rank, reason = plan.pop(0)
            take_action(session, case.id, kind, moderator, reason)
            summary.worked.append(f"{case.id} ({kind})")
    say("console users (passwords shown once; re-run seed-demo to reset them):")
    for username, role, _name in DEMO_USERS:
        say(f"  {username:<12} {role:<11} {summary.passwords[username]}")
    worked = ", ".join(summary.worked) or "none"
    say(f"children's reports added: {summary.reports}; cases worked: {worked}")
    return summary
