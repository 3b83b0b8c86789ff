"""`childsafe evidence verify|export|purge`: check sealed bundles against their manifests,
write one out as a zip, and delete the bundles whose retention period is over."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import select

from childsafe.cases.evidence import bundle_zip, purge_expired, verify_bundle
from childsafe.cli.cases import open_database
from childsafe.store.tables.cases import EvidenceBundle


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evidence", help="sealed evidence bundles")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="check every bundle (or one case's) manifest")
    verify.add_argument("--case", dest="case_id", help="only this case's bundles")
    verify.set_defaults(func=run_verify)
    export = actions.add_parser("export", help="write a bundle as a zip with SHA256SUMS")
    export.add_argument("bundle_id")
    export.add_argument("--output", "-o", required=True, help="the zip file to write")
    export.set_defaults(func=run_export)
    purge = actions.add_parser("purge", help="delete bundles whose retention period is over")
    purge.set_defaults(func=run_purge)


def run_verify(args: argparse.Namespace) -> int:
    database = open_database(args)
    broken = 0
    with database.session() as session:
        query = select(EvidenceBundle).order_by(EvidenceBundle.sealed_at)
        if args.case_id:
            query = query.where(EvidenceBundle.case_id == args.case_id)
        bundles = session.scalars(query).all()
        for bundle in bundles:
            problems = verify_bundle(bundle)
            if problems:
                broken += 1
                print(f"{bundle.id} (case {bundle.case_id}): CHANGED {', '.join(problems)}")
    database.dispose()
    print(f"{len(bundles)} bundles checked, {broken} changed")
    return 1 if broken else 0


def run_export(args: argparse.Namespace) -> int:
    database = open_database(args)
    with database.session() as session:
        bundle = session.get(EvidenceBundle, args.bundle_id)
        data = bundle_zip(bundle) if bundle is not None else None
    database.dispose()
    if data is None:
        print(f"error: no evidence bundle {args.bundle_id}", file=sys.stderr)
        return 1
    Path(args.output).write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


def run_purge(args: argparse.Namespace) -> int:
    database = open_database(args)
    with database.session() as session:
        purged = purge_expired(session)
    database.dispose()
    print(f"purged {len(purged)} bundles past their retention period")
    return 0
