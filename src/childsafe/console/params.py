"""What console routes take from a request besides their own fields: the signed-in viewer
holding the route's permission, the form's CSRF token, and a reporting period."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import Depends, Form, Query

from childsafe.cases.roles import Permission
from childsafe.console.web import ConsolePageError, Viewer, requires
from childsafe.model.clock import utcnow

QueueViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_QUEUE))]
CaseViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_CASE))]
Actor = Annotated[Viewer, Depends(requires(Permission.ACT))]
Referrer = Annotated[Viewer, Depends(requires(Permission.REFER))]
Approver = Annotated[Viewer, Depends(requires(Permission.APPROVE_REFERRAL))]
Exporter = Annotated[Viewer, Depends(requires(Permission.EXPORT_REFERRAL))]
AuditViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_AUDIT))]
FiguresViewer = Annotated[Viewer, Depends(requires(Permission.VIEW_TRANSPARENCY))]
UserAdmin = Annotated[Viewer, Depends(requires(Permission.MANAGE_USERS))]
WebhookAdmin = Annotated[Viewer, Depends(requires(Permission.MANAGE_WEBHOOKS))]

CsrfField = Annotated[str | None, Form(alias="csrf_token")]

DEFAULT_PERIOD = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class Period:
    """Days from `start` to `end`, both included."""

    start: date
    end: date

    def __str__(self) -> str:
        return f"{self.start}..{self.end}"


def _period(start: date, end: date) -> Period:
    if start > end:
        raise ConsolePageError(400, "'from' must be on or before 'to'.")
    return Period(start, end)


def period_or_last_month(
    start: Annotated[date | None, Query(alias="from")] = None,
    end: Annotated[date | None, Query(alias="to")] = None,
) -> Period:
    """?from=&to=, each optional: up to today, over the 30 days before the end."""
    end = end or utcnow().date()
    return _period(start or end - DEFAULT_PERIOD, end)


def given_period(
    start: Annotated[date, Query(alias="from")], end: Annotated[date, Query(alias="to")]
) -> Period:
    """?from=&to=, both required."""
    return _period(start, end)


ShownPeriod = Annotated[Period, Depends(period_or_last_month)]
ExportPeriod = Annotated[Period, Depends(given_period)]
