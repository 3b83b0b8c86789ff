"""The transparency report in its formats: JSON, CSV (metric, key, value), HTML with charts,
and PDF (fpdf2) with the same figures, bar charts and per-day charts. The HTML and PDF name the
platform (CHILDSAFE_PLATFORM_NAME), when they were generated and how the figures are counted."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi.templating import Jinja2Templates

from childsafe.model.clock import utcnow
from childsafe.referrals.standards import Platform
from childsafe.transparency import charts
from childsafe.transparency.charts import label_words
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
    ("complaints_received", "Complaints (appeals) received"),
    ("complaints_about_automated_detection", "Complaints about automated detection"),
    ("complaints_decided", "Complaints decided"),
    ("complaints_reversed", "Decisions reversed on appeal"),
    ("median_hours_to_decide_complaint", "Median hours to decide a complaint"),
    ("children_kept_out_of_spaces", "Children kept out of spaces rated above their age"),
)
BREAKDOWNS = (
    ("reports_by_category", "Reports by category"),
    ("reports_by_age_band", "Reports by reporter age band"),
    ("reports_by_surface", "Reports by surface"),
    ("actions_by_kind", "Decisions by kind"),
    ("reports_per_day", "Reports per day"),
    ("actions_per_day", "Decisions per day"),
    ("decisions_by_means", "Decisions by automated or human means"),
    ("complaints_by_ground", "Complaints by what was appealed"),
    ("complaint_outcomes", "Complaint outcomes"),
    ("dsa_complaint_handling", "DSA template: internal complaint handling"),
    ("spaces_by_rating", "Spaces by age rating"),
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


# How the figures are counted, said once for every format.
METHOD = (
    "Figures count what happened on the whole days (UTC) from {start} to {end}, both included. "
    "Time to first decision is measured per case from when it was opened to the first decision "
    "a moderator took on it; the SLA share is of the cases first decided in the period."
)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian fonts-dejavu-core
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
BAR_COLOUR = (36, 80, 166)


def method_sentence(figures: Figures) -> str:
    return METHOD.format(start=figures.start.isoformat(), end=figures.end.isoformat())


def to_html(figures: Figures, platform: str | None = None) -> str:
    template = _templates.env.get_template("transparency_report.html")
    return template.render(
        figures=figures,
        headlines=headline_values(figures),
        charts=charts.figure_charts(figures),
        method=method_sentence(figures),
        platform=platform or Platform.from_environment().name,
        generated_at=utcnow().strftime("%d %b %Y %H:%M UTC"),
    )


def to_pdf(figures: Figures, platform: str | None = None) -> bytes:
    """An A4 report: title page figures, breakdown bars and per-day charts, page numbers, and
    DejaVu Sans embedded (when installed; otherwise the standard Helvetica, not embedded)."""
    from fpdf import FPDF

    platform = platform or Platform.from_environment().name
    generated = utcnow().strftime("%d %b %Y %H:%M UTC")
    title = f"Child safety transparency report, {platform}"

    class Report(FPDF):
        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(family, "", 8)
            self.cell(0, 6, f"{title} · {figures.start} to {figures.end}", align="L")
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="R")

    pdf = Report(format="A4")
    family = _font(pdf)
    dash = "–" if family != "Helvetica" else "-"
    pdf.set_title(f"{title} {figures.start} to {figures.end}")
    pdf.set_author(platform)
    pdf.set_creator("childsafe")
    pdf.set_creation_date(utcnow())
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(family, "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 10)
    pdf.cell(0, 6, f"{figures.start} to {figures.end} (UTC) · generated {generated}")
    pdf.ln(7)
    pdf.multi_cell(0, 5, method_sentence(figures), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(family, "", 10)
    for name, text in headline_values(figures):
        pdf.cell(120, 6, name)
        pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")
    document = figures.as_dict()
    for name, heading in BREAKDOWNS[:4]:
        _bars(pdf, family, heading, {label_words(name, k): v for k, v in document[name].items()})
    for name, heading in BREAKDOWNS[4:6]:
        _days(pdf, family, heading, document[name])
    if dash == "-":
        pdf.set_font(family, "", 8)
        pdf.cell(0, 5, "(DejaVu Sans not installed: standard font, not embedded)")
    return bytes(pdf.output())


def _font(pdf: Any) -> str:
    """Registers DejaVu Sans (embedded in the PDF) when installed; the family to use."""
    if not all((FONT_DIR / file).is_file() for file in FONT_FILES.values()):
        return "Helvetica"
    for style, file in FONT_FILES.items():
        pdf.add_font("DejaVu", style, str(FONT_DIR / file))
    return "DejaVu"


def _heading(pdf: Any, family: str, heading: str, height: float) -> None:
    if pdf.get_y() + height > pdf.h - 20:
        pdf.add_page()
    pdf.ln(4)
    pdf.set_font(family, "B", 12)
    pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, "", 9)


def _bars(pdf: Any, family: str, heading: str, values: dict[str, int]) -> None:
    _heading(pdf, family, heading, 14 + 6 * len(values))
    peak = max(values.values(), default=0) or 1
    for key, value in values.items():
        pdf.cell(55, 6, key[:40])
        x, y = pdf.get_x(), pdf.get_y()
        pdf.set_fill_color(*BAR_COLOUR)
        pdf.rect(x, y + 1, 100 * value / peak, 4, style="F")
        pdf.set_x(x + 104)
        pdf.cell(0, 6, f"{value:,}", new_x="LMARGIN", new_y="NEXT")
    if not values:
        pdf.cell(0, 6, "No data in this period.", new_x="LMARGIN", new_y="NEXT")


def _days(pdf: Any, family: str, heading: str, values: dict[str, int]) -> None:
    """Vertical bars, one per day, with the peak and the first and last day labelled."""
    height, width = 40.0, 170.0
    _heading(pdf, family, heading, height + 22)
    if not values:
        pdf.cell(0, 6, "No data in this period.", new_x="LMARGIN", new_y="NEXT")
        return
    peak = max(values.values()) or 1
    left, top = pdf.l_margin + 10, pdf.get_y() + 2
    step = width / len(values)
    pdf.set_fill_color(*BAR_COLOUR)
    for index, value in enumerate(values.values()):
        bar = height * value / peak
        pdf.rect(left + index * step, top + height - bar, max(step - 0.5, 0.3), bar, style="F")
    pdf.set_xy(pdf.l_margin, top - 1)
    pdf.cell(10, 4, f"{peak:,}")
    pdf.line(left, top + height, left + width, top + height)
    days = list(values)
    pdf.set_xy(left, top + height + 1)
    pdf.cell(width / 2, 5, days[0])
    pdf.cell(width / 2, 5, days[-1], align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + height + 8)
