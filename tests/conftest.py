"""Shared fixtures: the real databases (SQLite always, PostgreSQL when DATABASE_URL is set),
the real NATS server (127.0.0.1:4222, JetStream on; NATS_URL overrides) and the ../shared
datasets and standards (tests that need them skip cleanly without them)."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from childsafe.bench.databases import postgres_database
from childsafe.referrals.standards import standards_dir
from childsafe.store.db import Database, database_url
from tests.helpers.fresh_postgres import FreshPostgres

REPO_ROOT = Path(__file__).resolve().parents[1]
NATS_URL = os.environ.get("NATS_URL", "nats://127.0.0.1:4222")
SHARED_DATA = Path(os.environ.get("CHILDSAFE_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"needs the research datasets at {SHARED_DATA}")
    return SHARED_DATA


@pytest.fixture(scope="session")
def nats_url() -> str:
    address = urlsplit(NATS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 4222), timeout=2).close()
    except OSError:
        pytest.skip(f"needs a NATS server with JetStream at {NATS_URL}")
    return NATS_URL


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if not url or "postgres" not in url:
        return None
    return database_url(url)


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """DATABASE_URL's PostgreSQL server, for commands that make their own throwaway database
    there (the benches)."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("set DATABASE_URL to a PostgreSQL server to run the PostgreSQL tests")
    return admin_url


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end.

    A database of its own keeps parallel test runs from trampling each other's tables.
    """
    admin_url = _postgres_admin_url()
    if admin_url is None:
        pytest.skip("set DATABASE_URL to a PostgreSQL server to run the PostgreSQL tests")
    with postgres_database(admin_url, prefix="childsafe_test") as url:
        yield url


@pytest.fixture(scope="session")
def fresh_postgres(postgres_url: str) -> Iterator[FreshPostgres]:
    fresh = FreshPostgres(postgres_url)
    yield fresh
    fresh.engine.dispose()


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated once, copied for each test that asks for `database`
    (migrating it again cost ~0.5 s a test)."""
    path = tmp_path_factory.mktemp("migrated") / "childsafe.sqlite3"
    database = Database(f"sqlite:///{path}")
    database.migrate()
    database.dispose()  # the last connection closed checkpoints the WAL into the file
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL for each real backend, and a database of its own for each test:
    empty, or already migrated when the test asks for `database` too (a copy of a migrated
    SQLite file; the PostgreSQL session database with its rows deleted, see
    helpers/fresh_postgres.py)."""
    migrated = "database" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "childsafe.sqlite3"
        if migrated:
            shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
        return f"sqlite:///{path}"
    fresh: FreshPostgres = request.getfixturevalue("fresh_postgres")
    if migrated:
        fresh.migrated_and_empty()
    else:
        fresh.empty()
    return fresh.url


@pytest.fixture
def database(db_url: str) -> Iterator[Database]:
    """A migrated database on each backend."""
    db = Database(db_url)
    db.migrate()
    try:
        yield db
    finally:
        db.dispose()


@pytest.fixture(scope="session")
def standards() -> Path:
    found = standards_dir()
    if found is None:
        pytest.skip("needs ../shared/standards (NCMEC XSD, DSA schema); not shipped in the repo")
    return found
