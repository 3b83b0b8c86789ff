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
5. lower-case, whitespace collapsed;
6. leetspeak inside words (p1c, sn@p), spaced or dotted letters (s n a p, d.i.s.c), and runs
   of number words (oh seven seven ... -> 077...).

Plain ASCII chat takes a fast path (one regex search, then `str.lower`): this runs on every
message and must cost about a microsecond.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import cache

__all__ = ["normalise", "original_span"]

# An edit replaces text[start:end] of a step's input with a new string (for original_span).
Edit = tuple[int, int, str]
Repl = str | Callable[[re.Match[str]], str]

# --- step 1: lone surrogates (broken UTF-16 from some clients; they cannot be encoded) ---
_SURROGATE = re.compile("[\ud800-\udfff]")

# --- step 2: emoji. A curated list: a general emoji library names 👻 "ghost", but in a
# grooming conversation it means Snapchat. ---
_EMOJI_WORDS = {
    "👻": "snapchat",
    "📸": "photo",
    "📷": "photo",
    "🤳": "selfie",
    "🎥": "video",
    "📹": "video",
    "🤫": "secret",
    "🤐": "secret",
    "🏠": "home",
    "🏡": "home",
    "🎁": "gift",
    "💳": "card",
    "💰": "money",
    "💵": "money",
    "💸": "money",
    "💲": "money",
    "⏰": "countdown",
    "⏳": "countdown",
    "⌛": "countdown",
    "📞": "phone",
    "📱": "phone",
    "🍆": "sexual",
    "🍑": "sexual",
    "💦": "sexual",
    "🔞": "adult",
    "🔒": "private",
    "👪": "family",
}
_PEOPLE = "👨👩🧑👦👧🧒👶👴👵"
_PERSON = f"[{_PEOPLE}][\U0001f3fb-\U0001f3ff]?\ufe0f?"
# Any emoji-range character, plus the rest of a family ZWJ sequence (👨‍👩‍👦, 👩‍👧: people
# glued by U+200D, each with an optional skin tone and variation selector). Two plain ranges
# scan much faster than a class listing the curated emoji; the callback picks those out.
_EMOJI = re.compile(
    f"[\u231b-\u23f3\U0001f300-\U0001faff](?:(?<=[{_PEOPLE}])"
    f"[\U0001f3fb-\U0001f3ff]?\ufe0f?(?:\u200d{_PERSON})+)?"
)


def _emoji_word(m: re.Match[str]) -> str:
    emoji = m.group()
    word = "family" if len(emoji) > 1 else _EMOJI_WORDS.get(emoji)
    return f" {word} " if word else emoji


# --- step 3: invisible characters and stray combining marks ---
def _char_class(codes: list[int]) -> str:
    """Code points as a regex class body of ranges (a long list of single characters
    outside the BMP is matched one by one, ten times slower)."""
    ranges: list[list[int]] = []
    for code in sorted(set(codes)):
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


# Every format character (Cf: ZWSP, ZWJ, soft hyphen, bidi controls, BOM, tags ...) of this
# Python's Unicode version (all in planes 0, 1 and 14; the scan takes ~15 ms at import),
# variation selectors and emoji skin tones.
_FORMAT_CODES = [
    code
    for block in (range(0x20000), range(0xE0000, 0xE1000))
    for code in block
    if unicodedata.category(chr(code)) == "Cf"
] + [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), *range(0x1F3FB, 0x1F400)]
# The generic combining-mark blocks that Zalgo text stacks (script-specific marks, such as
# Devanagari vowel signs, are kept).
_MARK_CODES = [*range(0x300, 0x370), *range(0x483, 0x48A), *range(0x1AB0, 0x1B00)]
_MARK_CODES += [*range(0x1DC0, 0x1E00), *range(0x20D0, 0x2100), *range(0xFE20, 0xFE30)]
_FORMAT = re.compile(f"[{_char_class(_FORMAT_CODES)}]+")
_STRIP = re.compile(f"[{_char_class(_FORMAT_CODES + _MARK_CODES)}]+")


def _strip_format(text: str, edits: list[Edit] | None) -> str:
    return _sub(_FORMAT, "", text, edits)


def _strip(text: str, edits: list[Edit] | None) -> str:
    return _sub(_STRIP, "", text, edits)


# --- step 4: confusable Cyrillic/Greek letters ---
_CG_RANGES = "\u0370-\u03ff\u0400-\u052f\u1c80-\u1c8f\u1d26-\u1d2b\u1f00-\u1fff\ua640-\ua69f"
_HAS_CG = re.compile(f"[{_CG_RANGES}]")
_IS_CG = re.compile(f"[{_CG_RANGES}]").fullmatch
# A word (letters and digits of any script) with at least one Cyrillic/Greek letter; starts
# only at a word's start, so the scan stays linear.
_CG_WORD = re.compile(rf"(?<![^\W_])[^\W_]*?(?=[{_CG_RANGES}])[^\W_]+")
_LATIN_RANGES = "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff"
_HAS_LATIN_LETTER = re.compile(f"[a-zA-Z{_LATIN_RANGES}]")
# What counts as Latin when deciding whether a message is mostly Latin: the leet symbols
# count, as later steps may turn them into letters.
_LATIN_CHAR = re.compile(f"[a-zA-Z0-9@$!|{_LATIN_RANGES}]")
# Visual look-alikes TR39 misses or gets wrong for lower-cased text.
_FOLD_EXTRA = {"κ": "k", "ϰ": "k", "Ι": "i", "І": "i"}
# σ is only a loose look-alike of o, and its capital Σ lower-cases to σ or ς by context.
_FOLD_SKIP = {"σ", "ς", "Σ"}


@cache
def _fold_table() -> dict[int, str]:
    """Cyrillic/Greek letter -> the lower-case ASCII letter it is drawn like.

    Built from TR39 confusables (confusable-homoglyphs) on first use (~50 ms, the JSON load).
    The table is closed under lower-casing (if `c.lower()` folds, `c` folds too), so a letter
    left alone before step 5 cannot become foldable after it (idempotence)."""
    from confusable_homoglyphs import utils  # deferred: loading the data takes ~45 ms

    data: dict[str, list[dict[str, str]]] = utils.load("confusables.json")
    table: dict[str, str] = {}
    for char, glyphs in data.items():
        if len(char) != 1 or not _IS_CG(char) or not char.isalpha() or char in _FOLD_SKIP:
            continue
        latin = sorted(g["c"] for g in glyphs if len(g["c"]) == 1 and g["c"].isascii())
        latin = [c for c in latin if c.isalpha()]
        if latin:
            table[char] = latin[0].lower()
    table.update(_FOLD_EXTRA)
    for code in range(0x370, 0xA6A0):
        char = chr(code)
        lower = char.lower()
        if _IS_CG(char) and char not in table and lower in table:
            table[char] = table[lower]
    return {ord(k): v for k, v in table.items()}


@cache
def _fold_deletions() -> tuple[dict[int, None], dict[int, None]]:
    """Translation tables deleting the foldable, and all, Cyrillic/Greek letters (counting
    by deleting runs in C, far faster than a Python loop over the characters)."""
    foldable = dict.fromkeys(_fold_table())
    letters = dict.fromkeys(
        code for code in range(0x370, 0xA6A0) if _IS_CG(chr(code)) and chr(code).isalpha()
    )
    return foldable, letters


def _fold(text: str, edits: list[Edit] | None) -> str:
    """Fold look-alike letters in words that mix Latin with Cyrillic/Greek ("ѕесrеt"), and
    in all-look-alike words ("ѕех") when the message is mostly Latin. Genuine Cyrillic or
    Greek words contain letters with no Latin twin (и, д, λ ...) and are left alone.

    "Mostly Latin" compares Latin letters, digits and leet symbols (plus the look-alikes in
    mixed words, which become Latin) with Cyrillic/Greek letters that have no Latin twin;
    all-look-alike words count for neither. Normalising the output again gives the same
    counts (or fewer Latin ones, which changes nothing), so folding is idempotent."""
    if not _HAS_CG.search(text):
        return text
    table = _fold_table()
    del_foldable, del_letters = _fold_deletions()
    latin = len(_LATIN_CHAR.findall(text))
    other = 0
    words: list[tuple[str, bool, bool]] = []  # (word, mixed, all Cyrillic/Greek foldable)
    for m in _CG_WORD.finditer(text):
        word = m.group()
        n_fold = len(word) - len(word.translate(del_foldable))
        n_other = len(word) - len(word.translate(del_letters)) - n_fold
        mixed = _HAS_LATIN_LETTER.search(word) is not None
        if mixed:
            latin += n_fold
        other += n_other
        words.append((word, mixed, n_other == 0))
    mostly_latin = latin > other or not other  # no Cyrillic/Greek-only letters: no evidence
    decisions = iter(words)

    def fold_word(m: re.Match[str]) -> str:
        word, mixed, all_foldable = next(decisions)
        if mixed or (mostly_latin and all_foldable):
            return word.translate(table)
        return word

    return _sub(_CG_WORD, fold_word, text, edits)


# --- step 6: leetspeak, spaced letters, number words (ASCII only) ---
_LEETISH = "0123456789@$!|"
_LEET = str.maketrans("013457@$!|", "oieastasil")
_LEET_DIGITS = str.maketrans("013457", "oieast")
# A digit glued to the front of a word is usually a number with a unit or text-speak
# (3am, 1st, 4ever, 7up), not leet; only these are mapped when the digit is the only clue.
_NUMBER_SUFFIXES = frozenset({
    "st", "nd", "rd", "th", "am", "pm", "yo", "yr", "yrs", "ish", "ever", "eva", "evr", "get",
    "got", "give", "real", "life", "ur", "me", "you", "all", "ds", "up", "ft", "in", "cm", "mm",
    "kg", "lb", "lbs", "km", "hr", "hrs", "min", "mins", "sec", "secs", "gb", "mb", "kb", "tb",
    "hz", "ghz", "way", "ward", "some", "ty", "teen", "ties", "less", "chan", "mp",
})  # fmt: skip
# Two-character leet words ("1t", "m3") map only when they become a common short word; other
# digit+letter pairs are units ("5k", "3d", "1m").
_SHORT_WORDS = frozenset({
    "it", "is", "in", "if", "on", "of", "or", "at", "as", "an", "so", "to", "no", "go", "do",
    "me", "we", "he", "be", "us", "hi",
})  # fmt: skip
# Names that end in a digit; other digits at a word's end (ps5, mp4, covid19) are left alone.
_MODEL_NAMES = frozenset({"mp3", "ps3", "web3", "gen3", "wii3", "ds3"})
_TOKEN = re.compile(
    # e-mail addresses and links are kept as written
    r"(?P<skip>(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)+|(?:https?://|www\.)\S++)"
    # maximal runs of ASCII letters/digits/leet symbols, touching no other letter or digit,
    # with both a letter and a digit/symbol
    r"|(?<![^\W_])(?<![@$!|])(?=[a-z]*[0-9@$!|])(?=[0-9@$!|]*[a-z])"
    r"[0-9a-z@$!|]++(?![^\W_])"
)


def _leet_token(m: re.Match[str]) -> str:
    token = m.group()
    if m.group("skip"):
        return token
    rest = token.lstrip(_LEETISH)
    lead = token[: len(token) - len(rest)]
    core = rest.rstrip(_LEETISH)  # starts and ends with a letter
    trail = rest[len(core) :]
    inner = [c for c in core if c in _LEETISH]
    if inner:
        if not any(c.isdigit() for c in inner) and "$" not in inner:
            # only @ ! | inside: "sn@p", "p!c" are leet, "ok!see", "me@home" are not
            parts = re.split(r"[@!|]+", core)
            if min(len(p) for p in parts) > 1:
                return token
        # edge digits too (f0ll0w3r5), unless mixed with symbols or unmapped digits ("a0a@0":
        # mapping the 0 would make the @ inner on the next pass)
        if not lead.strip("013457"):
            lead = lead.translate(_LEET_DIGITS)
        if not trail.strip("013457"):
            trail = trail.translate(_LEET_DIGITS)
        return lead + core.translate(_LEET) + trail
    if len(token) == 2:
        mapped = token.translate(_LEET_DIGITS)
        return mapped if mapped in _SHORT_WORDS else token
    if len(lead) == 1 and not trail and lead in "013457" and core not in _NUMBER_SUFFIXES:
        return lead.translate(_LEET_DIGITS) + core  # 4pp -> app
    if not lead and trail in ("0", "3") and len(core) > 1 and token not in _MODEL_NAMES:
        return core + trail.translate(_LEET_DIGITS)  # tw0 -> two, th3 -> the
    return token


# Runs of single letters joined by one separator: "s n a p c h a t" (4+ letters, so "u r a"
# stays), "d.i.s.c.o.r.d", "c-r-y-p-t-o", "b.t.c" (3+). Not glued to other letters, digits or
# leet symbols, so the joined word cannot become part of a leet token later (idempotence).
_SPACED = re.compile(
    r"(?<![\w@$!|])"
    r"(?:[a-z](?: [a-z]){3,}"
    r"|(?<![\w@$!|][.*_-])[a-z](?P<sep>[.*_-])[a-z](?:(?P=sep)[a-z])+(?!(?P=sep)[\w@$!|]))"
    r"(?![@$!|]*\w)"
)


def _join_letters(m: re.Match[str]) -> str:
    return m.group()[::2]  # letters and separators alternate


_NUMBERS = {
    "zero": "0", "oh": "0", "nought": "0", "one": "1", "two": "2", "three": "3", "four": "4",
    "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "ten": "10",
    "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14", "fifteen": "15",
    "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19", "twenty": "20",
    "thirty": "30", "forty": "40", "fourty": "40", "fifty": "50", "sixty": "60",
    "seventy": "70", "eighty": "80", "ninety": "90",
}  # fmt: skip


def _number_digits(m: re.Match[str]) -> str:
    words = m.group().replace("-", " ").split(" ")
    if len(words) == 2 and words[0] == "oh":
        return m.group()  # "oh one sec" is an exclamation, not a phone number
    digits: list[str] = []
    tens = False
    for word in words:
        d = _NUMBERS[word]
        if tens and len(d) == 1 and d != "0":
            digits[-1] = digits[-1][0] + d  # twenty one -> 21
            tens = False
        else:
            digits.append(d)
            tens = len(d) == 2 and d[1] == "0" and d != "10"
    return "".join(digits)


def _alternation(words: list[str]) -> str:
    """Words as a regex alternation grouped by first letter (o(?:ne|h)|t(?:wo|en)...), which
    the regex engine rejects after one character compare instead of one per word."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "(?:" + "|".join(f"{k}(?:{'|'.join(v)})" for k, v in groups.items()) + ")"


_NUMBER_WORD = _alternation(list(_NUMBERS))
# Two or more number words in a row ("one six", "twenty-one"); a lone one stays a word.
_NUMBER_RUN = re.compile(rf"(?<![\w@$!|]){_NUMBER_WORD}(?:[ -]{_NUMBER_WORD})+(?![\w@$!|])")

# Cheap supersets of what each rewrite can change, so most text skips it. Each starts with a
# character class, which the regex engine scans for in C before trying the rest.
_LEET_CHECK = re.compile(r"[0-9@$!|](?:(?<=[0-9@$!|])[a-z]|(?<=[a-z][0-9]))")
_SPACED_CHECK = re.compile(r"[.*_ -](?:(?<= )[a-z] [a-z] [a-z]|(?<=[a-z]([.*_-]))[a-z]\1[a-z])")
_NUMBER_CHECK = re.compile(rf"[ -]{_NUMBER_WORD}\b")
# All three in one search for the fast path (a leet digit/symbol next to a letter, a single
# letter run, a number word after a space).
_REWRITE = re.compile(
    rf"[0-9@$!|.*_ -](?:(?<=[ -]){_NUMBER_WORD}\b|(?<= )[a-z] [a-z] [a-z]"
    r"|(?<=[0-9@$!|])[a-z]|(?<=[a-z][0-9])|(?<=[a-z]([.*_-]))[a-z]\1[a-z])"
)


# --- helpers shared by normalise and original_span ---
def _sub(pattern: re.Pattern[str], repl: Repl, text: str, edits: list[Edit] | None) -> str:
    """pattern.sub, also recording each replacement in `edits` when tracking offsets."""
    if edits is None:
        return pattern.sub(repl, text)
    parts: list[str] = []
    pos = 0
    for m in pattern.finditer(text):
        new = repl if isinstance(repl, str) else repl(m)
        if new != m.group():
            edits.append((m.start(), m.end(), new))
        parts += (text[pos : m.start()], new)
        pos = m.end()
    parts.append(text[pos:])
    return "".join(parts)


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
    return _sub(_SPACE, lambda m: "" if m.start() == 0 or m.end() == end else " ", text, edits)


def _pipeline(text: str, trace: _Trace | None = None) -> str:
    """The full (slow) normalisation; with `trace`, each step's edits move its offsets."""

    def run(step: Callable[[str, list[Edit] | None], str], text: str) -> str:
        if trace is None:
            return step(text, None)
        edits: list[Edit] = []
        out = step(text, edits)
        trace.apply(text, edits)
        return out

    if not text.isascii():
        if _SURROGATE.search(text):
            text = run(lambda t, e: _sub(_SURROGATE, "\ufffd", t, e), text)
        text = run(lambda t, e: _sub(_EMOJI, _emoji_word, t, e), text)
        # Invisible characters go before NFKC (they would block a + ZWJ + U+0308 composing),
        # stray marks after it, so decomposed text (a + U+0308 from macOS) composes to ä
        # first. Then NFKC again if stripping unblocked a composition, until stable.
        text = run(_strip_format, text)
        text = _settle(run(_nfkc, text), run)  # fullwidth, maths, circled letters -> ASCII
        text = run(_fold, text)
        lower = run(_lower, text)
        if len(lower) != len(text) or not unicodedata.is_normalized("NFKC", lower):
            # lower-casing may denormalise (İ -> i + combining dot)
            lower = _settle(lower, run)
        text = lower
    else:
        text = run(_lower, text)
    text = run(_collapse, text)
    # leet first: "0ne tw0" must become "one two" before number words see it
    if _LEET_CHECK.search(text):
        text = run(lambda t, e: _sub(_TOKEN, _leet_token, t, e), text)
    if _SPACED_CHECK.search(text):
        text = run(lambda t, e: _sub(_SPACED, _join_letters, t, e), text)
    if _NUMBER_CHECK.search(text):
        text = run(lambda t, e: _sub(_NUMBER_RUN, _number_digits, t, e), text)
    return text


def _settle(text: str, run: Callable[[Callable[[str, list[Edit] | None], str], str], str]) -> str:
    """Strip invisible characters and stray marks, NFKC again if that changed anything,
    until neither changes the text (twice at most in practice)."""
    for _ in range(8):
        stripped = run(_strip, text)
        if stripped == text:
            break
        text = run(_nfkc, stripped)
    return text


class _Trace:
    """For each character of the current text, the [start, end) it came from in the
    original. Replaced characters get the span of what they replaced: position by position
    when the replacement has the same length (ѕ -> s) or is a subsequence of it
    (s.n.a.p -> snap), else the whole replaced stretch."""

    def __init__(self, length: int) -> None:
        self.starts = list(range(length))
        self.ends = list(range(1, length + 1))

    def apply(self, text: str, edits: list[Edit]) -> None:
        starts: list[int] = []
        ends: list[int] = []
        pos = 0
        for s, e, new in edits:
            starts += self.starts[pos:s]
            ends += self.ends[pos:s]
            old = text[s:e]
            same = len(new) == len(old)
            sources = list(range(s, e)) if same else _subsequence(new, old, s)
            for i in sources:
                if i < 0:  # no single source: the whole replaced stretch
                    starts.append(self.starts[s])
                    ends.append(self.ends[e - 1])
                else:
                    starts.append(self.starts[i])
                    ends.append(self.ends[i])
            pos = e
        self.starts = starts + self.starts[pos:]
        self.ends = ends + self.ends[pos:]


def _subsequence(new: str, old: str, offset: int) -> list[int]:
    """Where each character of `new` sits in `old` (+offset), or -1s if it is not a
    subsequence."""
    found: list[int] = []
    j = 0
    for c in new:
        j = old.find(c, j)
        if j < 0:
            return [-1] * len(new)
        found.append(offset + j)
        j += 1
    return found


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
            and not _REWRITE.search(lowered)
        ):
            return lowered
    return _pipeline(text)


def original_span(text: str, start: int, end: int) -> str:
    """The part of the original `text` that produced normalise(text)[start:end].

    Re-runs the steps while tracking offsets, so it is slower than `normalise`: call it only
    for a match. Characters dropped at the edges of the span (zero-width spaces) are not
    included; those inside it are.
    """
    trace = _Trace(len(text))
    out = _pipeline(text, trace)
    start = max(0, min(start, len(out)))
    end = max(start, min(end, len(out)))
    if start == end:
        return ""
    if len(trace.starts) != len(out):  # cannot happen; be safe rather than wrong
        return text
    return text[trace.starts[start] : trace.ends[end - 1]]
