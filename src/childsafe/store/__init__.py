"""Durable storage: SQLAlchemy 2 tables and Alembic migrations.

SQLite file by default (no server to install); PostgreSQL when DATABASE_URL is set.
"""

from childsafe.store.db import Base, Database, database_url

__all__ = ["Base", "Database", "database_url"]
