"""vPDQ lists and matching: both list forms read, bad lists refused whole, and our index
agrees with python-threatexchange's brute-force vPDQ matcher (Meta's reference rule)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from childsafe.hashbanks.banks import add_entries, create_bank, list_banks
from childsafe.hashbanks.hash_kinds.vpdq import (
    DISTANCE_THRESHOLD,
    MATCH_PERCENT,
    QUALITY_THRESHOLD,
    VpdqFrame,
    parse_frames,
    signal_string,
)
from childsafe.hashbanks.importers import HashListError, parse_hash_list
from childsafe.hashbanks.pdq_index import hash_to_hex
from childsafe.hashbanks.signal_types import HashKind
from childsafe.hashbanks.vpdq_index import VideoHashes, VpdqIndex
from childsafe.store.db import Database

H1, H2 = "e2f1017837246bacc5dea21b648fbfd62f435c89db299a2497667e216c8d055c", "0" * 63 + "1"
VPDQ_FILE = f"0,100,{H1},0.000\n1,40,{H2},1.000\n"  # vpdq's own hash file layout


def test_a_vpdq_file_is_one_video_and_a_csv_row_one_video_each() -> None:
    [video] = parse_hash_list(VPDQ_FILE, source="/lists/clip.txt")
    assert video.kind == HashKind.VPDQ and video.label == "clip.txt"
    assert video.frames is not None
    assert parse_frames(video.frames) == (VpdqFrame(H1, 100, 0.0), VpdqFrame(H2, 40, 1.0))
    signal = json.dumps([f"{H1},100,0.000"])
    csv = "signal_type,signal_str,label\n" + f'vpdq,"{signal.replace(chr(34), 2 * chr(34))}",v1\n'
    [row] = parse_hash_list(csv)
    assert row.frames == signal and row.label == "v1" and len(row.value) == 64
    # The other order (hash before quality) reads the same.
    assert parse_frames(f"0,{H1},100,0.000") == (VpdqFrame(H1, 100, 0.0),)


@pytest.mark.parametrize(
    "bad",
    [f"0,100,{H1[:-1]}g,0.000", f"0,101,{H1},0.000", f"0,100,{H1}", "[1, 2]", "[]"],
)
def test_a_bad_vpdq_list_is_refused_whole(bad: str) -> None:
    with pytest.raises(HashListError):
        parse_hash_list(f"signal_type,signal_str\nvpdq,{json.dumps(bad)}\n")


def test_the_same_video_imported_twice_is_kept_once(database: Database) -> None:
    with database.session() as session:
        bank = create_bank(session, name="videos", source="tests")
        first = add_entries(session, bank, parse_hash_list(VPDQ_FILE, source="a.txt"))
        again = add_entries(session, bank, parse_hash_list(VPDQ_FILE, source="b.txt"))
        assert (first.added, again.already_present) == (1, 1)
        assert list_banks(session)[0].entries == {"vpdq": 1}


def _video(rng: np.random.Generator, frames: int) -> list[VpdqFrame]:
    raw = rng.integers(0, 256, size=(frames, 32), dtype=np.uint8)
    return [
        VpdqFrame(hash_to_hex(r), int(rng.integers(30, 101)), float(i)) for i, r in enumerate(raw)
    ]


def _near(rng: np.random.Generator, frames: list[VpdqFrame], flips: int) -> list[VpdqFrame]:
    out = []
    for frame in frames:
        value = int(frame.pdq, 16)
        for bit in rng.choice(256, size=flips, replace=False):
            value ^= 1 << int(bit)
        out.append(VpdqFrame(f"{value:064x}", frame.quality, frame.timestamp))
    return out


def test_index_agrees_with_threatexchange_brute_force_matcher() -> None:
    pytest.importorskip("vpdq")  # threatexchange's vPDQ extension imports it
    from threatexchange.extensions.vpdq.vpdq_brute_matcher import match_VPDQ_hash_brute
    from threatexchange.extensions.vpdq.vpdq_util import json_to_vpdq

    rng = np.random.default_rng(15)
    bank = [_video(rng, int(rng.integers(3, 12))) for _ in range(30)]
    index = VpdqIndex([tuple(v) for v in bank])
    for _ in range(20):
        source = bank[int(rng.integers(len(bank)))]
        keep = sorted(
            rng.choice(len(source), size=int(rng.integers(1, len(source) + 1)), replace=False)
        )
        query = _near(rng, [source[i] for i in keep], int(rng.integers(0, 40)))
        query += _video(rng, int(rng.integers(0, 3)))
        hashes = VideoHashes("", "", tuple(query), tuple((f.pdq,) * 8 for f in query))
        ours = {m.row: (m.query_percent, m.compared_percent) for m in index.search(hashes)}
        theirs = {}
        good = [f for f in query if f.quality >= QUALITY_THRESHOLD]
        for row, video in enumerate(bank if good else []):
            result = match_VPDQ_hash_brute(
                json_to_vpdq(signal_string(tuple(query))),
                json_to_vpdq(signal_string(tuple(video))),
                QUALITY_THRESHOLD,
                DISTANCE_THRESHOLD,
            )
            shares = (result.query_match_percent, result.compared_match_percent)
            if min(shares) >= MATCH_PERCENT:
                theirs[row] = shares
        assert ours.keys() == theirs.keys()
        for row, shares in ours.items():
            assert shares == pytest.approx(theirs[row])
