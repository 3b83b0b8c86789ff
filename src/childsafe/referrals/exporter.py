"""The referral-exporter interface: a case in, the document an authority takes out, in one or
more formats. Nothing is sent; `registry.py` lists the exporters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True, slots=True)
class ReferralFormat:
    extension: str  # "xml", "json", "html"
    media_type: str
    export: Callable[[Session, str], str]  # (session, case id) -> the document


@dataclass(frozen=True, slots=True)
class ReferralExporter:
    name: str  # the authority's short name: `childsafe referral NAME CASE_ID`
    description: str
    formats: tuple[ReferralFormat, ...]  # the first is the default
    # Checks a finished export and says how, for the reader (None: nothing to check).
    check: Callable[[str], str] | None = None

    def format(self, extension: str | None = None) -> ReferralFormat:
        """The format with this extension (the default when None)."""
        if extension is None:
            return self.formats[0]
        return next(f for f in self.formats if f.extension == extension)
