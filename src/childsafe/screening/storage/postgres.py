"""PostgreSQL: a batch is one statement to read and one to write, its values sent as arrays.

Every statement costs a network round trip, about 0.1 ms of CPU on each side on a small VM,
more than the work inside it; so the four lookups go as one SELECT of four JSON aggregates,
and the writes as one statement of data-modifying CTEs (foreign keys are still checked, at the
statement's end). Rows travel as arrays unpacked with unnest(), so n messages are not n
statements. Arrays are sent in binary (%b): in text form psycopg escapes every quote of every
JSON document in Python, which cost ten times the statement. JSON goes over as text and is
cast to json on the server.

The connections lookup probes the primary key once per pair (LATERAL ... LIMIT 1) whatever the
table's statistics say: with the join written plainly, statistics taken while a bulk import was
still running made the planner hash the whole table for a batch of 256 pairs (65 scans of
90,000 rows in 10 seconds, 34 ms each against 2 ms for the probes).

A batch in spaces adds its rating buckets in the same statement (one row per space and hour),
which then answers with the touched spaces' week totals: the buckets it just wrote (RETURNING)
plus the rest of the week as the statement's snapshot saw it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy.engine import Connection

from childsafe.screening.storage.interface import (
    AccountRow,
    AnsweredRow,
    BatchReads,
    BatchWrites,
    StateRow,
)
from childsafe.spaces import SpaceWindow
from childsafe.spaces.rating import COUNTED, window_start_hour
from childsafe.store.db import json_text

READ = """SELECT
 (SELECT json_agg(json_build_array(id, conversation_id, sender_id, recipient_ids, sent_at,
  text, response)) FROM messages WHERE id = ANY(%b::text[]))::text,
 (SELECT json_agg(json_build_array(id, age_band, created_at, settings))
  FROM accounts WHERE id = ANY(%b::text[]))::text,
 (SELECT json_agg(json_build_array(c.account_a, c.account_b))
  FROM unnest(%b::text[], %b::text[]) AS p(a, b) CROSS JOIN LATERAL
  (SELECT account_a, account_b FROM connections
   WHERE account_a = p.a AND account_b = p.b LIMIT 1) AS c)::text,
 (SELECT json_agg(json_build_array(conversation_id, risk, detector_state))
  FROM conversation_state WHERE conversation_id = ANY(%b::text[]))::text"""

# (column, array type) in the order of each unnest; json columns arrive as text.
MESSAGE_COLUMNS = (
    ("id", "text"),
    ("conversation_id", "text"),
    ("sequence", "int"),
    ("sender_id", "text"),
    ("recipient_ids", "json"),
    ("text", "text"),
    ("sent_at", "timestamptz"),
    ("verdict", "text"),
    ("response", "json"),
)
ALERT_COLUMNS = (
    ("id", "text"),
    ("conversation_id", "text"),
    ("suspect_account_id", "text"),
    ("victim_account_ids", "json"),
    ("message_id", "text"),
    ("priority", "text"),
    ("score", "float8"),
    ("rules", "json"),
    ("cues", "json"),
    ("reasons", "json"),
    ("created_at", "timestamptz"),
)
STATE_COLUMNS = (
    ("conversation_id", "text"),
    ("message_count", "int"),
    ("risk", "float8"),
    ("detector_state", "json"),
    ("updated_at", "timestamptz"),
)

PENDING_INTAKE_COLUMNS = (
    ("alert_id", "text"),
    ("arguments", "json"),
    ("created_at", "timestamptz"),
)
EVENT_COLUMNS = (
    ("id", "text"),
    ("type", "text"),
    ("data", "json"),
    ("occurred_at", "timestamptz"),
    ("created_at", "timestamptz"),
)

# A batch's space buckets travel as one JSON document, not arrays: a few rows of eight
# columns, where psycopg's per-element array dumping cost more than the rest of their work.
SPACE_ROWS = (
    "SELECT * FROM json_to_recordset(%s::json) AS r(space_id text, hour int, "
    + ", ".join(f"{n} int" for n in COUNTED)
    + ")"
)


def _unnest(columns: Sequence[tuple[str, str]]) -> str:
    arrays = ", ".join(f"%b::{'text' if kind == 'json' else kind}[]" for _, kind in columns)
    names = ", ".join(name for name, _ in columns)
    return f"unnest({arrays}) AS r({names})"


def _select(columns: Sequence[tuple[str, str]]) -> str:
    return ", ".join(f"r.{name}::json" if kind == "json" else f"r.{name}" for name, kind in columns)


def _insert(table: str, columns: Sequence[tuple[str, str]], extra: str = "") -> str:
    names = ", ".join(name for name, _ in columns)
    return (
        f"INSERT INTO {table} ({names}{', ' + extra if extra else ''}) "
        f"SELECT {_select(columns)}{', now()' if extra else ''} FROM {_unnest(columns)}"
    )


def _update_states() -> str:
    assignments = ", ".join(
        f"{name} = r.{name}::json" if kind == "json" else f"{name} = r.{name}"
        for name, kind in STATE_COLUMNS[1:]
    )
    return (
        f"UPDATE conversation_state AS s SET {assignments} FROM {_unnest(STATE_COLUMNS)} "
        "WHERE s.conversation_id = r.conversation_id"
    )


def _add_to_space_buckets() -> str:
    """Unregistered spaces add nothing; rows go in (space, hour) order, so concurrent writers
    lock buckets in one order."""
    names = ", ".join(("space_id", "hour", *COUNTED))
    added = ", ".join(f"{n} = space_rating_buckets.{n} + excluded.{n}" for n in COUNTED)
    return (
        f"INSERT INTO space_rating_buckets ({names}) SELECT {names} FROM space_rows AS r "
        "WHERE EXISTS (SELECT FROM spaces WHERE spaces.id = r.space_id) "
        "ORDER BY r.space_id, r.hour "
        f"ON CONFLICT (space_id, hour) DO UPDATE SET {added} RETURNING {names}"
    )


def _space_windows() -> str:
    """The touched spaces' stored ratings and week totals: the buckets this statement wrote,
    and the week's other buckets (the snapshot does not see this statement's own writes).
    Parameter: the window's first hour."""
    counted = ", ".join(COUNTED)
    sums = ", ".join(f"coalesce(sum(w.{n}), 0)" for n in COUNTED)
    return (
        "SELECT s.id, s.rating, s.content_rating, s.declared_rating, s.override_rating, "
        f"{sums} FROM spaces AS s LEFT JOIN ("
        f"SELECT space_id, hour, {counted} FROM space_buckets UNION ALL "
        f"SELECT b.space_id, b.hour, {', '.join(f'b.{n}' for n in COUNTED)} "
        "FROM space_rating_buckets AS b WHERE b.space_id IN (SELECT space_id FROM space_rows) "
        "AND NOT EXISTS (SELECT FROM space_buckets AS n "
        "WHERE n.space_id = b.space_id AND n.hour = b.hour)"
        ") AS w ON w.space_id = s.id AND w.hour >= %s "
        "WHERE s.id IN (SELECT space_id FROM space_rows) GROUP BY s.id ORDER BY s.id"
    )


# The parts of the write statement, in foreign-key order; received_at is when the batch's
# transaction began (the message was received just before).
WRITES = (
    ("messages", _insert("messages", MESSAGE_COLUMNS, extra="received_at"), MESSAGE_COLUMNS),
    ("alerts", _insert("alerts", ALERT_COLUMNS), ALERT_COLUMNS),
    ("updated_states", _update_states(), STATE_COLUMNS),
    ("new_states", _insert("conversation_state", STATE_COLUMNS), STATE_COLUMNS),
    (
        "pending_intakes",
        _insert("pending_case_intakes", PENDING_INTAKE_COLUMNS),
        PENDING_INTAKE_COLUMNS,
    ),
    ("events", _insert("events_outbox", EVENT_COLUMNS), EVENT_COLUMNS),
)
# Then, for a batch in spaces: its bucket rows, their upsert, and the windows as the answer.
SPACE_PARTS = (("space_rows", SPACE_ROWS), ("space_buckets", _add_to_space_buckets()))
SPACE_WINDOWS = _space_windows()


def _arrays(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    return tuple(
        [json_text(row[name]) for row in rows] if kind == "json" else [row[name] for row in rows]
        for name, kind in columns
    )


def _rows(aggregate: str | None) -> list[Any]:
    return orjson.loads(aggregate) if aggregate else []


class PostgresStorage:
    atomic_writes = True

    def read(
        self,
        connection: Connection,
        *,
        message_ids: Collection[str],
        account_ids: Collection[str],
        pairs: Collection[tuple[str, str]],
        conversation_ids: Collection[str],
    ) -> BatchReads:
        firsts = [a for a, _ in pairs]
        seconds = [b for _, b in pairs]
        parameters = (list(message_ids), list(account_ids), firsts, seconds, list(conversation_ids))
        answered, accounts, connected, states = connection.exec_driver_sql(READ, parameters).one()
        return BatchReads(
            answered=[
                AnsweredRow(id, conversation, sender, recipients, datetime.fromisoformat(at), *tail)
                for id, conversation, sender, recipients, at, *tail in _rows(answered)
            ],
            accounts=[
                AccountRow(id, band, datetime.fromisoformat(created_at), settings)
                for id, band, created_at, settings in _rows(accounts)
            ],
            connected={(a, b) for a, b in _rows(connected)},
            states=[StateRow(*row) for row in _rows(states)],
        )

    def write(self, connection: Connection, writes: BatchWrites) -> list[SpaceWindow]:
        parts = []
        parameters: list[Any] = []
        for name, statement, columns in WRITES:
            rows = getattr(writes, name)
            if rows:
                parts.append((name, statement))
                parameters.extend(_arrays(rows, columns))
        if writes.space_buckets:
            parts.extend(SPACE_PARTS)
            parameters.append(json_text(writes.space_buckets))
        if not parts:
            return []
        with_parts = "WITH " + ", ".join(f"{name} AS ({statement})" for name, statement in parts)
        if writes.space_buckets:
            windows = connection.exec_driver_sql(
                f"{with_parts} {SPACE_WINDOWS}", (*parameters, window_start_hour())
            )
            return [SpaceWindow.from_row(row) for row in windows]
        sql = parts[0][1] if len(parts) == 1 else f"{with_parts} SELECT 1"
        connection.exec_driver_sql(sql, tuple(parameters))
        return []
