"""The app's runtime settings, kept in app.state: what the composition root builds from.

- `policy`: the rules to screen with; the shipped ones when unset (tests set their own).
- `screening_processes`: screen messages in that many child processes; unset or 0 screens in a
  thread of this process (tests, embedding). `childsafe serve` sets it with
  `configure_screening`.
- `purge_every`: run the retention purge at start and then at this interval; unset, never
  (tests, embedding). `childsafe serve` sets it with `configure_purge`.
- `webhook_policy`: deliver webhooks from a worker thread with this policy; unset, no worker
  (tests, embedding). `childsafe serve` sets it with `configure_webhooks`.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Literal

from starlette.datastructures import State

from childsafe.events.delivery import DeliveryPolicy
from childsafe.policy import Policy

ScreeningMode = Literal["process", "thread"]
SCREENING_MODES: tuple[ScreeningMode, ...] = ("process", "thread")


def configure_screening(state: State, mode: ScreeningMode, processes: int) -> None:
    """Screen in `processes` child processes (mode "process") or in a thread ("thread")."""
    if mode == "process":
        state.screening_processes = processes


def screening_processes(state: State) -> int:
    processes: int = getattr(state, "screening_processes", 0)
    return processes


def policy(state: State) -> Policy:
    chosen: Policy | None = getattr(state, "policy", None)
    return chosen or Policy.default()


def configure_purge(state: State, every: timedelta | None) -> None:
    """Purge past the retention window at start and every `every` (None: never)."""
    state.purge_every = every


def purge_every(state: State) -> timedelta | None:
    every: timedelta | None = getattr(state, "purge_every", None)
    return every


def configure_webhooks(state: State, policy: DeliveryPolicy | None) -> None:
    """Fan out and deliver webhooks with `policy` while the app runs (None: never)."""
    state.webhook_policy = policy


def webhook_policy(state: State) -> DeliveryPolicy | None:
    policy: DeliveryPolicy | None = getattr(state, "webhook_policy", None)
    return policy
