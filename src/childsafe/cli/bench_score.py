"""`childsafe bench score [--json]`: messages/s through the streaming detector on one core."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from childsafe.cli.train import DEFAULT_DATA
from childsafe.conversations import RiskTracker
from childsafe.corpora import bfpsr, chitchat, jsonl
from childsafe.evaluation.crossval import BFPSR_PATH
from childsafe.evaluation.throughput import measure, pin_to_one_core
from childsafe.model import Conversation

EXAMPLES = Path("examples/conversations.jsonl")


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


def workload(data: Path, limit: int) -> tuple[str, list[Conversation]]:
    if (data / BFPSR_PATH).exists():
        pool = list(bfpsr.load(data / BFPSR_PATH, whole_chats=False))
        pool += list(chitchat.load(data / "chitchat-byu/chitchat_dataset-0.9.0.tar.xz"))
        source = "BF-PSR segments and chit-chat conversations"
    else:
        pool = list(jsonl.read_conversations(EXAMPLES))
        source = f"{EXAMPLES} (repeated)"
    chosen: list[Conversation] = []
    count = 0
    while count < limit:
        for c in pool:
            chosen.append(
                Conversation(f"{c.conversation_id}#{len(chosen)}", c.participants, c.messages)
            )
            count += len(c.messages)
            if count >= limit:
                break
    return source, chosen


def run(args: argparse.Namespace) -> int:
    cpu = pin_to_one_core()
    source, conversations = workload(args.data, args.messages)
    result = measure(RiskTracker.default(), conversations)
    where = f"CPU {cpu}" if cpu is not None else "one process"
    print(f"{result.messages:,} messages from {source}, on {where}, median of 3 passes")
    print(f"one by one: {result.one_by_one_msgs_per_s:,.0f} msgs/s")
    print(f"batched (a conversation per call): {result.batched_msgs_per_s:,.0f} msgs/s")
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
