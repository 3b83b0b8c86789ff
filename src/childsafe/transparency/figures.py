"""Transparency figures for a period, aggregated in SQL (a million actions take seconds).

Periods are whole UTC days, `start` and `end` inclusive. Time to first action is measured per
case, from when the case was opened to its first decision; percentiles are nearest-rank
(the smallest value with at least p of the cases at or below it), the same on both databases.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from childsafe.store.tables.cases import Case, CaseAction, CaseItem, Referral, Report
from childsafe.store.tables.service import Alert


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
        return func.to_char(func.timezone("UTC", column), "YYYY-MM-DD")
    return func.substr(column, 1, 10)  # SQLite keeps UTC datetimes as ISO text


def _counts(
    session: Session, key: Any, time_column: Any, low: datetime, high: datetime
) -> dict[str, int]:
    rows = session.execute(
        select(key, func.count()).where(time_column >= low, time_column < high).group_by(key)
    ).all()
    return {str(name): int(count) for name, count in sorted(rows, key=lambda row: -row[1])}


def _percentile(
    session: Session, low: datetime, high: datetime, count: int, p: float
) -> float | None:
    if count == 0:
        return None
    in_period = (Case.first_action_at >= low, Case.first_action_at < high)
    if session.get_bind().dialect.name == "postgresql":
        value = session.scalar(
            select(func.percentile_disc(p).within_group(Case.first_action_seconds)).where(
                *in_period
            )
        )
    else:
        value = session.scalar(
            select(Case.first_action_seconds)
            .where(*in_period)
            .order_by(Case.first_action_seconds)
            .offset(max(math.ceil(p * count) - 1, 0))
            .limit(1)
        )
    return None if value is None else round(float(value) / 3600, 2)


def compute_figures(session: Session, start: date, end: date) -> Figures:
    low, high = window(start, end)
    figures = Figures(start=start, end=end)
    figures.reports_by_category = _counts(session, Report.category, Report.created_at, low, high)
    figures.reports_by_age_band = _counts(
        session, Report.reporter_age_band, Report.created_at, low, high
    )
    figures.reports_by_surface = _counts(session, Report.surface, Report.created_at, low, high)
    figures.reports = sum(figures.reports_by_category.values())
    figures.alerts = int(
        session.scalar(
            select(func.count())
            .select_from(Alert)
            .where(Alert.created_at >= low, Alert.created_at < high)
        )
        or 0
    )
    figures.hash_matches = int(
        session.scalar(
            select(func.count()).where(
                CaseItem.source == "hash_match", CaseItem.added_at >= low, CaseItem.added_at < high
            )
        )
        or 0
    )
    figures.cases_opened = int(
        session.scalar(select(func.count()).where(Case.opened_at >= low, Case.opened_at < high))
        or 0
    )
    figures.actions_by_kind = _counts(session, CaseAction.kind, CaseAction.created_at, low, high)
    figures.actions = sum(figures.actions_by_kind.values())
    figures.referrals = int(
        session.scalar(
            select(func.count()).where(
                Referral.status == "approved",
                Referral.decided_at >= low,
                Referral.decided_at < high,
            )
        )
        or 0
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
    figures.median_hours_to_first_action = _percentile(
        session, low, high, figures.cases_first_actioned, 0.5
    )
    figures.p90_hours_to_first_action = _percentile(
        session, low, high, figures.cases_first_actioned, 0.9
    )
    figures.reports_per_day = _per_day(session, Report.created_at, low, high)
    figures.actions_per_day = _per_day(session, CaseAction.created_at, low, high)
    return figures


def _per_day(session: Session, column: Any, low: datetime, high: datetime) -> dict[str, int]:
    day = _day(session, column)
    rows = session.execute(
        select(day, func.count()).where(column >= low, column < high).group_by(day).order_by(day)
    ).all()
    return {str(name): int(count) for name, count in rows}
