"""The screening process writes its JSON columns with orjson: the same values as the
standard library's JSON, so stored answers and detector states read back unchanged."""

import json

import pytest

from childsafe.store.db import json_text

VALUES = [
    {"verdict": "warn", "conversation_risk": 0.1234, "alert_id": None, "flags": [True, False]},
    {"excerpt": 'ñandú 👋 "quoted" \\ back\nline', "weight": 6.049, "cues": ("secrecy",)},
    {"version": 2, "authors": {"u1a": {"evidence": 122.1062956817755, "top": []}}},
    {1: "integer keys become strings, as json.dumps does"},
]


@pytest.mark.parametrize("value", VALUES)
def test_json_text_reads_back_as_the_standard_library_writes_it(value: object) -> None:
    assert json.loads(json_text(value)) == json.loads(json.dumps(value))
