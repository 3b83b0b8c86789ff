"""Where a command's lines go: with --json, stdout carries only JSON (one document or JSON
lines) and every line meant for people goes to stderr."""

from __future__ import annotations

import argparse
import functools
import sys
from collections.abc import Callable


def human_print(args: argparse.Namespace) -> Callable[..., None]:
    """print() for the lines meant for people: stderr under --json, stdout otherwise."""
    stream = sys.stderr if getattr(args, "json", False) else sys.stdout
    return functools.partial(print, file=stream)
