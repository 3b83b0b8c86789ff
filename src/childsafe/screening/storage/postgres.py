"""PostgreSQL: a batch is one statement to read and one to write, its values sent as arrays.

Every statement costs a network round trip, about 0.1 ms of CPU on each side on a small VM,
more than the work inside it; so the four lookups go as one SELECT of four JSON aggregates,
and the writes as one statement of data-modifying CTEs (foreign keys are still checked, at the
statement's end). Rows travel as arrays unpacked with unnest(), so n messages are not n
statements. Arrays are sent in binary (%b): in text form psycopg escapes every quote of every
JSON document in Python, which cost ten times the statement. JSON goes over as text and is
cast to json on the server.
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
from childsafe.store.db import json_text

READ = """SELECT
 (SELECT json_agg(json_build_array(id, conversation_id, sender_id, recipient_ids, sent_at,
  text, response)) FROM messages WHERE id = ANY(%b::text[]))::text,
 (SELECT json_agg(json_build_array(id, age_band, created_at, settings))
  FROM accounts WHERE id = ANY(%b::text[]))::text,
 (SELECT json_agg(json_build_array(c.account_a, c.account_b))
  FROM connections AS c JOIN unnest(%b::text[], %b::text[]) AS p(a, b)
  ON c.account_a = p.a AND c.account_b = p.b)::text,
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

    def write(self, connection: Connection, writes: BatchWrites) -> None:
        parts = []
        parameters: list[Any] = []
        for name, statement, columns in WRITES:
            rows = getattr(writes, name)
            if rows:
                parts.append((name, statement))
                parameters.extend(_arrays(rows, columns))
        if not parts:
            return
        if len(parts) == 1:
            sql = parts[0][1]
        else:
            sql = "WITH " + ", ".join(f"{name} AS ({statement})" for name, statement in parts)
            sql += " SELECT 1"
        connection.exec_driver_sql(sql, tuple(parameters))
