"""Finding 7: a small file that decodes to a huge image costs bounded memory, then none."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from PIL import Image

from childsafe.api.app import create_app
from childsafe.api.auth import create_api_key
from childsafe.signals.image_hash import MAX_HASH_SIDE, ImageTooLarge, decode_image
from childsafe.signals.nudity import NudityFinding, NudityResult
from childsafe.store.db import Database

# Part of the adversarial suite of issue 11: `pytest -m security` replays it.
pytestmark = pytest.mark.security

SIDE = 7000
# Decodes `path` in a fresh interpreter and prints how much its peak RSS grew, in MiB.
MEASURE = """
import resource, sys
from pathlib import Path
from childsafe.signals.image_hash import decode_image, hash_image

data = Path(sys.argv[1]).read_bytes()
small = Path(sys.argv[2]).read_bytes()
hash_image(small)  # libraries loaded, buffers set up: the baseline
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    decoded = decode_image(data)
    hash_image(data, decoded)
    outcome = f"decoded {decoded.width}x{decoded.height} as {decoded.image.size}"
except ValueError as error:
    outcome = f"refused: {error}"
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print((after - before) / 1024)
print(outcome)
"""


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def huge(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A 7000x7000 gradient as PNG (~100 KiB) and JPEG, and a small image."""
    folder = tmp_path_factory.mktemp("huge")
    gradient = Image.linear_gradient("L").resize((SIDE, SIDE), Image.Resampling.BILINEAR)
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_90), gradient))
    paths = {"png": folder / "huge.png", "jpeg": folder / "huge.jpg", "small": folder / "s.png"}
    paths["png"].write_bytes(encode(image, "PNG"))
    paths["jpeg"].write_bytes(encode(image, "JPEG"))
    paths["small"].write_bytes(encode(Image.new("RGB", (512, 512), (20, 90, 160)), "PNG"))
    return paths


def peak_growth_mib(path: Path, small: Path) -> tuple[float, str]:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), str(small)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    growth, outcome = result.stdout.strip().splitlines()
    return float(growth), outcome


def test_huge_png_is_refused_from_its_header(huge: dict[str, Path]) -> None:
    growth, outcome = peak_growth_mib(huge["png"], huge["small"])
    assert outcome.startswith("refused: image is 7000x7000 (49.0 MP)")
    assert growth < 20, f"peak grew {growth:.0f} MiB"
    with pytest.raises(ImageTooLarge):
        decode_image(huge["png"].read_bytes())


def test_huge_jpeg_is_decoded_scaled_down_under_100_mib(huge: dict[str, Path]) -> None:
    growth, outcome = peak_growth_mib(huge["jpeg"], huge["small"])
    assert outcome == f"decoded {SIDE}x{SIDE} as ({MAX_HASH_SIDE}, {MAX_HASH_SIDE})"
    assert growth < 100, f"peak grew {growth:.0f} MiB"


def test_an_image_within_budget_keeps_its_size_and_is_reduced_for_hashing() -> None:
    decoded = decode_image(encode(Image.new("RGB", (2048, 1536), (200, 40, 40)), "PNG"))
    assert (decoded.width, decoded.height) == (2048, 1536)
    assert decoded.image.size == (1024, 768) and decoded.scale == 2.0
    # The nudity detector saw the reduced image: its boxes are given in the image as sent.
    finding = NudityFinding("MARKER", 0.9, (10, 20, 30, 40), sexual=True)
    scaled = NudityResult(0.9, (finding,), "test").scaled(decoded.scale)
    assert scaled.findings[0].box == (20, 40, 60, 80)


def test_the_api_answers_413_for_a_huge_png(database: Database, huge: dict[str, Path]) -> None:
    with database.session() as session:
        key = create_api_key(session, "budget-tests").key
    with TestClient(create_app(database), headers={"Authorization": f"Bearer {key}"}) as client:
        for account, band in (("b_sender", "adult"), ("b_child", "13_15")):
            client.put(f"/v1/accounts/{account}", json={"age_band": band}).raise_for_status()
        response = client.post(
            "/v1/media",
            data={"sender_id": "b_sender", "recipient_ids": "b_child", "conversation_id": "b1"},
            files={"file": ("huge.png", huge["png"].read_bytes(), "image/png")},
        )
    assert response.status_code == 413
    assert "7000x7000" in response.json()["error"]["message"]
