"""`childsafe bench media-memory`: peak server memory for parallel large-image uploads."""

from __future__ import annotations

import argparse
import json

from childsafe.bench.media_memory import bench
from childsafe.cli.arguments import whole_number


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "media-memory", help="server RSS before, at peak and after parallel large PNG uploads"
    )
    parser.add_argument("--side", type=whole_number(64), default=7000, help="image side, px")
    parser.add_argument("--parallel", type=whole_number(1), default=6, help="uploads at once")
    parser.add_argument("--rounds", type=whole_number(1), default=1, help="waves of uploads")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    result = bench(args.side, args.parallel, args.rounds)
    if args.json:
        print(json.dumps(result))
    else:
        print(
            f"{result['uploads']} uploads of a {result['image']} ({result['parallel']} at once, "
            f"answers {result['statuses']}, {result['seconds']} s): server RSS "
            f"{result['rss_before_mib']} MiB before, peak {result['peak_rss_mib']} MiB, "
            f"{result['rss_after_mib']} MiB after"
        )
    return 0
