"""The policy engine: named signals in, a verdict with its reasons out. No rule lives here."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, NotRequired

import yaml
from pydantic import Field, ValidationError

# typing.TypedDict on Python < 3.12 lacks what pydantic needs to read it (the API's schema).
from typing_extensions import TypedDict

from childsafe.policy.schema import Condition, PolicyFile, Priority, Rule, Verdict

DEFAULT_POLICY = Path(__file__).with_name("rules.yaml")

log = logging.getLogger("childsafe.policy")

Signals = Mapping[str, Any]


class PolicyError(ValueError):
    """The policy file is unreadable or a rule in it is invalid (the message names which)."""


# A verdict or priority as it appears in an answer: its plain value (the enum in the schema).
VerdictName = Annotated[str, Field(json_schema_extra={"enum": [v.value for v in Verdict]})]
PriorityName = Annotated[str, Field(json_schema_extra={"enum": [p.value for p in Priority]})]


class RuleReason(TypedDict):
    """A matched rule and what it saw: how each reason in an answer starts."""

    rule: str
    description: str
    verdict: VerdictName
    signals: Annotated[
        dict[str, Any], Field(description="the signals the rule tested, with their values")
    ]
    alert: NotRequired[PriorityName]
    standard: NotRequired[str]


@dataclass(frozen=True, slots=True)
class Match:
    rule: Rule
    # The signals the rule's conditions looked at, with their values: the "why".
    evidence: dict[str, Any]

    def reason(self) -> RuleReason:
        """The rule and what it saw, as an answer's reasons start; each screener adds the
        evidence of its own path (cues and messages, hash matches, nudity findings)."""
        rule = self.rule
        reason: RuleReason = {
            "rule": rule.id,
            "description": rule.description,
            "verdict": rule.verdict.value,
            "signals": self.evidence,
        }
        if rule.alert is not None:
            reason["alert"] = rule.alert.value
        if rule.standard:
            reason["standard"] = rule.standard
        return reason


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    alert: Priority | None
    notice: str | None
    matches: tuple[Match, ...]  # enforced rules, strictest first
    shadow_matches: tuple[Match, ...] = field(default=())


# A condition compiled for evaluation: (signal name, the test's predicate) pairs.
_Tests = tuple[tuple[str, Callable[[Any, bool], bool]], ...]


def _compile(condition: Condition) -> _Tests:
    return tuple((name, test.predicate()) for name, test in condition.items())


def _holds(tests: _Tests, signals: Signals) -> bool:
    for name, holds in tests:
        if name in signals:
            if not holds(signals[name], True):
                return False
        elif not holds(None, False):
            return False
    return True


def _evidence(rule: Rule, signals: Signals) -> dict[str, Any]:
    names = set(rule.when).union(*(set(c) for c in rule.when_any))
    return {name: signals[name] for name in sorted(names) if name in signals}


class Policy:
    def __init__(self, rules: list[Rule], source: str = "<memory>") -> None:
        self.rules = rules
        self.source = source
        self._compiled = [
            (rule, _compile(rule.when), tuple(_compile(c) for c in rule.when_any)) for rule in rules
        ]

    def __reduce__(self) -> tuple[type[Policy], tuple[list[Rule], str]]:
        # Pickled for the screening process: the rules, not their compiled closures.
        return (type(self), (self.rules, self.source))

    @classmethod
    def load(cls, path: Path | str) -> Policy:
        path = Path(path)
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise PolicyError(f"policy {path}: cannot read: {error}") from error
        return cls.from_mapping(raw, str(path))

    @classmethod
    def default(cls) -> Policy:
        return cls.load(DEFAULT_POLICY)

    @classmethod
    def from_mapping(cls, raw: Any, source: str = "<memory>") -> Policy:
        try:
            return cls(PolicyFile.model_validate(raw).rules, source)
        except ValidationError as error:
            raise PolicyError(f"policy {source}: {_describe(error, raw)}") from error

    def evaluate(self, signals: Signals) -> Decision:
        matches: list[Match] = []
        shadow: list[Match] = []
        for rule, when, when_any in self._compiled:
            if not _holds(when, signals):
                continue
            if when_any and not any(_holds(c, signals) for c in when_any):
                continue
            (shadow if rule.shadow else matches).append(Match(rule, _evidence(rule, signals)))
        # Counted per rule in childsafe_shadow_matches_total and returned in the answer; a line
        # per match at INFO cost a worker about 8% of its CPU under a rule that often matches.
        for match in shadow:
            log.debug("shadow rule %s matched (not enforced): %s", match.rule.id, match.evidence)
        matches.sort(key=lambda m: m.rule.verdict.severity, reverse=True)
        verdict = matches[0].rule.verdict if matches else Verdict.ALLOW
        alerts = [m.rule.alert for m in matches if m.rule.alert is not None]
        notice = next((m.rule.notice for m in matches if m.rule.notice), None)
        return Decision(
            verdict=verdict,
            alert=max(alerts, key=lambda p: p.severity) if alerts else None,
            notice=notice,
            matches=tuple(matches),
            shadow_matches=tuple(shadow),
        )


def _describe(error: ValidationError, raw: Any) -> str:
    """Name the rule (index and id) each error is in, then what is wrong with it."""
    parts = []
    for item in error.errors():
        # pydantic marks an error in a mapping's key (a signal name) with a "[key]" step.
        location = [p for p in item["loc"] if p != "[key]"]
        where = ".".join(str(p) for p in location) or "file"
        if len(location) >= 2 and location[0] == "rules" and isinstance(location[1], int):
            index = location[1]
            rules = raw.get("rules") if isinstance(raw, dict) else None
            rule_id = None
            if isinstance(rules, list) and index < len(rules) and isinstance(rules[index], dict):
                rule_id = rules[index].get("id")
            field_path = ".".join(str(p) for p in location[2:]) or "rule"
            where = f"rule #{index + 1} ({rule_id or 'no id'}), {field_path}"
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)
