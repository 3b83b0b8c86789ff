"""The child's report page: helplines and the emergency number from configuration by the
reader's country, and the platform's block action (never a script URL)."""

from __future__ import annotations

import pytest

from childsafe.console.helplines import DEFAULT_HELPLINES, block_url, emergency_number, helplines


def test_helplines_follow_the_country_and_the_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHILDSAFE_HELPLINES", raising=False)
    monkeypatch.delenv("CHILDSAFE_COUNTRY", raising=False)
    uk, us = DEFAULT_HELPLINES["GB"].words, DEFAULT_HELPLINES["US"].words
    assert helplines("en-US,en;q=0.9") == [us] and emergency_number("en-US") == "911"
    assert helplines("fr") == [uk, us]  # unknown: every line, and no number to call
    assert emergency_number("fr") is None and emergency_number("") is None
    monkeypatch.setenv("CHILDSAFE_COUNTRY", "gb")
    assert helplines("en-US") == [uk] and emergency_number("en-US") == "999"
    monkeypatch.setenv("CHILDSAFE_HELPLINES", '{"ie": "Childline Ireland: 1800 66 66 66."}')
    monkeypatch.setenv("CHILDSAFE_COUNTRY", "IE")
    assert helplines("") == ["Childline Ireland: 1800 66 66 66."]
    assert emergency_number("") is None  # words alone name no number
    monkeypatch.setenv(
        "CHILDSAFE_HELPLINES", '{"IE": {"emergency": " 112 ", "words": "Childline Ireland."}}'
    )
    assert helplines("") == ["Childline Ireland."] and emergency_number("") == "112"
    monkeypatch.delenv("CHILDSAFE_COUNTRY")
    for bad in ("not json", '{"IE": {"emergency": 112, "words": "x"}}', '{"IE": {}}', "[]"):
        monkeypatch.setenv("CHILDSAFE_HELPLINES", bad)
        # A bad setting keeps the defaults.
        assert helplines("en-GB") == [uk] and emergency_number("en-GB") == "999", bad


def test_block_url_is_the_platforms_with_the_account_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHILDSAFE_BLOCK_URL", raising=False)
    assert block_url("morgan") is None
    monkeypatch.setenv("CHILDSAFE_BLOCK_URL", "example://block?account={account}")
    assert block_url("a b/c") == "example://block?account=a%20b%2Fc"
    monkeypatch.setenv("CHILDSAFE_BLOCK_URL", "JavaScript:alert(1)//{account}")
    assert block_url("morgan") is None
