"""Video hashing and matching, measured (`childsafe bench video`) on one core:
- speed: a 30 s 720p H.264 clip decoded, vPDQ-hashed (one frame a second, with flips) and
  matched against the bank, as `POST /v1/media` does: videos/s and seconds per video;
- recall: copies of known videos (re-encoded to WebM/VP8, trimmed by a second, rescaled to
  half size, mirrored) matched against a bank of N videos at vpdq's default thresholds
  (frame distance 31, quality 50, both match shares 80%). The known videos are real encoded
  clips; the bank's other N - known entries are synthetic (random frame hashes, 10 to 60
  frames each), which is honest for recall and speed (they cost the index as real entries do)
  but says nothing about false matches between real videos;
- side by side, where the `vpdq` package is installed: Meta's vpdq hasher on the same clips
  (its frame hashes against ours) and python-threatexchange's vPDQ index on the same bank.

Every clip is built here from scikit-image's sample photos (benign), never from real uploads.
"""

from __future__ import annotations

import io
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import av
import numpy as np
from PIL import Image

from childsafe.hashbanks.hash_kinds.vpdq import VpdqFrame, signal_string
from childsafe.hashbanks.pdq_index import hash_to_hex
from childsafe.hashbanks.vpdq_index import VideoHashes, VpdqIndex
from childsafe.media.video import decode_video, sniff_video

SEED = 20261201
SAMPLES = (
    "astronaut",
    "chelsea",
    "coffee",
    "rocket",
    "camera",
    "coins",
    "moon",
    "hubble_deep_field",
)


def scenes(count: int, size: tuple[int, int], seed: int = SEED) -> list[Image.Image]:
    """`count` benign pictures: random crops of scikit-image's sample photos, at `size`."""
    from skimage import data

    rng = np.random.default_rng(seed)
    photos = []
    for name in SAMPLES:
        pixels = getattr(data, name)()
        if pixels.ndim == 2:
            pixels = np.stack([pixels] * 3, axis=-1)
        photos.append(Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert("RGB"))
    pictures = []
    for _ in range(count):
        photo = photos[int(rng.integers(len(photos)))]
        side = int(min(photo.size) * rng.uniform(0.6, 1.0))
        left = int(rng.integers(0, photo.width - side + 1))
        top = int(rng.integers(0, photo.height - side + 1))
        pictures.append(photo.crop((left, top, left + side, top + side)).resize(size))
    return pictures


def encode_video(
    pictures: Sequence[Image.Image],
    fps: int,
    seconds_each: float = 1.0,
    container: str = "mp4",
    codec: str = "libx264",
) -> bytes:
    """A slideshow: each picture shown `seconds_each`, slowly zooming, encoded with PyAV."""
    buffer = io.BytesIO()
    width, height = pictures[0].size
    with av.open(buffer, mode="w", format=container) as output:
        stream = output.add_stream(codec, rate=fps)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height = width - width % 2, height - height % 2
        stream.pix_fmt = "yuv420p"
        if codec == "libx264":
            stream.options = {"preset": "ultrafast", "crf": "23"}
        per_picture = max(1, round(fps * seconds_each))
        for picture in pictures:
            for i in range(per_picture):
                inset = i * 2  # a slow zoom, so consecutive frames are not identical
                zoomed = picture.crop((inset, inset, width - inset, height - inset))
                frame = av.VideoFrame.from_image(zoomed.resize((stream.width, stream.height)))
                output.mux(stream.encode(frame))
        output.mux(stream.encode(None))
    return buffer.getvalue()


def _reencoded(pictures: Sequence[Image.Image], fps: int) -> bytes:
    return encode_video(pictures, fps, container="webm", codec="libvpx")


def _trimmed(pictures: Sequence[Image.Image], fps: int) -> bytes:
    return encode_video(pictures[1:], fps)


def _rescaled(pictures: Sequence[Image.Image], fps: int) -> bytes:
    return encode_video([p.resize((p.width // 2, p.height // 2)) for p in pictures], fps)


def _mirrored(pictures: Sequence[Image.Image], fps: int) -> bytes:
    return encode_video([p.transpose(Image.Transpose.FLIP_LEFT_RIGHT) for p in pictures], fps)


COPIES: dict[str, Callable[[Sequence[Image.Image], int], bytes]] = {
    "reencoded_webm": _reencoded,
    "trimmed_1s": _trimmed,
    "rescaled_half": _rescaled,
    "mirrored": _mirrored,
}


def video_hashes(data: bytes) -> VideoHashes:
    container = sniff_video(data)
    assert container is not None, "not a video we recognise"
    return decode_video(data, container).hashes


def random_videos(count: int, seed: int = SEED) -> list[tuple[VpdqFrame, ...]]:
    """Synthetic bank entries: 10 to 60 random frame hashes each, quality 100."""
    rng = np.random.default_rng(seed)
    lengths = rng.integers(10, 61, size=count)
    raw = rng.integers(0, 256, size=(int(lengths.sum()), 32), dtype=np.uint8)
    videos, start = [], 0
    for length in lengths.tolist():
        videos.append(
            tuple(VpdqFrame(hash_to_hex(raw[start + i]), 100, float(i)) for i in range(length))
        )
        start += length
    return videos


def bench_speed(seconds: int, size: tuple[int, int], fps: int, index: VpdqIndex) -> dict[str, Any]:
    clip = encode_video(scenes(seconds, size, SEED + 1), fps)
    video_hashes(clip)  # warm up
    start = time.perf_counter()
    hashes = video_hashes(clip)
    hashed = time.perf_counter() - start
    start = time.perf_counter()
    index.search(hashes)
    matched = time.perf_counter() - start
    figures: dict[str, Any] = {
        "clip": f"{seconds} s {size[0]}x{size[1]} {fps} fps H.264 ({len(clip) / 1e6:.1f} MB)",
        "frames_hashed": len(hashes.frames),
        "hash_s": round(hashed, 3),
        "match_s": round(matched, 4),
        "videos_per_s": round(1 / (hashed + matched), 2),
    }
    figures["vpdq"] = _vpdq_side_by_side(clip, hashes)
    return figures


def _vpdq_side_by_side(clip: bytes, ours: VideoHashes) -> dict[str, Any]:
    """Meta's vpdq on the same clip: its speed, and how far its frame hashes are from ours."""
    try:
        import vpdq
    except ImportError:
        return {"error": "the vpdq package is not installed (make test installs it)"}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "clip.mp4"
        path.write_bytes(clip)
        start = time.perf_counter()
        theirs = vpdq.computeHash(str(path), seconds_per_hash=1.0)
        elapsed = time.perf_counter() - start
    by_second = {round(f.timestamp): f.hex for f in theirs}
    distances = [
        bin(int(frame.pdq, 16) ^ int(by_second[round(frame.timestamp)], 16)).count("1")
        for frame in ours.frames
        if round(frame.timestamp) in by_second
    ]
    return {
        "hash_s": round(elapsed, 3),
        "frames": len(theirs),
        "median_frame_distance_to_ours": float(np.median(distances)) if distances else None,
        "max_frame_distance_to_ours": max(distances) if distances else None,
    }


def bench_recall(
    bank_size: int, known: int, seconds: int, fps: int, threatexchange_max: int
) -> tuple[dict[str, Any], VpdqIndex]:
    """Recall figures, and the bank's index (the speed figure matches against it).
    threatexchange's index gets the bank's first `threatexchange_max` videos (the known ones
    come first): its Python objects per frame would not fit 100,000 videos in a few GB."""
    originals = [scenes(seconds, (320, 240), SEED + 100 + i) for i in range(known)]
    known_frames = [video_hashes(encode_video(p, fps)).frames for p in originals]
    bank = known_frames + random_videos(max(0, bank_size - known))
    start = time.perf_counter()
    index = VpdqIndex(bank)
    built = time.perf_counter() - start
    copies = {
        name: [video_hashes(make(p, fps)) for p in originals] for name, make in COPIES.items()
    }
    ours: dict[str, Any] = {"build_s": round(built, 2)}
    for name, queries in copies.items():
        start = time.perf_counter()
        found = [any(m.row == i for m in index.search(q)) for i, q in enumerate(queries)]
        ours[name] = {
            "recall": sum(found) / len(found),
            "ms_per_query": round(1000 * (time.perf_counter() - start) / len(queries), 2),
        }
    figures = {
        "bank_videos": len(bank),
        "bank_frames": sum(len(v) for v in bank),
        "known_videos": known,
        "childsafe": ours,
        "threatexchange": _threatexchange_recall(bank[:threatexchange_max], copies),
    }
    return figures, index


def _threatexchange_recall(
    bank: list[tuple[VpdqFrame, ...]], copies: dict[str, list[VideoHashes]]
) -> dict[str, Any]:
    """python-threatexchange's VPDQIndex (faiss) on the same bank and queries. It has no flip
    search and needs only the query share by default; we ask for both shares, as we do."""
    try:
        from threatexchange.extensions.vpdq.vpdq_index import VPDQIndex
    except ImportError:
        return {"error": "python-threatexchange's vPDQ extension needs the vpdq package"}
    start = time.perf_counter()
    index = VPDQIndex.build(
        ((signal_string(frames), row) for row, frames in enumerate(bank)),
        index_match_threshold_pct=80.0,
    )
    figures: dict[str, Any] = {
        "bank_videos": len(bank),
        "build_s": round(time.perf_counter() - start, 2),
    }
    for name, queries in copies.items():
        start = time.perf_counter()
        found = [
            any(match.metadata == i for match in index.query(signal_string(q.frames)))
            for i, q in enumerate(queries)
        ]
        figures[name] = {
            "recall": sum(found) / len(found),
            "ms_per_query": round(1000 * (time.perf_counter() - start) / len(queries), 2),
        }
    return figures
