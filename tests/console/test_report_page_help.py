"""The child's report page: helplines from configuration by the reader's country, and the
platform's block action (never a script URL)."""

from __future__ import annotations

import pytest

from childsafe.console.helplines import DEFAULT_HELPLINES, block_url, helplines


def test_helplines_follow_the_country_and_the_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHILDSAFE_HELPLINES", raising=False)
    monkeypatch.delenv("CHILDSAFE_COUNTRY", raising=False)
    assert helplines("en-US,en;q=0.9") == [DEFAULT_HELPLINES["US"]]
    assert helplines("fr") == list(DEFAULT_HELPLINES.values())  # unknown: every line
    monkeypatch.setenv("CHILDSAFE_COUNTRY", "gb")
    assert helplines("en-US") == [DEFAULT_HELPLINES["GB"]]
    monkeypatch.setenv("CHILDSAFE_HELPLINES", '{"ie": "Childline Ireland: 1800 66 66 66."}')
    monkeypatch.setenv("CHILDSAFE_COUNTRY", "IE")
    assert helplines("") == ["Childline Ireland: 1800 66 66 66."]
    monkeypatch.setenv("CHILDSAFE_HELPLINES", "not json")
    monkeypatch.delenv("CHILDSAFE_COUNTRY")
    assert helplines("en-GB") == [DEFAULT_HELPLINES["GB"]]  # a bad setting keeps the defaults


def test_block_url_is_the_platforms_with_the_account_encoded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CHILDSAFE_BLOCK_URL", raising=False)
    assert block_url("morgan") is None
    monkeypatch.setenv("CHILDSAFE_BLOCK_URL", "example://block?account={account}")
    assert block_url("a b/c") == "example://block?account=a%20b%2Fc"
    monkeypatch.setenv("CHILDSAFE_BLOCK_URL", "JavaScript:alert(1)//{account}")
    assert block_url("morgan") is None
