from sqlalchemy import inspect

from childsafe.store.db import Database


def test_migrations_apply_on_each_backend(database: Database) -> None:
    tables = set(inspect(database.engine).get_table_names())
    assert "alembic_version" in tables


def test_database_url_defaults_to_sqlite_file(monkeypatch, tmp_path) -> None:
    from childsafe.store.db import database_url

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    assert database_url().startswith("sqlite:///")
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h/db")
    assert database_url() == "postgresql+psycopg://u@h/db"
