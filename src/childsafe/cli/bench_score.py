"""`childsafe bench score [--json]`: messages/s through the streaming detector on one core."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from childsafe.bench.one_core import pin_to_one_core
from childsafe.bench.score import measure, workload
from childsafe.cli.output import human_print
from childsafe.cli.train import DEFAULT_DATA
from childsafe.conversations import RiskTracker


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "score", help="messages/s of the grooming detector, one by one and batched, one core"
    )
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA,
        help="real chats to time (BF-PSR and chit-chat); the examples file when absent",
    )  # fmt: skip
    parser.add_argument("--messages", type=int, default=100_000, help="messages per pass")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    say = human_print(args)
    cpu = pin_to_one_core()
    source, conversations = workload(args.data, args.messages)
    result = measure(RiskTracker.default(), conversations)
    where = f"CPU {cpu}" if cpu is not None else "one process"
    say(f"{result.messages:,} messages from {source}, on {where}, median of 3 passes")
    say(f"one by one: {result.one_by_one_msgs_per_s:,.0f} msgs/s")
    say(f"batched (a conversation per call): {result.batched_msgs_per_s:,.0f} msgs/s")
    if args.json:
        print(
            json.dumps(
                {
                    "one_by_one_msgs_per_s": round(result.one_by_one_msgs_per_s),
                    "batched_msgs_per_s": round(result.batched_msgs_per_s),
                    "messages": result.messages,
                }
            )
        )
    return 0
