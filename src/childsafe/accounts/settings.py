"""Safe defaults by age band, and the rules for changing them.

Each setting lists its choices from safest to loosest, the default and the loosest choice allowed
for every age band, and the standard the default meets. Unknown age is treated as a child
(the youngest band's floors), because safety must not depend on a declared age.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from childsafe.model import AgeBand

U13, A13, A16, ADULT, UNKNOWN = (
    AgeBand.UNDER_13,
    AgeBand.AGE_13_15,
    AgeBand.AGE_16_17,
    AgeBand.ADULT,
    AgeBand.UNKNOWN,
)


@dataclass(frozen=True, slots=True)
class Setting:
    name: str
    description: str
    choices: tuple[str, ...]  # safest first
    defaults: Mapping[AgeBand, str]
    loosest: Mapping[AgeBand, str]  # the floor: a child can never go looser than this
    standard: str
    # Shown to a child before a loosening takes effect (Ofcom ICU F2: supportive information).
    notice: str

    def rank(self, value: str) -> int:
        return self.choices.index(value)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        name="profile_visibility",
        description="who can see the profile (photo, bio, lists)",
        choices=("private", "public"),
        defaults={
            U13: "private",
            A13: "private",
            A16: "private",
            UNKNOWN: "private",
            ADULT: "public",
        },
        loosest={
            U13: "private",
            A13: "private",
            A16: "public",
            UNKNOWN: "private",
            ADULT: "public",
        },
        standard="ICO Children's Code std 7 (default settings); Ofcom ICU F1",
        notice=(
            "If your profile is public, people you don't know can see it and contact you. "
            "You can change it back at any time."
        ),
    ),
    Setting(
        name="location_sharing",
        description="who can see the account's location",
        choices=("off", "connections", "everyone"),
        defaults={U13: "off", A13: "off", A16: "off", UNKNOWN: "off", ADULT: "off"},
        loosest={
            U13: "off",
            A13: "connections",
            A16: "connections",
            UNKNOWN: "off",
            ADULT: "everyone",
        },
        standard="ICO Children's Code std 10 (geolocation off by default); Ofcom ICU F1",
        notice=(
            "Sharing your location lets others know where you are. Only share it with people "
            "you know in real life, and turn it off when you don't need it."
        ),
    ),
    Setting(
        name="suggest_to_others",
        description="appear in 'people you may know' suggestions",
        choices=("off", "on"),
        defaults={U13: "off", A13: "off", A16: "off", UNKNOWN: "off", ADULT: "on"},
        loosest={U13: "off", A13: "off", A16: "on", UNKNOWN: "off", ADULT: "on"},
        standard="Ofcom ICU F1 (children not in network expansion prompts)",
        notice=(
            "If you turn this on, people you don't know may be shown your account and ask to "
            "connect. You never have to accept."
        ),
    ),
    Setting(
        name="show_in_connection_lists",
        description="appear in other accounts' visible connection lists",
        choices=("off", "on"),
        defaults={U13: "off", A13: "off", A16: "off", UNKNOWN: "off", ADULT: "on"},
        loosest={U13: "off", A13: "on", A16: "on", UNKNOWN: "off", ADULT: "on"},
        standard="Ofcom ICU F1 (children not in others' connection lists)",
        notice=(
            "If you turn this on, friends of your friends can find you through their lists. "
            "You can turn it off again at any time."
        ),
    ),
    Setting(
        name="direct_messages_from",
        description="who can send direct messages: connections, message requests, everyone",
        choices=("connections", "requests", "everyone"),
        defaults={
            U13: "requests",
            A13: "requests",
            A16: "requests",
            UNKNOWN: "requests",
            ADULT: "everyone",
        },
        # Strangers never message a child directly: at most a request the child must accept.
        loosest={
            U13: "requests",
            A13: "requests",
            A16: "requests",
            UNKNOWN: "requests",
            ADULT: "everyone",
        },
        standard="Ofcom ICU F1 (no direct messages from non-connections)",
        notice="",
    ),
    Setting(
        name="profiling",
        description="personalised recommendations and ads based on activity",
        choices=("off", "on"),
        defaults={U13: "off", A13: "off", A16: "off", UNKNOWN: "off", ADULT: "on"},
        loosest={U13: "off", A13: "on", A16: "on", UNKNOWN: "off", ADULT: "on"},
        standard="ICO Children's Code std 12 (profiling off by default)",
        notice=(
            "If you turn this on, what you see will be chosen using what you do here. "
            "You can turn it off again at any time."
        ),
    ),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


class ChangeStatus(StrEnum):
    APPLIED = "applied"
    NEEDS_NOTICE = "needs_notice"  # show the notice, then send the change again, acknowledged
    REFUSED = "refused"  # looser than this age band may ever go


@dataclass(frozen=True, slots=True)
class ChangeOutcome:
    setting: str
    requested: str
    status: ChangeStatus
    message: str


@dataclass(frozen=True, slots=True)
class SettingsChange:
    stored: dict[str, str]  # what to persist: only choices that differ from the defaults
    effective: dict[str, str]
    outcomes: list[ChangeOutcome] = field(default_factory=list)


class InvalidSetting(ValueError):
    pass


def effective_settings(band: AgeBand, stored: Mapping[str, str]) -> dict[str, str]:
    """Stored choices clamped to the band's floor; defaults for everything else.

    Clamping matters when a band changes (an account declared adult turns out to be 12).
    """
    effective = {}
    for setting in SETTINGS:
        value = stored.get(setting.name, setting.defaults[band])
        if value not in setting.choices or setting.rank(value) > setting.rank(
            setting.loosest[band]
        ):
            value = setting.defaults[band]
        effective[setting.name] = value
    return effective


def band_change_loosens(old: AgeBand, new: AgeBand) -> bool:
    """Whether relabelling an account from `old` to `new` lowers its protection: it stops
    counting as a child, or any setting gets a looser default or floor."""
    return (old.is_child and not new.is_child) or any(
        setting.rank(setting.defaults[new]) > setting.rank(setting.defaults[old])
        or setting.rank(setting.loosest[new]) > setting.rank(setting.loosest[old])
        for setting in SETTINGS
    )


def loosened_settings(
    before: Mapping[str, str], after: Mapping[str, str]
) -> dict[str, tuple[str, str]]:
    """The effective settings `after` makes looser than `before`, each as (before, after)."""
    return {
        setting.name: (before[setting.name], after[setting.name])
        for setting in SETTINGS
        if setting.rank(after[setting.name]) > setting.rank(before[setting.name])
    }


def apply_changes(
    band: AgeBand,
    stored: Mapping[str, str],
    requested: Mapping[str, str],
    notice_acknowledged: bool = False,
) -> SettingsChange:
    """Apply what the account holder asked for, within the band's floor.

    A child's loosening takes effect only once the platform has shown the supportive notice
    (`notice_acknowledged`); tightening always applies at once.
    """
    current = effective_settings(band, stored)
    new = dict(current)
    outcomes = []
    for name, value in requested.items():
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None:
            raise InvalidSetting(f"unknown setting {name!r}; known: {', '.join(SETTINGS_BY_NAME)}")
        if value not in setting.choices:
            raise InvalidSetting(f"{name} must be one of {', '.join(setting.choices)}")
        loosens = setting.rank(value) > setting.rank(current[name])
        if setting.rank(value) > setting.rank(setting.loosest[band]):
            outcomes.append(
                ChangeOutcome(
                    name,
                    value,
                    ChangeStatus.REFUSED,
                    f"{name}={value} is not available for age band {band.value} "
                    f"(at most {setting.loosest[band]}: {setting.standard})",
                )
            )
            continue
        if loosens and band.is_child and setting.notice and not notice_acknowledged:
            outcomes.append(ChangeOutcome(name, value, ChangeStatus.NEEDS_NOTICE, setting.notice))
            continue
        new[name] = value
        message = setting.notice if loosens and band.is_child else ""
        outcomes.append(ChangeOutcome(name, value, ChangeStatus.APPLIED, message))
    stored_new = {
        name: value for name, value in new.items() if value != SETTINGS_BY_NAME[name].defaults[band]
    }
    return SettingsChange(stored=stored_new, effective=new, outcomes=outcomes)
