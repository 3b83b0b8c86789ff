"""Each cue detector's precision (and recall) on a hand-labelled sample of messages."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from childsafe.signals.cues import CUE_NAMES, detect_cues


@dataclass(frozen=True, slots=True)
class LabelledLine:
    text: str
    labels: frozenset[str]


@dataclass(frozen=True, slots=True)
class CueScore:
    cue: str
    fired: int
    correct: int
    labelled: int

    @property
    def precision(self) -> float | None:
        return self.correct / self.fired if self.fired else None

    @property
    def recall(self) -> float | None:
        return self.correct / self.labelled if self.labelled else None


def read_sample(path: Path) -> list[LabelledLine]:
    """JSON Lines {"text", "labels": [cue names]}; lines starting with "#" are comments."""
    lines = []
    for number, raw in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        record = json.loads(raw)
        unknown = set(record["labels"]) - set(CUE_NAMES)
        if unknown:
            raise ValueError(f"{path}:{number}: unknown cue labels {sorted(unknown)}")
        lines.append(LabelledLine(record["text"], frozenset(record["labels"])))
    return lines


def score_cues(sample: Iterable[LabelledLine]) -> list[CueScore]:
    fired = dict.fromkeys(CUE_NAMES, 0)
    correct = dict.fromkeys(CUE_NAMES, 0)
    labelled = dict.fromkeys(CUE_NAMES, 0)
    for line in sample:
        for name in line.labels:
            labelled[name] += 1
        for cue in detect_cues(line.text):
            fired[cue.name] += 1
            correct[cue.name] += cue.name in line.labels
    return [CueScore(n, fired[n], correct[n], labelled[n]) for n in CUE_NAMES]
