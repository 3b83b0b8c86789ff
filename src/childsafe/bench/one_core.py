"""Pinning a benchmark's process to one CPU, so its figures are per core and comparable."""

from __future__ import annotations

import os


def pin_to_one_core() -> int | None:
    """Run on a single CPU (Linux); returns it, or None where affinity is unavailable."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpu = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu
