"""The transparency report's formats, each a render function from the period's figures to
bytes. Register a new one (its own module with the render function) by adding its line here.

The DSA statements of reasons (`dsa.py`) are not a rendering of the figures but one statement
per decision, streamed in batches, so they are exported on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from childsafe.transparency import report
from childsafe.transparency.figures import Figures


@dataclass(frozen=True, slots=True)
class ReportFormat:
    name: str  # `--format NAME`, the console's report.NAME
    media_type: str
    render: Callable[[Figures], bytes]


def _utf8(render: Callable[[Figures], str]) -> Callable[[Figures], bytes]:
    return lambda figures: render(figures).encode("utf-8")


FORMATS: tuple[ReportFormat, ...] = (
    ReportFormat("html", "text/html", _utf8(report.to_html)),
    ReportFormat("pdf", "application/pdf", report.to_pdf),
    ReportFormat("csv", "text/csv", _utf8(report.to_csv)),
    ReportFormat("json", "application/json", _utf8(report.to_json)),
)


def format_named(name: str) -> ReportFormat:
    return next(f for f in FORMATS if f.name == name)
