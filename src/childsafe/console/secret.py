"""The key that signs report-page links: CHILDSAFE_SECRET_KEY, or one generated once and kept
in var/secret_key (mode 0600) so links survive a restart."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

SECRET_ENV = "CHILDSAFE_SECRET_KEY"
SECRET_FILE = Path("var") / "secret_key"


def app_secret() -> str:
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured
    if SECRET_FILE.exists():
        return SECRET_FILE.read_text().strip()
    SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        descriptor = os.open(SECRET_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first
        return SECRET_FILE.read_text().strip()
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key)
    return key
