"""Where the message path reads and writes its rows: one module per backend behind one interface.

`portable.py` (SQLAlchemy Core) works on any backend and serves SQLite; `postgres.py` sends
PostgreSQL one statement per table with the batch's values as arrays. `storage_for` picks one.
"""

from sqlalchemy.engine import Engine

from childsafe.screening.storage.interface import (
    AccountRow,
    AnsweredRow,
    BatchReads,
    BatchWrites,
    ScreeningStorage,
    StateRow,
)


def storage_for(engine: Engine) -> ScreeningStorage:
    if engine.dialect.name == "postgresql":
        from childsafe.screening.storage.postgres import PostgresStorage

        return PostgresStorage()
    from childsafe.screening.storage.portable import PortableStorage

    return PortableStorage()


__all__ = [
    "AccountRow",
    "AnsweredRow",
    "BatchReads",
    "BatchWrites",
    "ScreeningStorage",
    "StateRow",
    "storage_for",
]
