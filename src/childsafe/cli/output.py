"""Where a command's lines go: with --json, stdout carries only JSON (one document or JSON
lines) and every line meant for people goes to stderr."""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Iterable
from typing import Any

from childsafe.bench.databases import throwaway_databases

BenchResult = dict[str, Any]


def human_print(args: argparse.Namespace) -> Callable[..., None]:
    """print() for the lines meant for people: stderr under --json, stdout otherwise."""
    stream = sys.stderr if getattr(args, "json", False) else sys.stdout
    return functools.partial(print, file=stream)


def bench_each_backend(
    args: argparse.Namespace,
    bench: Callable[[str], BenchResult],
    lines: Callable[[BenchResult], Iterable[str]],
) -> int:
    """`childsafe bench <name>`'s run: `bench` on a throwaway database of each backend
    (PostgreSQL with --postgres-url), saying each result's `lines` as soon as it is measured;
    with --json, stdout ends with the list of results as one JSON line."""
    say = human_print(args)
    results = []
    for _name, backend in throwaway_databases(args.postgres_url):
        with backend as url:
            result = bench(url)
        results.append(result)
        for line in lines(result):
            say(line)
    if args.json:
        print(json.dumps(results))
    return 0
