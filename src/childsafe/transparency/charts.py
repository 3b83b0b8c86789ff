"""Small inline SVG charts (no JavaScript, no external assets): they print and embed anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from html import escape

from childsafe.transparency.figures import Figures

BAR = "#2450a6"


def label_words(name: str, key: str) -> str:
    """A breakdown's key as people read it: age bands as "13–15" or "under 13"."""
    if name == "reports_by_age_band":
        return key.replace("under_", "under ").replace("_", "–")
    return key.replace("_", " ")


def _empty(title: str) -> str:
    return (
        f"<figure><figcaption>{escape(title)}</figcaption><p>No data in this period.</p></figure>"
    )


def bar_chart(title: str, values: Mapping[str, int], width: int = 520) -> str:
    """Horizontal bars, one per label, largest first as given."""
    if not values:
        return _empty(title)
    row, label_width = 26, 190
    height = row * len(values) + 10
    peak = max(values.values()) or 1
    bars = []
    for index, (label, value) in enumerate(values.items()):
        y = 5 + index * row
        length = (width - label_width - 60) * value / peak
        bars.append(
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" font-size="13">'
            f"{escape(label.replace('_', ' '))}</text>"
            f'<rect x="{label_width}" y="{y + 4}" width="{length:.1f}" height="18" '
            f'fill="{BAR}" rx="3"/>'
            f'<text x="{label_width + length + 6:.1f}" y="{y + 17}" font-size="13">{value:,}</text>'
        )
    return (
        f"<figure><figcaption>{escape(title)}</figcaption>"
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">{"".join(bars)}</svg></figure>'
    )


def day_chart(title: str, values: Mapping[str, int], width: int = 520, height: int = 160) -> str:
    """Vertical bars per day."""
    if not values:
        return _empty(title)
    peak = max(values.values()) or 1
    step = (width - 40) / len(values)
    bars = []
    for index, (day, value) in enumerate(values.items()):
        bar_height = (height - 40) * value / peak
        x = 30 + index * step
        bars.append(
            f'<rect x="{x:.1f}" y="{height - 20 - bar_height:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{bar_height:.1f}" fill="{BAR}"><title>{escape(day)}: {value:,}</title></rect>'
        )
    days = list(values)
    return (
        f"<figure><figcaption>{escape(title)}</figcaption>"
        f'<svg role="img" aria-label="{escape(title)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" xmlns="http://www.w3.org/2000/svg">'
        f'<text x="2" y="14" font-size="12">{peak:,}</text>{"".join(bars)}'
        f'<text x="30" y="{height - 4}" font-size="12">{escape(days[0])}</text>'
        f'<text x="{width - 10}" y="{height - 4}" font-size="12" text-anchor="end">'
        f"{escape(days[-1])}</text>"
        "</svg></figure>"
    )


def figure_charts(figures: Figures) -> list[str]:
    return [
        bar_chart("Reports by category", figures.reports_by_category),
        bar_chart(
            "Reports by the reporter's age band",
            {
                label_words("reports_by_age_band", k): v
                for k, v in figures.reports_by_age_band.items()
            },
        ),
        bar_chart("Reports by where it happened", figures.reports_by_surface),
        bar_chart("Decisions taken", figures.actions_by_kind),
        day_chart("Reports per day", figures.reports_per_day),
        day_chart("Decisions per day", figures.actions_per_day),
    ]
