"""The referral exporters, one module each. Register a new one by adding its `EXPORTER` here."""

from __future__ import annotations

from childsafe.referrals import nca, ncmec
from childsafe.referrals.exporter import ReferralExporter

EXPORTERS: tuple[ReferralExporter, ...] = (ncmec.EXPORTER, nca.EXPORTER)


def exporter_named(name: str) -> ReferralExporter:
    return next(e for e in EXPORTERS if e.name == name)
