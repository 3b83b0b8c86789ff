"""`childsafe` entry point. Each command module exposes `register(subparsers)`.

A module's `register` adds its sub-command and sets `func` (args -> exit code) as a default.
Only the module of the command being run is imported (importing all of them took seconds):
every other command is listed with its one-line help alone. To add a command: write
`childsafe/cli/<module>.py` and add one line to COMMANDS (a test checks the help matches).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# command -> (its module under childsafe.cli, the one-line help `childsafe --help` lists)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("serve", "run the HTTP API (SQLite by default, PostgreSQL when DATABASE_URL is set)"),
    "worker": ("worker", "screen messages from the NATS JetStream stream, partitions leased"),
    "apikey": ("apikey", "create, list or revoke platform API keys"),
    "webhook": ("webhook", "subscribe receivers to events; delivery log"),
    "bench": ("bench", "measure throughput and latency"),
    "seed-demo": ("seed_demo", "load example accounts and conversations (idempotent)"),
    "import": ("import_records", "bulk-load accounts or connections from JSONL or CSV"),
    "cases": ("cases", "list moderation cases"),
    "audit": ("audit", "check the hash-chained audit log"),
    "purge": ("purge", "delete messages and images of unflagged conversations past retention"),
    "referral": ("referral", "export a case as a referral (never sent)"),
    "user": ("user", "manage moderator-console users"),
    "transparency": (
        "transparency",
        "transparency figures for a period, or DSA statements of reasons",
    ),
    "evidence": ("evidence", "sealed evidence bundles"),
    "hashes": ("hashes", "import, list and match hash banks"),
    "scan": ("scan", "print grooming alerts for the conversations of a JSONL file"),
    "train": ("train", "train the grooming model from ../shared/data"),
    "eval": ("eval", "measure the grooming detector on a corpus"),
    "rescan": ("rescan", "what a model would have alerted on a period's stored messages"),
}


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser with `command`'s full arguments (its module imported) and every other
    command as a name and its help."""
    parser = argparse.ArgumentParser(
        prog="childsafe", description="Safeguarding engine for children's online chat."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, summary) in COMMANDS.items():
        if name == command:
            importlib.import_module(f"childsafe.cli.{module}").register(subparsers)
        else:
            subparsers.add_parser(name, help=summary)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    # The top level has no options but --help, so the command is the first argument.
    parser = build_parser(arguments[0] if arguments else None)
    args = parser.parse_args(arguments)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
