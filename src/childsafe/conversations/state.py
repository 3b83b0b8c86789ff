"""What the tracker keeps per conversation and author, and its JSON export and import.

State per author is a handful of numbers, the tactics seen (at most one entry per tactic) and
the top few messages, so a message costs O(1) whatever the history.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from childsafe.conversations.explanation import Reason, TacticSeen

STATE_VERSION = 3
# Version 1 states (before the windowed text model) lack the window sums: the window
# restarts empty on import. Versions 1-2 lack the tactics seen in order and the fast path;
# their cue names carry over as tactics seen at an unknown message.
READABLE_STATE_VERSIONS = (1, 2, 3)


@dataclass(slots=True)
class AuthorState:
    messages: int = 0
    evidence: float = 0.0
    window_total: float = 0.0
    window_count: float = 0.0
    alerted_at: int | None = None
    # Trajectory: tactics in the order first used, the author's message number when each
    # was last used (its keys are the tactics seen), and the fast-path rule that fired.
    tactics: list[TacticSeen] = field(default_factory=list)
    last_used: dict[str, int] = field(default_factory=dict)
    fast_path: str | None = None
    # How many of the author's messages carried a tactic: one message alone never alerts
    # through the trajectory (only through the fast path).
    tactic_messages: int = 0
    # Letters sent one per message so far, and the end of the message before them.
    spelled: str = ""
    spell_context: str = ""
    # The top reasons heaviest first (derived from top, kept so a message needs no sort).
    ranked: tuple[Reason, ...] = ()
    # Min-heap of (weight, sequence, Reason): the TOP_REASONS heaviest messages so far.
    top: list[tuple[float, int, Reason]] = field(default_factory=list)


@dataclass(slots=True)
class ConversationState:
    messages: int = 0
    authors: dict[str, AuthorState] = field(default_factory=dict)
    # Who last asked for secrecy, and at which message: a reply agreeing to someone else's
    # secret ("our secret 🤫") is not asking for one.
    secret_asked_by: str | None = None
    secret_asked_at: int = -1


def ranked_reasons(top: list[tuple[float, int, Reason]]) -> tuple[Reason, ...]:
    return tuple(r for _, _, r in sorted(top, key=lambda e: (-e[0], e[1])))


def export_state(conversation: ConversationState) -> dict[str, Any]:
    """The conversation's state, JSON-serialisable."""
    return {
        "version": STATE_VERSION,
        "messages": conversation.messages,
        "secret_asked": [conversation.secret_asked_by, conversation.secret_asked_at],
        "authors": {
            author_id: {
                "messages": a.messages,
                "evidence": a.evidence,
                "window_total": a.window_total,
                "window_count": a.window_count,
                "alerted_at": a.alerted_at,
                "tactics": [
                    [t.tactic, t.message_index, t.message_id, t.evidence, t.original]
                    for t in a.tactics
                ],
                "last_used": dict(a.last_used),
                "tactic_messages": a.tactic_messages,
                "spelled": a.spelled,
                "spell_context": a.spell_context,
                "fast_path": a.fast_path,
                # Written out by hand: dataclasses.asdict deep-copies field by field
                # and cost as much as the rest of the export.
                "top": [
                    {
                        "index": seq,
                        "message_id": reason.message_id,
                        "cues": list(reason.cues),
                        "excerpt": reason.excerpt,
                        "weight": reason.weight,
                    }
                    for _, seq, reason in a.top
                ],
            }
            for author_id, a in conversation.authors.items()
        },
    }


def import_state(state: Mapping[str, Any]) -> ConversationState:
    """What export_state produced, read back; a malformed state raises ValueError."""
    version = state.get("version") if isinstance(state, Mapping) else None
    if version not in READABLE_STATE_VERSIONS:
        raise ValueError(f"unsupported state version {version!r}")
    try:
        conversation = ConversationState(messages=int(state["messages"]))
        # Added within version 3: states written before it read as "nobody asked".
        asked_by, asked_at = state.get("secret_asked", (None, -1))
        conversation.secret_asked_by = None if asked_by is None else str(asked_by)
        conversation.secret_asked_at = int(asked_at)
        for author_id, a in state["authors"].items():
            top = []
            for item in a["top"]:
                reason = Reason(
                    str(item["message_id"]),
                    tuple(str(c) for c in item["cues"]),
                    str(item["excerpt"]),
                    float(item["weight"]),
                )
                top.append((reason.weight, int(item["index"]), reason))
            heapq.heapify(top)
            alerted_at = a["alerted_at"]
            tactics = [
                TacticSeen(str(n), int(i), str(m), str(e), str(o))
                for n, i, m, e, o in a.get("tactics", ())
            ]
            last_used = {str(k): int(v) for k, v in a.get("last_used", {}).items()}
            # Versions 1-2 list the cue names only: seen long ago, at an unknown message.
            names = a["cues_seen"] if version < 3 else ()
            legacy = sorted({str(c) for c in names} - set(last_used))
            tactics += [TacticSeen(c, -1, "", "", "") for c in legacy]
            last_used.update(dict.fromkeys(legacy, -(10**9)))
            fast_path = a.get("fast_path")
            conversation.authors[str(author_id)] = AuthorState(
                messages=int(a["messages"]),
                evidence=float(a["evidence"]),
                window_total=float(a.get("window_total", 0.0)),
                window_count=float(a.get("window_count", 0.0)),
                alerted_at=None if alerted_at is None else int(alerted_at),
                top=top,
                ranked=ranked_reasons(top),
                tactics=tactics,
                last_used=last_used,
                tactic_messages=int(a.get("tactic_messages", len(legacy))),
                spelled=str(a.get("spelled", "")),
                spell_context=str(a.get("spell_context", "")),
                fast_path=None if fast_path is None else str(fast_path),
            )
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise ValueError(f"malformed conversation state: {exc!r}") from exc
    return conversation
