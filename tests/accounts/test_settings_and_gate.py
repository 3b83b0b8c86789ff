import pytest

from childsafe.accounts import (
    SETTINGS,
    ChangeStatus,
    Contact,
    InvalidSetting,
    apply_changes,
    contact_gate,
    effective_settings,
)
from childsafe.model import AgeBand

CHILD_BANDS = [AgeBand.UNDER_13, AgeBand.AGE_13_15, AgeBand.AGE_16_17, AgeBand.UNKNOWN]


@pytest.mark.parametrize("band", CHILD_BANDS)
def test_children_get_the_safest_defaults(band: AgeBand) -> None:
    settings = effective_settings(band, {})
    assert settings == {
        "profile_visibility": "private",
        "location_sharing": "off",
        "suggest_to_others": "off",
        "show_in_connection_lists": "off",
        "direct_messages_from": "requests",
        "profiling": "off",
    }


def test_every_default_names_the_standard_it_meets() -> None:
    for setting in SETTINGS:
        assert "ICO" in setting.standard or "Ofcom" in setting.standard
        for band in AgeBand:
            assert setting.rank(setting.defaults[band]) <= setting.rank(setting.loosest[band])


def test_unknown_age_is_held_to_the_youngest_floor() -> None:
    change = apply_changes(AgeBand.UNKNOWN, {}, {"profiling": "on"}, notice_acknowledged=True)
    assert change.outcomes[0].status is ChangeStatus.REFUSED
    assert change.effective["profiling"] == "off"


def test_child_loosening_needs_the_supportive_notice_first() -> None:
    first = apply_changes(AgeBand.AGE_16_17, {}, {"profile_visibility": "public"})
    assert first.outcomes[0].status is ChangeStatus.NEEDS_NOTICE
    assert "people you don't know" in first.outcomes[0].message
    assert first.effective["profile_visibility"] == "private"
    second = apply_changes(
        AgeBand.AGE_16_17, {}, {"profile_visibility": "public"}, notice_acknowledged=True
    )
    assert second.outcomes[0].status is ChangeStatus.APPLIED
    assert second.stored == {"profile_visibility": "public"}


def test_never_below_the_floor_even_acknowledged() -> None:
    change = apply_changes(
        AgeBand.UNDER_13, {}, {"location_sharing": "everyone"}, notice_acknowledged=True
    )
    assert change.outcomes[0].status is ChangeStatus.REFUSED
    assert "under_13" in change.outcomes[0].message
    assert change.effective["location_sharing"] == "off"


def test_tightening_applies_without_notice_and_adults_loosen_freely() -> None:
    tighter = apply_changes(AgeBand.ADULT, {}, {"direct_messages_from": "connections"})
    assert tighter.effective["direct_messages_from"] == "connections"
    back = apply_changes(AgeBand.ADULT, tighter.stored, {"direct_messages_from": "everyone"})
    assert back.outcomes[0].status is ChangeStatus.APPLIED
    assert back.stored == {}


def test_band_change_clamps_stored_choices_to_the_new_floor() -> None:
    adult = apply_changes(AgeBand.ADULT, {}, {"location_sharing": "everyone"})
    assert effective_settings(AgeBand.UNDER_13, adult.stored)["location_sharing"] == "off"


def test_bad_setting_names_and_values_are_rejected() -> None:
    with pytest.raises(InvalidSetting, match="unknown setting"):
        apply_changes(AgeBand.ADULT, {}, {"teleport": "on"})
    with pytest.raises(InvalidSetting, match="must be one of"):
        apply_changes(AgeBand.ADULT, {}, {"profiling": "maybe"})


CHILD = effective_settings(AgeBand.AGE_13_15, {})
ADULT = effective_settings(AgeBand.ADULT, {})


@pytest.mark.parametrize(
    ("sender", "recipient", "settings", "connected", "expected", "reason"),
    [
        (AgeBand.ADULT, AgeBand.UNDER_13, CHILD, False, Contact.HOLD, "stranger_to_child"),
        (AgeBand.UNKNOWN, AgeBand.AGE_13_15, CHILD, False, Contact.HOLD, "stranger_to_child"),
        (AgeBand.ADULT, AgeBand.UNKNOWN, CHILD, False, Contact.HOLD, "stranger_to_child"),
        (AgeBand.AGE_13_15, AgeBand.AGE_13_15, CHILD, False, Contact.REQUEST, "message_request"),
        (AgeBand.ADULT, AgeBand.UNDER_13, CHILD, True, Contact.DELIVER, "connected"),
        (
            AgeBand.AGE_13_15,
            AgeBand.ADULT,
            ADULT,
            False,
            Contact.DELIVER,
            "recipient_accepts_everyone",
        ),
        (
            AgeBand.ADULT,
            AgeBand.ADULT,
            {"direct_messages_from": "connections"},
            False,
            Contact.HOLD,
            "recipient_connections_only",
        ),
    ],
)
def test_contact_gate(sender, recipient, settings, connected, expected, reason) -> None:
    decision = contact_gate(sender, recipient, settings, connected)
    assert (decision.contact, decision.reason) == (expected, reason)
