"""Long loads show progress (issue 14) on stderr, never on stdout, which stays pure JSON with
--json; off a terminal as plain periodic lines, and a short load says nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from childsafe.cli import progress
from childsafe.cli.main import main
from childsafe.cli.progress import Progress, with_progress

# Invented accounts for a test.
ACCOUNTS = "".join(f'{{"id": "user{n}", "age_band": "adult"}}\n' for n in range(5))
EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "conversations.jsonl"


@pytest.fixture
def every_update(monkeypatch: pytest.MonkeyPatch) -> None:
    """A line at every update, as a long load would show one every EVERY_S seconds."""
    monkeypatch.setattr(progress, "EVERY_S", 0.0)


def test_import_shows_progress_on_stderr_and_keeps_json_stdout_pure(
    every_update: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text(ACCOUNTS)
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["import", "accounts", str(accounts), "--database-url", url, "--json"]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)["created"] == 5
    assert captured.out.count("\n") == 1  # one JSON document, nothing else
    lines = captured.err.splitlines()
    assert "accounts: 1 lines, 0 s" in lines and "accounts: 5 lines, 0 s" in lines
    assert "\r" not in captured.err  # off a terminal: lines, not a redrawn bar


def test_a_short_load_shows_no_progress_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    accounts = tmp_path / "accounts.jsonl"
    accounts.write_text(ACCOUNTS)
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    assert main(["import", "accounts", str(accounts), "--database-url", url, "--json"]) == 0
    err = capsys.readouterr().err
    assert "lines, 0 s" not in err and "accounts: 5 lines in" in err  # only the summary


def test_eval_shows_loading_and_scoring_progress_with_pure_json(
    every_update: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--format", "jsonl", str(EXAMPLES), "--json"]) == 0
    captured = capsys.readouterr()
    assert "precision" in json.loads(captured.out)
    assert captured.out.count("\n") == 1
    assert "loading jsonl: 1 conversations, 0 s" in captured.err
    assert "scoring: " in captured.err and " messages, 0 s" in captured.err


def test_hashes_import_shows_the_load_and_the_inserts(
    every_update: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listing = tmp_path / "list.txt"
    listing.write_text("".join(f"md5 {n:032x}\n" for n in range(3)))
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    command = ["hashes", "--database-url", url, "import", str(listing), "--bank", "b"]
    assert main([*command, "--source", "test"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("b: 3 hashes added")
    assert f"loading {listing}: 3 hashes" in captured.err
    assert "adding to b: 3 new hashes, 0 s" in captured.err


def test_progress_counts_and_ends_with_the_total(
    every_update: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert list(with_progress(iter("abc"), "letters", "items", total=3)) == ["a", "b", "c"]
    with Progress("words", "items") as shown:
        shown.write("a line for people")
    err = capsys.readouterr().err.splitlines()
    assert err[:3] == [f"letters: {n} of 3 items, 0 s" for n in (1, 2, 3)]
    assert err[3] == "letters: 3 of 3 items, 0 s"  # the closing line: where it ended
    assert err[4:] == ["a line for people"]  # no update: no progress line
