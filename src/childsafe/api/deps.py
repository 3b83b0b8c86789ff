"""What every router shares: the app's one Database, a transaction (per request, or around one
piece of domain work whose refusal becomes the HTTP error) and strict query parameters."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, TypeVar

from fastapi import Depends, HTTPException, Request
from fastapi.dependencies.models import Dependant
from sqlalchemy.orm import Session

from childsafe.cases.actions import ActionRefused
from childsafe.cases.reports import ReportRejected
from childsafe.store.db import Database

Done = TypeVar("Done")


def get_database(request: Request) -> Database:
    """The Database created once per app (`create_app` puts it in app.state)."""
    database: Database = request.app.state.database
    return database


def get_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """One transaction per request: committed when the endpoint returns, rolled back on error."""
    with database.session() as session:
        yield session


DatabaseDep = Annotated[Database, Depends(get_database)]
SessionDep = Annotated[Session, Depends(get_session)]


def in_one_transaction(
    database: Database,
    refused: type[ActionRefused | ReportRejected],
    work: Callable[[Session], Done],
) -> Done:
    """`work` in one transaction, returned once committed (what we acknowledge is stored);
    the domain's `refused` rolls it back and becomes the HTTP error with its status and words."""
    try:
        with database.session() as session:
            return work(session)
    except refused as refusal:
        raise HTTPException(refusal.status, refusal.message) from refusal


def _declared_query(dependant: Dependant) -> set[str]:
    """Query parameter names of a route and of all its dependencies."""
    names = {param.alias for param in dependant.query_params}
    for dependency in dependant.dependencies:
        names |= _declared_query(dependency)
    return names


async def strict_query(request: Request) -> None:
    """Reject query parameters the route does not declare, and repeated ones: a typo in a
    filter name, or a filter given twice, would otherwise be silently ignored. Async because
    FastAPI runs a plain `def` dependency in a worker thread: a thread hop on every request."""
    if not request.query_params:
        return
    dependant = getattr(request.scope.get("route"), "dependant", None)
    declared = _declared_query(dependant) if dependant is not None else set()
    for name in request.query_params:
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise HTTPException(422, f"unknown query parameter {name!r} (known: {known})")
        if len(request.query_params.getlist(name)) > 1:
            raise HTTPException(422, f"query parameter {name!r} given more than once")
