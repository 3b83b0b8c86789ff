"""The hash-chained audit log (`chain.py`) and its signed checkpoints (`checkpoint.py`).

Callers append and check through the package: `from childsafe import audit; audit.record(...)`.
"""

from childsafe.audit.chain import (
    GENESIS_HASH,
    SYSTEM,
    ChainCheck,
    Entry,
    canonical_json,
    record,
    record_many,
    serialise_writes,
    verify_chain,
)

__all__ = [
    "GENESIS_HASH",
    "SYSTEM",
    "ChainCheck",
    "Entry",
    "canonical_json",
    "record",
    "record_many",
    "serialise_writes",
    "verify_chain",
]
