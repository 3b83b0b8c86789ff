"""Invented event data for the outbox, webhook and feed tests."""

from __future__ import annotations

ALERT_RAISED = {
    "alert_id": "alert-1",
    "conversation_id": "conv-1",
    "message_id": "m-1",
    "suspect_id": "acct-9",
    "victim_ids": ["acct-3"],
    "priority": "high",
    "reasons": [{"rule": "invented", "description": "invented test rule"}],
}


def case_opened(n: int) -> dict[str, object]:
    return {
        "case_id": f"case-{n}",
        "suspect_id": "acct-9",
        "priority": "P2",
        "source": "alert",
        "reasons": ["invented test reason"],
    }
