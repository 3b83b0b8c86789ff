"""`childsafe bench <name>`: benchmarks that print measured figures.

Each benchmark module exposes `register(subparsers)`; add its module path to BENCHMARKS.
"""

from __future__ import annotations

import argparse
import importlib

BENCHMARKS: list[str] = [
    "childsafe.cli.bench_api",
    "childsafe.cli.bench_stream",
    "childsafe.cli.bench_rescan",
    "childsafe.cli.bench_score",
    "childsafe.cli.bench_pdq",
    "childsafe.cli.bench_video",
    "childsafe.cli.bench_media",
    "childsafe.cli.bench_console",
    "childsafe.cli.bench_transparency",
    "childsafe.cli.bench_events",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("bench", help="measure throughput and latency")
    benchmarks = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for module_path in BENCHMARKS:
        importlib.import_module(module_path).register(benchmarks)
