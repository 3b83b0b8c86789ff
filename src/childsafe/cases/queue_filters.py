"""The queue a moderator works: which cases (search, filters), in which order, how many a page.

A `QueueFilter` is read from the queue's query string (`parse`) and written back to one
(`query_string`), so a saved view, the "next case" after a decision and the page links all
carry the same filter. `queue_page` runs it in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from childsafe.cases.priority import SEVERITY
from childsafe.model import AgeBand
from childsafe.signals.cues import CUE_NAMES
from childsafe.store.tables.cases import Case, CaseCue, CaseItem, Report
from childsafe.store.tables.service import Account, Alert, StoredMessage

# The queue's tabs and the case statuses each shows ("any" finds a case whatever its state).
STATUSES: dict[str, tuple[str, ...]] = {
    "open": ("open",),
    "in_progress": ("in_progress",),
    "active": ("open", "in_progress"),
    "closed": ("closed",),
    "any": ("open", "in_progress", "closed"),
}
STATUS_WORDS = {
    "open": "waiting for a decision",
    "in_progress": "acted on, not closed",
    "active": "not closed",
    "closed": "closed",
    "any": "any state",
}
PRIORITIES = ("P1", "P2", "P3", "P4")
AGE_BANDS = tuple(band.value for band in AgeBand)
# The detector's tactics, and the cues intake adds (a hash match, a child's report).
CUES = tuple(sorted({*CUE_NAMES, *SEVERITY}))
SOURCES = {
    "alert": "detector alert",
    "report": "child's report",
    "hash_match": "hash match",
    "space_invite": "children invited into a space",
}
ASSIGNED = {"me": "assigned to me", "none": "unassigned", "anyone": "assigned to someone"}
SORTS = {
    "priority": "most urgent first",
    "due": "SLA due soonest",
    "newest": "newest first",
    "activity": "latest activity first",
}
PAGE_SIZES = (25, 50, 100, 200)
MAX_SEARCH = 200
MAX_PAGE = 10_000


class BadFilter(ValueError):
    """A query string the queue cannot read, with the words to show the moderator."""


@dataclass(frozen=True, slots=True)
class QueueFilter:
    search: str = ""  # case id, account id or name, report reference, words in flagged messages
    status: str = "open"
    priority: str = ""
    cue: str = ""
    age_band: str = ""  # the youngest child's
    source: str = ""
    overdue: bool = False
    assigned: str = ""  # me | none | anyone
    sort: str = "priority"
    page_size: int = 50
    page: int = 1

    def query_string(self, **changes: Any) -> str:
        """This filter (with `changes`) as a query string, defaults left out."""
        shown = replace(self, **changes)
        default = QueueFilter()
        pairs = {
            field.name: getattr(shown, field.name)
            for field in fields(shown)
            if getattr(shown, field.name) != getattr(default, field.name)
        }
        if "overdue" in pairs:
            pairs["overdue"] = "1"
        return urlencode(pairs)


def _choice(params: Mapping[str, str], name: str, allowed: Sequence[str], default: str) -> str:
    value = params.get(name, "").strip() or default
    if value not in allowed and value != "":
        raise BadFilter(f"'{name}' must be one of: {', '.join(allowed)}.")
    return value


def _number(params: Mapping[str, str], name: str, default: int, low: int, high: int) -> int:
    text = params.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or not low <= int(text) <= high:
        raise BadFilter(f"'{name}' must be a whole number from {low} to {high}.")
    return int(text)


def parse(params: Mapping[str, str]) -> QueueFilter:
    """A filter from query parameters. A search without a chosen tab looks at every case,
    open or closed."""
    search = " ".join(params.get("search", "").split())
    if len(search) > MAX_SEARCH:
        raise BadFilter(f"The search is too long (at most {MAX_SEARCH} characters).")
    page_size = _number(params, "page_size", 50, 1, max(PAGE_SIZES))
    if page_size not in PAGE_SIZES:
        raise BadFilter(f"'page_size' must be one of {', '.join(map(str, PAGE_SIZES))}.")
    return QueueFilter(
        search=search,
        status=_choice(params, "status", tuple(STATUSES), "any" if search else "open"),
        priority=_choice(params, "priority", PRIORITIES, ""),
        cue=_choice(params, "cue", CUES, ""),
        age_band=_choice(params, "age_band", AGE_BANDS, ""),
        source=_choice(params, "source", tuple(SOURCES), ""),
        overdue=_choice(params, "overdue", ("1", "0"), "0") == "1",
        assigned=_choice(params, "assigned", tuple(ASSIGNED), ""),
        sort=_choice(params, "sort", tuple(SORTS), "priority"),
        page_size=page_size,
        page=_number(params, "page", 1, 1, MAX_PAGE),
    )


def overdue_condition(now: datetime) -> Any:
    """Past the SLA with no decision yet: a case decided in time is never overdue after."""
    # Not a range on sla_due_at (coalesce is sla_due_at here): a planner without statistics
    # (SQLite keeps none) would take every case past its SLA through that range and sort them
    # all, where reading the queue's own order and stopping at one page is cheap.
    return and_(
        Case.first_action_at.is_(None), func.coalesce(Case.first_action_at, Case.sla_due_at) < now
    )


def _searched(session: Session, search: str) -> Any:
    """Cases the words find: the case id, the suspect's account id or display name, a report's
    reference, or the words of a message an alert fired on. The words are looked up first, so
    the queue's query then reads only the cases found (by primary key or suspect index)."""
    pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    suspects = {search}
    suspects.update(
        session.scalars(select(Account.id).where(Account.display_name.ilike(pattern, escape="\\")))
    )
    suspects.update(
        session.scalars(
            select(Alert.suspect_account_id)
            .join(StoredMessage, StoredMessage.id == Alert.message_id)
            .where(StoredMessage.text.ilike(pattern, escape="\\"))
            .distinct()
        )
    )
    case_ids = {search}
    case_ids.update(
        session.scalars(select(Report.case_id).where(Report.reference == search.upper()))
    )
    return or_(Case.id.in_(case_ids), Case.suspect_account_id.in_(suspects))


def _where(session: Session, chosen: QueueFilter, viewer_id: str, now: datetime) -> list[Any]:
    # "any" state needs no condition: without one, a search reads only the cases it found.
    conditions: list[Any] = []
    if chosen.status != "any":
        conditions.append(Case.status.in_(STATUSES[chosen.status]))
    if chosen.search:
        conditions.append(_searched(session, chosen.search))
    if chosen.priority:
        # By rank: the queue's index (status, priority_rank, sla_due_at) then serves the page.
        conditions.append(Case.priority_rank == PRIORITIES.index(chosen.priority) + 1)
    if chosen.cue:
        # The cases carrying the cue, from case_cues' (cue, case_id) index.
        conditions.append(Case.id.in_(select(CaseCue.case_id).where(CaseCue.cue == chosen.cue)))
    if chosen.age_band:
        conditions.append(Case.youngest_age_band == chosen.age_band)
    if chosen.source:
        conditions.append(
            Case.id.in_(select(CaseItem.case_id).where(CaseItem.source == chosen.source))
        )
    if chosen.overdue:
        conditions.append(overdue_condition(now))
    if chosen.assigned == "me":
        conditions.append(Case.assigned_to == viewer_id)
    elif chosen.assigned == "none":
        conditions.append(Case.assigned_to.is_(None))
    elif chosen.assigned == "anyone":
        conditions.append(Case.assigned_to.is_not(None))
    return conditions


ORDERS = {
    "priority": (Case.priority_rank, Case.sla_due_at, Case.id),
    "due": (Case.sla_due_at, Case.id),
    "newest": (Case.opened_at.desc(), Case.id),
    "activity": (Case.last_activity_at.desc(), Case.id),
}


def cases_query(
    session: Session, chosen: QueueFilter, viewer_id: str, now: datetime
) -> Select[Case]:
    """The filter's cases in its order, unpaged."""
    conditions = _where(session, chosen, viewer_id, now)
    return select(Case).where(*conditions).order_by(*ORDERS[chosen.sort])


@dataclass(frozen=True, slots=True)
class QueuePage:
    cases: Sequence[Case]
    counts: dict[str, int]  # the filter's cases per priority (P1..P4), each at most COUNT_CAP
    total: int
    overdue: int  # the filter's cases past their SLA with no decision, at most COUNT_CAP
    pages: int
    capped: bool  # a count reached COUNT_CAP: "5,000+"


# Counting stops here: the page then says "5,000+" and each count stops at this many cases, so
# the queue costs about the same with 10,000 or 1,000,000 open cases.
COUNT_CAP = 5_000


def _counts(
    session: Session, chosen: QueueFilter, conditions: list[Any], now: datetime
) -> tuple[dict[str, int], int]:
    """The filter's cases per priority and past their SLA, each at most COUNT_CAP."""
    if chosen.cue or chosen.source:
        # A cue or a source joins every case to another table's list: counted per priority,
        # that join would run five times. Their cases are usually few, so one pass counts
        # them all at once, unless it finds COUNT_CAP per priority or more.
        counted = _count_in_one_pass(session, conditions, now)
        if counted is not None:
            return counted
    counts = {
        f"P{rank}": _capped_count(session, [*conditions, Case.priority_rank == rank])
        for rank in range(1, len(PRIORITIES) + 1)
    }
    return counts, _capped_count(session, [*conditions, overdue_condition(now)])


def _count_in_one_pass(
    session: Session, conditions: list[Any], now: datetime
) -> tuple[dict[str, int], int] | None:
    scan = COUNT_CAP * len(PRIORITIES)
    found = (
        select(
            Case.priority_rank.label("rank"),
            case((overdue_condition(now), 1), else_=0).label("overdue"),
        )
        .where(*conditions)
        .limit(scan)
        .subquery()
    )
    rows = session.execute(
        select(found.c.rank, func.count(), func.sum(found.c.overdue)).group_by(found.c.rank)
    ).all()
    if sum(count for _rank, count, _overdue in rows) >= scan:
        return None
    per_rank = {rank: count for rank, count, _overdue in rows}
    counts = {
        f"P{rank}": min(per_rank.get(rank, 0), COUNT_CAP) for rank in range(1, len(PRIORITIES) + 1)
    }
    return counts, min(sum(int(overdue or 0) for _rank, _count, overdue in rows), COUNT_CAP)


def _capped_count(session: Session, conditions: list[Any]) -> int:
    # A constant, not a column: the count is then answered from an index alone.
    found = select(literal(1)).select_from(Case).where(*conditions).limit(COUNT_CAP).subquery()
    return session.scalar(select(func.count()).select_from(found)) or 0


def queue_page(session: Session, chosen: QueueFilter, viewer_id: str, now: datetime) -> QueuePage:
    """One page of the filtered queue, pages counted from 1."""
    conditions = _where(session, chosen, viewer_id, now)
    cases = session.scalars(
        select(Case)
        .where(*conditions)
        .order_by(*ORDERS[chosen.sort])
        .limit(chosen.page_size)
        .offset((chosen.page - 1) * chosen.page_size)
    ).all()
    counts, overdue = _counts(session, chosen, conditions, now)
    total = sum(counts.values())
    return QueuePage(
        cases=cases,
        counts=counts,
        total=total,
        overdue=overdue,
        pages=max((total + chosen.page_size - 1) // chosen.page_size, 1),
        capped=COUNT_CAP in (*counts.values(), overdue),
    )


def next_case(
    session: Session, chosen: QueueFilter, viewer_id: str, now: datetime, after: str
) -> str | None:
    """The first case of the filtered queue other than `after` (the one just decided) that
    nobody else has taken: the case to open next."""
    query = cases_query(session, replace(chosen, page=1), viewer_id, now).where(
        Case.id != after, or_(Case.assigned_to.is_(None), Case.assigned_to == viewer_id)
    )
    case = session.scalars(query.limit(1)).first()
    return case.id if case is not None else None
