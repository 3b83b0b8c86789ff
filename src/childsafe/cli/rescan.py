"""`childsafe rescan --since ISO --until ISO [--model PATH] [--json]`: what a model would have
alerted on the stored messages of a period, beside what the stored history alerted; writes
nothing (see childsafe.screening.rescan)."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from childsafe.cli.cases import open_database
from childsafe.cli.output import human_print
from childsafe.policy import Policy
from childsafe.screening.rescan import Rescan, RescanFinding, tracker_for

PROGRESS_EVERY_S = 2.0
LIMITS = (
    "each conversation starts afresh at the period's first message",
    "accounts and connections are taken as they are now",
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "rescan",
        help="what a model would have alerted on a period's stored messages",
        description="Replay the stored messages of a period through a model and report what "
        "it would alert, beside what the stored history alerted (new / same / no longer). "
        "Writes nothing.",
    )
    parser.add_argument("--since", type=moment, required=True, help="from (ISO 8601, UTC if bare)")
    parser.add_argument(
        "--until", type=moment, required=True, help="up to, not including (ISO 8601)"
    )
    parser.add_argument(
        "--model",
        type=Path,
        metavar="PATH",
        help="a `childsafe train` artifact (default: the shipped model)",
    )
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    parser.set_defaults(func=run)


def moment(text: str) -> datetime:
    """An ISO 8601 date or time; one without an offset is UTC."""
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an ISO 8601 time, got {text!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def run(args: argparse.Namespace) -> int:
    if args.until <= args.since:
        raise SystemExit("rescan: --until must come after --since")
    try:
        tracker = tracker_for(args.model)
    except (OSError, ValueError, KeyError) as error:
        raise SystemExit(f"rescan: cannot load the model {args.model}: {error}") from None
    say = human_print(args)
    database = open_database(args)
    rescan = Rescan(
        database, tracker, Policy.default(), args.since, args.until, progress=_Progress()
    )
    try:
        findings = []
        for finding in rescan.findings():
            findings.append(finding.document())
            if not args.json:
                say(_line(finding))
    finally:
        database.dispose()
    summary = (
        f"{rescan.messages:,} messages in {rescan.conversations:,} conversations "
        f"({rescan.skipped:,} skipped: an account no longer stored); authors alerted: "
        + ", ".join(f"{count} {status}" for status, count in rescan.counts.items())
    )
    say(summary)
    say("limits: " + "; ".join(LIMITS))
    if args.json:
        print(
            json.dumps(
                {
                    "since": args.since.isoformat(),
                    "until": args.until.isoformat(),
                    "model": str(args.model) if args.model else "shipped",
                    "messages": rescan.messages,
                    "conversations": rescan.conversations,
                    "skipped": rescan.skipped,
                    "counts": rescan.counts,
                    "findings": findings,
                    "limits": list(LIMITS),
                }
            )
        )
    return 0


def _line(finding: RescanFinding) -> str:
    at = finding.first_alert_at or finding.stored_alert_at
    reasons = finding.reasons or finding.stored_reasons
    shown = at.isoformat() if at else "-"
    return (
        f"{finding.status:>9}  {finding.conversation_id}  {finding.author_id}  {shown}  "
        + " ".join(reasons)
    )


class _Progress:
    """A line on stderr at most every PROGRESS_EVERY_S (stdout stays the report's)."""

    def __init__(self) -> None:
        self.last = time.monotonic()

    def __call__(self, messages: int, conversations: int) -> None:
        if time.monotonic() - self.last >= PROGRESS_EVERY_S:
            self.last = time.monotonic()
            print(
                f"rescan: {messages:,} messages, {conversations:,} conversations",
                file=sys.stderr,
                flush=True,
            )
