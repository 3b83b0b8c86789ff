"""The detector's commands end to end: scan, eval, bench score (through childsafe.cli.main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from childsafe.cli.main import main
from childsafe.signals.base import message_tokens
from childsafe.signals.cues import DETECTORS

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "conversations.jsonl"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def last_json(output: str) -> dict[str, object]:
    return json.loads(output.strip().splitlines()[-1])


def test_scan_examples_alerts_on_the_grooming_examples_only(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["scan", str(EXAMPLES), "--json"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    alerts = {a["author_id"]: a for a in map(json.loads, lines[:-1])}
    assert set(alerts) == {"example-adult-sam", "example-fake-peer"}
    alert = alerts["example-adult-sam"]
    assert alert["conversation_id"] == "example-grooming-1"
    assert alert["score"] >= alert["threshold"] and alert["reasons"]
    assert alert["message_id"] == f"example-grooming-1-m{alert['message_index']}"
    assert alert["age_context"] == "adult account -> 13-15" and alert["explanation"]
    # The disguised sextortion alerts on the picture trade, before any threat, and shows
    # the words as written beside their plain form.
    sextortion = alerts["example-fake-peer"]
    assert sextortion["message_index"] < 9 and sextortion["fast_path"]
    assert {t["as_written"] for t in sextortion["tactics"]} >= {"tr4de p1cs"}
    assert json.loads(lines[-1]) == {
        "conversations": 6, "messages": 53, "alerts": 2, "skipped_lines": 0
    }  # fmt: skip


def test_scan_skips_malformed_lines_unless_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = EXAMPLES.read_text().splitlines()[1]
    path = tmp_path / "mixed.jsonl"
    path.write_bytes(
        (good + "\n{broken\n").encode() + b'{"conversation_id": "\xff"}\n' + good.encode() + b"\n"
    )
    assert main(["scan", str(path)]) == 0
    captured = capsys.readouterr()
    assert f"{path}:2: invalid JSON" in captured.err
    assert f"{path}:3: not UTF-8" in captured.err
    assert "2 conversations" in captured.out and "2 malformed lines skipped" in captured.out

    assert main(["scan", str(path), "--strict"]) == 2
    assert f"{path}:2: invalid JSON" in capsys.readouterr().err


def test_scan_missing_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(tmp_path / "nope.jsonl")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_eval_jsonl_prints_figures_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--format", "jsonl", str(EXAMPLES), "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)  # stdout is pure JSON; the lines for people go to stderr
    assert figures["authors"] == 13 and figures["predators"] == 2
    assert figures["precision"] == 1.0 and figures["recall"] == 1.0 and figures["f0_5"] == 1.0
    assert figures["benign_conversations"] == 4 and figures["false_alerts_per_1000"] == 0.0
    assert figures["grooming_conversations"] == 2 and figures["alerted_share"] == 1.0
    assert 0 < float(figures["median_share_read"]) <= 1  # type: ignore[arg-type]
    assert "F0.5" in captured.err and figures["in_sample"] is True
    assert "without --cv" in captured.err and "in-sample" in captured.err


def test_eval_pan12_fixture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ids = tmp_path / "predators.txt"
    ids.write_text("aaa111\n")
    xml = str(FIXTURES / "pan12_small.xml")
    assert main(["eval", "--format", "pan12", xml, "--predators", str(ids), "--json"]) == 0
    figures = last_json(capsys.readouterr().out)
    assert figures["authors"] == 4 and figures["predators"] == 1
    assert {"precision", "recall", "f0_5", "median_share_read"} <= set(figures)

    assert main(["eval", "--format", "pan12", xml]) == 2
    assert "needs --predators" in capsys.readouterr().err


def test_bench_score_reports_both_rates(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(REPO)
    args = ["bench", "score", "--data", str(tmp_path), "--messages", "500", "--json"]
    assert main(args) == 0
    result = json.loads(capsys.readouterr().out)  # pure JSON on stdout
    assert int(str(result["messages"])) >= 500
    assert float(result["one_by_one_msgs_per_s"]) > 0  # type: ignore[arg-type]
    assert float(result["batched_msgs_per_s"]) > 0  # type: ignore[arg-type]


def test_eval_bfpsr_smoke(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = shared_data / "pj-bfpsr2022" / "PJ_conversations-dev.jsonl.xz"
    assert main(["eval", "--format", "bfpsr", str(path), "--json"]) == 0
    figures = last_json(capsys.readouterr().out)
    assert figures["grooming_conversations"] == 18 and figures["predators"] == 18
    assert {"alerted_share", "median_share_read"} <= set(figures)


def test_cue_triggers_never_hide_a_match(shared_data: Path) -> None:
    """A detector skips its patterns when none of its trigger words is present; on real
    development messages and the modern red-team chats (normalised, as the detector sees
    them) that shortcut must never change the outcome."""
    from childsafe.corpora import bfpsr, redteam
    from childsafe.signals.normalise import normalise

    path = shared_data / "pj-bfpsr2022" / "PJ_conversations-dev.jsonl.xz"
    texts = [m.text for c in bfpsr.load(path) for m in c.messages]
    texts += [
        m.text for r in redteam.load(shared_data / "redteam-dev") for m in r.conversation.messages
    ]
    assert len(texts) > 10_000
    for text in map(normalise, texts):
        tokens = message_tokens(text)
        for detector in DETECTORS:
            full = detector.search_unguarded(text) is not None
            assert (detector.search(text, tokens) is not None) == full, (detector.name, text)


def test_eval_redteam_prints_the_modern_figures(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["eval", "--format", "redteam", str(shared_data / "redteam-dev"), "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)  # pure JSON; the lines for people are on stderr
    assert figures["modern_lookalikes"] == 107 and figures["modern_sextortion_chats"] >= 10
    assert 0.0 <= figures["modern_authors_alerted"] <= 1.0
    assert "disguised (filter-evasion) chats alerted" in captured.err


def test_eval_translated_segments_are_counted_per_segment(
    shared_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = shared_data / "vtpan-translated" / "vtpan-val-german-dev.csv.xz"
    assert main(["eval", "--format", "vtpan-translated", str(path), "--json"]) == 0
    captured = capsys.readouterr()
    figures = json.loads(captured.out)
    assert figures["grooming_conversations"] == 83 and figures["benign_conversations"] == 587
    lines = captured.err.splitlines()
    heading = next(i for i, line in enumerate(lines) if line.startswith("childsafe"))
    assert "precision" not in lines[heading + 1]  # no author-level line: speakers are unknown


def test_peer_needs_cross_validation(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--format", "jsonl", str(EXAMPLES), "--peer"]) == 2
    assert "--peer needs --cv" in capsys.readouterr().err
