"""What matching an image found: the bank entries it matched (`BankHit`), and the hits kept,
suppressed by the allow-list, and the allow-list entries that suppressed them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class BankHit:
    bank_id: str
    bank_name: str
    bank_kind: str
    entry_id: int
    kind: str  # pdq | md5 | sha256
    value: str
    label: str | None
    distance: int  # 0 for exact digests
    transform: str  # how the posted image differs from the banked one (flips/turns)

    def as_dict(self) -> dict[str, object]:
        return {
            "bank": self.bank_name,
            "bank_id": self.bank_id,
            "entry_id": self.entry_id,
            "hash_type": self.kind,
            "hash": self.value,
            "label": self.label,
            "distance": self.distance,
            "transform": self.transform,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    hits: tuple[BankHit, ...]  # in match banks, not suppressed
    suppressed: tuple[BankHit, ...]  # in match banks, but the allow-list covers the image
    allowed_by: tuple[BankHit, ...]  # the allow-list entries that covered it
