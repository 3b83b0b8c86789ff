"""Undo the disguises chat messages use to slip past keyword filters.

The cue patterns and the hashed n-gram model only understand lower-case Latin words, so a
groomer who writes "s3cr3t", "s n a p c h a t", "ѕесrеt" (Cyrillic), "te<ZWSP>legram", 👻 or
"oh seven seven oh ..." would walk straight past them. `normalise` turns such a message into
plain lower-case text once, before cues and model see it; the original text is kept for
display, and `original_span` maps a match in the normalised text back onto what the sender
actually typed.

Steps, in order (the order matters for idempotence, see the notes at each step):

1. lone surrogates -> U+FFFD;
2. risk-relevant emoji -> words (👻 -> snapchat), before step 3 eats their ZWJ glue;
3. invisible characters (format controls, variation selectors, skin tones) removed, NFKC
   (fullwidth, maths alphabets, circled letters), then stray generic combining marks (Zalgo)
   removed;
4. Cyrillic/Greek look-alike letters folded to Latin, inside words that mix scripts (or in
   mostly-Latin messages), using the TR39 confusables data of `confusable-homoglyphs`;
   typographic apostrophes inside words (don’t) made ASCII;
5. lower-case, whitespace collapsed;
6. leetspeak inside words (p1c, sn@p), spaced or dotted letters (s n a p, d.i.s.c), and runs
   of number words (oh seven seven ... -> 077...).

Steps 1-4 live in `unicode_disguises`, step 6 in `ascii_disguises`; `text_edits` records
what each step replaced, for `original_span`.

Plain ASCII chat takes a fast path (one regex search, then `str.lower`): this runs on every
message and must cost about a microsecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from childsafe.signals.ascii_disguises import (
    LEET_CHECK,
    NUMBER_CHECK,
    REWRITE_CHECK,
    SPACED_CHECK,
    join_spaced_letters,
    number_words_to_digits,
    undo_leet,
)
from childsafe.signals.text_edits import Edit, Step, Trace, sub
from childsafe.signals.unicode_disguises import (
    SURROGATE,
    emoji_to_words,
    fold_apostrophes,
    fold_lookalikes,
    replace_surrogates,
    strip_invisible,
    strip_invisible_and_marks,
)

__all__ = ["normalise", "original_span"]


def _nfkc(text: str, edits: list[Edit] | None) -> str:
    if unicodedata.is_normalized("NFKC", text):
        return text
    out = unicodedata.normalize("NFKC", text)
    if edits is not None:
        edits += _nfkc_edits(text, out)
    return out


def _nfkc_edits(text: str, out: str) -> list[Edit]:
    """NFKC as edits: normalise chunks that start at combining class 0, merging a chunk into
    the previous one when composition crosses them (Hangul jamo); checked against `out`."""
    starts = [i for i, c in enumerate(text) if i == 0 or not unicodedata.combining(c)]
    chunks: list[Edit] = []
    for s, e in zip(starts, [*starts[1:], len(text)], strict=True):
        norm = unicodedata.normalize("NFKC", text[s:e])
        if chunks:
            ps, _, pnorm = chunks[-1]
            both = unicodedata.normalize("NFKC", text[ps:e])
            if both != pnorm + norm:
                chunks[-1] = (ps, e, both)
                continue
        chunks.append((s, e, norm))
    if "".join(c[2] for c in chunks) != out:
        return [(0, len(text), out)]
    return [c for c in chunks if c[2] != text[c[0] : c[1]]]


def _lower(text: str, edits: list[Edit] | None) -> str:
    out = text.lower()
    if edits is not None and len(out) != len(text):
        # only a few characters lower-case to two (İ -> i + dot); the rest stay 1:1
        edits += [(i, i + 1, c.lower()) for i, c in enumerate(text) if len(c.lower()) != 1]
    return out


_SPACE = re.compile(r"\s+")


def _collapse(text: str, edits: list[Edit] | None) -> str:
    if edits is None:
        return " ".join(text.split())
    end = len(text)
    return sub(_SPACE, lambda m: "" if m.start() == 0 or m.end() == end else " ", text, edits)


def _pipeline(text: str, trace: Trace | None = None) -> str:
    """The full (slow) normalisation; with `trace`, each step's edits move its offsets."""

    def run(step: Step, text: str) -> str:
        if trace is None:
            return step(text, None)
        edits: list[Edit] = []
        out = step(text, edits)
        trace.apply(text, edits)
        return out

    if not text.isascii():
        if SURROGATE.search(text):
            text = run(replace_surrogates, text)
        text = run(emoji_to_words, text)
        # Invisible characters go before NFKC (they would block a + ZWJ + U+0308 composing),
        # stray marks after it, so decomposed text (a + U+0308 from macOS) composes to ä
        # first. Then NFKC again if stripping unblocked a composition, until stable.
        text = run(strip_invisible, text)
        text = _settle(run(_nfkc, text), run)  # fullwidth, maths, circled letters -> ASCII
        text = run(fold_lookalikes, text)
        text = run(fold_apostrophes, text)
        lower = run(_lower, text)
        if len(lower) != len(text) or not unicodedata.is_normalized("NFKC", lower):
            # lower-casing may denormalise (İ -> i + combining dot)
            lower = _settle(lower, run)
        text = lower
    else:
        text = run(_lower, text)
    text = run(_collapse, text)
    # leet first: "0ne tw0" must become "one two" before number words see it
    if LEET_CHECK.search(text):
        text = run(undo_leet, text)
    if SPACED_CHECK.search(text):
        text = run(join_spaced_letters, text)
    if NUMBER_CHECK.search(text):
        text = run(number_words_to_digits, text)
    return text


def _settle(text: str, run: Callable[[Step, str], str]) -> str:
    """Strip invisible characters and stray marks, NFKC again if that changed anything,
    until neither changes the text (twice at most in practice)."""
    for _ in range(8):
        stripped = run(strip_invisible_and_marks, text)
        if stripped == text:
            break
        text = run(_nfkc, stripped)
    return text


def normalise(text: str) -> str:
    """`text` with disguises undone, as plain lower-case text with single spaces.

    Idempotent, never raises on a str, linear time. Plain ASCII chat with nothing to undo
    costs one regex search and `str.lower`.
    """
    if text.isascii():
        lowered = text.lower()
        if (
            lowered.isprintable()  # no tabs or newlines
            and "  " not in lowered
            and not lowered.startswith(" ")
            and not lowered.endswith(" ")
            and not REWRITE_CHECK.search(lowered)
        ):
            return lowered
    return _pipeline(text)


def original_span(text: str, start: int, end: int) -> str:
    """The part of the original `text` that produced normalise(text)[start:end].

    Re-runs the steps while tracking offsets, so it is slower than `normalise`: call it only
    for a match. Characters dropped at the edges of the span (zero-width spaces) are not
    included; those inside it are.
    """
    trace = Trace(len(text))
    out = _pipeline(text, trace)
    start = max(0, min(start, len(out)))
    end = max(start, min(end, len(out)))
    if start == end:
        return ""
    if len(trace.starts) != len(out):  # cannot happen; be safe rather than wrong
        return text
    return text[trace.starts[start] : trace.ends[end - 1]]
