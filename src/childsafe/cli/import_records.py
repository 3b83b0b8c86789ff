"""`childsafe import accounts|connections FILE`: bulk-load what a platform already has.

Reads JSON Lines or CSV as a stream, checks every line with the batch API's model
(childsafe.api.accounts / connections) and writes through childsafe.accounts.bulk, one
transaction per chunk. Idempotent: importing a file again changes nothing. A bad line is
reported with its number and field and never stops the good ones.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy.orm import Session

from childsafe.accounts import (
    SETTINGS_BY_NAME,
    ItemResult,
    ItemStatus,
    connect_accounts,
    register_accounts,
    write_in_chunks,
)
from childsafe.api.accounts import account_record
from childsafe.api.connections import connection_record
from childsafe.api.nul_guard import MESSAGE as NUL_MESSAGE
from childsafe.cli.arguments import whole_number
from childsafe.cli.output import human_print
from childsafe.cli.progress import Progress
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection

# Errors listed one by one (on stderr, and in --json); beyond this only counted.
LISTED_ERRORS = 1000

Validate = Callable[[Any], Any]
Write = Callable[[Session, Sequence[Any]], list[ItemResult]]


@dataclass(frozen=True, slots=True)
class Kind:
    validate: Validate
    write: Write
    table: str  # whose statistics are refreshed after a load that changed it
    description: str


KINDS: dict[str, Kind] = {
    "accounts": Kind(
        account_record,
        register_accounts,
        Account.__tablename__,
        "one account a line: id, age_band and optionally display_name, created_at, "
        "notice_acknowledged and settings (in CSV, one column per setting)",
    ),
    "connections": Kind(
        connection_record,
        connect_accounts,
        Connection.__tablename__,
        "one connection a line: account_a, account_b",
    ),
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "import", help="bulk-load accounts or connections from JSONL or CSV"
    )
    kinds = parser.add_subparsers(dest="kind", metavar="KIND", required=True)
    for name, kind in KINDS.items():
        sub = kinds.add_parser(name, help=f"{name} (idempotent)", description=kind.description)
        sub.add_argument("file", type=Path, help="JSON Lines or CSV with a header; - for stdin")
        sub.add_argument(
            "--format", choices=("jsonl", "csv"), help="default: from the file name (.csv)"
        )
        sub.add_argument("--database-url", help="overrides DATABASE_URL")
        sub.add_argument(
            "--chunk", type=whole_number(1), default=1000, help="lines per transaction"
        )
        sub.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
        sub.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    say = human_print(args)
    kind = KINDS[args.kind]
    file_format = args.format or ("csv" if args.file.suffix.lower() == ".csv" else "jsonl")
    try:
        binary = sys.stdin.buffer if str(args.file) == "-" else args.file.open("rb")
    except OSError as error:
        print(f"childsafe import: cannot read {args.file}: {error.strerror}", file=sys.stderr)
        return 2
    database = Database(args.database_url)
    database.migrate()
    counts: Counter[str] = Counter()
    errors: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        rows = jsonl_rows(binary) if file_format == "jsonl" else csv_rows(binary, args.kind)
        items = ((line, _checked(row, kind.validate)) for line, row in rows)
        with Progress(args.kind, "lines") as progress:
            for line, result in write_in_chunks(database, items, kind.write, args.chunk):
                counts[result.status.value] += 1
                progress.update()
                if result.status is ItemStatus.ERROR and len(errors) < LISTED_ERRORS:
                    errors.append({"line": line, "error": result.error})
                    progress.write(f"{args.file}:{line}: {result.error}")
        if counts[ItemStatus.CREATED.value] or counts[ItemStatus.UPDATED.value]:
            database.refresh_statistics(kind.table)
    finally:
        if binary is not sys.stdin.buffer:
            binary.close()
        database.dispose()
    seconds = time.perf_counter() - started
    total = sum(counts.values())
    summary = {
        "kind": args.kind,
        "file": str(args.file),
        "lines": total,
        **{status.value: counts[status.value] for status in ItemStatus},
        "seconds": round(seconds, 2),
        "lines_per_s": round(total / seconds, 1) if seconds else None,
        "errors": errors,
    }
    if counts["error"] > len(errors):
        say(f"... and {counts['error'] - len(errors)} more errors")
    say(
        f"{args.kind}: {total} lines in {seconds:.1f} s ({summary['lines_per_s']}/s): "
        + ", ".join(f"{counts[s.value]} {s.value}" for s in ItemStatus)
    )
    if args.json:
        print(json.dumps(summary))
    return 1 if counts["error"] else 0


@dataclass(frozen=True, slots=True)
class Unreadable:
    """Why a line could not be read as a value (its number is reported with it)."""

    reason: str


def _checked(row: Any, validate: Validate) -> Any:
    """The row's record, or why it is invalid. Only the HTTP edge refuses NUL characters
    (childsafe.api.nul_guard), and PostgreSQL cannot store them, so they are refused here."""
    if isinstance(row, Unreadable):
        return row.reason
    if _has_nul(row):
        return NUL_MESSAGE
    return validate(row)


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _decoded(binary: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text) per line; text None when the line is not UTF-8."""
    for number, raw in enumerate(binary, 1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError:
            yield number, None


def jsonl_rows(binary: IO[bytes]) -> Iterator[tuple[int, Any]]:
    """(line number, parsed value or Unreadable); blank and # lines skipped."""
    for number, text in _decoded(binary):
        if text is None:
            yield number, Unreadable("not UTF-8")
            continue
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        try:
            yield number, orjson.loads(stripped)
        except orjson.JSONDecodeError as error:
            yield number, Unreadable(f"invalid JSON: {error}")


def csv_rows(binary: IO[bytes], kind: str) -> Iterator[tuple[int, Any]]:
    """(line number, row as the batch API's item or Unreadable); a header first."""
    unreadable: set[int] = set()
    blank: set[int] = set()
    read = [0]  # lines the reader has taken so far

    def lines() -> Iterable[str]:
        for number, text in _decoded(binary):
            read[0] = number
            if text is None:
                unreadable.add(number)
                text = "\n"
            elif not text.strip():
                blank.add(number)
            yield text

    reader = csv.DictReader(lines(), strict=True)
    if reader.fieldnames is None:  # an empty file
        return
    while True:
        before = read[0]
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield read[0], Unreadable(f"invalid CSV: {error}")
            continue
        first = next(n for n in range(before + 1, read[0] + 1) if n not in blank)
        if unreadable.intersection(range(first, read[0] + 1)):
            yield first, Unreadable("not UTF-8")
        elif None in row:
            yield first, Unreadable("more columns than the header")
        elif None in row.values():
            yield first, Unreadable("fewer columns than the header")
        else:
            yield first, _item(row, kind)


def _item(row: dict[str, str], kind: str) -> dict[str, Any]:
    """A CSV row as the JSON item: empty cells left out; for accounts, the setting columns
    under `settings` and notice_acknowledged as a boolean."""
    item: dict[str, Any] = {name: value for name, value in row.items() if value != ""}
    if kind != "accounts":
        return item
    settings = {name: item.pop(name) for name in list(item) if name in SETTINGS_BY_NAME}
    if settings:
        item["settings"] = settings
    acknowledged = item.get("notice_acknowledged")
    if acknowledged in ("true", "false"):
        item["notice_acknowledged"] = acknowledged == "true"
    return item
