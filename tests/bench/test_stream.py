"""`childsafe bench stream` end to end, briefly: a real worker process on the real NATS server
and PostgreSQL, publish -> verdict stored, with the figures the README quotes."""

from __future__ import annotations

import json

import pytest

from childsafe.cli.main import main


def test_bench_stream_measures_one_worker(
    capsys: pytest.CaptureFixture[str], nats_url: str, postgres_server_url: str
) -> None:
    args = ["bench", "stream", "--json", "--workers", "1", "--seconds", "2", "--warmup", "1"]
    assert main([*args, "--nats", nats_url, "--postgres-url", postgres_server_url]) == 0
    output = capsys.readouterr().out
    (run,) = json.loads(output.splitlines()[-1])["workers"]
    assert run["workers"] == 1 and run["scaling_efficiency"] == 1.0
    assert run["messages"] > 0 and run["msgs_per_s"] == round(run["messages"] / 2)
    assert 0 < run["p50_ms"] <= run["p99_ms"] <= run["max_ms"]
    assert 0 <= run["slowest_second_msgs"] <= run["messages"] / 2
    assert run["worker_cpu_ms_per_msg"] > 0
    assert "slowest 1 s" in output
