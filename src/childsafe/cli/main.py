"""`childsafe` entry point. Each command module exposes `register(subparsers)`.

A module's `register` adds its sub-command and sets `func` (args -> exit code) as a default.
To add a command: write `childsafe/cli/<name>.py` and add its module name to COMMANDS.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

COMMANDS: list[str] = [
    "serve",
    "worker",
    "apikey",
    "webhook",
    "bench",
    "seed_demo",
    "cases",
    "audit",
    "purge",
    "referral",
    "user",
    "transparency",
    "evidence",
    "hashes",
    "scan",
    "train",
    "eval",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="childsafe", description="Safeguarding engine for children's online chat."
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        importlib.import_module(f"childsafe.cli.{name}").register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
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
