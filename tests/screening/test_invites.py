"""An invite's signals: catalogued (so rules may test them) and judged by the shipped rule."""

from __future__ import annotations

import pytest

from childsafe.policy import Policy, catalogue
from childsafe.screening.invites import signals
from childsafe.spaces.registry import UnconnectedInvites


def _invites(children: int, band: str = "adult") -> UnconnectedInvites:
    return UnconnectedInvites(
        "den", "Art club", "grownup", band, tuple(f"kid{n}" for n in range(children))
    )


def test_the_signals_of_an_invite_are_catalogued() -> None:
    assert not catalogue.unknown(signals(_invites(3)))


@pytest.mark.parametrize(
    ("children", "band", "alert"),
    [(2, "adult", None), (3, "adult", "medium"), (7, "unknown", "medium"), (7, "16_17", None)],
)
def test_the_shipped_rule_alerts_on_an_adult_inviting_three_or_more(
    children: int, band: str, alert: str | None
) -> None:
    decision = Policy.default().evaluate(signals(_invites(children, band)))
    assert (decision.alert.value if decision.alert else None) == alert
    if alert:
        assert [m.rule.id for m in decision.matches] == ["adult_invites_unconnected_children"]
        assert _invites(children, band).reason() == (
            f"invited {children} children with no connection to them into 'Art club' within 24 h"
        )
