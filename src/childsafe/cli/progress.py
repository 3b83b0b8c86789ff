"""Progress of a long load, on stderr and never stdout (which may carry --json).

On a terminal, a tqdm bar. Otherwise (a log file, a pipe, a CI job) a plain line at most every
EVERY_S seconds, e.g. `accounts: 120,000 lines, 10 s`: tqdm's carriage-return redraws would
make one unreadable line of a log, and a line per item would drown it. A load that ends before
its first line says nothing.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sized
from types import TracebackType
from typing import NoReturn, TextIO, TypeVar

from tqdm import tqdm

EVERY_S = 5.0

Item = TypeVar("Item")
Loaded = TypeVar("Loaded", bound=Sized)


class Progress:
    """Counts what a load has done so far and shows it; use as a context manager."""

    def __init__(self, what: str, unit: str, total: int | None = None) -> None:
        self._what = what
        self._unit = unit
        self._total = total
        self._count = 0
        self._started = self._last_line = time.monotonic()
        self._lines = 0
        self._bar: tqdm[NoReturn] | None = (
            tqdm(desc=what, unit=f" {unit}", total=total, file=sys.stderr, mininterval=1.0)
            if sys.stderr.isatty()
            else None
        )

    def update(self, count: int = 1) -> None:
        self._count += count
        if self._bar is not None:
            self._bar.update(count)
            return
        now = time.monotonic()
        if now - self._last_line >= EVERY_S:
            self._last_line = now
            self._say(now)

    def write(self, line: str, file: TextIO | None = None) -> None:
        """A line for people (stderr unless `file`) that does not break the bar."""
        stream = file or sys.stderr
        if self._bar is not None:
            self._bar.write(line, file=stream)
        else:
            print(line, file=stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
        elif self._lines:  # it was long enough to show progress: show where it ended
            self._say(time.monotonic())

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def _say(self, now: float) -> None:
        done = f"{self._count:,}" + (f" of {self._total:,}" if self._total is not None else "")
        seconds = now - self._started
        print(f"{self._what}: {done} {self._unit}, {seconds:.0f} s", file=sys.stderr, flush=True)
        self._lines += 1


def with_progress(
    items: Iterable[Item], what: str, unit: str, total: int | None = None
) -> Iterator[Item]:
    """`items` as they come, counted one by one on a Progress."""
    with Progress(what, unit, total) as progress:
        for item in items:
            yield item
            progress.update()


def loaded(what: str, unit: str, load: Callable[[], Loaded]) -> Loaded:
    """`load()`, for a load counted only once it is done (a library's whole list): a line on
    stderr as it starts and one with how many and how long as it ends."""
    print(f"loading {what}", file=sys.stderr, flush=True)
    started = time.monotonic()
    items = load()
    seconds = time.monotonic() - started
    print(f"loading {what}: {len(items):,} {unit}, {seconds:.0f} s", file=sys.stderr, flush=True)
    return items
