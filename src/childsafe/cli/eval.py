"""`childsafe eval --format FORMAT PATH`: author-level precision, recall and F0.5, and
(where message order is known) early-warning and false-alert figures; for redteam-dev also
the modern-grooming figures (by kind, disguised, look-alikes, sextortion before the answer).

Without --cv the shipped model is measured as it is. With --cv K the model is retrained
K times from ../shared/data (folds grouped by predator or conversation) and every
conversation is scored by a model, and a threshold, that never saw its group. --peer adds a
PAN-2012-style baseline (char n-gram TF-IDF + linear SVM) trained and scored on the same
folds, printed beside.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from childsafe.cli.output import human_print
from childsafe.cli.progress import Progress, loaded, with_progress
from childsafe.cli.train import DEFAULT_DATA, add_calibration_options, say
from childsafe.conversations import RiskTracker, TrackerParams
from childsafe.corpora import CorpusError, bfpsr, jsonl, koutli, pan12, redteam, vtpan_translated
from childsafe.corpora.benign import load_benign
from childsafe.evaluation.crossval import (
    BFPSR_PATH,
    KOUTLI_PATH,
    REDTEAM_PATH,
    REDTEAM_SOURCE,
    TRANSLATED_FOLDER,
    TRANSLATED_SOURCE,
    Unit,
    assign_groups,
    benign_units,
    cross_validate,
    fold_thresholds,
    koutli_units,
    redteam_units,
    relative_to,
    translated_units,
)
from childsafe.evaluation.metrics import Figures, Scorecard
from childsafe.evaluation.modern import modern_figures, tactic_rates
from childsafe.evaluation.streaming import AuthorStream, run_streams
from childsafe.model import AgeBand, Conversation, Participant

FORMATS = ("jsonl", "pj-koutli", "bfpsr", "pan12", "redteam", "vtpan-translated")
# Formats whose labels are per segment, not per author (speakers unknown).
SEGMENT_LABELLED = frozenset({"vtpan-translated"})


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
    parser.add_argument(
        "--peer", action="store_true",
        help="with --cv: also a PAN-2012-style baseline on the same folds, printed beside",
    )  # fmt: skip
    parser.add_argument(
        "--assume-ages", action="store_true",
        help="as if the platform knew ages: predators' accounts adult, everyone else 13-15",
    )  # fmt: skip
    parser.add_argument("--json", action="store_true", help="end with one JSON line of figures")
    add_calibration_options(parser)
    parser.set_defaults(func=run)


def load(corpus_format: str, path: Path, predators: Path | None) -> list[Conversation]:
    extra = pan12.read_predator_ids(predators) if predators else frozenset()
    if corpus_format == "pan12":
        if predators is None:
            raise CorpusError(str(path), "PAN-2012 needs --predators (the predator id list)")
        return _loaded(pan12.load(path, extra), corpus_format)
    if corpus_format == "pj-koutli":
        return _loaded(koutli.load(path), corpus_format)
    if corpus_format == "bfpsr":
        return _loaded(bfpsr.load(path), corpus_format)
    if corpus_format == "vtpan-translated":
        return _loaded(vtpan_translated.load(path), corpus_format)
    conversations = _loaded(jsonl.read_conversations(path), corpus_format)
    for c in conversations:
        c.predator_ids = c.predator_ids | {p.id for p in c.participants if p.id in extra}
    return conversations


def _loaded(conversations: Iterable[Conversation], corpus_format: str) -> list[Conversation]:
    return list(with_progress(conversations, f"loading {corpus_format}", "conversations"))


def source_of(corpus_format: str) -> str:
    return REDTEAM_SOURCE if corpus_format == "redteam" else corpus_format


def with_assumed_ages(conversation: Conversation) -> Conversation:
    """The conversation as a platform that knew ages would see it: predators' accounts
    adult, everyone else 13-15 (the decoys of Perverted-Justice posed as 12-14)."""
    participants = [
        Participant(p.id, AgeBand.ADULT if p.id in conversation.predator_ids else AgeBand.AGE_13_15)
        for p in conversation.participants
    ]
    return replace(conversation, participants=participants)


def shipped_streams(
    args: argparse.Namespace, conversations: list[Conversation]
) -> tuple[list[AuthorStream], float]:
    tracker = RiskTracker.default()
    if args.assume_ages:
        conversations = [with_assumed_ages(c) for c in conversations]
    ordered = args.corpus_format != "pj-koutli"
    source = source_of(args.corpus_format)
    items: list[tuple[str, Conversation, bool]] = [(source, c, ordered) for c in conversations]
    if args.data is not None:
        benign = with_progress(
            load_benign(args.data), "loading the benign corpora", "conversations"
        )
        items.extend((name, c, True) for name, c in benign)
    total = sum(len(c.messages) for _, c, _ in items)
    with Progress("scoring", "messages", total) as progress:
        streams = run_streams(tracker, items, progress.update)
    return streams, tracker.threshold


def _same(path: Path, other: Path) -> bool:
    return path.resolve() == other.resolve()


def cross_validated_streams(
    args: argparse.Namespace, conversations: list[Conversation]
) -> tuple[list[AuthorStream], dict[int, float], list[AuthorStream] | None]:
    """Out-of-fold streams of the evaluated corpus and the benign corpora (and the peer's,
    with --peer). Each fold's threshold is chosen, as `childsafe train` does, on the other
    folds' streams of the whole development set (Koutli, benign, redteam-dev, BF-PSR),
    whatever corpus is being evaluated."""
    data = args.data or DEFAULT_DATA
    koutli_path = args.path if args.corpus_format == "pj-koutli" else data / KOUTLI_PATH
    train_koutli = loaded("Perverted-Justice (Koutli)", "files", lambda: koutli_units(koutli_path))
    benign = loaded("the benign corpora", "conversations", lambda: benign_units(data))
    modern = loaded("redteam-dev", "conversations", lambda: redteam_units(data))
    translated = loaded("the translated segments", "segments", lambda: translated_units(data))
    same_bfpsr = args.corpus_format == "bfpsr" and _same(args.path, data / BFPSR_PATH)
    same_redteam = args.corpus_format == "redteam" and _same(args.path, data / REDTEAM_PATH)
    dev_chats = assign_groups(
        list(with_progress(bfpsr.load(data / BFPSR_PATH), "loading BF-PSR", "conversations")),
        train_koutli,
        "bfpsr" if same_bfpsr else "bfpsr-dev",
    )
    same_translated = (
        args.corpus_format == "vtpan-translated"
        and args.path.resolve().parent == (data / TRANSLATED_FOLDER).resolve()
    )
    train = train_koutli + benign + modern + translated
    scored = train + dev_chats
    if args.corpus_format == "pj-koutli":
        reported = {"koutli"}
    elif same_bfpsr:
        reported = {"bfpsr"}
    elif same_redteam:
        reported = {REDTEAM_SOURCE}
    elif same_translated:
        # Both languages are trained on (grouped by segment); report the file asked for.
        stem = args.path.name.split(".")[0]
        scored = [
            u for u in scored
            if u.source != TRANSLATED_SOURCE or u.conversation.conversation_id.startswith(stem)
        ]  # fmt: skip
        reported = {TRANSLATED_SOURCE}
    else:
        scored += assign_groups(conversations, train_koutli, args.corpus_format)
        reported = {args.corpus_format}
    if args.assume_ages:
        scored = [_aged(u) if u.source in reported else u for u in scored]
    reported |= {u.source for u in benign}
    streams = list(cross_validate(train, scored, args.cv, args.seed, TrackerParams(), say))
    thresholds = fold_thresholds(streams, args.min_precision, args.max_false_alerts)
    shown = [s for s in relative_to(streams, thresholds) if s.source in reported]
    peer = None
    if args.peer:
        from childsafe.evaluation.peer import peer_cross_validate  # scikit-learn, eval only

        evaluated = [u for u in scored if u.source in reported]
        peer = list(peer_cross_validate(train, evaluated, args.cv, args.seed, say))
    return shown, thresholds, peer


def _aged(unit: Unit) -> Unit:
    return replace(unit, conversation=with_assumed_ages(unit.conversation))


def summary(figures: Figures) -> dict[str, Any]:
    keys = ["authors", "predators", "flagged", "precision", "recall", "f0_5",
            "benign_conversations", "false_alert_conversations", "false_alerts_per_1000",
            "grooming_conversations", "alerted_share", "median_share_read",
            "stranger_chat_conversations", "stranger_chat_false_alerts"]  # fmt: skip
    values = figures.as_dict()
    return {k: values[k] for k in keys if values[k] is not None}


def measure(
    args: argparse.Namespace,
    streams: list[AuthorStream],
    threshold: float,
    rows: dict[str, redteam.RedTeamConversation] | None,
    with_tactics: bool = True,
) -> tuple[dict[str, Any], list[str]]:
    """The figures of one detector's streams: a JSON-able dict and the lines to print;
    with redteam-dev's `rows` (by conversation id) also its modern-grooming figures."""
    card = Scorecard(streams)
    result = summary(card.figures(threshold))
    lines = list(report_lines(result, card.by_source(threshold), args.corpus_format))
    if rows is not None:
        relative = [
            replace(s, scores=s.scores - threshold) for s in streams if s.source == REDTEAM_SOURCE
        ]
        modern = modern_figures(relative, rows)
        result.update(modern.as_dict())
        lines += modern.lines()
        if with_tactics:
            lines += tactic_rates(list(rows.values()))
    return result, lines


IN_SAMPLE_NOTE = (
    "note: without --cv the shipped model is measured as it is; on data it was trained on "
    "(PJ/Koutli, the benign chats, redteam-dev, the translated VTPAN segments) these figures are "
    "in-sample and flatter it. --cv K retrains per fold for held-out figures."
)


def run(args: argparse.Namespace) -> int:
    if args.peer and not args.cv:
        print("error: --peer needs --cv K (the peer is trained per fold)", file=sys.stderr)
        return 2
    try:
        rows = None
        if args.corpus_format == "redteam":
            loading = with_progress(redteam.load(args.path), "loading redteam", "conversations")
            rows = {r.conversation.conversation_id: r for r in loading}
            conversations = [r.conversation for r in rows.values()]
        else:
            conversations = load(args.corpus_format, args.path, args.predators)
        peer: list[AuthorStream] | None = None
        if args.cv:
            streams, thresholds, peer = cross_validated_streams(args, conversations)
            threshold = 0.0
            note: dict[str, Any] = {
                "fold_thresholds": {k: round(t, 4) for k, t in thresholds.items()}
            }
        else:
            streams, threshold = shipped_streams(args, conversations)
            note = {"threshold": round(threshold, 4), "in_sample": True}
            say(IN_SAMPLE_NOTE)
    except CorpusError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    result, lines = measure(args, streams, threshold, rows)
    result.update(note)
    show = human_print(args)
    show(
        "childsafe"
        + (" (in-sample where the model was trained on this data):" if not args.cv else ":")
    )
    for line in lines:
        show("  " + line)
    if peer is not None:
        peer_result, peer_lines = measure(args, peer, 0.0, rows, with_tactics=False)
        result["peer"] = peer_result
        show("peer (PAN-2012 style: char 3-5-gram TF-IDF + linear SVM, same folds):")
        for line in peer_lines:
            show("  " + line)
    if args.json:
        print(json.dumps(result))
    return 0


def report_lines(
    result: dict[str, Any], by_source: dict[str, dict[str, int]], corpus_format: str = ""
) -> Iterator[str]:
    if corpus_format not in SEGMENT_LABELLED:
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
    if result.get("stranger_chat_conversations"):
        yield (
            f"PAN-2012 adult stranger chats (VTPAN, two alternating speakers): "
            f"{result['stranger_chat_false_alerts']} of {result['stranger_chat_conversations']:,} "
            f"alerted"
        )
    if "median_share_read" in result:
        yield (
            f"early warning over {result['grooming_conversations']} grooming conversations: "
            f"median share read before the first alert {result['median_share_read']:.1%}, "
            f"alerted by their end {result['alerted_share']:.1%}"
        )
    for source, row in by_source.items():
        yield f"  {source}: " + ", ".join(f"{k} {v:,}" for k, v in row.items())
