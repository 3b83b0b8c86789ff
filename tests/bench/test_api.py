"""`childsafe bench api` end to end, briefly: real server, real load process, both backends."""

from __future__ import annotations

import json
import os

import pytest

from childsafe.cli.main import main


def test_bench_api_drives_each_backend_and_reports_its_figures(
    capsys: pytest.CaptureFixture[str],
) -> None:
    postgres = os.environ.get("DATABASE_URL", "")
    args = ["bench", "api", "--json", "--seconds", "2", "--warmup", "0.5"]
    sizes = ["--conversations", "4", "300", "--accounts", "30"]
    assert main([*args, *sizes, "--concurrency", "4", "--postgres-url", postgres]) == 0
    output = capsys.readouterr().out
    results = json.loads(output.strip().splitlines()[-1])
    expected = {"sqlite", "postgresql"} if "postgres" in postgres else {"sqlite"}
    assert set(results) == expected
    for name, runs in results.items():
        assert list(runs) == ["4", "300"], name
        # Set up by bulk import: every account and every connected pair (9 in 10).
        assert runs["300"]["accounts"] == 30 and runs["300"]["connections_per_s"] > 0, name
        # Zipf: the busy conversations take most messages; all 4 of the small run get some.
        assert runs["4"]["conversations_messaged"] == 4, name
        assert 4 < runs["300"]["conversations_messaged"] <= 300, name
        assert runs["300"]["screening_peak_rss_mb"] > 0, name
    for name, figures in ((n, r["4"]) for n, r in results.items()):
        assert figures["messages"] > 0, name
        assert figures["ok"] == figures["messages"], f"{name}: not every answer was a 2xx"
        assert figures["msgs_per_s"] == pytest.approx(figures["ok"] / 2, abs=0.1)
        # Each of the two measured seconds completed answers; the slower one is reported.
        assert 0 < figures["slowest_second_msgs"] <= figures["ok"], name
        assert 0 < figures["p50_ms"] <= figures["p99_ms"], name
        assert figures["server_cpu_ms_per_msg"] > 0, name


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--seconds", "0", "--seconds: must be above 0 and finite, got 0"),
        ("--seconds", "nan", "--seconds: must be above 0 and finite, got nan"),
        ("--warmup", "-1", "--warmup: must be at least 0 and finite, got -1"),
        ("--warmup", "soon", "--warmup: expected seconds, got 'soon'"),
        ("--concurrency", "0", "--concurrency: must be at least 1, got 0"),
        ("--conversations", "2.5", "--conversations: expected a whole number, got '2.5'"),
        ("--accounts", "1", "--accounts: must be at least 2, got 1"),
        ("--zipf", "-1", "--zipf: must be at least 0 and finite, got -1"),
        ("--screening-processes", "0", "--screening-processes: must be at least 1, got 0"),
    ],
)
def test_bench_api_refuses_impossible_numbers_before_starting_anything(
    option: str, value: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["bench", "api", option, value])
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err
