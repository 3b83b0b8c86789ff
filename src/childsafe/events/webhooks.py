"""Webhook subscriptions: where events go, which types, and the secret that signs them.

A receiver must be an http(s) URL on a public address: a Trust & Safety tool that POSTs to
whatever address it is given could be pointed at the internal network (SSRF), so private,
loopback, link-local and reserved addresses are refused, when the subscription is made and
again before every delivery (a name can resolve elsewhere later), unless
CHILDSAFE_WEBHOOK_ALLOW_PRIVATE=1 (tests, a receiver on the same private network).
Callers audit the changes they make here (the actor is theirs to know).
"""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from childsafe.events.types import EVENT_TYPES
from childsafe.model.clock import as_utc, utcnow
from childsafe.store.tables.events import WebhookSubscription

SUBSCRIPTIONS: Table = WebhookSubscription.__table__  # type: ignore[assignment]
ALL_TYPES = "*"
ALLOW_PRIVATE_ENV = "CHILDSAFE_WEBHOOK_ALLOW_PRIVATE"
SECRET_PREFIX = "whsec_"
MAX_URL_LENGTH = 2000


class WebhookRefused(ValueError):
    """A subscription that cannot be made or a receiver that may not be called, and why."""


class UnknownSubscription(LookupError):
    pass


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    url: str
    event_types: list[str]
    enabled: bool
    created_by: str
    created_at: datetime

    def wants(self, event_type: str) -> bool:
        return ALL_TYPES in self.event_types or event_type in self.event_types

    def document(self) -> dict[str, object]:
        """As listed (the secret is shown once, when the subscription is made)."""
        return {
            "id": self.id,
            "url": self.url,
            "event_types": self.event_types,
            "enabled": self.enabled,
            "created_by": self.created_by,
            "created_at": as_utc(self.created_at).isoformat(),
        }


def check_url(url: str) -> str:
    """The URL if events may be sent there; WebhookRefused says why not."""
    if len(url) > MAX_URL_LENGTH:
        raise WebhookRefused(f"the URL is longer than {MAX_URL_LENGTH} characters")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused("the receiver must be an http:// or https:// URL with a host name")
    if parts.username or parts.password:
        raise WebhookRefused("the URL must not carry a user name or password")
    if os.environ.get(ALLOW_PRIVATE_ENV) != "1":
        for address in _addresses(parts.hostname, parts.port):
            if not address.is_global:
                raise WebhookRefused(
                    f"{parts.hostname} is a private, loopback or reserved address ({address}); "
                    f"set {ALLOW_PRIVATE_ENV}=1 to allow receivers on such addresses"
                )
    return url


def _addresses(host: str, port: int | None) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, port or 443, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise WebhookRefused(f"the host name {host} does not resolve ({error})") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def check_event_types(event_types: Sequence[str]) -> list[str]:
    """The wanted types, each registered, or "*" alone for all of them."""
    wanted = list(dict.fromkeys(t.strip() for t in event_types if t.strip()))
    if not wanted:
        raise WebhookRefused(f"name at least one event type, or {ALL_TYPES!r} for all")
    if ALL_TYPES in wanted:
        if len(wanted) > 1:
            raise WebhookRefused(f"{ALL_TYPES!r} already means every type; name it alone")
        return wanted
    unknown = [t for t in wanted if t not in EVENT_TYPES]
    if unknown:
        raise WebhookRefused(
            f"unknown event type(s) {', '.join(unknown)}; known: {', '.join(EVENT_TYPES)}"
        )
    return wanted


def new_secret() -> str:
    """A Standard Webhooks secret: "whsec_" and 24 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(24)).decode()


def add_subscription(
    session: Session, url: str, event_types: Sequence[str], *, created_by: str
) -> tuple[Subscription, str]:
    """Subscribe a receiver; returns it and its secret (shown to the caller this once)."""
    wanted = check_event_types(event_types)
    values = {
        "id": "wh_" + secrets.token_hex(8),
        "url": check_url(url),
        "event_types": wanted,
        "secret": new_secret(),
        "enabled": True,
        "created_by": created_by,
        "created_at": utcnow(),
    }
    session.execute(insert(SUBSCRIPTIONS).values(values))
    return get_subscription(session, str(values["id"])), str(values["secret"])


def list_subscriptions(session: Session) -> list[Subscription]:
    rows = session.execute(_SELECT.order_by(SUBSCRIPTIONS.c.created_at, SUBSCRIPTIONS.c.id))
    return [Subscription(*row) for row in rows]


def get_subscription(session: Session, subscription_id: str) -> Subscription:
    row = session.execute(_SELECT.where(SUBSCRIPTIONS.c.id == subscription_id)).one_or_none()
    if row is None:
        raise UnknownSubscription(f"no webhook subscription {subscription_id!r}")
    return Subscription(*row)


def subscription_secret(session: Session, subscription_id: str) -> str:
    get_subscription(session, subscription_id)
    secret: str = session.execute(
        select(SUBSCRIPTIONS.c.secret).where(SUBSCRIPTIONS.c.id == subscription_id)
    ).scalar_one()
    return secret


def set_enabled(session: Session, subscription_id: str, enabled: bool) -> Subscription:
    get_subscription(session, subscription_id)
    session.execute(
        update(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.id == subscription_id).values(enabled=enabled)
    )
    return get_subscription(session, subscription_id)


def remove_subscription(session: Session, subscription_id: str) -> Subscription:
    """Delete the subscription and its delivery log."""
    removed = get_subscription(session, subscription_id)
    session.execute(delete(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.id == subscription_id))
    return removed


_SELECT = select(
    SUBSCRIPTIONS.c.id,
    SUBSCRIPTIONS.c.url,
    SUBSCRIPTIONS.c.event_types,
    SUBSCRIPTIONS.c.enabled,
    SUBSCRIPTIONS.c.created_by,
    SUBSCRIPTIONS.c.created_at,
)
