"""`childsafe bench events` end to end, briefly: real worker, real receiver, both backends."""

from __future__ import annotations

import json
import os

import pytest

from childsafe.cli.main import main


def test_bench_events_delivers_every_event_signed_and_reports_rate_and_delay(
    capsys: pytest.CaptureFixture[str],
) -> None:
    postgres = os.environ.get("DATABASE_URL", "")
    args = ["bench", "events", "--json", "--events", "60", "--paced", "5", "--pace", "0.01"]
    assert main([*args, "--postgres-url", postgres]) == 0
    results = json.loads(capsys.readouterr().out)  # stdout is only the JSON
    expected = ["sqlite", "postgresql"] if "postgres" in postgres else ["sqlite"]
    assert [r["backend"] for r in results] == expected
    for figures in results:
        assert figures["unverified"] == 0
        assert figures["events"] == 60 and figures["events_per_s"] > 0
        assert figures["events_per_s"] == pytest.approx(60 / figures["backlog_seconds"], rel=0.02)
        assert 0 < figures["delay_p50_ms"] <= figures["delay_p99_ms"]
