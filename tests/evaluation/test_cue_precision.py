"""Each cue's precision on the hand-labelled development sample (tests/evaluation/data).

Run with `-s` to see the table quoted in the README.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from childsafe.evaluation.cue_precision import CueScore, LabelledLine, read_sample, score_cues
from childsafe.signals.cues import CUE_NAMES

SAMPLE = Path(__file__).with_name("data") / "cue_sample.jsonl"
MIN_PRECISION = 0.6
# Below this many firings a precision says little; threats are rare in this data.
MIN_FIRED = 5


@pytest.fixture(scope="module")
def scores() -> dict[str, CueScore]:
    table = {s.cue: s for s in score_cues(read_sample(SAMPLE))}
    print("\ncue                fired  correct  precision  labelled  recall")
    for s in table.values():
        print(
            f"{s.cue:<18} {s.fired:>5}  {s.correct:>7}  {s.precision or 0:>9.2f}  "
            f"{s.labelled:>8}  {s.recall or 0:>6.2f}"
        )
    return table


# The sample was drawn for the first eight cues; the modern tactics (risk assessment, age
# deception, payment demands, countdowns, dares) are rare in Perverted-Justice and benign
# chat, so their precision and recall come from the redteam-dev evaluation instead.
SAMPLED_CUES = (
    "secrecy", "personal_info", "move_platform", "image_request", "meeting", "sexual",
    "gifts_flattery", "threat_sextortion",
)  # fmt: skip


def test_sample_covers_every_sampled_cue(scores: dict[str, CueScore]) -> None:
    assert set(scores) == set(CUE_NAMES)
    assert all(scores[c].fired >= 1 for c in SAMPLED_CUES)


@pytest.mark.parametrize("cue", CUE_NAMES)
def test_cue_precision_on_the_labelled_sample(scores: dict[str, CueScore], cue: str) -> None:
    if scores[cue].fired < MIN_FIRED:
        pytest.skip(f"{cue} fired {scores[cue].fired} times in the sample: too few to measure")
    precision = scores[cue].precision
    assert precision is not None and precision >= MIN_PRECISION


def test_scoring_counts_hits_and_misses() -> None:
    sample = [
        LabelledLine("dont tell your mom", frozenset({"secrecy"})),
        LabelledLine("that was our secret overlord plan", frozenset()),
        LabelledLine("keep quiet about us", frozenset({"secrecy"})),
    ]
    secrecy = {s.cue: s for s in score_cues(sample)}["secrecy"]
    assert (secrecy.fired, secrecy.correct, secrecy.labelled) == (2, 1, 2)
    assert secrecy.precision == 0.5 and secrecy.recall == 0.5
