"""argparse types that refuse an impossible number at parse time, with a usage message naming
the option, instead of a traceback from deep inside the command."""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable


def whole_number(minimum: int) -> Callable[[str], int]:
    """An int of at least `minimum`."""

    def parse(text: str) -> int:
        try:
            number = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {number}")
        return number

    return parse


def seconds(*, allow_zero: bool) -> Callable[[str], float]:
    """A finite number of seconds, above zero (or zero too, when `allow_zero`)."""

    def parse(text: str) -> float:
        try:
            number = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
        if not math.isfinite(number) or number < 0 or (number == 0 and not allow_zero):
            bound = "at least 0" if allow_zero else "above 0"
            raise argparse.ArgumentTypeError(f"must be {bound} and finite, got {text}")
        return number

    return parse
