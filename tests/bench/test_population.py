"""The benchmarks' invented platform: distinct pairs, Zipf activity, refused impossible sizes."""

from __future__ import annotations

from collections import Counter

import pytest

from childsafe.bench.population import Population


def test_conversations_are_distinct_pairs_of_distinct_accounts() -> None:
    population = Population(accounts=9, conversations=36)  # every pair of 9 accounts
    pairs = [frozenset(population.members(c)) for c in range(36)]
    assert all(len(pair) == 2 for pair in pairs)
    assert len(set(pairs)) == 36
    assert len(list(population.connected_pairs())) == 36 - 4  # every tenth unconnected
    with pytest.raises(ValueError, match="need more than 9 accounts"):
        Population(accounts=9, conversations=37)


def test_activity_follows_zipf() -> None:
    draw = Population(accounts=2000, conversations=1000).sampler(seed=1)
    counts = Counter(draw() for _ in range(100_000))
    # P(rank r) = 1 / (r * H(1000)), H(1000) ~ 7.49: the busiest ~13%, the 10th ~1.3%.
    assert counts[0] / 100_000 == pytest.approx(0.1336, rel=0.05)
    assert counts[9] / 100_000 == pytest.approx(0.01336, rel=0.15)
    assert max(counts) < 1000
    uniform = Population(accounts=2000, conversations=1000, zipf_exponent=0).sampler(seed=1)
    assert max(Counter(uniform() for _ in range(100_000)).values()) < 200
