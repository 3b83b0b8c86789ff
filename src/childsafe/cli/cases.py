"""`childsafe cases list [--json]`: the case queue from the command line."""

from __future__ import annotations

import argparse
import json

from sqlalchemy import select

from childsafe.cli.arguments import whole_number
from childsafe.model.clock import as_utc
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case

STATUSES = {
    "open": ("open",),
    "in_progress": ("in_progress",),
    "closed": ("closed",),
    "active": ("open", "in_progress"),
    "all": ("open", "in_progress", "closed"),
}


def open_database(args: argparse.Namespace) -> Database:
    database = Database(getattr(args, "database_url", None))
    database.migrate()
    return database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("cases", help="list moderation cases")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="cases in priority order (most urgent first)")
    listing.add_argument("--status", choices=sorted(STATUSES), default="active")
    listing.add_argument("--limit", type=whole_number(1), default=100)
    listing.add_argument("--json", action="store_true", help="a JSON array of case objects")
    listing.set_defaults(func=run_list)


def case_document(case: Case) -> dict[str, object]:
    return {
        "id": case.id,
        "status": case.status,
        "priority": case.priority,
        "priority_score": case.priority_score,
        "priority_reasons": case.priority_reasons,
        "severity": case.severity,
        "suspect_account_id": case.suspect_account_id,
        "victim_account_ids": case.victim_account_ids,
        "youngest_age_band": case.youngest_age_band,
        "cues": case.cues,
        "items": case.item_count,
        "opened_at": as_utc(case.opened_at).isoformat(),
        "sla_due_at": as_utc(case.sla_due_at).isoformat(),
        "outcome": case.outcome,
    }


def run_list(args: argparse.Namespace) -> int:
    database = open_database(args)
    with database.session() as session:
        cases = session.scalars(
            select(Case)
            .where(Case.status.in_(STATUSES[args.status]))
            .order_by(Case.priority_rank, Case.sla_due_at, Case.id)
            .limit(args.limit)
        ).all()
        documents = [case_document(case) for case in cases]
    database.dispose()
    if args.json:
        print(json.dumps(documents, indent=2))
        return 0
    for document in documents:
        print(
            f"{document['id']}\t{document['priority']}\t{document['status']}\t"
            f"due {document['sla_due_at']}\t{document['severity']}\t"
            f"suspect {document['suspect_account_id']}"
        )
    return 0
