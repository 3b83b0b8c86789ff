"""The policy file's format, validated with pydantic when it is loaded."""

from __future__ import annotations

import operator
from collections.abc import Callable
from enum import StrEnum
from functools import partial
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from childsafe.policy import catalogue

SIGNAL_NAME = r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$"
RULE_ID = r"^[a-z][a-z0-9_]*$"


class Verdict(StrEnum):
    """What the platform should do with the message, mildest first."""

    ALLOW = "allow"
    WARN = "warn"  # deliver with a notice to the recipient
    BLUR = "blur"  # deliver hidden behind a tap-to-view cover
    HOLD = "hold"  # do not show yet (message request, or held for review)
    BLOCK = "block"  # never deliver

    @property
    def severity(self) -> int:
        return list(Verdict).index(self)


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"

    @property
    def severity(self) -> int:
        return list(Priority).index(self)


Scalar = str | int | float | bool


class Test(BaseModel):
    """One test on one signal. A missing signal fails every test except `present: false`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    eq: Scalar | None = None
    ne: Scalar | None = None
    in_: list[Scalar] | None = Field(default=None, alias="in")
    not_in: list[Scalar] | None = None
    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None
    present: bool | None = None
    _checks: tuple[Callable[[Any], bool], ...] = PrivateAttr(default=())

    @model_validator(mode="after")
    def _one_operator_at_least(self) -> Test:
        if not self.model_fields_set:
            raise ValueError(
                "a test needs an operator: eq, ne, in, not_in, gt, gte, lt, lte, present"
            )
        return self

    def model_post_init(self, _context: Any) -> None:
        # Compiled once at load: evaluating a rule is then a few plain comparisons.
        checks: list[Callable[[Any], bool]] = []
        if self.eq is not None:
            checks.append(partial(operator.eq, self.eq))
        if self.ne is not None:
            checks.append(partial(operator.ne, self.ne))
        if self.in_ is not None:
            checks.append(frozenset(self.in_).__contains__)
        if self.not_in is not None:
            excluded = frozenset(self.not_in)
            checks.append(lambda value: value not in excluded)
        for bound, compare in (
            (self.gt, operator.gt),
            (self.gte, operator.ge),
            (self.lt, operator.lt),
            (self.lte, operator.le),
        ):
            if bound is not None:
                checks.append(partial(_compare, compare, bound))
        self._checks = tuple(checks)

    def holds(self, value: Any, present: bool) -> bool:
        return self.predicate()(value, present)

    def predicate(self) -> Callable[[Any, bool], bool]:
        """`holds` as a plain function, for the engine to build once per policy (no attribute
        lookups on the model per call)."""
        return _compiled(self.present, self._checks)


def _compiled(
    required: bool | None, checks: tuple[Callable[[Any], bool], ...]
) -> Callable[[Any, bool], bool]:
    def holds(value: Any, present: bool) -> bool:
        if required is not None and required != present:
            return False
        if not present:
            return required is False
        return all(check(value) for check in checks)

    return holds


def _compare(compare: Callable[[float, float], bool], bound: float, value: Any) -> bool:
    return compare(_number(value), bound)


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")  # comparisons with NaN are false: a non-number never matches
    return float(value)


def _produced(name: str) -> str:
    if not catalogue.is_known(name):
        raise ValueError(
            f"unknown signal {name!r}: no screener produces it (childsafe.policy.catalogue)"
        )
    return name


SignalName = Annotated[str, Field(pattern=SIGNAL_NAME), AfterValidator(_produced)]

# `signal: value` is shorthand for `signal: {eq: value}`.
Condition = dict[SignalName, Test]


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=RULE_ID)
    description: str = Field(min_length=1)
    standard: str | None = None
    when: Condition = Field(default_factory=dict)
    # Alternatives: the rule also needs at least one of these to hold (when given).
    when_any: list[Condition] = Field(default_factory=list)
    verdict: Verdict
    alert: Priority | None = None
    notice: str | None = None  # shown to the recipient (usually the child)
    shadow: bool = False  # matched and logged, never enforced

    @field_validator("when", mode="before")
    @classmethod
    def _shorthand(cls, value: Any) -> Any:
        return _expand(value)

    @field_validator("when_any", mode="before")
    @classmethod
    def _shorthand_each(cls, value: Any) -> Any:
        return [_expand(v) for v in value] if isinstance(value, list) else value

    @model_validator(mode="after")
    def _has_condition(self) -> Rule:
        if not self.when and not self.when_any:
            raise ValueError(
                "a rule needs `when` or `when_any` (a rule that always fires is a bug)"
            )
        return self


def _expand(condition: Any) -> Any:
    if not isinstance(condition, dict):
        return condition
    return {
        name: test if isinstance(test, dict) else {"eq": test} for name, test in condition.items()
    }


class PolicyFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, le=1)
    rules: list[Rule]

    @model_validator(mode="after")
    def _unique_ids(self) -> PolicyFile:
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                raise ValueError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        return self
