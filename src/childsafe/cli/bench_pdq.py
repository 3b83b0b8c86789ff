"""`childsafe bench pdq [--bank-size N ...] [--json]`: PDQ hashing and matching, measured on
one core against python-threatexchange (what is measured: childsafe.bench.pdq)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from importlib.util import find_spec
from typing import Any

from childsafe.bench.one_core import pin_to_one_core
from childsafe.bench.pdq import QUERIES, bench_hashing, bench_matching
from childsafe.cli.output import human_print


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("pdq", help="PDQ hashing and matching vs python-threatexchange")
    parser.add_argument(
        "--bank-size",
        type=int,
        action="append",
        help="bank size to match against (repeatable; default 1000000 and 10000000)",
    )
    parser.add_argument("--queries", type=int, default=QUERIES, help="queries per bank size")
    parser.add_argument(
        "--threatexchange-max",
        type=int,
        default=10_000_000,
        help="largest bank to build threatexchange's index for (it needs far more memory)",
    )
    parser.add_argument(
        "--threatexchange-memory-gb",
        type=float,
        default=12.0,
        help="address-space cap for threatexchange's process (so it cannot exhaust the machine)",
    )
    parser.add_argument("--images", type=int, default=200, help="images for the hashing figure")
    parser.add_argument("--json", action="store_true", help="end with one JSON line of results")
    parser.set_defaults(func=run)


def _row(name: str, result: dict[str, Any], mode: str) -> str:
    if "error" in result:
        return f"  {name:<15} {result['error']}"
    figures = result[mode]
    return (
        f"  {name:<15} recall {figures['recall']:.4f}  median {figures['ms_median']:.3f} ms  "
        f"p99 {figures['ms_p99']:.3f} ms  {figures['queries_per_s']:>9.1f} q/s  "
        f"RSS {result['rss_mb']:.0f} MB (peak {result['peak_rss_mb']:.0f})  "
        f"build {result['build_s']} s"
    )


# What the benchmark needs beyond the core install: its sample images (scikit-image, from the
# test extra; threatexchange and faiss, its comparison, are core dependencies).
NEEDS = {"skimage": "scikit-image"}


def run(args: argparse.Namespace) -> int:
    missing = [package for module, package in NEEDS.items() if find_spec(module) is None]
    if missing:
        print(
            f"error: bench pdq needs {', '.join(missing)} from the test extra: "
            "pip install -e '.[test]' (or make install)",
            file=sys.stderr,
        )
        return 2
    say = human_print(args)
    sizes = args.bank_size or [1_000_000, 10_000_000]
    pin_to_one_core()
    hashing = bench_hashing(args.images)
    say(
        f"hashing, one core, 512x512: {hashing['pdq_images_per_s']} images/s PDQ+dihedral "
        f"from pixels; {hashing['jpeg_images_per_s']} images/s from JPEG bytes "
        "(decode + PDQ+dihedral + MD5 + SHA-256)"
    )
    load = os.getloadavg()[0]
    say(f"(machine load average {load:.2f} over {os.cpu_count()} CPUs: other work slows both)")
    report: dict[str, Any] = {"hashing": hashing, "matching": [], "load_average": load}
    for size in sizes:
        ours, theirs = bench_matching(
            size, args.queries, args.threatexchange_max, args.threatexchange_memory_gb
        )
        say(
            f"\nbank of {size:,} random PDQ hashes, {args.queries} near-duplicate queries "
            "(distance 0..31), threshold 31, one core"
        )
        for mode, title in (
            ("single", "one hash per query"),
            ("dihedral", "8 hashes per query (flips and turns)"),
        ):
            say(f" {title}:")
            say(_row("childsafe", ours, mode))
            say(_row("threatexchange", theirs, mode))
            if "error" not in ours and "error" not in theirs:
                ratio = ours[mode]["queries_per_s"] / theirs[mode]["queries_per_s"]
                say(f"  childsafe / threatexchange queries/s: {ratio:.2f}x")
        report["matching"].append({"bank_size": size, "childsafe": ours, "threatexchange": theirs})
    if args.json:
        print(json.dumps(report, sort_keys=True))
    return 0
