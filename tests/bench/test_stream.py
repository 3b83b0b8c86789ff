"""`childsafe bench stream` end to end, briefly: a real worker process on the real NATS server
and PostgreSQL, publish -> verdict stored, with the figures the README quotes."""

from __future__ import annotations

import json

import pytest

from childsafe.cli.main import main


def test_bench_stream_measures_one_worker_at_each_number_of_conversations(
    capsys: pytest.CaptureFixture[str], nats_url: str, postgres_server_url: str
) -> None:
    args = ["bench", "stream", "--json", "--workers", "1", "--seconds", "2", "--warmup", "0.5"]
    sizes = ["--conversations", "4", "40"]
    assert main([*args, *sizes, "--nats", nats_url, "--postgres-url", postgres_server_url]) == 0
    output = capsys.readouterr().out
    small, large = json.loads(output.splitlines()[-1])["workers"]
    assert (small["conversations"], large["conversations"]) == (4, 40)
    for run in (small, large):
        assert run["workers"] == 1 and run["scaling_efficiency"] == 1.0
        assert run["messages"] > 0 and run["msgs_per_s"] == round(run["messages"] / 2)
        assert 0 < run["p50_ms"] <= run["p99_ms"] <= run["max_ms"]
        assert 0 <= run["slowest_second_msgs"] <= run["messages"] / 2
        assert run["worker_cpu_ms_per_msg"] > 0
        # A worker process holds the model and the detector states: tens of MiB at least.
        assert 20 < run["worker_peak_rss_mb"] < 4096
    assert small["rate_vs_first"] == 1.0
    assert large["rate_vs_first"] == round(large["msgs_per_s"] / small["msgs_per_s"], 2)
    assert "slowest 1 s" in output and "vs first" in output
