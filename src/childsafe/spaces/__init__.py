"""Spaces (group chats, servers, channels, forums, rooms) with a film-like age rating computed
from what flows through them, gating children by it, and the signals a space adds.

`registry` registers spaces and members (gated) and takes a moderator's override; `rating`
counts activity and keeps the rating in force; `ratings` is the scale and the rules.
"""

from childsafe.spaces.rating import (
    SpaceActivity,
    SpaceWindow,
    bucket_rows,
    record_activity,
    rerate_moved,
)
from childsafe.spaces.ratings import Rating

__all__ = [
    "Rating",
    "SpaceActivity",
    "SpaceWindow",
    "bucket_rows",
    "record_activity",
    "rerate_moved",
]
