"""Unicode disguises (normalisation steps 1-4, see `normalise`): lone surrogates, risk emoji
as words, invisible characters and stray combining marks, Cyrillic/Greek look-alike letters
folded to Latin (TR39 confusables via `confusable-homoglyphs`), typographic apostrophes inside
words made ASCII."""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from childsafe.signals.text_edits import Edit, sub

# --- step 1: lone surrogates (broken UTF-16 from some clients; they cannot be encoded) ---
SURROGATE = re.compile("[\ud800-\udfff]")


def replace_surrogates(text: str, edits: list[Edit] | None) -> str:
    return sub(SURROGATE, "\ufffd", text, edits)


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


def emoji_to_words(text: str, edits: list[Edit] | None) -> str:
    return sub(_EMOJI, _emoji_word, text, edits)


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


def strip_invisible(text: str, edits: list[Edit] | None) -> str:
    return sub(_FORMAT, "", text, edits)


def strip_invisible_and_marks(text: str, edits: list[Edit] | None) -> str:
    return sub(_STRIP, "", text, edits)


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


def fold_lookalikes(text: str, edits: list[Edit] | None) -> str:
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

    return sub(_CG_WORD, fold_word, text, edits)


# --- step 4b: a typographic apostrophe inside a word. Phones type "don’t" for "don't", which
# the tactics' patterns spell with ASCII; quotes around words (‘like this’) are left alone. ---
_WORD_APOSTROPHE = re.compile(r"(?<=[^\W_])[\u2019\u02bc\u00b4\u2032](?=[^\W_])")


def fold_apostrophes(text: str, edits: list[Edit] | None) -> str:
    return sub(_WORD_APOSTROPHE, "'", text, edits)
