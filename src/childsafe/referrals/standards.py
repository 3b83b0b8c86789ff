"""Where the exchange standards live, and the platform details every referral carries.

The NCMEC XSD and the DSA statement-of-reasons schema are not shipped with childsafe (NCMEC
publishes its schema without a licence to redistribute; our DSA schema is derived from GPL-2.0
code). They are read at export time from CHILDSAFE_STANDARDS_DIR, or ../shared/standards
beside the checkout or the working directory, when present.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

STANDARDS_ENV = "CHILDSAFE_STANDARDS_DIR"
_REPO_ROOT = Path(__file__).resolve().parents[3]


def standards_dir() -> Path | None:
    configured = os.environ.get(STANDARDS_ENV)
    candidates = [Path(configured)] if configured else []
    candidates += [
        _REPO_ROOT.parent / "shared" / "standards",
        Path.cwd().parent / "shared" / "standards",
    ]
    return next((path for path in candidates if path.is_dir()), None)


def standard_file(relative: str) -> Path | None:
    root = standards_dir()
    if root is None:
        return None
    path = root / relative
    return path if path.is_file() else None


@dataclass(frozen=True, slots=True)
class Platform:
    """Who is reporting: set by the deploying platform through the environment."""

    name: str
    contact_first_name: str
    contact_last_name: str
    contact_email: str
    terms_url: str

    @classmethod
    def from_environment(cls) -> Platform:
        return cls(
            name=os.environ.get("CHILDSAFE_PLATFORM_NAME", "Example platform (childsafe demo)"),
            contact_first_name=os.environ.get("CHILDSAFE_REPORTER_FIRST_NAME", "Trust"),
            contact_last_name=os.environ.get("CHILDSAFE_REPORTER_LAST_NAME", "and Safety"),
            contact_email=os.environ.get("CHILDSAFE_REPORTER_EMAIL", "safety@example.org"),
            terms_url=os.environ.get("CHILDSAFE_TERMS_URL", "https://example.org/terms"),
        )
