"""`childsafe referral ncmec CASE_ID` (CyberTipline XML) and `childsafe referral nca CASE_ID`
(UK NCA package as JSON or HTML): one command per registered exporter
(`referrals/registry.py`). Prints the export; nothing is sent anywhere."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.cli.cases import open_database
from childsafe.referrals.exporter import ReferralFormat
from childsafe.referrals.facts import ReferralError
from childsafe.referrals.registry import EXPORTERS, exporter_named
from childsafe.store.tables.cases import Referral


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("referral", help="export a case as a referral (never sent)")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for exporter in EXPORTERS:
        command = kinds.add_parser(exporter.name, help=exporter.description)
        command.add_argument("case_id")
        command.add_argument(
            "--draft",
            action="store_true",
            help="export a case without an approved referral, marked as a draft in the file",
        )
        if len(exporter.formats) > 1:
            extensions = tuple(f.extension for f in exporter.formats)
            command.add_argument("--format", choices=extensions, default=extensions[0])
        command.set_defaults(func=run)


def _approved_or_draft(session: Session, case_id: str, draft: bool) -> bool:
    """Whether to export: a case with an approved referral, or any case as a marked draft."""
    approved = session.scalar(
        select(Referral.id).where(Referral.case_id == case_id, Referral.status == "approved")
    )
    if approved is None and not draft:
        print(
            f"error: case {case_id} has no approved referral (a second specialist must approve "
            "it); add --draft to export a copy marked as a draft for review",
            file=sys.stderr,
        )
        return False
    if approved is None:
        print(f"note: case {case_id} is exported as a DRAFT (marked in the file)", file=sys.stderr)
    return True


def _export(args: argparse.Namespace, form: ReferralFormat) -> str | None:
    """The case's export, or None after printing why it could not be made."""
    database = open_database(args)
    try:
        with database.session() as session:
            if not _approved_or_draft(session, args.case_id, args.draft):
                return None
            return form.export(session, args.case_id)
    except ReferralError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    finally:
        database.dispose()


def run(args: argparse.Namespace) -> int:
    exporter = exporter_named(args.kind)
    document = _export(args, exporter.format(getattr(args, "format", None)))
    if document is None:
        return 1
    note = exporter.check(document) if exporter.check is not None else None
    sys.stdout.write(document)
    if note is not None:
        print(note, file=sys.stderr)
    return 0
