"""Events for the platform: the outbox written with each change, the pull feed, signed webhooks.

Callers write `from childsafe.events import emit` inside the transaction of the change.
"""

from childsafe.events.outbox import emit

__all__ = ["emit"]
