"""PostgreSQL: one statement per table and batch, the batch's values sent as arrays.

A batch of n messages costs the server a handful of statements instead of one per row (each
insert row of an executemany was its own statement, with its own trigger and index work), and
the client no per-statement compilation. Arrays are unpacked with unnest(); JSON goes over as
text and is cast to json on the server. Arrays are sent in binary (%b): in text form psycopg
escapes every quote of every JSON document in Python, which cost ten times the statement.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from childsafe.screening.storage.interface import (
    AccountRow,
    AnsweredRow,
    BatchReads,
    BatchWrites,
    StateRow,
)
from childsafe.store.db import json_text

ANSWERED = "SELECT id, conversation_id, sender_id, text, response FROM messages WHERE id = ANY(%b)"
ACCOUNT_ROWS = "SELECT id, age_band, created_at, settings FROM accounts WHERE id = ANY(%b)"
CONNECTED = (
    "SELECT c.account_a, c.account_b FROM connections AS c "
    "JOIN unnest(%b::text[], %b::text[]) AS p(a, b) ON c.account_a = p.a AND c.account_b = p.b"
)
STATE_ROWS = (
    "SELECT conversation_id, risk, detector_state FROM conversation_state "
    "WHERE conversation_id = ANY(%b)"
)

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


# received_at is when the batch's transaction began (the message was received just before).
INSERT_MESSAGES = _insert("messages", MESSAGE_COLUMNS, extra="received_at")
INSERT_ALERTS = _insert("alerts", ALERT_COLUMNS)
INSERT_STATES = _insert("conversation_state", STATE_COLUMNS)
UPDATE_STATES = (
    "UPDATE conversation_state AS s SET "
    + ", ".join(
        f"{name} = r.{name}::json" if kind == "json" else f"{name} = r.{name}"
        for name, kind in STATE_COLUMNS[1:]
    )
    + f" FROM {_unnest(STATE_COLUMNS)} WHERE s.conversation_id = r.conversation_id"
)


def _arrays(rows: Sequence[dict[str, Any]], columns: Sequence[tuple[str, str]]) -> tuple[Any, ...]:
    return tuple(
        [json_text(row[name]) for row in rows] if kind == "json" else [row[name] for row in rows]
        for name, kind in columns
    )


class PostgresStorage:
    def read(
        self,
        connection: Connection,
        *,
        message_ids: Collection[str],
        account_ids: Collection[str],
        pairs: Collection[tuple[str, str]],
        conversation_ids: Collection[str],
    ) -> BatchReads:
        reads = BatchReads()
        if message_ids:
            rows = connection.exec_driver_sql(ANSWERED, (list(message_ids),))
            reads.answered = [AnsweredRow._make(row) for row in rows]
        if account_ids:
            rows = connection.exec_driver_sql(ACCOUNT_ROWS, (list(account_ids),))
            reads.accounts = [AccountRow._make(row) for row in rows]
        if pairs:
            firsts, seconds = zip(*pairs, strict=True)
            rows = connection.exec_driver_sql(CONNECTED, (list(firsts), list(seconds)))
            reads.connected = {(a, b) for a, b in rows}
        if conversation_ids:
            rows = connection.exec_driver_sql(STATE_ROWS, (list(conversation_ids),))
            reads.states = [StateRow._make(row) for row in rows]
        return reads

    def write(self, connection: Connection, writes: BatchWrites) -> None:
        for statement, rows, columns in (
            (INSERT_MESSAGES, writes.messages, MESSAGE_COLUMNS),
            (INSERT_ALERTS, writes.alerts, ALERT_COLUMNS),
            (UPDATE_STATES, writes.updated_states, STATE_COLUMNS),
            (INSERT_STATES, writes.new_states, STATE_COLUMNS),
        ):
            if rows:
                connection.exec_driver_sql(statement, _arrays(rows, columns))
