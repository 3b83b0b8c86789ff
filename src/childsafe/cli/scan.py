"""`childsafe scan FILE.jsonl`: stream conversations through the detector and print alerts."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from childsafe.cli.progress import Progress
from childsafe.conversations import RiskTracker, RiskUpdate
from childsafe.corpora import CorpusError, jsonl


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "scan", help="print grooming alerts for the conversations of a JSONL file"
    )
    parser.add_argument("file", type=Path, help="conversations, one JSON object per line")
    parser.add_argument("--json", action="store_true", help="one JSON object per alert line")
    parser.add_argument(
        "--strict", action="store_true", help="stop at the first malformed line (exit 2)"
    )
    parser.set_defaults(func=run)


def alert_record(update: RiskUpdate, message_id: str) -> dict[str, Any]:
    return {
        "conversation_id": update.conversation_id,
        "author_id": update.author_id,
        "score": round(update.score, 4),
        "threshold": round(update.threshold, 4),
        "message_index": update.message_index,
        "message_id": message_id,
        "age_context": update.age_context,
        "fast_path": update.fast_path,
        "tactics": [
            {
                "tactic": t.tactic,
                "meaning": t.plain,
                "message_index": t.message_index,
                "message_id": t.message_id,
                "matched": t.evidence,
                "as_written": t.original,
            }
            for t in update.tactics
        ],
        "explanation": update.explanation(),
        "reasons": [
            {
                "message_id": r.message_id,
                "cues": list(r.cues),
                "excerpt": r.excerpt,
                "weight": r.weight,
            }
            for r in update.reasons
        ],
    }


def describe(record: dict[str, Any]) -> str:
    lines = [
        f"ALERT {record['author_id']} in {record['conversation_id']}: score "
        f"{record['score']:.2f} (threshold {record['threshold']:.2f}) at message "
        f"#{record['message_index']} ({record['message_id']})"
    ]
    lines.extend(f"  {line}" for line in record["explanation"])
    lines.append("  Messages that weighed most (weight above a benign message):")
    for reason in record["reasons"]:
        cues = ", ".join(reason["cues"]) or "no tactic; wording like known groomers'"
        lines.append(
            f"    {reason['weight']:+.2f} [{cues}] {reason['message_id']}: {reason['excerpt']}"
        )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    tracker = RiskTracker.default()
    skipped: list[CorpusError] = []

    def report(error: CorpusError) -> None:
        skipped.append(error)
        progress.write(f"skipped {error}")

    totals = {"conversations": 0, "messages": 0, "alerts": 0}
    with Progress("scanning", "messages") as progress:
        try:
            conversations = jsonl.read_conversations(args.file, None if args.strict else report)
            for conversation in conversations:
                totals["conversations"] += 1
                for message in conversation.messages:
                    update = tracker.observe(
                        conversation.conversation_id, message, conversation.participants
                    )
                    if update.alert:
                        totals["alerts"] += 1
                        record = alert_record(update, message.id)
                        progress.write(
                            json.dumps(record) if args.json else describe(record), file=sys.stdout
                        )
                totals["messages"] += len(conversation.messages)
                progress.update(len(conversation.messages))
                tracker.forget(conversation.conversation_id)
        except CorpusError as error:
            progress.write(f"error: {error}")
            return 2
    summary = {**totals, "skipped_lines": len(skipped)}
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"{summary['conversations']} conversations, {summary['messages']} messages, "
            f"{summary['alerts']} alerts, {summary['skipped_lines']} malformed lines skipped"
        )
    return 0
