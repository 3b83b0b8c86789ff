"""The transparency report in its formats: JSON, CSV (metric, key, value), HTML with charts,
and PDF (fpdf2) with the same figures and bar charts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from fastapi.templating import Jinja2Templates

from childsafe.transparency import charts
from childsafe.transparency.figures import Figures

TEMPLATES_DIR = Path(__file__).with_name("templates")
_templates = Jinja2Templates(directory=str(TEMPLATES_DIR))

HEADLINES = (
    ("reports", "Reports received"),
    ("alerts", "Alerts raised by automated detection"),
    ("hash_matches", "Known-image hash matches"),
    ("cases_opened", "Cases opened"),
    ("actions", "Decisions taken"),
    ("referrals", "Referrals to the authorities"),
    ("cases_first_actioned", "Cases with a first decision"),
    ("median_hours_to_first_action", "Median hours to first decision"),
    ("p90_hours_to_first_action", "90th percentile hours to first decision"),
    ("share_actioned_within_sla", "Share decided within the SLA"),
)
BREAKDOWNS = (
    ("reports_by_category", "Reports by category"),
    ("reports_by_age_band", "Reports by reporter age band"),
    ("reports_by_surface", "Reports by surface"),
    ("actions_by_kind", "Decisions by kind"),
    ("reports_per_day", "Reports per day"),
    ("actions_per_day", "Decisions per day"),
)


def to_json(figures: Figures) -> str:
    return json.dumps(figures.as_dict(), indent=2) + "\n"


def _rows(figures: Figures) -> Iterator[tuple[str, str, object]]:
    document = figures.as_dict()
    for name, _title in HEADLINES:
        yield name, "", "" if document[name] is None else document[name]
    for name, _title in BREAKDOWNS:
        for key, value in document[name].items():
            yield name, key, value


def to_csv(figures: Figures) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["period_start", "period_end", "metric", "key", "value"])
    for metric, key, value in _rows(figures):
        writer.writerow([figures.start.isoformat(), figures.end.isoformat(), metric, key, value])
    return buffer.getvalue()


def headline_values(figures: Figures) -> list[tuple[str, str]]:
    document = figures.as_dict()
    shown = []
    for name, title in HEADLINES:
        value = document[name]
        if value is None:
            text = "n/a"
        elif name == "share_actioned_within_sla":
            text = f"{value:.1%}"
        elif isinstance(value, float):
            text = f"{value:.2f}"
        else:
            text = f"{value:,}"
        shown.append((title, text))
    return shown


def to_html(figures: Figures) -> str:
    template = _templates.env.get_template("transparency_report.html")
    return template.render(
        figures=figures, headlines=headline_values(figures), charts=charts.figure_charts(figures)
    )


def to_pdf(figures: Figures) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, "Child safety transparency report", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.cell(
        0,
        7,
        f"{figures.start.isoformat()} to {figures.end.isoformat()} (UTC)",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    for title, text in headline_values(figures):
        pdf.cell(110, 7, title)
        pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    document = figures.as_dict()
    for name, title in BREAKDOWNS[:4]:
        values: dict[str, int] = document[name]
        pdf.ln(4)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 10)
        peak = max(values.values(), default=0) or 1
        for key, value in values.items():
            pdf.cell(55, 6, key.replace("_", " ")[:32])
            x, y = pdf.get_x(), pdf.get_y()
            pdf.set_fill_color(36, 80, 166)
            pdf.rect(x, y + 1, 100 * value / peak, 4, style="F")
            pdf.set_x(x + 104)
            pdf.cell(0, 6, f"{value:,}", new_x="LMARGIN", new_y="NEXT")
        if not values:
            pdf.cell(0, 6, "No data in this period.", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
