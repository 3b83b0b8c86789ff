"""The app's lifespan: what the runtime builds is ready before the first request and drained
before the process exits."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool

from childsafe.events.worker import WebhookWorker
from childsafe.retention.purge import configured_window
from childsafe.retention.schedule import PurgeSchedule
from childsafe.runtime import metrics
from childsafe.runtime.messages import close_message_screener, message_screener
from childsafe.runtime.settings import purge_every, webhook_policy


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Load the detector model before the first request rather than during it.
    await run_in_threadpool(message_screener, app.state)
    every = purge_every(app.state)
    purges = PurgeSchedule(app.state.database, every, configured_window()) if every else None
    if purges:
        purges.start()
    delivery = webhook_policy(app.state)
    webhooks = (
        WebhookWorker(app.state.database, delivery, observe=metrics.record_delivery)
        if delivery
        else None
    )
    if webhooks:
        webhooks.start()
    yield
    if webhooks:
        webhooks.close()
    if purges:
        purges.close()
    close_message_screener(app.state)
