"""`childsafe train`: fit the grooming text model from ../shared/data (Perverted-Justice,
redteam-dev, the German and Dutch translated segments and the benign corpora) and calibrate
the streaming threshold by cross-validation grouped by predator or conversation; writes the
shipped artifact."""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from childsafe.cli.progress import loaded, with_progress
from childsafe.conversations import TrackerParams
from childsafe.corpora import bfpsr
from childsafe.evaluation.crossval import (
    BFPSR_PATH,
    KOUTLI_PATH,
    assign_groups,
    benign_units,
    calibrating,
    cross_validate,
    fit_model,
    koutli_units,
    redteam_units,
    translated_units,
)
from childsafe.evaluation.metrics import Scorecard
from childsafe.signals.grooming import MODEL_PATH

DEFAULT_DATA = Path("../shared/data")


def add_calibration_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seed", type=int, default=0, help="folds and SGD seed (default 0)")
    parser.add_argument("--folds", type=int, default=5, help="cross-validation folds")
    parser.add_argument(
        "--min-precision", type=float, default=0.97,
        help="threshold choice: lowest threshold with at least this author-level precision",
    )  # fmt: skip
    parser.add_argument(
        "--max-false-alerts", type=float, default=0.5,
        help="... and at most this many false alerts per 1,000 benign conversations",
    )  # fmt: skip


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help="train the grooming model from ../shared/data")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the shared data folder")
    parser.add_argument("--output", type=Path, default=MODEL_PATH, help="artifact to write")
    add_calibration_options(parser)
    parser.set_defaults(func=run)


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    data: Path = args.data
    say(f"loading corpora from {data}")
    koutli = loaded("Perverted-Justice (Koutli)", "files", lambda: koutli_units(data / KOUTLI_PATH))
    benign = loaded("the benign corpora", "conversations", lambda: benign_units(data))
    modern = loaded("redteam-dev", "conversations", lambda: redteam_units(data))
    translated = loaded("the translated segments", "segments", lambda: translated_units(data))
    train = koutli + benign + modern + translated
    chats = assign_groups(
        list(with_progress(bfpsr.load(data / BFPSR_PATH), "loading BF-PSR", "conversations")),
        koutli,
        "bfpsr",
    )
    params = TrackerParams()
    say("cross-validating to calibrate the alert threshold")
    streams = list(cross_validate(train, train + chats, args.folds, args.seed, params, say))
    card = Scorecard(calibrating(streams))
    threshold = card.choose_threshold(args.min_precision, args.max_false_alerts)
    figures = card.figures(threshold)
    say("fitting the final model on all the training data")
    model = fit_model(train, args.seed)
    calibrated = TrackerParams.from_dict(
        {**params.to_dict(), "threshold_z": math.log(threshold / (1.0 - threshold))}
    )
    model.meta = {
        "tracker": calibrated.to_dict(),
        "training": {
            "seed": args.seed,
            "folds": args.folds,
            "predator_files": sum(1 for u in koutli if u.conversation.predator_ids),
            "decoy_files": sum(1 for u in koutli if not u.conversation.predator_ids),
            "benign_conversations": len(benign),
            "redteam_conversations": len(modern),
            "translated_segments": len(translated),
            "threshold_rule": {
                "min_precision": args.min_precision,
                "max_false_alerts_per_1000": args.max_false_alerts,
            },
            "cross_validated_at_threshold": figures.as_dict(),
        },
    }
    model.save(args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size / 1e6:.1f} MB)")
    print(json.dumps({"threshold": threshold, **figures.as_dict()}))
    return 0
