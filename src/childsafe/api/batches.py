"""What the batch routes share (POST /v1/accounts:batch, POST /v1/connections:batch): the
body, one result per item, and turning a bad item into its reason instead of a 422 for all.
`childsafe import` validates each line of a file through the same functions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from childsafe.accounts import ItemResult, write_in_chunks
from childsafe.store.db import Database

Record = TypeVar("Record")

# A batch is also bounded by the body limit (256 KiB): about 2,000 accounts or 5,000
# connections with short ids.
MAX_BATCH_ITEMS = 5000


class BatchIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Items are checked one by one, so a bad item is reported in its result, not as a 422.
    items: list[Any] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class SettingNotApplied(BaseModel):
    setting: str
    requested: str
    status: Literal["applied", "needs_notice", "refused"]  # never "applied" here
    message: str


class ItemOut(BaseModel):
    index: int = Field(description="the item's position in `items`, from 0")
    status: Literal["created", "updated", "unchanged", "error"]
    error: str | None = Field(default=None, description="why the item was not applied")
    not_applied: list[SettingNotApplied] = Field(
        default_factory=list, description="requested settings that did not apply, and why"
    )


class BatchOut(BaseModel):
    results: list[ItemOut]
    counts: dict[str, int] = Field(description="items per status")


def invalid_fields(error: ValidationError) -> str:
    """Each invalid field with what is wrong: `age_band: Input should be ...`."""
    return "; ".join(
        f"{'.'.join(str(part) for part in problem['loc']) or 'item'}: {problem['msg']}"
        for problem in error.errors(include_url=False)
    )


def item_out(index: int, result: ItemResult) -> ItemOut:
    return ItemOut(
        index=index,
        status=result.status.value,
        error=result.error or None,
        not_applied=[
            SettingNotApplied(
                setting=o.setting, requested=o.requested, status=o.status.value, message=o.message
            )
            for o in result.not_applied
        ],
    )


def answer_batch(
    database: Database,
    items: Sequence[Any],
    validate: Callable[[Any], Record | str],
    write: Callable[[Session, Sequence[Record]], list[ItemResult]],
) -> BatchOut:
    results = [
        item_out(index, result)
        for index, result in write_in_chunks(
            database, ((index, validate(item)) for index, item in enumerate(items)), write
        )
    ]
    return BatchOut(results=results, counts=dict(Counter(r.status for r in results)))
