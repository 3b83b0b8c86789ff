"""The benchmarks' invented platform: N accounts, M two-person conversations among them, and
activity spread over the conversations by Zipf's law (a few busy, a long tail of quiet ones).

Everything is a function of the numbers, so the load process and the setup agree without
passing a million conversations around. Setup goes through the bulk import path
(childsafe.accounts.bulk), which makes 1,000,000 conversations in minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
from sqlalchemy.orm import Session

from childsafe.accounts import (
    AccountRecord,
    ItemResult,
    ItemStatus,
    connect_accounts,
    register_accounts,
    write_in_chunks,
)
from childsafe.model import AgeBand
from childsafe.store.db import Database
from childsafe.store.tables.service import Account, Connection

Record = TypeVar("Record")

# Every fourth account an adult, then one 16-17, two 13-15 (adults meet children).
BANDS = (AgeBand.ADULT, AgeBand.AGE_16_17, AgeBand.AGE_13_15, AgeBand.AGE_13_15)
# Every tenth conversation's pair is not connected, so the contact gate holds or asks.
UNCONNECTED_EVERY = 10
# Conversation indices drawn per numpy call in the load process.
DRAW_BLOCK = 65_536


@dataclass(frozen=True, slots=True)
class Population:
    accounts: int
    conversations: int
    zipf_exponent: float = 1.0  # 0: every conversation equally busy

    def __post_init__(self) -> None:
        # Conversation c pairs account c % N with the one (1 + c // N) places further on; the
        # pairs stay distinct while that distance is under half the accounts.
        if self.accounts < 2 or self.conversations > self.accounts * ((self.accounts - 1) // 2):
            raise ValueError(
                f"{self.conversations} conversations need more than {self.accounts} accounts "
                "(at most accounts x (accounts - 1) / 2 distinct pairs)"
            )

    @staticmethod
    def account(index: int) -> str:
        return f"u{index}"

    @staticmethod
    def conversation(index: int) -> str:
        return f"conv{index}"

    def members(self, conversation: int) -> tuple[str, str]:
        first = conversation % self.accounts
        second = (first + 1 + conversation // self.accounts) % self.accounts
        return self.account(first), self.account(second)

    def account_records(self) -> Iterator[AccountRecord]:
        for index in range(self.accounts):
            yield AccountRecord(self.account(index), BANDS[index % len(BANDS)])

    def connected_pairs(self) -> Iterator[tuple[str, str]]:
        for conversation in range(self.conversations):
            if conversation % UNCONNECTED_EVERY:
                yield self.members(conversation)

    def sampler(self, seed: int) -> Callable[[], int]:
        """A function drawing conversation indices, conversation 0 the busiest (P(rank r) is
        proportional to 1 / r ** zipf_exponent)."""
        weights = 1.0 / np.arange(1, self.conversations + 1, dtype=np.float64) ** (
            self.zipf_exponent
        )
        cumulative = np.cumsum(weights)
        cumulative /= cumulative[-1]
        generator = np.random.default_rng(seed)
        drawn: list[int] = []

        def draw() -> int:
            if not drawn:
                block = np.searchsorted(cumulative, generator.random(DRAW_BLOCK), side="right")
                drawn.extend(np.minimum(block, self.conversations - 1).tolist())
            return drawn.pop()

        return draw


def populate(database: Database, population: Population) -> dict[str, int]:
    """The population's accounts and connections, bulk-imported as `childsafe import` does
    (statistics refreshed after); rows per second of each."""
    rates = {
        "accounts_per_s": _imported(database, population.account_records(), register_accounts),
        "connections_per_s": _imported(database, population.connected_pairs(), connect_accounts),
    }
    database.refresh_statistics(Account.__tablename__, Connection.__tablename__)
    return rates


def _imported(
    database: Database,
    records: Iterable[Record],
    write: Callable[[Session, Sequence[Record]], list[ItemResult]],
) -> int:
    started = time.perf_counter()
    done = 0
    for _, result in write_in_chunks(database, enumerate(records), write):
        if result.status is ItemStatus.ERROR:
            raise RuntimeError(f"bench population: {result.error}")
        done += 1
    return round(done / (time.perf_counter() - started))
