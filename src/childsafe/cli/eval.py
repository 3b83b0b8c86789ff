"""`childsafe eval --format {jsonl,pj-koutli,bfpsr,pan12} PATH`: author-level precision,
recall and F0.5, and (where message order is known) early-warning and false-alert figures.

Without --cv the shipped model is measured as it is. With --cv K the model is retrained
K times from ../shared/data (folds grouped by predator) and every conversation is scored by
a model, and a threshold, that never saw its predator.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tqdm import tqdm

from childsafe.cli.train import DEFAULT_DATA, add_calibration_options, say
from childsafe.conversations import RiskTracker, TrackerParams
from childsafe.corpora import CorpusError, bfpsr, jsonl, koutli, pan12
from childsafe.corpora.benign import load_benign
from childsafe.evaluation.crossval import (
    BFPSR_PATH,
    KOUTLI_PATH,
    assign_groups,
    benign_units,
    cross_validate,
    fold_thresholds,
    koutli_units,
    relative_to,
)
from childsafe.evaluation.metrics import Figures, Scorecard
from childsafe.evaluation.streaming import AuthorStream, run_streams
from childsafe.model import Conversation

FORMATS = ("jsonl", "pj-koutli", "bfpsr", "pan12")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("eval", help="measure the grooming detector on a corpus")
    parser.add_argument("--format", required=True, choices=FORMATS, dest="corpus_format")
    parser.add_argument("path", type=Path, help="the corpus file or folder")
    parser.add_argument(
        "--predators", type=Path, help="predator author ids, one per line (PAN-2012; jsonl)"
    )
    parser.add_argument(
        "--data", type=Path,
        help="the shared data folder: its benign corpora join the evaluation as negatives "
        f"(with --cv also the training data; default there {DEFAULT_DATA})",
    )  # fmt: skip
    parser.add_argument(
        "--cv", type=int, metavar="K", help="cross-validate: retrain per fold, grouped by predator"
    )
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    add_calibration_options(parser)
    parser.set_defaults(func=run)


def load(corpus_format: str, path: Path, predators: Path | None) -> list[Conversation]:
    extra = pan12.read_predator_ids(predators) if predators else frozenset()
    if corpus_format == "pan12":
        if predators is None:
            raise CorpusError(str(path), "PAN-2012 needs --predators (the predator id list)")
        return list(pan12.load(path, extra))
    if corpus_format == "pj-koutli":
        return list(koutli.load(path))
    if corpus_format == "bfpsr":
        return list(bfpsr.load(path))
    conversations = list(jsonl.read_conversations(path))
    for c in conversations:
        c.predator_ids = c.predator_ids | {p.id for p in c.participants if p.id in extra}
    return conversations


def shipped_streams(
    args: argparse.Namespace, conversations: list[Conversation]
) -> tuple[list[AuthorStream], float]:
    tracker = RiskTracker.default()
    ordered = args.corpus_format != "pj-koutli"
    items: list[tuple[str, Conversation, bool]] = [
        (args.corpus_format, c, ordered) for c in conversations
    ]
    if args.data is not None:
        items.extend((name, c, True) for name, c in load_benign(args.data))
    total = sum(len(c.messages) for _, c, _ in items)
    with tqdm(total=total, unit=" msg", disable=not sys.stderr.isatty(), file=sys.stderr) as bar:
        streams = run_streams(tracker, items, bar.update)
    return streams, tracker.threshold


def cross_validated_streams(
    args: argparse.Namespace, conversations: list[Conversation]
) -> tuple[list[AuthorStream], dict[int, float]]:
    """Out-of-fold streams of the evaluated corpus and the benign corpora. Each fold's
    threshold is chosen, as `childsafe train` does, on the other folds' streams of the whole
    development set (Koutli, benign, BF-PSR), whatever corpus is being evaluated."""
    data = args.data or DEFAULT_DATA
    koutli_path = args.path if args.corpus_format == "pj-koutli" else data / KOUTLI_PATH
    train_koutli = koutli_units(koutli_path)
    benign = benign_units(data)
    same_bfpsr = (
        args.corpus_format == "bfpsr" and args.path.resolve() == (data / BFPSR_PATH).resolve()
    )
    dev_chats = assign_groups(
        list(bfpsr.load(data / BFPSR_PATH)), train_koutli, "bfpsr" if same_bfpsr else "bfpsr-dev"
    )
    scored = train_koutli + benign + dev_chats
    if args.corpus_format == "pj-koutli":
        reported = {"koutli"}
    elif same_bfpsr:
        reported = {"bfpsr"}
    else:
        scored += assign_groups(conversations, train_koutli, args.corpus_format)
        reported = {args.corpus_format}
    reported |= {u.source for u in benign}
    streams = list(
        cross_validate(train_koutli + benign, scored, args.cv, args.seed, TrackerParams(), say)
    )
    thresholds = fold_thresholds(streams, args.min_precision, args.max_false_alerts)
    shown = [s for s in relative_to(streams, thresholds) if s.source in reported]
    return shown, thresholds


def summary(figures: Figures) -> dict[str, Any]:
    keys = ["authors", "predators", "flagged", "precision", "recall", "f0_5",
            "benign_conversations", "false_alert_conversations", "false_alerts_per_1000",
            "grooming_conversations", "alerted_share", "median_share_read"]  # fmt: skip
    values = figures.as_dict()
    return {k: values[k] for k in keys if values[k] is not None}


def run(args: argparse.Namespace) -> int:
    try:
        conversations = load(args.corpus_format, args.path, args.predators)
        if args.cv:
            streams, thresholds = cross_validated_streams(args, conversations)
            threshold = 0.0
            note: dict[str, Any] = {
                "fold_thresholds": {k: round(t, 4) for k, t in thresholds.items()}
            }
        else:
            streams, threshold = shipped_streams(args, conversations)
            note = {"threshold": round(threshold, 4)}
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    card = Scorecard(streams)
    figures = card.figures(threshold)
    result = {**summary(figures), **note}
    for line in report_lines(result, card.by_source(threshold)):
        print(line)
    if args.json:
        print(json.dumps(result))
    return 0


def report_lines(result: dict[str, Any], by_source: dict[str, dict[str, int]]) -> Iterator[str]:
    yield (
        f"authors {result['authors']:,} (predators {result.get('predators', 0):,}): "
        f"precision {result['precision']:.3f}, recall {result['recall']:.3f}, "
        f"F0.5 {result['f0_5']:.3f}"
    )
    if "false_alerts_per_1000" in result:
        yield (
            f"false alerts: {result['false_alert_conversations']} of "
            f"{result['benign_conversations']:,} benign conversations "
            f"({result['false_alerts_per_1000']:.2f} per 1,000)"
        )
    if "median_share_read" in result:
        yield (
            f"early warning over {result['grooming_conversations']} grooming conversations: "
            f"median share read before the first alert {result['median_share_read']:.1%}, "
            f"alerted by their end {result['alerted_share']:.1%}"
        )
    for source, row in by_source.items():
        yield f"  {source}: " + ", ".join(f"{k} {v:,}" for k, v in row.items())
