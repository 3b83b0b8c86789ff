"""ASCII disguises (normalisation step 6, see `normalise`): leetspeak inside words (p1c,
sn@p), spaced or dotted letters (s n a p, d.i.s.c) and runs of number words (oh seven seven
... -> 077...)."""

from __future__ import annotations

import re

from childsafe.signals.text_edits import Edit, sub

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
LEET_CHECK = re.compile(r"[0-9@$!|](?:(?<=[0-9@$!|])[a-z]|(?<=[a-z][0-9]))")
SPACED_CHECK = re.compile(r"[.*_ -](?:(?<= )[a-z] [a-z] [a-z]|(?<=[a-z]([.*_-]))[a-z]\1[a-z])")
NUMBER_CHECK = re.compile(rf"[ -]{_NUMBER_WORD}\b")
# All three in one search for the fast path (a leet digit/symbol next to a letter, a single
# letter run, a number word after a space).
REWRITE_CHECK = re.compile(
    rf"[0-9@$!|.*_ -](?:(?<=[ -]){_NUMBER_WORD}\b|(?<= )[a-z] [a-z] [a-z]"
    r"|(?<=[0-9@$!|])[a-z]|(?<=[a-z][0-9])|(?<=[a-z]([.*_-]))[a-z]\1[a-z])"
)


def undo_leet(text: str, edits: list[Edit] | None) -> str:
    return sub(_TOKEN, _leet_token, text, edits)


def join_spaced_letters(text: str, edits: list[Edit] | None) -> str:
    return sub(_SPACED, _join_letters, text, edits)


def number_words_to_digits(text: str, edits: list[Edit] | None) -> str:
    return sub(_NUMBER_RUN, _number_digits, text, edits)
