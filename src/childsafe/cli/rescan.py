"""`childsafe rescan --since ISO --until ISO [--model PATH] [--nats URL] [--json]`: what a model
would have alerted on the stored messages of a period, beside what the stored history alerted;
writes nothing. In this process (childsafe.screening.rescan), or with --nats spread over the
running workers (childsafe.streaming.rescan)."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path

from nats.errors import Error as NatsError

from childsafe.cli.arguments import seconds
from childsafe.cli.cases import open_database
from childsafe.cli.output import human_print
from childsafe.policy import Policy
from childsafe.screening.rescan import Rescan, RescanFinding, tracker_for
from childsafe.streaming.layout import StreamLayout
from childsafe.streaming.rescan import DistributedRescan, RescanFailed
from childsafe.streaming.wire import error_text

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
    parser.add_argument(
        "--nats",
        metavar="URL",
        help="spread the replay over the `childsafe worker`s on this NATS server, in chunks "
        "of whole conversations (default: replay in this process)",
    )
    parser.add_argument(
        "--namespace",
        default=os.environ.get("CHILDSAFE_STREAM_NAMESPACE", ""),
        help="the workers' stream namespace, with --nats (default CHILDSAFE_STREAM_NAMESPACE)",
    )
    parser.add_argument(
        "--stall-timeout",
        type=seconds(allow_zero=False),
        default=300.0,
        metavar="S",
        help="with --nats: give up when no chunk has finished for S seconds (default 300)",
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
    rescan: Rescan | DistributedRescan
    try:
        if args.nats:
            rescan = DistributedRescan(
                args.nats,
                StreamLayout(namespace=args.namespace),
                database,
                args.since,
                args.until,
                model_path=args.model,
                stall_timeout_s=args.stall_timeout,
                progress=_Progress(),
            )
            try:
                found: Iterable[RescanFinding] = asyncio.run(rescan.run())
            except (RescanFailed, OSError, NatsError) as error:
                raise SystemExit(f"rescan: {error_text(error)}") from None
        else:
            rescan = Rescan(
                database, tracker, Policy.default(), args.since, args.until, progress=_Progress()
            )
            found = rescan.findings()
        findings = []
        for finding in found:
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
    ran_on = _ran_on(rescan)
    say(f"replayed {ran_on}")
    failed = rescan.failed if isinstance(rescan, DistributedRescan) else []
    for conversations, reason in failed:
        print(
            f"rescan: a chunk of {conversations:,} conversations failed: {reason}", file=sys.stderr
        )
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
                    "replayed": ran_on,
                    "failed": [
                        {"conversations": conversations, "error": reason}
                        for conversations, reason in failed
                    ],
                    "limits": list(LIMITS),
                }
            )
        )
    return 1 if failed else 0


def _ran_on(rescan: Rescan | DistributedRescan) -> str:
    if isinstance(rescan, Rescan):
        return "in this process"
    return "on workers: " + ", ".join(
        f"{worker} ({chunks} chunk{'' if chunks == 1 else 's'})"
        for worker, chunks in sorted(rescan.workers.items())
    )


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
