"""`childsafe bench rescan` end to end, briefly: stored history, a real worker process on the
real NATS server, the same findings as the one-process replay (the bench checks that)."""

from __future__ import annotations

import json

import pytest

from childsafe.cli.main import main


def test_bench_rescan_replays_the_same_history_in_process_and_on_a_worker(
    capsys: pytest.CaptureFixture[str], nats_url: str, postgres_server_url: str
) -> None:
    args = ["bench", "rescan", "--json", "--messages", "3000", "--conversations", "40"]
    assert (
        main([*args, "--workers", "1", "--nats", nats_url, "--postgres-url", postgres_server_url])
        == 0
    )
    runs = json.loads(capsys.readouterr().out.splitlines()[-1])["runs"]
    assert [run["where"] for run in runs] == ["this process", "1 worker(s)"]
    alone, worker = runs
    assert alone["messages"] == worker["messages"] == 3000
    # Every fourth pair has an adult sending the bench's secrecy and platform-switch lines.
    assert alone["findings"] == worker["findings"] > 0
    assert worker["chunks"] == 1 and worker["ratio"] > 0
