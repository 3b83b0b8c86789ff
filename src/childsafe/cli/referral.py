"""`childsafe referral ncmec CASE_ID` (CyberTipline XML) and `childsafe referral nca CASE_ID`
(UK NCA package as JSON or HTML). Prints the export; nothing is sent anywhere."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.cli.cases import open_database
from childsafe.referrals import nca, ncmec
from childsafe.referrals.facts import ReferralError
from childsafe.store.tables.cases import Referral

T = TypeVar("T")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("referral", help="export a case as a referral (never sent)")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    to_ncmec = kinds.add_parser("ncmec", help="NCMEC CyberTipline report XML")
    to_ncmec.add_argument("case_id")
    to_ncmec.set_defaults(func=run_ncmec)
    to_nca = kinds.add_parser("nca", help="UK NCA referral package")
    to_nca.add_argument("case_id")
    to_nca.add_argument("--format", choices=("json", "html"), default="json")
    to_nca.set_defaults(func=run_nca)


def _warn_unless_approved(session: Session, case_id: str) -> None:
    approved = session.scalar(
        select(Referral.id).where(Referral.case_id == case_id, Referral.status == "approved")
    )
    if approved is None:
        print(
            f"note: case {case_id} has no approved referral; this is a draft for review",
            file=sys.stderr,
        )


def _export(args: argparse.Namespace, build: Callable[[Session, str], T]) -> T | None:
    """The case's export, or None after printing why it could not be made."""
    database = open_database(args)
    try:
        with database.session() as session:
            _warn_unless_approved(session, args.case_id)
            return build(session, args.case_id)
    except ReferralError as error:
        print(f"error: {error}", file=sys.stderr)
        return None
    finally:
        database.dispose()


def run_ncmec(args: argparse.Namespace) -> int:
    xml = _export(args, ncmec.export_case)
    if xml is None:
        return 1
    checked = ncmec.validate(xml)
    sys.stdout.write(xml)
    print(
        "validated against the NCMEC XSD"
        if checked
        else "not validated: NCMEC XSD not found (set CHILDSAFE_STANDARDS_DIR)",
        file=sys.stderr,
    )
    return 0


def run_nca(args: argparse.Namespace) -> int:
    package = _export(args, nca.build_package)
    if package is None:
        return 1
    sys.stdout.write(nca.to_json(package) if args.format == "json" else nca.to_html(package))
    return 0
