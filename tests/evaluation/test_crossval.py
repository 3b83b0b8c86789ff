"""Cross-validation units: the translated segments train with their translations in one group,
and never pick a threshold (their labels are per segment, not per author).

The two tiny segments here are invented and mild, written for this test."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from childsafe.evaluation.crossval import (
    TRANSLATED_SOURCE,
    calibrating,
    fold_of,
    translated_units,
)
from childsafe.evaluation.streaming import AuthorStream

ROWS = {
    "german": ["1,\"['hallo', 'hi, wie alt bist du?']\",1", "2,\"['na', 'was machst du']\",0"],
    "dutch": ["1,\"['hallo', 'hoi, hoe oud ben je?']\",1", "2,\"['hoi', 'wat doe je']\",0"],
}


def _write(folder: Path) -> None:
    folder.mkdir()
    for language, rows in ROWS.items():
        text = "row,messages,label\n" + "\n".join(rows) + "\n"
        (folder / f"vtpan-val-{language}-dev.csv").write_text(text, encoding="utf-8")


def test_a_segment_and_its_translation_share_one_group(tmp_path: Path) -> None:
    _write(tmp_path / "vtpan-translated")
    units = translated_units(tmp_path)
    assert len(units) == 4 and {u.source for u in units} == {TRANSLATED_SOURCE}
    groups = {u.conversation.conversation_id: u.group for u in units}
    assert groups["vtpan-val-german-dev:1"] == groups["vtpan-val-dutch-dev:1"]
    assert groups["vtpan-val-german-dev:1"] != groups["vtpan-val-german-dev:2"]
    assert {fold_of(u.group, 5, 0) for u in units if u.group.endswith("/1")} == {
        fold_of(groups["vtpan-val-dutch-dev:1"], 5, 0)
    }
    positive = next(u for u in units if u.conversation.conversation_id.endswith("german-dev:1"))
    assert len(positive.conversation.predator_ids) == 2  # the predator's side is unknown


def test_no_translated_data_no_units(tmp_path: Path) -> None:
    assert translated_units(tmp_path) == []


def test_translated_streams_never_choose_a_threshold() -> None:
    def stream(source: str) -> AuthorStream:
        return AuthorStream(source, "c", "a", True, True, 1, np.zeros(1), np.zeros(1))

    kept = calibrating([stream("koutli"), stream(TRANSLATED_SOURCE), stream("nps")])
    assert [s.source for s in kept] == ["koutli", "nps"]
