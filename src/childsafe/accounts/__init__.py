"""Accounts: age bands, safe defaults (ICO Children's Code, Ofcom ICU F1/F2), the contact gate."""

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
    "ChangeOutcome",
    "ChangeStatus",
    "Contact",
    "ContactDecision",
    "InvalidSetting",
    "Setting",
    "SettingsChange",
    "UnknownAccount",
    "apply_changes",
    "band_change_loosens",
    "contact_gate",
    "effective_settings",
    "loosened_settings",
]
