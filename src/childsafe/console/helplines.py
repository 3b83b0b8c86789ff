"""What the child's report page offers besides the report: where to get help now, by country,
and the platform's own block action.

CHILDSAFE_HELPLINES is JSON, country code -> words (e.g. {"GB": "...", "IE": "..."}); without
it, the UK's and the US's. The reader's country is CHILDSAFE_COUNTRY when set, else the region
of the browser's first language (en-GB -> GB); unknown, every configured line is shown.
CHILDSAFE_BLOCK_URL is the platform's block action, with {account} for the reported account
(e.g. "https://app.example.org/block?account={account}" or an app link "example://block/...").
"""

from __future__ import annotations

import json
import logging
import os
from urllib.parse import quote, urlsplit

HELPLINES_ENV = "CHILDSAFE_HELPLINES"
COUNTRY_ENV = "CHILDSAFE_COUNTRY"
BLOCK_URL_ENV = "CHILDSAFE_BLOCK_URL"
DEFAULT_HELPLINES = {
    "GB": "In an emergency call 999. Childline listens on 0800 1111, free, day or night.",
    "US": "In an emergency call 911. Childhelp listens on 1-800-422-4453, day or night.",
}
# A block link must not run script in the page: javascript:, data: and vbscript: are refused.
REFUSED_SCHEMES = {"javascript", "data", "vbscript"}

log = logging.getLogger(__name__)


def _configured() -> dict[str, str]:
    text = os.environ.get(HELPLINES_ENV, "").strip()
    if not text:
        return DEFAULT_HELPLINES
    try:
        lines = json.loads(text)
        if isinstance(lines, dict) and lines and all(isinstance(v, str) for v in lines.values()):
            return {str(country).upper(): words for country, words in lines.items()}
    except ValueError:
        pass
    log.warning("%s is not a JSON object of country -> words; using the defaults", HELPLINES_ENV)
    return DEFAULT_HELPLINES


def helplines(accept_language: str) -> list[str]:
    """The words for the reader's country, or every configured line when it is unknown."""
    lines = _configured()
    country = os.environ.get(COUNTRY_ENV, "").strip().upper()
    if not country:
        first = accept_language.split(",")[0].split(";")[0].strip()
        country = first.split("-")[1].upper() if "-" in first else ""
    return [lines[country]] if country in lines else list(lines.values())


def block_url(account_id: str) -> str | None:
    """The platform's block action for the reported account, when one is configured."""
    template = os.environ.get(BLOCK_URL_ENV, "").strip()
    if not template or urlsplit(template).scheme.lower() in REFUSED_SCHEMES:
        return None
    return template.replace("{account}", quote(account_id, safe=""))
