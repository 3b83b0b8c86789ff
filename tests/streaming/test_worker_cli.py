"""`childsafe worker`'s options refuse what cannot work before anything starts."""

from __future__ import annotations

import argparse

import pytest

from childsafe.cli.worker import partition_set, register, run
from childsafe.streaming.layout import StreamLayout, partition_of


def test_partition_sets() -> None:
    assert partition_set("all") is None
    assert partition_set("0-3") == [0, 1, 2, 3]
    assert partition_set("5,1-2") == [1, 2, 5]
    for bad in ("", "x", "-1", "3-x"):
        with pytest.raises(argparse.ArgumentTypeError):
            partition_set(bad)


def test_partitions_beyond_the_stream_are_refused() -> None:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers())
    args = parser.parse_args(["worker", "--partitions", "2-5", "--partition-count", "4"])
    with pytest.raises(SystemExit, match="partitions 0-3"):
        run(args)


def test_a_conversation_has_one_partition_and_one_subject() -> None:
    layout = StreamLayout(namespace="x", partitions=8)
    assert {partition_of("chat.1", 8) for _ in range(3)} == {partition_of("chat.1", 8)}
    assert (
        layout.for_conversation("chat.1") == f"childsafe_x.in.{partition_of('chat.1', 8)}.message"
    )
    assert layout.verdicts("a.b.c") == "childsafe_x.verdicts.a%2Eb%2Ec"
