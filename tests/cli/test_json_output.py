"""Commands with --json print only JSON on stdout (their lines for people go to stderr), and a
benchmark that needs the test extra says which extra to install."""

from __future__ import annotations

import json

import pytest

from childsafe.cli import bench_pdq
from childsafe.cli.main import main


def test_bench_console_json_is_pure_and_filters_are_timed(
    capsys: pytest.CaptureFixture[str],
) -> None:
    command = ["bench", "console", "--postgres-url", "", "--cases", "60", "--requests", "3"]
    assert main([*command, "--json"]) == 0
    captured = capsys.readouterr()
    (result,) = json.loads(captured.out)
    assert result["backend"] == "sqlite" and result["open_cases"] == 60
    assert set(result["queries"]) >= {"plain", "search", "filtered"}
    assert all(q["median_ms"] > 0 for q in result["queries"].values())
    assert "open cases" in captured.err


def test_bench_pdq_without_the_test_extra_says_which(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(bench_pdq.NEEDS, "childsafe_no_such_module", "example-package")
    assert main(["bench", "pdq", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "needs example-package from the test extra" in captured.err
    assert "pip install -e '.[test]'" in captured.err
