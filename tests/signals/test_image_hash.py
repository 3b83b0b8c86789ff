"""Image hashing: benign samples and their transforms are caught, flips and turns included."""

from __future__ import annotations

import numpy as np
import pytest
from threatexchange.signal_type.pdq.signal import PdqSignal

from childsafe.hashbanks.pdq_index import PdqIndex, hashes_from_hex
from childsafe.signals.image_hash import (
    DIHEDRAL_MATCH_NAMES,
    BrokenImage,
    NotAnImage,
    decode_image,
    hash_image,
)
from tests.helpers.images import SAMPLES, TRANSFORMS, encode, sample


@pytest.fixture(scope="module")
def bank() -> PdqIndex:
    return PdqIndex(hashes_from_hex(hash_image(encode(sample(n))).pdq for n in SAMPLES))


def test_pdq_equals_threatexchange() -> None:
    raw = encode(sample("astronaut"))
    hashes = hash_image(raw)
    assert hashes.pdq == PdqSignal.hash_from_bytes(raw)
    assert hashes.pdq_dihedral[0] == hashes.pdq
    assert len(set(hashes.pdq_dihedral)) == 8


@pytest.mark.parametrize("transform", sorted(TRANSFORMS))
def test_every_transform_of_every_sample_is_caught(bank: PdqIndex, transform: str) -> None:
    for row, name in enumerate(SAMPLES):
        copy = encode(TRANSFORMS[transform](sample(name)))
        hits = bank.search(hashes_from_hex(hash_image(copy).pdq_dihedral))
        assert list(hits.rows) == [row], (name, transform, hits)


def test_plain_pdq_misses_flips_that_dihedral_matching_catches(bank: PdqIndex) -> None:
    flipped = TRANSFORMS["flip_horizontal"](sample("chelsea"))
    hashes = hash_image(encode(flipped))
    assert len(bank.search(hashes_from_hex([hashes.pdq]))) == 0
    hits = bank.search(hashes_from_hex(hashes.pdq_dihedral))
    assert DIHEDRAL_MATCH_NAMES[hits.queries[0]] == "flipped_horizontally"


@pytest.mark.parametrize(
    ("transform", "name"),
    [
        ("rotate_90", "rotated_90"),
        ("rotate_270", "rotated_270"),
        ("rotate_180", "rotated_180"),
        ("flip_vertical", "flipped_vertically"),
    ],
)
def test_the_transform_is_named(bank: PdqIndex, transform: str, name: str) -> None:
    copy = hash_image(encode(TRANSFORMS[transform](sample("coffee"))))
    hits = bank.search(hashes_from_hex(copy.pdq_dihedral))
    assert DIHEDRAL_MATCH_NAMES[hits.queries[0]] == name


def test_unrelated_benign_images_do_not_match(bank: PdqIndex) -> None:
    rng = np.random.default_rng(0)
    noise = rng.integers(0, 256, (256, 256, 3), dtype=np.uint8)
    gradient = np.tile(np.linspace(0, 255, 256, dtype=np.uint8), (256, 1))
    for pixels in (noise, np.stack([gradient] * 3, axis=-1)):
        from PIL import Image

        copy = hash_image(encode(Image.fromarray(pixels)))
        assert len(bank.search(hashes_from_hex(copy.pdq_dihedral))) == 0


def test_non_images_and_damaged_images_are_refused() -> None:
    with pytest.raises(NotAnImage):
        decode_image(b"%PDF-1.4 not an image")
    with pytest.raises(BrokenImage):
        decode_image(encode(sample("astronaut"), "JPEG")[:300])
