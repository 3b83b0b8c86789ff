"""`childsafe transparency --from DATE --to DATE [--format html|pdf|csv|json|dsa-sor]`."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from typing import BinaryIO

from sqlalchemy.orm import Session

from childsafe.cli.cases import open_database
from childsafe.transparency import dsa
from childsafe.transparency.figures import compute_figures
from childsafe.transparency.formats import FORMATS, format_named


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "transparency", help="transparency figures for a period, or DSA statements of reasons"
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument("--from", dest="start", type=_day, required=True, help="first day (UTC)")
    parser.add_argument("--to", dest="end", type=_day, required=True, help="last day (UTC)")
    parser.add_argument("--format", choices=(*(f.name for f in FORMATS), "dsa-sor"), default="json")
    parser.add_argument("--output", "-o", help="write here instead of standard output")
    parser.add_argument(
        "--validate",
        action="store_true",
        help="dsa-sor: validate every statement against the schema in ../shared/standards",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.start > args.end:
        print("error: --from must be on or before --to", file=sys.stderr)
        return 2
    database = open_database(args)
    out: BinaryIO = open(args.output, "wb") if args.output else sys.stdout.buffer  # noqa: SIM115
    try:
        with database.session() as session:
            if args.format == "dsa-sor":
                return _statements(session, args, out)
            figures = compute_figures(session, args.start, args.end)
        out.write(format_named(args.format).render(figures))
        return 0
    finally:
        out.flush()
        if args.output:
            out.close()
        database.dispose()


def _statements(session: Session, args: argparse.Namespace, out: BinaryIO) -> int:
    schema = dsa.validator() if args.validate else None
    if args.validate and schema is None:
        print(
            "error: the DSA schema is not available (set CHILDSAFE_STANDARDS_DIR)",
            file=sys.stderr,
        )
        return 2
    count = 0
    for batch in dsa.batches(session, args.start, args.end):
        if schema is not None:
            for statement in batch:
                schema.validator.validate(statement)
        count += len(batch)
        out.write((dsa.batch_line(batch) + "\n").encode("utf-8"))
    print(f"{count} statements of reasons for {args.start}..{args.end}", file=sys.stderr)
    if schema is not None:
        print(
            f"validated {count} statements, each against the {schema.describe()}: all valid",
            file=sys.stderr,
        )
    return 0
