"""`childsafe bench media-memory`: the server's resident memory while it screens large images.

Starts `childsafe serve` on a throwaway SQLite database, posts the same large PNG (a smooth
gradient: tiny to send, huge to decode) from several threads at once, and reads the server's
/proc status: VmRSS before, VmHWM (the kernel's peak RSS) after, and VmRSS once idle again.
"""

from __future__ import annotations

import io
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from childsafe.bench.api import server
from childsafe.bench.databases import sqlite_database

SETTLE_SECONDS = 3.0


def large_png(side: int) -> bytes:
    gradient = Image.linear_gradient("L").resize((side, side), Image.Resampling.BILINEAR)
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_90), gradient))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def memory_mib(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, MiB (Linux /proc)."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(value.split()[0]) / 1024
    return fields


def bench(side: int, parallel: int, rounds: int) -> dict[str, Any]:
    image = large_png(side)
    with (
        tempfile.TemporaryDirectory() as folder,
        sqlite_database() as url,
        server(url, Path(folder) / "server.log") as (base, key, pid),
    ):
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=base, headers=headers, timeout=300) as client:
            for account, band in (("mm_sender", "adult"), ("mm_child", "13_15")):
                client.put(f"/v1/accounts/{account}", json={"age_band": band}).raise_for_status()
            # One small image first, so what the first upload loads once is in the baseline.
            statuses = [_post(client, _small_png(), "warmup")]
            time.sleep(SETTLE_SECONDS)
            before = memory_mib(pid)["VmRSS"]
            started = time.perf_counter()
            with ThreadPoolExecutor(parallel) as pool:
                for round_ in range(rounds):
                    ids = [f"mm_{round_}_{i}" for i in range(parallel)]
                    statuses += pool.map(lambda media_id: _post(client, image, media_id), ids)
            seconds = time.perf_counter() - started
            time.sleep(SETTLE_SECONDS)
            after = memory_mib(pid)
    return {
        "image": f"{side}x{side} PNG, {len(image) / 1024:.0f} KiB",
        "uploads": parallel * rounds,
        "parallel": parallel,
        "statuses": sorted(set(statuses)),
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before),
        "peak_rss_mib": round(after["VmHWM"]),
        "rss_after_mib": round(after["VmRSS"]),
    }


def _small_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (40, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def _post(client: httpx.Client, data: bytes, media_id: str) -> int:
    response = client.post(
        "/v1/media",
        data={
            "media_id": media_id,
            "sender_id": "mm_sender",
            "recipient_ids": "mm_child",
            "conversation_id": "mm_conversation",
        },
        files={"file": ("large.png", data, "image/png")},
    )
    return response.status_code
