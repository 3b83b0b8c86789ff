import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from childsafe.accounts import contact_gate, effective_settings
from childsafe.conversations import RiskTracker
from childsafe.hashbanks.hits import BankHit, MatchResult
from childsafe.media.signals import media_signals
from childsafe.model import AgeBand, Message, Participant
from childsafe.policy import Policy, PolicyError, Priority, Verdict, catalogue
from childsafe.screening.signals import message_signals
from childsafe.signals.nudity import NudityResult
from childsafe.store.tables.service import Account


def child_signals(**extra: object) -> dict[str, object]:
    return {
        "contact.gate": "deliver",
        "contact.reason": "connected",
        "connected": True,
        "sender.age_band": "adult",
        "recipient.age_band": "under_13",
        "recipient.is_child": True,
        "sender.is_child": False,
        "conversation.risk": 0.1,
        "conversation.alert": False,
        **extra,
    }


def test_shipped_policy_loads_and_a_quiet_message_is_allowed() -> None:
    decision = Policy.default().evaluate(child_signals())
    assert decision.verdict is Verdict.ALLOW
    assert decision.matches == ()
    assert decision.alert is None


def test_strictest_verdict_wins_and_every_match_is_a_reason() -> None:
    decision = Policy.default().evaluate(
        child_signals(**{"cue.secrecy": 0.7, "cue.meeting": 0.9, "conversation.alert": True})
    )
    assert decision.verdict is Verdict.HOLD
    assert decision.alert is Priority.HIGH
    ids = [m.rule.id for m in decision.matches]
    assert ids[0] == "meeting_request_from_adult"
    assert {"secrecy_request_to_child", "grooming_risk_crossed"} <= set(ids)
    secrecy = next(m for m in decision.matches if m.rule.id == "secrecy_request_to_child")
    assert secrecy.evidence["cue.secrecy"] == 0.7


def test_a_policy_sent_to_the_screening_process_decides_the_same() -> None:
    policy = Policy.default()
    copy = pickle.loads(pickle.dumps(policy))
    signals = child_signals(**{"cue.secrecy": 0.7, "cue.meeting": 0.9})
    decided, again = policy.evaluate(signals), copy.evaluate(signals)
    assert (again.verdict, again.alert, again.notice) == (
        decided.verdict,
        decided.alert,
        decided.notice,
    )
    assert [(m.rule.id, m.evidence) for m in again.matches] == [
        (m.rule.id, m.evidence) for m in decided.matches
    ]
    assert copy.evaluate(child_signals()).verdict is Verdict.ALLOW


def test_cues_between_children_do_not_trigger_adult_rules() -> None:
    signals = child_signals(**{"sender.age_band": "13_15", "cue.secrecy": 0.7})
    assert Policy.default().evaluate(signals).verdict is Verdict.ALLOW


def test_shadow_rule_is_reported_but_not_enforced() -> None:
    policy = Policy.from_mapping(
        {
            "version": 1,
            "rules": [
                {
                    "id": "trial",
                    "description": "trial rule",
                    "when": {"conversation.risk": {"gte": 0.5}},
                    "verdict": "block",
                    "alert": "high",
                    "shadow": True,
                }
            ],
        }
    )
    decision = policy.evaluate(child_signals(**{"conversation.risk": 0.6}))
    assert decision.verdict is Verdict.ALLOW and decision.alert is None
    assert [m.rule.id for m in decision.shadow_matches] == ["trial"]


# Any catalogued signals do for the engine's own tests (an unknown name is refused).
X, N, A, B = "image.nudity", "hash.match_distance", "connected", "contact.reason"


def test_operators_and_missing_signals() -> None:
    policy = Policy.from_mapping(
        {
            "version": 1,
            "rules": [
                {
                    "id": "absent",
                    "description": "d",
                    "when": {X: {"present": False}},
                    "verdict": "warn",
                },
                {
                    "id": "between",
                    "description": "d",
                    "when": {N: {"gt": 1, "lte": 3}},
                    "verdict": "blur",
                },
                {
                    "id": "either",
                    "description": "d",
                    "when_any": [{A: True}, {B: {"in": ["p", "q"]}}],
                    "verdict": "hold",
                },
            ],
        }
    )
    assert policy.evaluate({X: 1}).verdict is Verdict.ALLOW
    assert policy.evaluate({}).verdict is Verdict.WARN
    assert policy.evaluate({X: 1, N: 3}).verdict is Verdict.BLUR
    assert policy.evaluate({X: 1, N: 4}).verdict is Verdict.ALLOW
    assert policy.evaluate({X: 1, N: "3"}).verdict is Verdict.ALLOW
    assert policy.evaluate({X: 1, B: "q"}).verdict is Verdict.HOLD


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        (
            [{"id": "r1", "description": "d", "when": {"connected": 1}, "verdict": "maybe"}],
            r"rule #1 \(r1\), verdict",
        ),
        ([{"id": "r1", "description": "d", "verdict": "warn"}], r"rule #1 \(r1\).*needs `when`"),
        (
            [
                {"id": "ok", "description": "d", "when": {"connected": 1}, "verdict": "warn"},
                {
                    "id": "r2",
                    "description": "d",
                    "when": {"connected": {"approx": 1}},
                    "verdict": "warn",
                },
            ],
            r"rule #2 \(r2\), when\.connected\.approx",
        ),
        (
            [{"id": "Bad Id", "description": "d", "when": {"connected": 1}, "verdict": "warn"}],
            r"rule #1 \(Bad Id\), id",
        ),
        (
            [
                {"id": "dup", "description": "d", "when": {"connected": 1}, "verdict": "warn"},
                {"id": "dup", "description": "d", "when": {"connected": 2}, "verdict": "warn"},
            ],
            "duplicate rule id 'dup'",
        ),
    ],
)
def test_invalid_rules_are_named_in_the_error(rules, message) -> None:
    with pytest.raises(PolicyError, match=message):
        Policy.from_mapping({"version": 1, "rules": rules})


def test_unreadable_yaml_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("rules: [unclosed")
    with pytest.raises(PolicyError, match="cannot read"):
        Policy.load(path)


def _rule(rule_id: str, when: dict[str, object]) -> dict[str, object]:
    return {"id": rule_id, "description": "d", "when": when, "verdict": "warn"}


def test_a_rule_naming_a_signal_no_screener_produces_is_refused_by_name() -> None:
    fine = _rule("fine", {"cue.secrecy": {"present": True}})
    typo = {**_rule("typo", {}), "when_any": [{"recipient.is_kid": True}]}
    with pytest.raises(
        PolicyError,
        match=r"rule #2 \(typo\), when_any\.0\.recipient\.is_kid: .*unknown signal 'recipient",
    ):
        Policy.from_mapping({"version": 1, "rules": [fine, typo]})
    with pytest.raises(PolicyError, match=r"rule #1 \(deep\).*unknown signal 'cue\.secrecy\.x'"):
        Policy.from_mapping({"version": 1, "rules": [_rule("deep", {"cue.secrecy.x": 1})]})
    with pytest.raises(PolicyError, match=r"rule #1 \(misspelt\).*unknown signal 'cue\.secrecyy'"):
        Policy.from_mapping({"version": 1, "rules": [_rule("misspelt", {"cue.secrecyy": 1})]})


def test_the_catalogue_holds_every_signal_the_screeners_produce() -> None:
    """The policy cannot import the screeners; this holds the two sides together."""

    now = datetime.now(UTC)
    adult = Participant("adult", AgeBand.ADULT)
    kid = Participant("kid", AgeBand.UNDER_13)
    update = RiskTracker.default().observe(
        "c", Message("m1", "adult", "keep this our secret, send me a pic"), [adult, kid]
    )
    assert update.cues
    gate = contact_gate(
        AgeBand.ADULT, AgeBand.UNDER_13, effective_settings(AgeBand.UNDER_13, {}), True
    )
    text = message_signals(
        sender_band=AgeBand.ADULT,
        recipient_bands=[AgeBand.UNDER_13],
        connected=True,
        contact=gate,
        sender_created_at=now - timedelta(days=3),
        sent_at=now,
        update=update,
    )
    assert any(name.startswith("cue.") for name in text)

    hit = BankHit("b1", "bank", "pdq", 1, "pdq", "00", None, 3, "original")
    image = media_signals(
        Account(id="adult", age_band="adult", settings={}),
        [Account(id="kid", age_band="under_13", settings={})],
        {"kid"},
        MatchResult(hits=(hit,), suppressed=(), allowed_by=(hit,)),
        NudityResult(score=0.5, findings=(), model="test"),
    )
    assert not catalogue.unknown([*text, *image])
