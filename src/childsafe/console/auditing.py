"""Recording what a moderator saw: `@records_view(describe)` on a route writes one audit entry
for the signed-in viewer once the route has built its answer, and before it is sent.

A route that fails (no such case, a refused download) records nothing; an answer whose record
cannot be written is not sent. The entry goes in its own short transaction, so a long page or
export never holds the audit chain's lock. Decisions are not views: they record in the domain
function, in the transaction of the work itself (cases/actions.py), and refused permissions
are recorded by `requires` (console/web.py).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import Request, Response

from childsafe import audit
from childsafe.console.web import Viewer, database_of

Route = Callable[..., Response]


@dataclass(frozen=True, slots=True)
class Seen:
    """One audit entry about what was shown."""

    action: str
    target_type: str
    target_id: str
    details: Mapping[str, Any] | None = None


def records_view(describe: Callable[..., Seen]) -> Callable[[Route], Route]:
    """`describe` is called with the route's own arguments (by name, as FastAPI resolved them);
    the route must take `request: Request` and `viewer: Viewer`."""

    def decorate(route: Route) -> Route:
        # FastAPI reads the route's parameters through functools.wraps (inspect.unwrap).
        @functools.wraps(route)
        def recorded(**arguments: Any) -> Response:
            response = route(**arguments)
            seen = describe(**arguments)
            request: Request = arguments["request"]
            viewer: Viewer = arguments["viewer"]
            with database_of(request).session() as session:
                audit.record(
                    session,
                    actor=viewer.actor,
                    action=seen.action,
                    target_type=seen.target_type,
                    target_id=seen.target_id,
                    details=seen.details,
                )
            return response

        return recorded

    return decorate
