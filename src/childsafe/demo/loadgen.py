"""Synthetic cases, reports and decisions in bulk, for benchmarks and aggregate tests.

Rows go straight in with multi-row INSERTs (no intake, no audit): this measures the console
and the transparency queries at volume, not the write path. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert

from childsafe.cases.priority import LEVELS
from childsafe.cases.reports import CATEGORIES, SURFACES
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, CaseAction, CaseCue, ConsoleUser, Report
from childsafe.store.tables.service import Account

BATCH = 5000
KINDS = ("dismiss", "warn", "restrict", "suspend", "preserve", "refer")
BANDS = ("under_13", "13_15", "16_17", "unknown")
SEVERITIES = (
    "threat_sextortion",
    "meeting",
    "image_request",
    "sexual",
    "secrecy",
    "gifts_flattery",
)


@dataclass
class Generated:
    """What was written, kept so tests can compute the expected figures independently."""

    cases: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    reports: list[dict[str, Any]] = field(default_factory=list)


def _batches(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def populate(
    database: Database,
    *,
    cases: int,
    actions: int,
    reports: int,
    start: datetime,
    days: int,
    open_share: float = 0.0,
    seed: int = 7,
    keep: bool = False,
) -> Generated:
    """Write `cases` cases (a share left open), `actions` decisions spread over the acted-on
    cases, and `reports`, all inside [start, start + days). `keep` returns the rows too."""
    rng = random.Random(seed)
    kept = Generated()
    span = days * 86400
    prefix = f"lg{seed}"
    with database.session() as session:
        session.execute(
            insert(Account),
            [
                {
                    "id": f"{prefix}-suspect",
                    "age_band": "adult",
                    "display_name": None,
                    "created_at": start,
                    "updated_at": start,
                    "settings": {},
                },
                {
                    "id": f"{prefix}-child",
                    "age_band": "13_15",
                    "display_name": None,
                    "created_at": start,
                    "updated_at": start,
                    "settings": {},
                },
            ],
        )
        session.execute(
            insert(ConsoleUser),
            [
                {
                    "id": f"{prefix}-mod",
                    "username": f"{prefix}-mod",
                    "display_name": "load",
                    "role": "moderator",
                    "password_hash": "!",
                    "active": True,
                    "created_at": start,
                }
            ],
        )

    case_ids: list[tuple[str, datetime, str, str]] = []

    def case_rows() -> Iterator[dict[str, Any]]:
        for index in range(cases):
            level = LEVELS[rng.randrange(len(LEVELS))]
            opened = start + timedelta(seconds=rng.randrange(span))
            is_open = rng.random() < open_share
            waited = None if is_open else rng.expovariate(1 / level.sla.total_seconds())
            first_action = None if waited is None else opened + timedelta(seconds=waited)
            severity = SEVERITIES[rng.randrange(len(SEVERITIES))]
            case_id = f"{prefix}-case-{index:07d}"
            row: dict[str, Any] = {
                "id": case_id,
                "suspect_account_id": f"{prefix}-suspect",
                "open_suspect_key": None,
                "status": "open" if is_open else "in_progress",
                "outcome": None,
                "priority": level.name,
                "priority_rank": level.rank,
                "priority_score": round(rng.random(), 4),
                "priority_reasons": [f"most severe cue: {severity.replace('_', ' ')}"],
                "severity": severity,
                "cues": [severity],
                "victim_account_ids": [f"{prefix}-child"],
                "youngest_age_band": BANDS[rng.randrange(len(BANDS))],
                "max_score": round(rng.random(), 3),
                "item_count": 1 + rng.randrange(4),
                "opened_at": opened,
                "last_activity_at": opened,
                "sla_due_at": opened + level.sla,
                "first_action_at": first_action,
                "first_action_seconds": waited,
                "first_action_within_sla": None
                if waited is None
                else waited <= level.sla.total_seconds(),
                "closed_at": None,
                "updated_at": opened,
            }
            if first_action is not None:
                case_ids.append((case_id, first_action, level.name, severity))
            if keep:
                kept.cases.append(row)
            yield row

    def action_rows() -> Iterator[dict[str, Any]]:
        if not case_ids:
            return
        for index in range(actions):
            case_id, first_action, priority, severity = case_ids[index % len(case_ids)]
            # The first decision on each case is at its first_action time; later ones follow.
            at = first_action + timedelta(
                seconds=0 if index < len(case_ids) else rng.randrange(86400)
            )
            row: dict[str, Any] = {
                "id": f"{prefix}-act-{index:08d}",
                "case_id": case_id,
                "kind": KINDS[rng.randrange(len(KINDS))],
                "actor": f"user:{prefix}-mod",
                "actor_user_id": f"{prefix}-mod",
                "reason": "load test",
                "priority": priority,
                "severity": severity,
                "automated_detection": rng.random() < 0.7,
                "created_at": at,
            }
            if keep:
                kept.actions.append(row)
            yield row

    def report_rows() -> Iterator[dict[str, Any]]:
        some_case = f"{prefix}-case-0000000"
        for index in range(reports):
            row: dict[str, Any] = {
                "id": f"{prefix}-rep-{index:07d}",
                "reference": f"L{seed % 100:02d}{index:07d}"[:16],
                "reporter_account_id": f"{prefix}-child",
                "reported_account_id": f"{prefix}-suspect",
                "reporter_age_band": BANDS[rng.randrange(len(BANDS))],
                "category": CATEGORIES[rng.randrange(len(CATEGORIES))].key,
                "surface": SURFACES[rng.randrange(len(SURFACES))],
                "conversation_id": None,
                "message_ids": [],
                "details": None,
                "api_key_id": None,
                "case_id": some_case,
                "created_at": start + timedelta(seconds=rng.randrange(span)),
            }
            if keep:
                kept.reports.append(row)
            yield row

    for batch in _batches(case_rows()):
        with database.session() as session:
            session.execute(insert(Case), batch)
            # Each case's cues, one row each, as intake writes them.
            session.execute(
                insert(CaseCue),
                [{"case_id": row["id"], "cue": cue} for row in batch for cue in row["cues"]],
            )
    for table, rows in ((CaseAction, action_rows()), (Report, report_rows())):
        for batch in _batches(rows):
            with database.session() as session:
                session.execute(insert(table), batch)
    return kept
