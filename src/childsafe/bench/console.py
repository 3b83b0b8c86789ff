"""The moderator queue page with many open cases: full request (session check, role check,
queue query, template, audit entry) through the ASGI app, timed per request, for the plain
queue, a search and a set of filters."""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text

from childsafe.api.app import create_app
from childsafe.cases.users import create_user
from childsafe.demo.loadgen import populate
from childsafe.store.db import Database

PASSWORD = "bench-password-1234"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# What a moderator asks the queue, each timed: the plain tab (first pages), a search (a case id,
# and words that match nothing, so every searched field is looked through), and filters.
QUERIES = {
    "plain": ["", "page=2", "page=3"],
    "search": ["search=lg7-case-0000042", "search=mature+for+your+age"],
    "filtered": [
        "priority=P2&age_band=13_15",
        "cue=meeting&sort=due&page_size=100",
        "assigned=none&overdue=1&sort=newest",
        "status=active&source=alert&assigned=me",
    ],
}


def bench_queue(url: str, open_cases: int, requests: int) -> dict[str, Any]:
    # Imported here: starlette's test client warns on import, and every CLI command loads this
    # module through the `bench` registry.
    from fastapi.testclient import TestClient

    database = Database(url)
    database.migrate()
    started = time.perf_counter()
    populate(
        database,
        cases=open_cases,
        actions=0,
        reports=0,
        start=datetime.now(UTC) - timedelta(days=3),
        days=3,
        open_share=1.0,
    )
    load_seconds = time.perf_counter() - started
    if url.startswith("postgres"):
        # Statistics and a visibility map, as a running server has them (autovacuum gets there
        # within minutes of a bulk load like this one); SQLite gathers none by itself.
        with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE cases, case_cues"))
    with database.session() as session:
        create_user(session, username="bench-mod", password=PASSWORD, role="moderator")
    client = TestClient(create_app(database))
    token = CSRF.search(client.get("/console/login").text)
    assert token is not None
    client.post(
        "/console/login",
        data={"username": "bench-mod", "password": PASSWORD, "csrf_token": token.group(1)},
    )
    for _ in range(5):  # warm up: templates compiled, connections open
        client.get("/console/")
    queries = {}
    for kind, variants in QUERIES.items():
        timings: dict[str, list[float]] = {variant: [] for variant in variants}
        for index in range(requests):
            variant = variants[index % len(variants)]
            started = time.perf_counter()
            response = client.get(f"/console/?{variant}")
            timings[variant].append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or 'id="queue"' not in response.text:
                raise RuntimeError(f"queue page failed: {response.status_code}")
        queries[kind] = {
            **_summary([ms for each in timings.values() for ms in each]),
            # Each query's own median: a slow one hides in the kind's median otherwise.
            "variants": {
                variant or "(first page)": round(statistics.median(each), 2)
                for variant, each in timings.items()
                if each
            },
        }
    client.close()
    database.dispose()
    return {
        "backend": "postgresql" if url.startswith("postgres") else "sqlite",
        "open_cases": open_cases,
        "requests": requests,
        **queries["plain"],
        "queries": queries,
        "load_seconds": round(load_seconds, 1),
    }


def _summary(timings: list[float]) -> dict[str, Any]:
    timings = sorted(timings)
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(0.95 * (len(timings) - 1))], 2),
        "max_ms": round(timings[-1], 2),
    }
