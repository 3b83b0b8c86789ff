"""The webhooks page (administrators): subscriptions, a signed test, the delivery log and
redelivery. Every change is audited under the signed-in administrator."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from sqlalchemy.orm import Session

from childsafe import audit
from childsafe.console.params import CsrfField, WebhookAdmin
from childsafe.console.web import (
    PREFIX,
    ConsoleRoute,
    Viewer,
    check_csrf,
    database_of,
    render,
    see_other,
)
from childsafe.events import delivery, webhooks
from childsafe.events.types import EVENT_TYPES

router = APIRouter(prefix=PREFIX, route_class=ConsoleRoute, include_in_schema=False)

PAGE = f"{PREFIX}/webhooks"
LOG_LENGTH = 100
StatusFilter = Annotated[str, Query(pattern="^(|" + "|".join(delivery.STATUSES) + ")$")]
SubscriptionId = Annotated[str, Form(max_length=40)]


def _page(
    request: Request,
    viewer: Viewer,
    *,
    status: str = "",
    status_code: int = 200,
    error: str | None = None,
    created: dict[str, Any] | None = None,
) -> Response:
    with database_of(request).session() as session:
        subscriptions = webhooks.list_subscriptions(session)
        log = delivery.list_deliveries(session, status=status or None, limit=LOG_LENGTH)
        counts = delivery.count_by_status(session)
    return render(
        request,
        "webhooks.html",
        viewer,
        status_code=status_code,
        subscriptions=subscriptions,
        deliveries=log,
        counts=counts,
        status=status,
        statuses=delivery.STATUSES,
        event_types=EVENT_TYPES.values(),
        error=error,
        created=created,
        done=request.query_params.get("done"),
    )


def _audit(session: Session, viewer: Viewer, action: str, target: str, **details: Any) -> None:
    audit.record(
        session,
        actor=viewer.actor,
        action=action,
        target_type="webhook",
        target_id=target,
        details=details,
    )


def _done(words: str) -> Response:
    return see_other(f"{PAGE}?{urlencode({'done': words})}")


@router.get("/webhooks")
def webhooks_page(request: Request, viewer: WebhookAdmin, status: StatusFilter = "") -> Response:
    return _page(request, viewer, status=status)


@router.post("/webhooks")
def add_webhook(
    request: Request,
    viewer: WebhookAdmin,
    url: Annotated[str, Form(max_length=webhooks.MAX_URL_LENGTH)] = "",
    event_types: Annotated[list[str] | None, Form(max_length=64)] = None,
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    try:
        with database_of(request).session() as session:
            subscription, secret = webhooks.add_subscription(
                session, url.strip(), event_types or [], created_by=viewer.actor
            )
            _audit(
                session,
                viewer,
                "webhook.added",
                subscription.id,
                url=subscription.url,
                event_types=subscription.event_types,
            )
    except webhooks.WebhookRefused as refused:
        return _page(request, viewer, status_code=400, error=str(refused))
    # Shown on this answer only: the secret is never displayed again.
    return _page(request, viewer, created={"id": subscription.id, "secret": secret})


def _set_enabled(enabled: bool) -> Callable[[Session, str], str]:
    def change(session: Session, subscription_id: str) -> str:
        webhooks.set_enabled(session, subscription_id, enabled)
        return "enabled" if enabled else "disabled"

    return change


def _remove(session: Session, subscription_id: str) -> str:
    webhooks.remove_subscription(session, subscription_id)
    return "removed with its delivery log"


def _test(session: Session, subscription_id: str) -> str:
    subscription = webhooks.get_subscription(session, subscription_id)
    secret = webhooks.subscription_secret(session, subscription_id)
    outcome = delivery.send_test(subscription, secret, delivery.DeliveryPolicy.from_environment())
    return f"sent a test event: {outcome.describe()}"


# What an administrator can do to a subscription: (work returning what the page says, audit).
ACTIONS: dict[str, tuple[Callable[[Session, str], str], str]] = {
    "enable": (_set_enabled(True), "webhook.enabled"),
    "disable": (_set_enabled(False), "webhook.disabled"),
    "remove": (_remove, "webhook.removed"),
    "test": (_test, "webhook.tested"),
}


@router.post("/webhooks/manage")
def manage_webhook(
    request: Request,
    viewer: WebhookAdmin,
    subscription_id: SubscriptionId = "",
    action: Annotated[str, Form(pattern="^(" + "|".join(ACTIONS) + ")$")] = "",
    csrf_token: CsrfField = None,
) -> Response:
    check_csrf(viewer, csrf_token)
    work, audited = ACTIONS[action]
    try:
        with database_of(request).session() as session:
            outcome = work(session, subscription_id)
            _audit(session, viewer, audited, subscription_id, outcome=outcome)
    except webhooks.UnknownSubscription as unknown:
        return _page(request, viewer, status_code=404, error=str(unknown))
    return _done(f"{subscription_id} {outcome}")


@router.post("/webhooks/redeliver")
def redeliver(
    request: Request,
    viewer: WebhookAdmin,
    delivery_id: Annotated[str, Form(max_length=40)] = "",
    csrf_token: CsrfField = None,
) -> Response:
    """One delivery by its id, or every dead one when the id is "dead"."""
    check_csrf(viewer, csrf_token)
    try:
        with database_of(request).session() as session:
            if delivery_id == "dead":
                count = delivery.redeliver_dead(session)
            else:
                delivery.redeliver(session, delivery_id)
                count = 1
            _audit(session, viewer, "webhook.redelivered", delivery_id, count=count)
    except delivery.UnknownDelivery as unknown:
        return _page(request, viewer, status_code=404, error=str(unknown))
    return _done(f"queued {count} deliver{'y' if count == 1 else 'ies'} again")
