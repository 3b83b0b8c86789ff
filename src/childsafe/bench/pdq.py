"""PDQ hashing and matching, measured (`childsafe bench pdq`), in one run on one CPU core:
- hashing: 512 px images/s (PDQ with its 8 dihedral variants, from pixels and from JPEG bytes);
- matching, per bank size: our index and python-threatexchange's PDQ index (`PdqSignal`'s
  default, faiss multi-index hashing) on the same random bank with planted near-duplicates
  (distance 0..31) and the same queries: recall, ms/query (median, p99), queries/s, and the
  process's resident memory after building (each engine runs in a fresh process, so one's
  memory never counts against the other).
Queries are timed one at a time, as the media path makes them. A "dihedral" query is 8 hashes
(for an image: its 8 flips/turns); threatexchange has no such query, so it gets 8 lookups.
"""

from __future__ import annotations

import io
import multiprocessing
import queue
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

from childsafe.bench.one_core import pin_to_one_core

QUERIES = 1000
DIHEDRAL = 8
SEED = 20261123


def _memory_mb() -> dict[str, float]:
    """Resident memory now and at its peak (VmHWM), in MB, from /proc."""
    fields: dict[str, float] = {}
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["VmRSS"], 1), "peak_rss_mb": round(fields["VmHWM"], 1)}


# -- hashing ----------------------------------------------------------------------------------


def _benign_images(count: int) -> list[np.ndarray]:
    from PIL import Image, ImageEnhance
    from skimage import data

    names = ("astronaut", "chelsea", "coffee", "rocket", "camera", "coins", "moon")
    images = []
    for i in range(count):
        pixels = getattr(data, names[i % len(names)])()
        if pixels.ndim == 2:
            pixels = np.stack([pixels] * 3, axis=-1)
        image = Image.fromarray(np.ascontiguousarray(pixels[..., :3])).resize((512, 512))
        image = ImageEnhance.Brightness(image).enhance(0.8 + 0.4 * (i / max(count, 1)))
        images.append(np.ascontiguousarray(np.asarray(image.convert("RGB"))))
    return images


def bench_hashing(count: int) -> dict[str, float]:
    from PIL import Image

    from childsafe.signals.image_hash import hash_image, pdq_dihedral

    pixels = _benign_images(count)
    pil_images = [Image.fromarray(p) for p in pixels]
    jpegs = []
    for image in pil_images:
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        jpegs.append(buffer.getvalue())
    pdq_dihedral(pil_images[0])  # warm up
    start = time.perf_counter()
    for image in pil_images:
        pdq_dihedral(image)
    from_pixels = count / (time.perf_counter() - start)
    start = time.perf_counter()
    for raw in jpegs:
        hash_image(raw)
    from_jpeg = count / (time.perf_counter() - start)
    return {"pdq_images_per_s": round(from_pixels, 1), "jpeg_images_per_s": round(from_jpeg, 1)}


# -- the bank and the queries -----------------------------------------------------------------


def make_bank(size: int, queries: int, directory: Path) -> None:
    """A random bank and near-duplicate queries of planted rows, saved for the workers."""
    rng = np.random.default_rng(SEED + size)
    bank = rng.integers(0, 256, (size, 32), dtype=np.uint8)
    planted = rng.choice(size, queries, replace=False)
    bits = np.unpackbits(bank[planted], axis=1)
    for row, distance in enumerate(rng.integers(0, 32, queries)):
        bits[row, rng.choice(256, int(distance), replace=False)] ^= 1
    near = np.packbits(bits, axis=1)
    # The other 7 hashes of a dihedral query: for a real image they are ~128 bits from
    # everything, which random hashes model.
    others = rng.integers(0, 256, (queries, DIHEDRAL - 1, 32), dtype=np.uint8)
    np.save(directory / "bank.npy", bank)
    np.save(directory / "planted.npy", planted)
    np.save(directory / "dihedral.npy", np.concatenate([near[:, None, :], others], axis=1))


def _timed(calls: list[Callable[[], Any]]) -> tuple[list[Any], list[float]]:
    results, seconds = [], []
    for call in calls:
        start = time.perf_counter()
        results.append(call())
        seconds.append(time.perf_counter() - start)
    return results, seconds


def _each(call: Callable[[str], Any], hashes: list[str]) -> list[Any]:
    return [call(h) for h in hashes]


def _figures(seconds: list[float], found: list[bool]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "recall": round(sum(found) / len(found), 4),
        "ms_median": round(statistics.median(ordered) * 1000, 4),
        "ms_p99": round(ordered[int(0.99 * (len(ordered) - 1))] * 1000, 4),
        "queries_per_s": round(len(seconds) / sum(seconds), 1),
    }


def ours_worker(directory: str, results: Any) -> None:
    from childsafe.hashbanks.pdq_index import PdqIndex

    pin_to_one_core()
    folder = Path(directory)
    baseline = _memory_mb()["rss_mb"]
    bank = np.load(folder / "bank.npy")
    planted = np.load(folder / "planted.npy")
    dihedral = np.load(folder / "dihedral.npy")
    start = time.perf_counter()
    index = PdqIndex(bank, 31)
    build = time.perf_counter() - start
    memory = _memory_mb()
    index.search(dihedral[0])  # warm up
    single, seconds = _timed([partial(index.search, q[:1]) for q in dihedral])
    plain = _figures(seconds, [p in h.rows for p, h in zip(planted, single, strict=True)])
    eight, seconds = _timed([partial(index.search, q) for q in dihedral])
    both = _figures(seconds, [p in h.rows for p, h in zip(planted, eight, strict=True)])
    results.put(
        {
            "engine": "childsafe",
            "layout": str(index.layout),
            "build_s": round(build, 1),
            "baseline_rss_mb": baseline,
            **memory,
            "single": plain,
            "dihedral": both,
        }
    )


def threatexchange_worker(directory: str, results: Any, memory_gb: float) -> None:
    import resource

    import faiss
    from threatexchange.signal_type.pdq.signal import PdqSignal

    pin_to_one_core()
    faiss.omp_set_num_threads(1)
    cap = int(memory_gb * 1024**3)
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
    try:
        results.put(_threatexchange_figures(Path(directory), PdqSignal))
    except (MemoryError, RuntimeError) as error:
        results.put({"error": f"not built within {memory_gb:g} GB: {error}"[:200]})


def _threatexchange_figures(folder: Path, signal: Any) -> dict[str, Any]:
    baseline = _memory_mb()["rss_mb"]
    bank = np.load(folder / "bank.npy")
    planted = np.load(folder / "planted.npy")
    dihedral = np.load(folder / "dihedral.npy")
    entries = [(bytes(row).hex(), row_id) for row_id, row in enumerate(bank)]
    del bank
    start = time.perf_counter()
    index = signal.get_index_cls().build(entries)
    build = time.perf_counter() - start
    del entries
    memory = _memory_mb()
    queries = [[bytes(h).hex() for h in group] for group in dihedral]
    index.query(queries[0][0])  # warm up
    single, seconds = _timed([partial(index.query, q[0]) for q in queries])
    found = [any(m.metadata == p for m in hits) for p, hits in zip(planted, single, strict=True)]
    plain = _figures(seconds, found)
    eight, seconds = _timed([partial(_each, index.query, q) for q in queries])
    found = [
        any(m.metadata == p for hits in group for m in hits)
        for p, group in zip(planted, eight, strict=True)
    ]
    return {
        "engine": "threatexchange",
        "index": type(index).__name__,
        "build_s": round(build, 1),
        "baseline_rss_mb": baseline,
        **memory,
        "single": plain,
        "dihedral": _figures(seconds, found),
    }


def _in_fresh_process(target: Callable[..., None], *args: Any) -> dict[str, Any]:
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    process = context.Process(target=target, args=(*args[:1], results, *args[1:]))
    process.start()
    result: dict[str, Any] | None = None
    while result is None and process.is_alive():
        try:
            result = results.get(timeout=1.0)
        except queue.Empty:
            continue
    if result is None:  # it died without answering (killed, out of memory, crashed)
        try:
            result = results.get(timeout=1.0)
        except queue.Empty:
            result = {"error": f"worker died with exit code {process.exitcode}"}
    process.join()
    return result


def bench_matching(
    size: int, queries: int, threatexchange_max: int, threatexchange_memory_gb: float
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Our index's figures and threatexchange's on one bank of `size` (each from its own
    process; threatexchange's says why when it was not built)."""
    with tempfile.TemporaryDirectory(prefix="childsafe-bench-pdq-") as directory:
        make_bank(size, queries, Path(directory))
        ours = _in_fresh_process(ours_worker, directory)
        if size <= threatexchange_max:
            theirs = _in_fresh_process(threatexchange_worker, directory, threatexchange_memory_gb)
        else:
            theirs = {
                "error": f"not built: bank larger than --threatexchange-max {threatexchange_max}"
            }
    return ours, theirs
