"""`childsafe hashes import|list|match|enable|disable|hash`: hash banks from the command line."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from childsafe.cli.progress import Progress, loaded
from childsafe.hashbanks.banks import (
    BankError,
    BankKind,
    add_entries,
    create_bank,
    get_bank,
    list_banks,
    set_enabled,
)
from childsafe.hashbanks.importers import HashListError, read_hash_list
from childsafe.hashbanks.matcher import HashMatcher
from childsafe.hashbanks.signal_types import HashKind
from childsafe.signals.image_hash import BrokenImage, ImageHashes, NotAnImage, hash_image
from childsafe.store.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("hashes", help="import, list and match hash banks")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    imp = actions.add_parser("import", help="import a hash list (CSV or threatexchange format)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--bank", required=True, help="bank name (created if new)")
    imp.add_argument("--source", help="where the list comes from (required for a new bank)")
    imp.add_argument("--date", type=date.fromisoformat, help="the list's date, YYYY-MM-DD")
    imp.add_argument(
        "--kind", choices=[k.value for k in HashKind], help="hash type when lines omit it"
    )
    imp.add_argument(
        "--allow-list", action="store_true", help="a 'never match' bank of false positives"
    )
    imp.add_argument("--threshold", type=int, help="PDQ match distance for a new bank")
    imp.set_defaults(func=run_import)

    listing = actions.add_parser("list", help="list banks with their sizes and state")
    listing.set_defaults(func=run_list)

    match = actions.add_parser("match", help="hash image files and match them against the banks")
    match.add_argument("files", nargs="+", type=Path, metavar="FILE")
    match.set_defaults(func=run_match)

    for name, enabled in (("enable", True), ("disable", False)):
        toggle = actions.add_parser(name, help=f"{name} a bank (disabled banks never match)")
        toggle.add_argument("bank")
        toggle.set_defaults(func=run_toggle, enabled=enabled)

    hashing = actions.add_parser("hash", help="print image hashes in threatexchange's format")
    hashing.add_argument("files", nargs="+", type=Path, metavar="FILE")
    hashing.set_defaults(func=run_hash)


def _database(args: argparse.Namespace) -> Database:
    database = Database(args.database_url)
    database.migrate()
    return database


def run_import(args: argparse.Namespace) -> int:
    kind = HashKind(args.kind) if args.kind else None
    try:
        entries = loaded(str(args.file), "hashes", lambda: read_hash_list(args.file, kind))
    except HashListError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 1
    database = _database(args)
    try:
        with database.session() as session:
            try:
                bank = get_bank(session, args.bank)
            except BankError:
                bank = create_bank(
                    session,
                    name=args.bank,
                    source=args.source or args.file.name,
                    kind=BankKind.ALLOW if args.allow_list else BankKind.MATCH,
                    source_date=args.date,
                    pdq_threshold=args.threshold,
                )
            with Progress(f"adding to {bank.name}", "new hashes") as progress:
                result = add_entries(session, bank, entries, progress.update)
            print(
                f"{bank.name}: {result.added} hashes added, "
                f"{result.already_present} already present ({bank.kind} bank, {bank.id})"
            )
    except BankError as error:
        print(f"nothing imported: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    return 0


def run_list(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        banks = list_banks(session)
    database.dispose()
    print("name\tkind\tstate\tpdq_threshold\tentries\tsource\tdate")
    for bank in banks:
        entries = ", ".join(f"{k}={n}" for k, n in sorted(bank.entries.items())) or "empty"
        state = "enabled" if bank.enabled else "disabled"
        when = bank.source_date.isoformat() if bank.source_date else "-"
        print(
            f"{bank.name}\t{bank.kind}\t{state}\t{bank.pdq_threshold}\t{entries}\t"
            f"{bank.source}\t{when}"
        )
    return 0


def run_toggle(args: argparse.Namespace) -> int:
    database = _database(args)
    try:
        with database.session() as session:
            set_enabled(session, get_bank(session, args.bank), args.enabled)
    except BankError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"{args.bank}: {'enabled' if args.enabled else 'disabled'}")
    return 0


def _hash_file(path: Path) -> ImageHashes | None:
    try:
        return hash_image(path.read_bytes())
    except (OSError, NotAnImage, BrokenImage) as error:
        print(f"{path}: {error}", file=sys.stderr)
        return None


def run_match(args: argparse.Namespace) -> int:
    database = _database(args)
    with database.session() as session:
        matcher = HashMatcher.load(session)
    database.dispose()
    failed = matched = 0
    for path in args.files:
        hashes = _hash_file(path)
        if hashes is None:
            failed += 1
            continue
        result = matcher.match(hashes)
        matched += bool(result.hits)
        verdict = "MATCH" if result.hits else "no match"
        if result.suppressed:
            verdict += f" ({len(result.suppressed)} suppressed by the allow-list)"
        print(f"{path}: {verdict}  pdq={hashes.pdq} quality={hashes.pdq_quality}")
        for hit in result.hits:
            print(
                f"  {hit.bank_name}: {hit.kind} distance {hit.distance} "
                f"transform {hit.transform} entry {hit.entry_id} {hit.label or ''}".rstrip()
            )
    return 1 if failed else 0


def run_hash(args: argparse.Namespace) -> int:
    failed = 0
    for path in args.files:
        hashes = _hash_file(path)
        if hashes is None:
            failed += 1
            continue
        print(f"pdq {hashes.pdq} {path}")
        print(f"md5 {hashes.md5} {path}")
        print(f"sha256 {hashes.sha256} {path}")
    return 1 if failed else 0
