"""Alembic environment: the engine comes from childsafe.store.migrate (never from an ini file)."""

from __future__ import annotations

from alembic import context

import childsafe.store.tables  # noqa: F401  (registers every table on Base.metadata)
from childsafe.store.db import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=engine.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
