"""Loaders: each corpus layout becomes interchange records; bad input names the line."""

from __future__ import annotations

import json
import lzma
import tarfile
from pathlib import Path

import pytest

from childsafe.corpora import (
    CorpusError,
    bfpsr,
    chitchat,
    dota2,
    jsonl,
    koutli,
    nps,
    pan12,
    ubuntu_irc,
    vtpan,
)
from childsafe.corpora.benign import BENIGN_CORPORA, load_benign
from childsafe.model import AgeBand

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"

GOOD = {
    "conversation_id": "x1",
    "participants": [{"id": "a", "age_band": "adult"}, {"id": "b"}],
    "messages": [
        {"id": "1", "sender": "a", "sent_at": "2024-01-01T10:00:00Z", "text": "hi"},
        {"id": "2", "sender": "b", "sent_at": None, "text": "hello"},
    ],
}


def test_jsonl_round_trip() -> None:
    conversation = next(jsonl.parse_lines([json.dumps(GOOD).encode()], "f"))
    assert conversation.participants[0].age_band is AgeBand.ADULT
    assert conversation.participants[1].age_band is AgeBand.UNKNOWN
    assert [m.text for m in conversation.messages] == ["hi", "hello"]
    again = next(jsonl.parse_lines([jsonl.dump_conversation(conversation).encode()], "f"))
    assert again == conversation


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (b"{not json", "invalid JSON"),
        (b"[1, 2]", "must be a JSON object"),
        (json.dumps({**GOOD, "conversation_id": ""}).encode(), "conversation_id"),
        (json.dumps({k: v for k, v in GOOD.items() if k != "messages"}).encode(), "'messages'"),
        (
            json.dumps({**GOOD, "participants": [{"id": "a", "age_band": "old"}]}).encode(),
            "age_band",
        ),
        (
            json.dumps({**GOOD, "messages": [{"id": "1", "sender": "z", "text": "x"}]}).encode(),
            "not a listed participant",
        ),
        (
            json.dumps({**GOOD, "messages": [{"id": "1", "sender": "a", "text": 5}]}).encode(),
            "'text' must be a string",
        ),
        (
            json.dumps(
                {**GOOD, "messages": [{"id": "1", "sender": "a", "text": "x" * 100_001}]}
            ).encode(),
            "longer than",
        ),
        (b"\xff\xfe{}", "not UTF-8"),
    ],
)
def test_jsonl_bad_line_names_the_line(line: bytes, message: str) -> None:
    lines = [json.dumps(GOOD).encode(), b"", b"# a comment", line, json.dumps(GOOD).encode()]
    with pytest.raises(CorpusError) as raised:
        list(jsonl.parse_lines(lines, "file.jsonl"))
    assert raised.value.line == 4
    assert str(raised.value).startswith("file.jsonl:4: ")
    assert message in str(raised.value)
    errors: list[CorpusError] = []
    kept = list(jsonl.parse_lines(lines, "file.jsonl", errors.append))
    assert len(kept) == 2 and [e.line for e in errors] == [4]


def _koutli_tree(root: Path) -> Path:
    (root / "predators").mkdir(parents=True)
    (root / "officers").mkdir()
    (root / "predators" / "predator_bob.txt").write_text("hi\n\nhow old r u\n")
    (root / "officers" / "officer_bob.txt").write_text("hey\n")
    (root / "officers" / "officer_bob_2.txt").write_text("13\n")
    (root / "README.md").write_text("not a chat file")
    return root


@pytest.mark.parametrize("packed", [False, True])
def test_koutli_from_folder_or_archive(tmp_path: Path, packed: bool) -> None:
    source = _koutli_tree(tmp_path / "tree")
    if packed:
        archive = tmp_path / "k.tar.xz"
        with tarfile.open(archive, "w:xz") as tar:
            tar.add(source, arcname=".")
        source = archive
    by_id = {c.conversation_id: c for c in koutli.load(source)}
    assert set(by_id) == {
        "koutli:predator:bob", "koutli:officer:bob", "koutli:officer:bob_2"
    }  # fmt: skip
    predator = by_id["koutli:predator:bob"]
    assert predator.predator_ids == {"predator:bob"}
    assert [m.text for m in predator.messages] == ["hi", "how old r u"]
    assert not by_id["koutli:officer:bob_2"].predator_ids
    assert {koutli.group_of(cid) for cid in by_id} == {"bob"}


def test_koutli_rejects_other_layouts(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(CorpusError, match="no predators"):
        list(koutli.load(tmp_path))


def test_bfpsr_joins_segments_in_order(tmp_path: Path) -> None:
    path = tmp_path / "pj.jsonl.xz"
    segments = [
        {"groomer": "Name", "groomer_index": 3, "segment_index": 1, "label": 1,
         "messages": [{"author": "decoy", "role": "decoy", "time": "10:01", "text": "second"}]},
        {"groomer": "Name", "groomer_index": 3, "segment_index": 0, "label": 1,
         "messages": [{"author": "Name", "role": "groomer", "time": "10:00", "text": "first"}]},
    ]  # fmt: skip
    with lzma.open(path, "wt") as handle:
        handle.writelines(json.dumps(s) + "\n" for s in segments)
    (chat,) = bfpsr.load(path)
    assert [m.text for m in chat.messages] == ["first", "second"]
    assert chat.predator_ids == {"bfpsr:3:groomer"}
    assert "Name" not in {m.sender for m in chat.messages}
    assert len(list(bfpsr.load(path, whole_chats=False))) == 2
    path.write_bytes(lzma.compress(b'{"groomer_index": 1}\n'))
    with pytest.raises(CorpusError, match=":1: "):
        list(bfpsr.load(path))


def test_pan12_fixture(tmp_path: Path) -> None:
    ids = tmp_path / "predators.txt"
    ids.write_text("aaa111\n\n")
    conversations = list(pan12.load(FIXTURES / "pan12_small.xml", pan12.read_predator_ids(ids)))
    assert [c.conversation_id for c in conversations] == ["c0a1", "c0a2"]
    first, second = conversations
    assert first.predator_ids == {"aaa111"}
    assert [p.id for p in first.participants] == ["aaa111", "bbb222"]
    assert first.messages[2].text == "dont tell ur mom we talk ok"
    assert first.messages[0].sent_at == "03:20"
    assert not second.predator_ids and second.messages[1].text == ""
    broken = tmp_path / "broken.xml"
    broken.write_text("<conversations>\n<conversation id='1'>\n</conversations>\n")
    with pytest.raises(CorpusError, match="malformed XML"):
        list(pan12.load(broken))


def test_small_benign_layouts(tmp_path: Path) -> None:
    (tmp_path / "chit").mkdir()
    (tmp_path / "chit" / "dataset.json").write_text(
        json.dumps({"u1": {"messages": [[{"text": "hi", "sender": "s1", "timestamp": "t"}],
                                         [{"text": "yo", "sender": "s2"}]]}})
    )  # fmt: skip
    (chat,) = chitchat.load(tmp_path / "chit")
    assert [m.sender for m in chat.messages] == ["s1", "s2"]

    (tmp_path / "dota").mkdir()
    (tmp_path / "dota" / "ground_truth.json").write_text(
        json.dumps(
            {"7": [{"time": 5, "slot": 1, "text": "gg"}, {"time": -3, "slot": 6, "text": "hf"}]}
        )
    )
    (game,) = dota2.load(tmp_path / "dota")
    assert [m.text for m in game.messages] == ["hf", "gg"]

    (tmp_path / "vt").mkdir()
    (tmp_path / "vt" / "val.csv").write_text(
        "segment,label\n" + " ".join(["w"] * 30) + ",0\nskip me,1\n"
    )
    (segment,) = vtpan.load(tmp_path / "vt")
    assert [len(m.text.split()) for m in segment.messages] == [6, 6, 6, 6, 6]

    with lzma.open(tmp_path / "nps.jsonl.xz", "wt") as handle:
        handle.write(json.dumps({"id": "s", "messages": [
            {"user": "u1", "class": "System", "text": "JOIN"},
            {"user": "u1", "class": "Greet", "text": "hey all"}]}) + "\n")  # fmt: skip
    (session,) = nps.load(tmp_path / "nps.jsonl.xz")
    assert [m.text for m in session.messages] == ["hey all"]

    irc = tmp_path / "irc" / "data" / "dev"
    irc.mkdir(parents=True)
    (irc / "x.raw.txt").write_text(
        "=== a joined\n[10:00] <a> q?\n[10:01] <b> other\n[10:02] <c> a: answer\n"
    )
    (irc / "x.annotation.txt").write_text("1 1 -\n3 1 -\n2 2 -\n")
    threads = list(ubuntu_irc.load(tmp_path / "irc"))
    assert [[m.text for m in t.messages] for t in threads] == [["q?", "a: answer"], ["other"]]


def test_shared_benign_corpora_load(shared_data: Path) -> None:
    counts: dict[str, int] = {}
    for name, conversation in load_benign(shared_data):
        counts[name] = counts.get(name, 0) + 1
        assert not conversation.predator_ids
    assert set(counts) == set(BENIGN_CORPORA)
    assert counts["chitchat"] == 7168 and counts["dota2"] == 225 and counts["nps"] == 15


def test_shared_grooming_corpora_load(shared_data: Path) -> None:
    files = list(koutli.load(shared_data / "pj-koutli2023" / "pj-koutli2023-dev.tar.xz"))
    assert sum(1 for c in files if c.predator_ids) == 457
    chats = list(bfpsr.load(shared_data / "pj-bfpsr2022" / "PJ_conversations-dev.jsonl.xz"))
    assert len(chats) == 18 and all(len(c.predator_ids) == 1 for c in chats)
