"""Transparency figures for a period, aggregated in SQL (a million actions take seconds).

Periods are whole UTC days, `start` and `end` inclusive. Time to first action is measured per
case, from when the case was opened to its first decision; percentiles are nearest-rank
(the smallest value with at least p of the cases at or below it), the same on both databases.

Complaints are users' appeals (DSA Art. 20): received in the period by ground (what was
appealed), decided in the period by outcome, and the median time from receipt to decision.
`dsa_complaint_handling` names the same figures as the DSA harmonised template's complaint
section asks for them, as far as our data reach.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from childsafe.store.tables.cases import Appeal, Case, CaseAction, CaseItem, Referral, Report
from childsafe.store.tables.service import Alert
from childsafe.store.tables.spaces import Space, SpaceRefusal

COMPLAINT_OUTCOMES = ("upheld", "reversed", "modified")
SPACE_RATINGS = ("U", "PG", "12", "15", "18")


@dataclass
class Figures:
    start: date
    end: date
    reports: int = 0
    reports_by_category: dict[str, int] = field(default_factory=dict)
    reports_by_age_band: dict[str, int] = field(default_factory=dict)
    reports_by_surface: dict[str, int] = field(default_factory=dict)
    alerts: int = 0
    hash_matches: int = 0
    cases_opened: int = 0
    actions: int = 0
    actions_by_kind: dict[str, int] = field(default_factory=dict)
    referrals: int = 0
    cases_first_actioned: int = 0
    median_hours_to_first_action: float | None = None
    p90_hours_to_first_action: float | None = None
    share_actioned_within_sla: float | None = None
    reports_per_day: dict[str, int] = field(default_factory=dict)
    actions_per_day: dict[str, int] = field(default_factory=dict)
    decisions_by_means: dict[str, int] = field(default_factory=dict)  # human | automated
    complaints_received: int = 0
    complaints_about_automated_detection: int = 0
    complaints_decided: int = 0
    complaints_reversed: int = 0
    median_hours_to_decide_complaint: float | None = None
    complaints_by_ground: dict[str, int] = field(default_factory=dict)
    complaint_outcomes: dict[str, int] = field(default_factory=dict)
    dsa_complaint_handling: dict[str, float | int | None] = field(default_factory=dict)
    # Spaces registered by the period's end, by the rating in force now; children a space's
    # rating kept out (refused entry) in the period.
    spaces_by_rating: dict[str, int] = field(default_factory=dict)
    children_kept_out_of_spaces: int = 0

    def as_dict(self) -> dict[str, Any]:
        document = asdict(self)
        document["start"], document["end"] = self.start.isoformat(), self.end.isoformat()
        return document


def window(start: date, end: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(start, time.min, UTC),
        datetime.combine(end + timedelta(days=1), time.min, UTC),
    )


def _day(session: Session, column: Any) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "postgresql":
        return func.date(func.timezone("UTC", column))
    return func.substr(column, 1, 10)  # SQLite keeps UTC datetimes as ISO text


def _ranked(counter: Counter[str]) -> dict[str, int]:
    return dict(counter.most_common())


def _grouped(
    session: Session, keys: Sequence[Any], time_column: Any, low: datetime, high: datetime
) -> list[tuple[Any, ...]]:
    """One GROUP BY pass over the period: (day, *keys, count) rows, few and small."""
    day = _day(session, time_column)
    query = (
        select(day, *keys, func.count())
        .where(time_column >= low, time_column < high)
        .group_by(day, *keys)
    )
    return [tuple(row) for row in session.execute(query)]


def _percentiles(
    session: Session,
    seconds: Any,
    at: Any,
    low: datetime,
    high: datetime,
    count: int,
    ps: Sequence[float],
) -> list[float | None]:
    """Nearest-rank percentiles of `seconds` (in hours) over the rows whose `at` falls in the
    period, of which there are `count` with a value, in one sorted pass."""
    if count == 0:
        return [None for _ in ps]
    in_period = (at >= low, at < high, seconds.is_not(None))
    if session.get_bind().dialect.name == "postgresql":
        row = session.execute(
            select(*(func.percentile_disc(p).within_group(seconds) for p in ps)).where(*in_period)
        ).one()
        values = list(row)
    else:
        ranks = [max(math.ceil(p * count), 1) for p in ps]
        ranked = (
            select(
                seconds.label("seconds"),
                func.row_number().over(order_by=seconds).label("rank"),
            )
            .where(*in_period)
            .subquery()
        )
        found = dict(
            session.execute(
                select(ranked.c.rank, ranked.c.seconds).where(ranked.c.rank.in_(ranks))
            ).all()
        )
        values = [found.get(rank) for rank in ranks]
    return [None if v is None else round(float(v) / 3600, 2) for v in values]


def _every_day(start: date, end: date, counts: Counter[str]) -> dict[str, int]:
    """Every day of the period in order, zero where nothing happened (charts show the gaps)."""
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return {day.isoformat(): counts.get(day.isoformat(), 0) for day in days}


def _count(session: Session, *conditions: Any) -> int:
    return int(session.scalar(select(func.count()).where(*conditions)) or 0)


def compute_figures(session: Session, start: date, end: date) -> Figures:
    low, high = window(start, end)
    figures = Figures(start=start, end=end)

    by_category: Counter[str] = Counter()
    by_band: Counter[str] = Counter()
    by_surface: Counter[str] = Counter()
    reports_per_day: Counter[str] = Counter()
    report_keys = (Report.category, Report.reporter_age_band, Report.surface)
    for day, category, band, surface, count in _grouped(
        session, report_keys, Report.created_at, low, high
    ):
        by_category[category] += count
        by_band[band] += count
        by_surface[surface] += count
        reports_per_day[str(day)] += count
    figures.reports_by_category = _ranked(by_category)
    figures.reports_by_age_band = _ranked(by_band)
    figures.reports_by_surface = _ranked(by_surface)
    figures.reports_per_day = _every_day(start, end, reports_per_day)
    figures.reports = sum(by_category.values())

    by_kind: Counter[str] = Counter()
    actions_per_day: Counter[str] = Counter()
    for day, kind, count in _grouped(session, (CaseAction.kind,), CaseAction.created_at, low, high):
        by_kind[kind] += count
        actions_per_day[str(day)] += count
    figures.actions_by_kind = _ranked(by_kind)
    figures.actions_per_day = _every_day(start, end, actions_per_day)
    figures.actions = sum(by_kind.values())

    figures.alerts = _count(session, Alert.created_at >= low, Alert.created_at < high)
    figures.hash_matches = _count(
        session,
        CaseItem.source == "hash_match",
        CaseItem.added_at >= low,
        CaseItem.added_at < high,
    )
    figures.cases_opened = _count(session, Case.opened_at >= low, Case.opened_at < high)
    figures.referrals = _count(
        session,
        Referral.status == "approved",
        Referral.decided_at >= low,
        Referral.decided_at < high,
    )
    first_count, within = session.execute(
        select(
            func.count(Case.first_action_seconds),
            func.sum(case((Case.first_action_within_sla.is_(True), 1), else_=0)),
        ).where(Case.first_action_at >= low, Case.first_action_at < high)
    ).one()
    figures.cases_first_actioned = int(first_count or 0)
    if figures.cases_first_actioned:
        figures.share_actioned_within_sla = round(
            int(within or 0) / figures.cases_first_actioned, 4
        )
    figures.median_hours_to_first_action, figures.p90_hours_to_first_action = _percentiles(
        session,
        Case.first_action_seconds,
        Case.first_action_at,
        low,
        high,
        figures.cases_first_actioned,
        (0.5, 0.9),
    )
    by_means = dict(
        session.execute(
            select(CaseAction.automated_decision, func.count())
            .where(CaseAction.created_at >= low, CaseAction.created_at < high)
            .group_by(CaseAction.automated_decision)
        ).all()
    )
    figures.decisions_by_means = {
        "human": int(by_means.get(False, 0)),
        "automated": int(by_means.get(True, 0)),
    }
    _complaints(session, figures, low, high)
    by_rating = dict(
        session.execute(
            select(Space.rating, func.count()).where(Space.created_at < high).group_by(Space.rating)
        ).all()
    )
    figures.spaces_by_rating = {r: int(by_rating.get(r, 0)) for r in SPACE_RATINGS}
    figures.children_kept_out_of_spaces = _count(
        session, SpaceRefusal.at >= low, SpaceRefusal.at < high
    )
    return figures


def _complaints(session: Session, figures: Figures, low: datetime, high: datetime) -> None:
    """Appeals received in the period (by ground), decided in it (by outcome), and the
    median time from receipt to decision."""
    by_ground: Counter[str] = Counter()
    for ground, automated, count in session.execute(
        select(Appeal.ground, Appeal.against_automated, func.count())
        .where(Appeal.received_at >= low, Appeal.received_at < high)
        .group_by(Appeal.ground, Appeal.against_automated)
    ):
        by_ground[ground] += count
        figures.complaints_about_automated_detection += count if automated else 0
    figures.complaints_by_ground = _ranked(by_ground)
    figures.complaints_received = sum(by_ground.values())
    outcomes = dict(
        session.execute(
            select(Appeal.outcome, func.count())
            .where(Appeal.decided_at >= low, Appeal.decided_at < high)
            .group_by(Appeal.outcome)
        ).all()
    )
    figures.complaint_outcomes = {o: int(outcomes.get(o, 0)) for o in COMPLAINT_OUTCOMES}
    figures.complaints_decided = sum(figures.complaint_outcomes.values())
    figures.complaints_reversed = figures.complaint_outcomes["reversed"]
    [figures.median_hours_to_decide_complaint] = _percentiles(
        session,
        Appeal.decision_seconds,
        Appeal.decided_at,
        low,
        high,
        figures.complaints_decided,
        (0.5,),
    )
    figures.dsa_complaint_handling = {
        "complaints_received": figures.complaints_received,
        "complaints_about_automated_means": figures.complaints_about_automated_detection,
        "complaints_decided": figures.complaints_decided,
        "decisions_upheld": figures.complaint_outcomes["upheld"],
        "decisions_reversed": figures.complaints_reversed,
        "decisions_modified": figures.complaint_outcomes["modified"],
        "median_time_to_decide_hours": figures.median_hours_to_decide_complaint,
    }
