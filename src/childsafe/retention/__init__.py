"""Retention and erasure: what is deleted, when, and what a case or evidence keeps."""

from childsafe.retention.erasure import Erasure, erase_account
from childsafe.retention.purge import PurgeReport, configured_window, purge

__all__ = [
    "Erasure",
    "PurgeReport",
    "configured_window",
    "erase_account",
    "purge",
]
