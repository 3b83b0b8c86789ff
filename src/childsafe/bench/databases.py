"""Throwaway databases for the benchmarks: a temporary SQLite file, and a new PostgreSQL
database on the DATABASE_URL server, dropped afterwards (never the caller's own database)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from childsafe.store.db import database_url


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="childsafe-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.sqlite3'}"


@contextmanager
def postgres_database(server_url: str, prefix: str = "childsafe_bench") -> Iterator[str]:
    """A new database on the server, dropped afterwards (never the caller's own database)."""
    admin_url = database_url(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_postgres_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("DATABASE_URL"),
        help="PostgreSQL server for a throwaway database (default: DATABASE_URL)",
    )


def throwaway_databases(postgres_url: str | None) -> list[tuple[str, AbstractContextManager[str]]]:
    """(backend name, database) for SQLite, and PostgreSQL when a server URL is given."""
    backends: list[tuple[str, AbstractContextManager[str]]] = [("sqlite", sqlite_database())]
    if postgres_url and "postgres" in postgres_url:
        backends.append(("postgresql", postgres_database(postgres_url)))
    else:
        print(
            "PostgreSQL skipped: set DATABASE_URL or --postgres-url to a PostgreSQL server",
            file=sys.stderr,
        )
    return backends
