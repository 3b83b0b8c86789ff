"""Engine and session handling for the one database childsafe uses."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

DEFAULT_SQLITE_PATH = Path("var") / "childsafe.sqlite3"

# Stable constraint names so Alembic migrations behave the same on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def json_text(value: object) -> str:
    """JSON for the hot path's columns (answers, detector states): orjson writes the same
    JSON several times faster than the standard library."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_url(explicit: str | None = None) -> str:
    """DATABASE_URL wins; otherwise an SQLite file under ./var (created on demand)."""
    url = explicit or os.environ.get("DATABASE_URL")
    if url:
        # Accept the common libpq-style scheme and use psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    DEFAULT_SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        # WAL lets readers run beside the writer; synchronous=FULL makes every commit durable
        # before we acknowledge it; busy_timeout queues writers instead of failing.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


class Database:
    """One engine plus a session factory. Create once per process."""

    def __init__(self, url: str | None = None, **engine_kwargs: Any) -> None:
        self.url = database_url(url)
        self.is_sqlite = self.url.startswith("sqlite")
        if self.is_sqlite:
            engine_kwargs.setdefault("connect_args", {"check_same_thread": False})
        else:
            engine_kwargs.setdefault("pool_pre_ping", True)
            engine_kwargs.setdefault("pool_size", 10)
            # psycopg prepares a statement after a few runs, and PostgreSQL may then keep one
            # generic plan for the connection's life: a plan made while a table was small
            # (a seq scan) stays after it grew, so lookups by id got slower with every
            # message. A custom plan per run costs ~0.05 ms and follows the data.
            engine_kwargs.setdefault(
                "connect_args", {"options": "-c plan_cache_mode=force_custom_plan"}
            )
        # Statement parameters are message text, report details, account ids: an error must
        # never copy them into a log line.
        engine_kwargs.setdefault("hide_parameters", True)
        self.engine = create_engine(self.url, **engine_kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on any error."""
        with self.sessionmaker.begin() as session:
            yield session

    def migrate(self) -> None:
        from childsafe.store.migrate import upgrade

        upgrade(self.engine)

    def refresh_statistics(self, *tables: str) -> None:
        """After a bulk load. PostgreSQL plans from statistics that autovacuum renews only
        a minute or so later; until then a table of millions is planned as the empty one it
        was. SQLite keeps none unless asked, and its planner assumes an index is selective."""
        if self.is_sqlite or not tables:
            return
        quote = self.engine.dialect.identifier_preparer.quote
        with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("ANALYZE " + ", ".join(quote(table) for table in tables)))

    def dispose(self) -> None:
        self.engine.dispose()
