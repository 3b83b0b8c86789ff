"""What the child's report page offers besides the report: where to get help now, by country,
and the platform's own block action.

CHILDSAFE_HELPLINES is JSON, country code -> the words of its helplines, or -> {"emergency":
number, "words": ...} to name the country's emergency number too (e.g. {"IE": {"emergency":
"112", "words": "Childline Ireland listens on 1800 66 66 66."}}); without it, the UK's and the
US's. The reader's country is CHILDSAFE_COUNTRY when set, else the region of the browser's first
language (en-GB -> GB); unknown, every configured line is shown and no emergency number is named.
CHILDSAFE_BLOCK_URL is the platform's block action, with {account} for the reported account
(e.g. "https://app.example.org/block?account={account}" or an app link "example://block/...").
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

HELPLINES_ENV = "CHILDSAFE_HELPLINES"
COUNTRY_ENV = "CHILDSAFE_COUNTRY"
BLOCK_URL_ENV = "CHILDSAFE_BLOCK_URL"


@dataclass(frozen=True, slots=True)
class Helpline:
    words: str  # shown as it is under "Need help now?"
    emergency: str | None = None  # the country's emergency number, when configured


DEFAULT_HELPLINES = {
    "GB": Helpline(
        "In an emergency call 999. Childline listens on 0800 1111, free, day or night.", "999"
    ),
    "US": Helpline(
        "In an emergency call 911. Childhelp listens on 1-800-422-4453, day or night.", "911"
    ),
}
# A block link must not run script in the page: javascript:, data: and vbscript: are refused.
REFUSED_SCHEMES = {"javascript", "data", "vbscript"}

log = logging.getLogger(__name__)


def _helpline(value: object) -> Helpline | None:
    if isinstance(value, str):
        return Helpline(value)
    if isinstance(value, dict) and isinstance(value.get("words"), str):
        emergency = value.get("emergency")
        if emergency is None:
            return Helpline(value["words"])
        if isinstance(emergency, str) and emergency.strip():
            return Helpline(value["words"], emergency.strip())
    return None


def _configured() -> dict[str, Helpline]:
    text = os.environ.get(HELPLINES_ENV, "").strip()
    if not text:
        return DEFAULT_HELPLINES
    try:
        configured = json.loads(text)
    except ValueError:
        configured = None
    if isinstance(configured, dict) and configured:
        lines = {str(country).upper(): _helpline(value) for country, value in configured.items()}
        if all(lines.values()):
            return {country: line for country, line in lines.items() if line}
    log.warning(
        "%s is not a JSON object of country -> words or {emergency, words}; using the defaults",
        HELPLINES_ENV,
    )
    return DEFAULT_HELPLINES


def _reader_country(accept_language: str) -> str:
    country = os.environ.get(COUNTRY_ENV, "").strip().upper()
    if country:
        return country
    first = accept_language.split(",")[0].split(";")[0].strip()
    return first.split("-")[1].upper() if "-" in first else ""


def helplines(accept_language: str) -> list[str]:
    """The words for the reader's country, or every configured line when it is unknown."""
    lines = _configured()
    country = _reader_country(accept_language)
    chosen = [lines[country]] if country in lines else list(lines.values())
    return [line.words for line in chosen]


def emergency_number(accept_language: str) -> str | None:
    """The reader's country's emergency number, None when the country or its number is
    unknown (a child abroad must not be told to dial another country's number)."""
    line = _configured().get(_reader_country(accept_language))
    return line.emergency if line else None


def block_url(account_id: str) -> str | None:
    """The platform's block action for the reported account, when one is configured."""
    template = os.environ.get(BLOCK_URL_ENV, "").strip()
    if not template or urlsplit(template).scheme.lower() in REFUSED_SCHEMES:
        return None
    return template.replace("{account}", quote(account_id, safe=""))
