"""normalise undoes each disguise, leaves ordinary text alone, is idempotent and never raises;
original_span maps a normalised match back to what the sender typed."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from childsafe.signals import normalise as module
from childsafe.signals import unicode_disguises
from childsafe.signals.normalise import normalise, original_span

DISGUISED = [
    # phones' typographic apostrophes inside words; quotes around words stay
    ("don’t tell ur mum", "don't tell ur mum"),
    ("itʼs ours", "it's ours"),
    ("she said ‘hi’", "she said ‘hi’"),
    # leetspeak and symbols inside words
    ("s3cr3t", "secret"),
    ("p1c", "pic"),
    ("sn@p", "snap"),
    ("c4$h 4pp", "cash app"),
    ("g1ft c4rd", "gift card"),
    ("f0ll0w3r5", "followers"),
    ("u h0me 4l0ne", "u home alone"),
    ("m33t", "meet"),
    ("d!sc0rd", "discord"),
    ("p!c", "pic"),
    ("u$dt", "usdt"),
    ("k33p 1t s3cr3t", "keep it secret"),
    ("S3ND A P1C!", "send a pic!"),
    # spaced, dotted, hyphenated letters
    ("s n a p c h a t", "snapchat"),
    ("add me on s n a p c h a t now", "add me on snapchat now"),
    ("d.i.s.c.o.r.d", "discord"),
    ("c-r-y-p-t-o", "crypto"),
    ("b.t.c", "btc"),
    ("d.o.n.t t.e.l.l", "dont tell"),
    ("s_e_c_r_e_t", "secret"),
    ("s*e*x", "sex"),
    # Unicode compatibility forms
    ("ｓｅｃｒｅｔ", "secret"),
    ("Ｓｎａｐ\u3000ｍｅ", "snap me"),
    ("𝐬𝐞𝐜𝐫𝐞𝐭", "secret"),
    ("𝚜𝚎𝚌𝚛𝚎𝚝", "secret"),
    ("ⓢⓝⓐⓟ", "snap"),
    ("s̷̢e̸c̶̡r̵e̴t̷", "secret"),  # Zalgo
    # invisible characters
    ("te\u200blegram", "telegram"),
    ("s\u200dn\u2060a\u200dp", "snap"),
    ("pho\u00adto\ufeff", "photo"),
    ("\u202edont tell\u202c", "dont tell"),
    # Cyrillic and Greek look-alikes
    ("ѕесrеt", "secret"),
    ("keep it our ѕесrеt ok", "keep it our secret ok"),
    ("ρic", "pic"),
    ("αlone", "alone"),
    ("r u h0me \u0430l\u043ene", "r u home alone"),
    ("ЅЕСRЕТ", "secret"),  # capitals: Т has no lower-case twin but is in a mixed word
    ("send me ѕех pics", "send me sex pics"),  # all look-alikes, in a Latin message
    ("ѕех", "sex"),  # all look-alikes and nothing genuinely Cyrillic
    ("κik", "kik"),
    # emoji
    ("add me on 👻", "add me on snapchat"),
    ("👻📸🤫", "snapchat photo secret"),
    ("🤳🏽 pls", "selfie pls"),
    ("send 📷️ now", "send photo now"),
    ("ur 🏠 alone?", "ur home alone?"),
    ("🎁💳", "gift card"),
    ("💰💵💸💲", "money money money money"),
    ("⏰⏳⌛", "countdown countdown countdown"),
    ("📞📱", "phone phone"),
    ("🍆🍑💦", "sexual sexual sexual"),
    ("🔞", "adult"),
    ("🔒🙈🤐", "private 🙈 secret"),  # 🙈 is mostly shyness, not secrecy
    ("🎥📹", "video video"),
    ("🏡", "home"),
    ("my 👨\u200d👩\u200d👦 is away", "my family is away"),
    ("👩🏻\u200d👧🏻", "family"),
    ("👪", "family"),
    # number words
    ("one six", "16"),
    ("im one six", "im 16"),
    ("oh seven seven oh oh nine oh oh six one nine", "07700900619"),
    ("twenty one", "21"),
    ("twenty-one", "21"),
    ("nineteen ninety nine", "1999"),
    ("zero one two", "012"),
    ("0ne tw0", "12"),
    ("hell0 th3re", "hello there"),
    ("o.n.e s.i.x", "16"),
    # whitespace and case
    ("  Hey \t\n THERE  ", "hey there"),
]

UNCHANGED = [
    "hey whats up, did u finish the homework lol",
    "ok see you tomorrow at school",
    "16",
    "1000",
    "$50",
    "it costs £4.99 or $5",
    "07700 900123",
    "call 0800 123 456",
    "meet at 4.30",
    "see you at 4:30pm",
    "wait... what",
    "ok.. fine",
    "no one",
    "anyone",
    "one day",
    "u r ok",
    "u r a star",
    "i m ok",
    "is it u",
    "oh one sec",
    "i am 14yo",
    "im 13f",
    "u18 only",
    "the 1st and 3rd",
    "friends 4ever",
    "new ps5 and mp4 files, mp3 too",
    "10pm",
    "e.g. this",
    "hi!how are u",
    "ok!see you",
    "email me at bob@example.com",
    "see www.example.com/p1c",
    "Ich möchte nicht, dass deine Eltern das wissen",
    "Ik wil niet dat je ouders het weten, één keer",
    "Привет, как дела?",
    "Привет, как дела? see you soon",
    "мама сказала нет",
    "Γεια σου, τι κάνεις;",
    "我们明天见",
    "مرحبا كيف حالك",
    "lol 😂😂 ❤",
]


@pytest.mark.parametrize(("text", "expected"), DISGUISED)
def test_disguise_is_undone(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_text_is_only_lower_cased(text: str) -> None:
    assert normalise(text) == " ".join(text.lower().split())


def test_german_keeps_umlauts_and_sharp_s() -> None:
    assert normalise("Weiß Mädchen Öl Übung café") == "weiß mädchen öl übung café"
    # decomposed umlauts are composed, not stripped as stray marks
    assert normalise("Ma\u0308dchen") == "mädchen"


def test_genuine_cyrillic_and_greek_are_not_folded() -> None:
    # look-alike letters in a word that also has letters with no Latin twin stay Cyrillic
    assert normalise("Привет") == "привет"
    assert "а" in normalise("Мама, ты где? where r u")  # Cyrillic а kept
    # all-look-alike Cyrillic words in a mostly Cyrillic message stay too
    mostly_russian = "Сор ерох рос, мама, как дела, где ты"
    assert normalise(mostly_russian) == mostly_russian.lower()


def test_single_emoji_elsewhere_are_kept_without_junk() -> None:
    assert normalise("👋🏽 hi ❤️") == "👋 hi ❤"  # skin tone and variation selector gone
    assert normalise("👨\u200d💻 coding") == "👨💻 coding"


@pytest.mark.parametrize(
    "text",
    [
        "a\ud800b",
        "\udfff",
        "\ud83d\udc7b",  # a surrogate pair as two code points: still not an emoji
        "keep \ud800 it",
    ],
)
def test_lone_surrogates_are_replaced(text: str) -> None:
    out = normalise(text)
    assert not any("\ud800" <= c <= "\udfff" for c in out)
    assert "\ufffd" in out
    out.encode("utf-8")  # encodable now


def test_no_crash_cases() -> None:
    assert normalise("") == ""
    assert normalise("\u202e") == ""
    assert normalise("\u202eterces ruo ti peek") == "terces ruo ti peek"
    assert normalise("👻📸🤫") == "snapchat photo secret"
    assert normalise("\u200b\u200d\ufe0f") == ""
    for long_line in (
        "a" * 100_000,
        "s3cr3t " * 15_000,
        "ѕ е с r е t " * 8_000,
        "a b " * 25_000,
        "@" * 100_000 + "é",
        "one " * 25_000,
        "\u0301" * 100_000,
        "\ud800" * 100_000,
        "👻" * 50_000,
    ):
        out = normalise(long_line)
        assert normalise(out) == out


# Characters each disguise step reacts to, so generated text exercises the steps together.
_TRICKY = st.sampled_from(
    [
        *"abceiopstxyz0134578@$!|.-_* \t\n", "one", " two", "oh", " six", "twenty", "A", "S",
        "\u200b", "\u200d", "\u202e", "\ufe0f", "\u0301", "\u0308", "\u0336", "\u0345",
        "\u0385", "а", "е", "о", "р", "с", "ѕ", "і", "Т", "В", "и", "д", "ρ", "α", "ν", "κ",
        "σ", "Σ", "Ι", "İ", "ß", "ä", "ǰ", "ｓ", "𝐬", "ⓢ", "㎁", "ﬁ", "µ", "ᄀ", "ᅡ", "ᆨ", "ا",
        "\u0653", "👻", "👨", "👩", "👦", "🏽", "\ud800", "\udc00", "www.", "http://", "@x.com",
    ]
)  # fmt: skip
_ANY_TEXT = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=())),  # surrogates included
    st.lists(_TRICKY, max_size=40).map("".join),
)


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(_ANY_TEXT)
def test_idempotent_and_never_raises(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert once == once.strip()
    assert "  " not in once


@settings(max_examples=300)
@given(st.lists(st.sampled_from([*"abcdeio stu0134@$!|.-_*\t", "one ", "six", "A"]), max_size=30))
def test_fast_path_agrees_with_full_pipeline(parts: list[str]) -> None:
    text = "".join(parts)
    assert normalise(text) == module._pipeline(text)


def test_fold_table_is_closed_under_lower_casing() -> None:
    # if c.lower() folds then c does, so lower-casing never makes a letter foldable
    table = unicode_disguises._fold_table()
    for code in range(0x370, 0xA6A0):
        lower = chr(code).lower()
        if len(lower) == 1 and ord(lower) in table:
            assert code in table, hex(code)
    assert table[ord("р")] == "p"  # by look, not by sound (р is "r" in Russian)
    assert table[ord("ѕ")] == "s"
    assert ord("и") not in table


def _span_of(text: str, word: str) -> str:
    out = normalise(text)
    start = out.index(word)
    return original_span(text, start, start + len(word))


@pytest.mark.parametrize(
    ("text", "word", "original"),
    [
        ("keep it our ѕесrеt ok", "secret", "ѕесrеt"),
        ("keep it our ѕесrеt ok", "cret", "сrеt"),
        ("add me on te\u200blegram pls", "telegram", "te\u200blegram"),
        ("\u200bsnap\u200b me", "snap", "snap"),  # invisible edges left out
        ("k33p 1t s3cr3t", "keep it secret", "k33p 1t s3cr3t"),
        ("k33p 1t s3cr3t", "secret", "s3cr3t"),
        ("add me on s n a p c h a t now", "snapchat", "s n a p c h a t"),
        ("add me on s n a p c h a t now", "snap", "s n a p"),
        ("send ｐｉｃｓ now", "pics", "ｐｉｃｓ"),
        ("Add Me On 👻!", "snapchat", "👻"),
        ("Add Me On 👻!", "add me on snapchat", "Add Me On 👻"),
        ("call oh seven seven one two", "07712", "oh seven seven one two"),
        ("  HELLO   there  ", "hello there", "HELLO   there"),
        ("İstanbul s3cr3t", "secret", "s3cr3t"),
        ("Ｓｅｃｒｅｔ\u200b 🤫", "secret", "Ｓｅｃｒｅｔ"),
        ("don\u2019t tell ur mum", "don't tell", "don\u2019t tell"),
    ],
)
def test_original_span_round_trip(text: str, word: str, original: str) -> None:
    assert _span_of(text, word) == original


def test_original_span_edges() -> None:
    text = "keep it our ѕесrеt ok"
    assert original_span(text, 3, 3) == ""
    assert original_span(text, 0, 10_000) == text
    assert original_span("", 0, 5) == ""


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(_ANY_TEXT, st.integers(0, 60), st.integers(0, 60))
def test_original_span_is_a_piece_of_the_original(text: str, a: int, b: int) -> None:
    out = normalise(text)
    start, end = sorted((a, b))
    piece = original_span(text, start, end)
    assert piece in text
    if start < end <= len(out):
        assert piece  # every normalised character came from somewhere
