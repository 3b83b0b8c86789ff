"""`childsafe bench video [--bank-size N] [--json]`: video (vPDQ) hashing and matching on one
core, recall of re-encoded/trimmed/rescaled/mirrored copies, and python-threatexchange's vPDQ
index side by side where it runs (what is measured: childsafe.bench.video)."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from childsafe.bench.one_core import pin_to_one_core
from childsafe.bench.video import bench_recall, bench_speed
from childsafe.cli.arguments import whole_number


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("video", help="vPDQ video hashing, matching and recall")
    parser.add_argument("--bank-size", type=whole_number(1), default=100_000, help="videos banked")
    parser.add_argument("--known", type=whole_number(1), default=20, help="real clips banked")
    parser.add_argument("--known-seconds", type=whole_number(2), default=10, help="their length")
    parser.add_argument(
        "--clip-seconds", type=whole_number(1), default=30, help="speed clip length"
    )
    parser.add_argument(
        "--threatexchange-max",
        type=whole_number(1),
        default=10_000,
        help="videos in threatexchange's bank (its index keeps Python objects per frame)",
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def _recall_line(name: str, figures: dict[str, Any]) -> str:
    if "error" in figures:
        return f"  {name:<15} {figures['error']}"
    copies = "  ".join(
        f"{copy} {f['recall']:.2f} ({f['ms_per_query']} ms)"
        for copy, f in figures.items()
        if isinstance(f, dict)
    )
    videos = f"{figures['bank_videos']:,} videos, " if "bank_videos" in figures else ""
    return f"  {name:<15} {videos}build {figures['build_s']} s  {copies}"


def run(args: argparse.Namespace) -> int:
    pin_to_one_core()
    recall, index = bench_recall(
        args.bank_size, args.known, args.known_seconds, 10, args.threatexchange_max
    )
    print(
        f"recall at vpdq's defaults (distance 31, quality 50, both shares 80%): bank of "
        f"{recall['bank_videos']:,} videos ({recall['bank_frames']:,} frames; "
        f"{recall['known_videos']} real {args.known_seconds} s clips, the rest random frame "
        "hashes), one copy of each real clip per kind (recall, ms per query):"
    )
    print(_recall_line("childsafe", recall["childsafe"]))
    print(_recall_line("threatexchange", recall["threatexchange"]))
    speed = bench_speed(args.clip_seconds, (1280, 720), 30, index)
    print(
        f"\nspeed, one core: {speed['clip']}: decode + vPDQ {speed['frames_hashed']} frames "
        f"{speed['hash_s']} s, match {speed['match_s']} s: {speed['videos_per_s']} videos/s"
    )
    vpdq = speed["vpdq"]
    if "error" in vpdq:
        print(f"  Meta's vpdq hasher: {vpdq['error']}")
    else:
        print(
            f"  Meta's vpdq hasher on the same clip: {vpdq['hash_s']} s; its frame hashes are "
            f"{vpdq['median_frame_distance_to_ours']} bits from ours at the median "
            f"(max {vpdq['max_frame_distance_to_ours']})"
        )
    load = os.getloadavg()[0]
    print(f"(machine load average {load:.2f} over {os.cpu_count()} CPUs: other work slows both)")
    if args.json:
        print(json.dumps({"recall": recall, "speed": speed, "load_average": load}, sort_keys=True))
    return 0
