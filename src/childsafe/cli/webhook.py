"""`childsafe webhook add|list|remove|test|deliveries|redeliver`: webhook subscriptions and
their delivery log. Changes are audited under the operating-system user who ran the command."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.cli.arguments import whole_number
from childsafe.events.delivery import (
    STATUSES,
    DeliveryPolicy,
    UnknownDelivery,
    list_deliveries,
    redeliver,
    redeliver_dead,
    send_test,
)
from childsafe.events.webhooks import (
    UnknownSubscription,
    WebhookRefused,
    add_subscription,
    get_subscription,
    list_subscriptions,
    remove_subscription,
    subscription_secret,
)
from childsafe.store.db import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("webhook", help="subscribe receivers to events; delivery log")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="overrides DATABASE_URL")
    common.add_argument("--json", action="store_true", help="print pure JSON")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    add = actions.add_parser(
        "add", parents=[common], help="subscribe a URL; prints its signing secret (once)"
    )
    add.add_argument("url", help="the receiver, http(s)://...")
    add.add_argument(
        "--events", required=True, help="comma-separated event types, or '*' for all of them"
    )
    add.set_defaults(func=run_add)
    actions.add_parser(
        "list", parents=[common], help="list subscriptions (never their secrets)"
    ).set_defaults(func=run_list)
    remove = actions.add_parser(
        "remove", parents=[common], help="remove a subscription and its delivery log"
    )
    remove.add_argument("subscription_id")
    remove.set_defaults(func=run_remove)
    test = actions.add_parser("test", parents=[common], help="send a signed webhook.test event now")
    test.add_argument("subscription_id")
    test.set_defaults(func=run_test)
    deliveries = actions.add_parser(
        "deliveries", parents=[common], help="the delivery log, newest first"
    )
    deliveries.add_argument("--status", choices=STATUSES)
    deliveries.add_argument("--subscription", help="only this subscription's")
    deliveries.add_argument("--limit", type=whole_number, default=50)
    deliveries.set_defaults(func=run_deliveries)
    again = actions.add_parser(
        "redeliver", parents=[common], help="queue a delivery (or every dead one) again"
    )
    which = again.add_mutually_exclusive_group(required=True)
    which.add_argument("delivery_id", nargs="?")
    which.add_argument("--dead", action="store_true", help="every dead delivery")
    again.set_defaults(func=run_redeliver)


def _operator() -> str:
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no user name in this environment
        return "cli:unknown"


def _in_session(args: argparse.Namespace, work: Callable[[Session], Any]) -> Any:
    database = Database(args.database_url)
    database.migrate()
    try:
        with database.session() as session:
            return work(session)
    finally:
        database.dispose()


def _audit(session: Session, action: str, target_id: str, **details: Any) -> None:
    audit.record(
        session,
        actor=_operator(),
        action=action,
        target_type="webhook",
        target_id=target_id,
        details=details,
    )


def _print(args: argparse.Namespace, document: Any, text: str) -> None:
    print(json.dumps(document, indent=2) if args.json else text)


def _refused(error: Exception) -> int:
    print(f"error: {error}", file=sys.stderr)
    return 1


def run_add(args: argparse.Namespace) -> int:
    def add(session: Session) -> tuple[dict[str, object], str]:
        subscription, secret = add_subscription(
            session, args.url, args.events.split(","), created_by=_operator()
        )
        _audit(
            session,
            "webhook.added",
            subscription.id,
            url=subscription.url,
            event_types=subscription.event_types,
        )
        return subscription.document(), secret

    try:
        document, secret = _in_session(args, add)
    except WebhookRefused as refused:
        return _refused(refused)
    _print(args, {**document, "secret": secret}, f"{document['id']}\t{secret}")
    if not args.json:
        print(
            "store the secret now: it signs every delivery and cannot be shown again",
            file=sys.stderr,
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    subscriptions = _in_session(args, list_subscriptions)
    _print(
        args,
        [s.document() for s in subscriptions],
        "\n".join(
            f"{s.id}\t{'enabled' if s.enabled else 'disabled'}\t{','.join(s.event_types)}\t{s.url}"
            for s in subscriptions
        ),
    )
    return 0


def run_remove(args: argparse.Namespace) -> int:
    def remove(session: Session) -> dict[str, object]:
        removed = remove_subscription(session, args.subscription_id)
        _audit(session, "webhook.removed", removed.id, url=removed.url)
        return removed.document()

    try:
        document = _in_session(args, remove)
    except UnknownSubscription as unknown:
        return _refused(unknown)
    _print(args, document, f"removed {document['id']}")
    return 0


def run_test(args: argparse.Namespace) -> int:
    def test(session: Session) -> dict[str, object]:
        subscription = get_subscription(session, args.subscription_id)
        secret = subscription_secret(session, subscription.id)
        outcome = send_test(subscription, secret, DeliveryPolicy.from_environment())
        _audit(session, "webhook.tested", subscription.id, result=outcome.describe())
        return {
            "delivered": outcome.delivered,
            "status_code": outcome.status_code,
            "error": outcome.error,
        }

    try:
        result = _in_session(args, test)
    except UnknownSubscription as unknown:
        return _refused(unknown)
    _print(args, result, "delivered" if result["delivered"] else f"failed: {result['error']}")
    return 0 if result["delivered"] else 1


def run_deliveries(args: argparse.Namespace) -> int:
    records = _in_session(
        args,
        lambda session: list_deliveries(
            session, status=args.status, subscription_id=args.subscription, limit=args.limit
        ),
    )
    _print(
        args,
        [r.document() for r in records],
        "\n".join(
            f"{r.id}\t{r.status}\t{r.attempts} attempt(s)\t{r.event_type}\t{r.event_id}\t"
            f"{r.subscription_id}\t{r.last_error or ''}"
            for r in records
        ),
    )
    return 0


def run_redeliver(args: argparse.Namespace) -> int:
    def again(session: Session) -> int:
        if args.dead:
            count = redeliver_dead(session)
            _audit(session, "webhook.redelivered", "dead", count=count)
            return count
        redeliver(session, args.delivery_id)
        _audit(session, "webhook.redelivered", args.delivery_id)
        return 1

    try:
        count = _in_session(args, again)
    except UnknownDelivery as unknown:
        return _refused(unknown)
    _print(args, {"queued": count}, f"queued {count} deliver{'y' if count == 1 else 'ies'} again")
    return 0
