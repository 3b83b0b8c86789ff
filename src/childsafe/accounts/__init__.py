"""Accounts: age bands, safe defaults (ICO Children's Code, Ofcom ICU F1/F2), the contact gate,
bulk registration."""

from childsafe.accounts.bulk import (
    AccountRecord,
    ItemResult,
    ItemStatus,
    SelfConnection,
    connect_accounts,
    ordered_pair,
    register_accounts,
    write_in_chunks,
)
from childsafe.accounts.errors import UnknownAccount
from childsafe.accounts.gate import Contact, ContactDecision, contact_gate
from childsafe.accounts.settings import (
    SETTINGS,
    SETTINGS_BY_NAME,
    ChangeOutcome,
    ChangeStatus,
    InvalidSetting,
    Setting,
    SettingsChange,
    apply_changes,
    band_change_loosens,
    effective_settings,
    loosened_settings,
)

__all__ = [
    "SETTINGS",
    "SETTINGS_BY_NAME",
    "AccountRecord",
    "ChangeOutcome",
    "ChangeStatus",
    "Contact",
    "ContactDecision",
    "InvalidSetting",
    "ItemResult",
    "ItemStatus",
    "SelfConnection",
    "Setting",
    "SettingsChange",
    "UnknownAccount",
    "apply_changes",
    "band_change_loosens",
    "connect_accounts",
    "contact_gate",
    "effective_settings",
    "loosened_settings",
    "ordered_pair",
    "register_accounts",
    "write_in_chunks",
]
