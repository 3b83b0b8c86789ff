"""Policy: rules from a YAML file turn named signals into a verdict, alert and notice.

The engine knows no rule; the shipped rules are in rules.yaml (format in the README).
"""

from childsafe.policy.engine import (
    DEFAULT_POLICY,
    Decision,
    Match,
    Policy,
    PolicyError,
    RuleReason,
    Signals,
    VerdictName,
)
from childsafe.policy.schema import Priority, Rule, Verdict

__all__ = [
    "DEFAULT_POLICY",
    "Decision",
    "Match",
    "Policy",
    "PolicyError",
    "Priority",
    "Rule",
    "RuleReason",
    "Signals",
    "Verdict",
    "VerdictName",
]
