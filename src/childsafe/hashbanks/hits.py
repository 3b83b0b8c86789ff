"""What matching an image found: the bank entries it matched (`BankHit`), and the hits kept,
suppressed by the allow-list, and the allow-list entries that suppressed them."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True, slots=True)
class BankHit:
    bank_id: str
    bank_name: str
    bank_kind: str
    entry_id: int
    kind: str  # pdq | md5 | sha256 | vpdq
    value: str
    label: str | None
    distance: int  # 0 for exact digests; vpdq: the closest pair of frames
    transform: str  # how the posted image differs from the banked one (flips/turns)
    # vpdq: the shares of the posted video's and the banked video's frames that agreed.
    query_match_percent: float | None = None
    compared_match_percent: float | None = None

    def with_shares(self, query_percent: float, compared_percent: float) -> BankHit:
        return replace(
            self, query_match_percent=query_percent, compared_match_percent=compared_percent
        )

    def as_dict(self) -> dict[str, object]:
        shares = (
            {}
            if self.query_match_percent is None
            else {
                "query_match_percent": round(self.query_match_percent, 1),
                "compared_match_percent": round(self.compared_match_percent or 0.0, 1),
            }
        )
        return {
            "bank": self.bank_name,
            "bank_id": self.bank_id,
            "entry_id": self.entry_id,
            "hash_type": self.kind,
            "hash": self.value,
            "label": self.label,
            "distance": self.distance,
            "transform": self.transform,
            **shares,
        }


@dataclass(frozen=True, slots=True)
class MatchResult:
    hits: tuple[BankHit, ...]  # in match banks, not suppressed
    suppressed: tuple[BankHit, ...]  # in match banks, but the allow-list covers the image
    allowed_by: tuple[BankHit, ...]  # the allow-list entries that covered it
