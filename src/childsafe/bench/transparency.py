"""Transparency figures and DSA statements over a million decisions, aggregated in SQL."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from typing import Any

from childsafe.demo.loadgen import populate
from childsafe.store.db import Database
from childsafe.transparency import dsa
from childsafe.transparency.figures import compute_figures

START = datetime(2026, 1, 1, tzinfo=UTC)
DAYS = 90


def bench_transparency(url: str, actions: int, cases: int, reports: int) -> dict[str, Any]:
    database = Database(url)
    database.migrate()
    started = time.perf_counter()
    populate(database, cases=cases, actions=actions, reports=reports, start=START, days=DAYS)
    load_seconds = time.perf_counter() - started
    period = (date(2026, 1, 1), date(2026, 4, 30))  # every row, and the days after
    timings = []
    for _ in range(3):
        started = time.perf_counter()
        with database.session() as session:
            figures = compute_figures(session, *period)
        timings.append(time.perf_counter() - started)
    started = time.perf_counter()
    with database.session() as session:
        statements = sum(len(batch) for batch in dsa.batches(session, *period))
    dsa_seconds = time.perf_counter() - started
    database.dispose()
    return {
        "backend": "postgresql" if url.startswith("postgres") else "sqlite",
        "actions": figures.actions,
        "cases": cases,
        "reports": figures.reports,
        "figures_seconds_median": round(sorted(timings)[1], 2),
        "figures_seconds_each": [round(t, 2) for t in timings],
        "dsa_statements": statements,
        "dsa_seconds": round(dsa_seconds, 2),
        "load_seconds": round(load_seconds, 1),
    }
