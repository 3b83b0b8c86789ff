"""Hash banks in the database: import formats, enable/disable, the allow-list, feedback."""

from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from childsafe.hashbanks.banks import (
    BankKind,
    add_entries,
    create_bank,
    get_bank,
    list_banks,
    set_enabled,
)
from childsafe.hashbanks.importers import HashListError, ImportedHash, parse_hash_list
from childsafe.hashbanks.matcher import HashMatcher, MatcherCache
from childsafe.hashbanks.signal_types import HashKind
from childsafe.signals.image_hash import hash_image
from childsafe.store.db import Database
from childsafe.store.tables.hashbanks import HashEntry
from tests.helpers.images import TRANSFORMS, encode, sample

PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22"
MD5 = hashlib.md5(b"x").hexdigest()
SHA = hashlib.sha256(b"x").hexdigest()


def test_threatexchange_dataset_csv() -> None:
    # As printed by `threatexchange dataset -P --csv`.
    text = (
        "signal_type,signal_str,collab,category,tags\n"
        f"pdq,{PDQ},Sample Data,POSITIVE_CLASS,csam\n"
        f"video_md5,{MD5.upper()},Sample Data,POSITIVE_CLASS,\n"
    )
    entries = parse_hash_list(text)
    assert entries == [
        ImportedHash(HashKind.PDQ, PDQ, "Sample Data POSITIVE_CLASS csam"),
        ImportedHash(HashKind.MD5, MD5, "Sample Data POSITIVE_CLASS"),
    ]


def test_plain_csv_with_a_default_kind() -> None:
    entries = parse_hash_list(f"hash,id\n{SHA},item-9\n", HashKind.SHA256)
    assert entries == [ImportedHash(HashKind.SHA256, SHA, "item-9")]


def test_threatexchange_local_file_format() -> None:
    # LocalFileSignalExchangeAPI: "<signal_type> <signal>" per line; `dataset -P` adds more.
    text = f"# comment\npdq {PDQ}\n\nsha256 {SHA} 'collab' meta\n"
    assert parse_hash_list(text) == [
        ImportedHash(HashKind.PDQ, PDQ),
        ImportedHash(HashKind.SHA256, SHA, "'collab' meta"),
    ]
    # ...or bare signals when the signal type is configured for the file.
    assert parse_hash_list(f"{PDQ}\n", HashKind.PDQ) == [ImportedHash(HashKind.PDQ, PDQ)]


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        (f"pdq {PDQ}\npdq 1234\nphash {PDQ}\n", None, "2 invalid lines: line 2: .*line 3:"),
        (f"{PDQ}\n", None, "no hash type"),
        ("signal_type,signal_str\npdq,\n", None, "empty"),
        ("# nothing\n", None, "no hashes"),
    ],
)
def test_bad_lists_are_refused_naming_lines(text: str, kind: HashKind | None, message: str) -> None:
    with pytest.raises(HashListError, match=message):
        parse_hash_list(text, kind)


def _image_entries(name: str) -> list[ImportedHash]:
    hashes = hash_image(encode(sample(name)))
    return [ImportedHash(HashKind.PDQ, hashes.pdq, name), ImportedHash(HashKind.MD5, hashes.md5)]


def test_banks_store_dedupe_and_list(database: Database) -> None:
    with database.session() as session:
        bank = create_bank(session, name="ncmec-sample", source="test list")
        first = add_entries(session, bank, _image_entries("astronaut") * 2)
        again = add_entries(session, bank, _image_entries("astronaut"))
    assert (first.added, first.already_present) == (2, 2)
    assert (again.added, again.already_present) == (0, 2)
    with database.session() as session:
        [summary] = list_banks(session)
        assert summary.entries == {"pdq": 1, "md5": 1}
        assert summary.enabled and summary.pdq_threshold == 31
        assert session.scalar(select(func.count(HashEntry.id))) == 2


def test_disabled_banks_never_match(database: Database) -> None:
    flipped = hash_image(encode(TRANSFORMS["flip_horizontal"](sample("coffee"))))
    with database.session() as session:
        bank = create_bank(session, name="list", source="test")
        add_entries(session, bank, _image_entries("coffee"))
    with database.session() as session:
        assert HashMatcher.load(session).match(flipped).hits
        set_enabled(session, get_bank(session, "list"), False)
    with database.session() as session:
        assert not HashMatcher.load(session).match(flipped).hits


def test_allow_list_suppresses_perceptual_matches_only(database: Database) -> None:
    posted_bytes = encode(TRANSFORMS["jpeg_q60"](sample("rocket")))
    posted = hash_image(posted_bytes)
    cache = MatcherCache()
    with database.session() as session:
        bank = create_bank(session, name="list", source="test")
        add_entries(
            session, bank, [*_image_entries("rocket"), ImportedHash(HashKind.SHA256, posted.sha256)]
        )
    assert {h.kind for h in cache.get(database).match(posted).hits} == {"pdq", "sha256"}
    with database.session() as session:
        allow = create_bank(session, name="fp", source="review", kind=BankKind.ALLOW)
        add_entries(session, allow, [ImportedHash(HashKind.PDQ, posted.pdq)])
    result = cache.get(database).match(posted)  # the cache sees the new bank
    assert [h.kind for h in result.hits] == ["sha256"]  # the exact digest still matches
    assert [h.kind for h in result.suppressed] == ["pdq"]
    assert [h.bank_name for h in result.allowed_by] == ["fp"]
    with database.session() as session:
        add_entries(
            session, get_bank(session, "fp"), [ImportedHash(HashKind.SHA256, posted.sha256)]
        )
    assert not cache.get(database).match(posted).hits  # the same bytes: all suppressed


def test_unchanged_banks_are_not_rebuilt_when_another_bank_changes(database: Database) -> None:
    cache = MatcherCache()
    with database.session() as session:
        add_entries(session, create_bank(session, name="big", source="t"), _image_entries("moon"))
        create_bank(session, name="fp", source="review", kind=BankKind.ALLOW)
    before = {index.bank.name: index for index in cache.get(database)._banks}
    with database.session() as session:
        add_entries(session, get_bank(session, "fp"), [ImportedHash(HashKind.MD5, MD5)])
    after = {index.bank.name: index for index in cache.get(database)._banks}
    assert after["big"] is before["big"]
    assert after["fp"] is not before["fp"] and MD5 in after["fp"].exact[HashKind.MD5][1][0]
