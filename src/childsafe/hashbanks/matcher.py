"""Match an image's or a video's hashes against every enabled bank, then apply the allow-list.

A `HashMatcher` is an in-memory snapshot of the enabled banks (one PDQ index per bank, since
thresholds are per bank, one exact index per bank and digest kind, one vPDQ index per bank of
videos). `MatcherCache` keeps one per process and rebuilds it when the banks change. A video is
matched by its bytes' digests, by vPDQ against banked videos, and by its frames' PDQ against
banked images (one hit per banked image, at its closest frame).
"""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.hashbanks.allowlist import split_allowed
from childsafe.hashbanks.banks import BankKind, banks_revision
from childsafe.hashbanks.exact_index import ExactIndex
from childsafe.hashbanks.hash_kinds.vpdq import parse_frames
from childsafe.hashbanks.hits import BankHit, MatchResult
from childsafe.hashbanks.pdq_index import PdqIndex, hashes_from_hex
from childsafe.hashbanks.signal_types import HashKind
from childsafe.hashbanks.vpdq_index import DIHEDRAL, VideoHashes, VpdqIndex
from childsafe.signals.image_hash import DIHEDRAL_MATCH_NAMES, ImageHashes
from childsafe.store.db import Database
from childsafe.store.tables.hashbanks import HashBank, HashEntry

MediaHashes = ImageHashes | VideoHashes
# The kinds matched by equal digests (every kind but PDQ and vPDQ) and how.
EXACT_KINDS = tuple((k, k.spec.exact) for k in HashKind if k.spec.exact is not None)


@dataclass(slots=True)
class _BankIndex:
    bank: HashBank
    pdq: PdqIndex | None = None
    pdq_entries: list[tuple[int, str, str | None]] = field(default_factory=list)
    exact: dict[HashKind, tuple[ExactIndex, list[tuple[int, str, str | None]]]] = field(
        default_factory=dict
    )
    vpdq: VpdqIndex | None = None
    vpdq_entries: list[tuple[int, str, str | None]] = field(default_factory=list)

    def search(self, hashes: MediaHashes) -> list[BankHit]:
        found: list[BankHit] = []
        if self.pdq is not None:
            hits = self.pdq.search(hashes_from_hex(hashes.pdq_dihedral))
            for row, query, distance in zip(hits.rows, hits.queries, hits.distances, strict=True):
                entry_id, value, label = self.pdq_entries[row]
                found.append(
                    self._hit(
                        HashKind.PDQ,
                        entry_id,
                        value,
                        label,
                        int(distance),
                        DIHEDRAL_MATCH_NAMES[query % DIHEDRAL],
                    )
                )
        if self.vpdq is not None and isinstance(hashes, VideoHashes):
            for match in self.vpdq.search(hashes):
                entry_id, value, label = self.vpdq_entries[match.row]
                hit = self._hit(
                    HashKind.VPDQ,
                    entry_id,
                    value,
                    label,
                    match.distance,
                    DIHEDRAL_MATCH_NAMES[match.variant],
                )
                found.append(hit.with_shares(match.query_percent, match.compared_percent))
        for kind, exact in EXACT_KINDS:
            if kind in self.exact:
                index, entries = self.exact[kind]
                for row in index.lookup(exact.of_image(hashes)):
                    entry_id, value, label = entries[row]
                    found.append(self._hit(kind, entry_id, value, label, 0, "none"))
        return found

    def _hit(
        self,
        kind: HashKind,
        entry_id: int,
        value: str,
        label: str | None,
        distance: int,
        transform: str,
    ) -> BankHit:
        return BankHit(
            self.bank.id,
            self.bank.name,
            self.bank.kind,
            entry_id,
            kind.value,
            value,
            label,
            distance,
            transform,
        )


def _load_bank(session: Session, bank: HashBank) -> _BankIndex:
    rows: dict[str, list[tuple[int, str, str | None]]] = defaultdict(list)
    videos = []
    query = (
        select(HashEntry.kind, HashEntry.id, HashEntry.value, HashEntry.label, HashEntry.frames)
        .where(HashEntry.bank_id == bank.id)
        .order_by(HashEntry.id)
    )
    for kind, entry_id, value, label, frames in session.execute(query):
        rows[kind].append((entry_id, value, label))
        if kind == HashKind.VPDQ.value:
            videos.append(parse_frames(str(frames)))
    index = _BankIndex(bank)
    pdq_rows = rows.get(HashKind.PDQ.value, [])
    if pdq_rows:
        index.pdq_entries = pdq_rows
        index.pdq = PdqIndex(hashes_from_hex(v for _, v, _ in pdq_rows), bank.pdq_threshold)
    if videos:
        index.vpdq_entries = rows[HashKind.VPDQ.value]
        index.vpdq = VpdqIndex(videos)
    for kind, exact in EXACT_KINDS:
        digest_rows = rows.get(kind.value, [])
        if digest_rows:
            digests = ExactIndex((v for _, v, _ in digest_rows), exact.digest_bytes)
            index.exact[kind] = (digests, digest_rows)
    return index


class HashMatcher:
    def __init__(self, banks: list[_BankIndex]) -> None:
        self._banks = banks

    @classmethod
    def load(cls, session: Session, previous: HashMatcher | None = None) -> HashMatcher:
        """Snapshot the enabled banks (disabled banks are never matched).

        Banks unchanged since `previous` was loaded are reused, so allow-listing one image
        does not rebuild a 10M-hash bank's index.
        """
        reusable = {i.bank.id: i for i in previous._banks} if previous else {}
        indexes = []
        for bank in session.scalars(select(HashBank).where(HashBank.enabled)):
            old = reusable.get(bank.id)
            if old is not None and old.bank.updated_at == bank.updated_at:
                indexes.append(old)
            else:
                indexes.append(_load_bank(session, bank))
        return cls(indexes)

    def match(self, hashes: MediaHashes) -> MatchResult:
        hits: list[BankHit] = []
        allow_hits: list[BankHit] = []
        for index in self._banks:
            found = index.search(hashes)
            (allow_hits if index.bank.kind == BankKind.ALLOW else hits).extend(found)
        hits.sort(key=lambda h: (h.distance, h.bank_name, h.entry_id))
        kept, suppressed = split_allowed(hits, allow_hits)
        return MatchResult(tuple(kept), tuple(suppressed), tuple(allow_hits))


class MatcherCache:
    """One matcher per process, rebuilt when the banks' revision changes (checked per call)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revision: tuple[int, str] | None = None
        self._matcher = HashMatcher([])

    def get(self, database: Database) -> HashMatcher:
        with database.session() as session:
            revision = banks_revision(session)
            if revision == self._revision:
                return self._matcher
            with self._lock:
                if revision != self._revision:
                    self._matcher = HashMatcher.load(session, self._matcher)
                    self._revision = revision
                return self._matcher
