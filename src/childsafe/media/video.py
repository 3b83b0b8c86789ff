"""Posted videos: recognise MP4/MOV/WebM, decode within bounds (PyAV), hash one frame a second.

Each sampled frame gets its PDQ hash and 8 dihedral variants (pdqhash, as images do) and PDQ's
quality: the vPDQ frames of the video (vpdq samples one frame a second and hashes it with PDQ
the same way) plus the flips and turns that catch a mirrored copy. A few sampled frames, made
small, are kept for the nudity detector.

Hostile files are refused before they cost much: only the MP4/MOV and Matroska/WebM demuxers
and a short list of video decoders are used, a stream's resolution is checked from its header
and again on every decoded frame, decoding stops at the configured duration, at a frame count
and at a wall-clock deadline, and a single decoder thread is used.
"""

from __future__ import annotations

import io
import os
import time
from dataclasses import dataclass

import av
from PIL import Image
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.sha256 import VideoSHA256Signal

from childsafe.hashbanks.hash_kinds.vpdq import VpdqFrame
from childsafe.hashbanks.vpdq_index import VideoHashes
from childsafe.signals.image_hash import BrokenImage, ImageTooLarge, NotAnImage, pdq_dihedral

MAX_BYTES_ENV = "CHILDSAFE_MAX_VIDEO_BYTES"
MAX_SECONDS_ENV = "CHILDSAFE_MAX_VIDEO_SECONDS"
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_SECONDS = 180
# 4K UHD (3840x2160) at most: a larger frame is a decompression bomb, not a phone video.
MAX_FRAME_PIXELS = 3840 * 2160
MAX_FRAME_SIDE = 8192
# Frames decoded at most per second of video allowed (a 1,000 fps claim is refused), and the
# wall-clock budget for one video's decode.
MAX_FRAMES_PER_SECOND = 120
DECODE_SECONDS = 30.0
SECONDS_PER_HASH = 1.0
# Frames are hashed at this size (PDQ reduces to 64x64 itself; swscale is cheap). Small frames
# are enlarged to it: under ~200 px pdqhash's flipped hashes drift 50-70 bits from the hash of
# the flipped frame, and a mirrored copy would go unmatched.
HASH_SIDE = 512
NUDITY_SIDE = 320
NUDITY_FRAMES = 8

# Container: what the first bytes say, and the demuxer we let open it.
CONTAINERS = {"mp4": ("video/mp4", "mov,mp4,m4a,3gp,3g2,mj2"), "webm": ("video/webm", "matroska")}
DECODERS = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "libvpx", "libvpx-vp9"})


class NotAVideo(NotAnImage):
    """Bytes that look like a video container but hold no video we decode (HTTP 415)."""


class BrokenVideo(BrokenImage):
    """A video that does not decode, or is hostile (absurd size or frame count) (HTTP 422)."""


class VideoTooLarge(ImageTooLarge):
    """Longer or larger than the configured limits (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class DecodedVideo:
    content_type: str
    width: int
    height: int
    duration: float  # seconds decoded
    hashes: VideoHashes
    nudity_frames: tuple[Image.Image, ...]  # a few sampled frames, NUDITY_SIDE at most

    @property
    def nudity_scale(self) -> float:
        return self.width / self.nudity_frames[0].width if self.nudity_frames else 1.0


def _limit(env: str, default: int) -> int:
    raw = os.environ.get(env)
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{env} must be a whole number, got {raw!r}") from None
    if value <= 0:
        raise ValueError(f"{env} must be positive")
    return value


def max_video_bytes() -> int:
    return _limit(MAX_BYTES_ENV, DEFAULT_MAX_BYTES)


def max_video_seconds() -> int:
    return _limit(MAX_SECONDS_ENV, DEFAULT_MAX_SECONDS)


def sniff_video(data: bytes) -> str | None:
    """ "mp4" (MP4 or QuickTime MOV: an ISO box header) or "webm" (EBML), else None."""
    if len(data) >= 12 and data[4:8] in (b"ftyp", b"moov", b"mdat", b"wide", b"free"):
        return "mp4"
    if data[:4] == b"\x1a\x45\xdf\xa3":
        return "webm"
    return None


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0:
        raise BrokenVideo("the video stream has no picture size")
    if width > MAX_FRAME_SIDE or height > MAX_FRAME_SIDE or width * height > MAX_FRAME_PIXELS:
        raise BrokenVideo(
            f"video frames are {width}x{height}: larger than {MAX_FRAME_PIXELS} pixels (4K UHD)"
        )


def _fitted(frame: av.VideoFrame, side: int, enlarge: bool = False) -> Image.Image:
    scale = side / max(frame.width, frame.height)
    scale = scale if enlarge else min(1.0, scale)
    width, height = max(1, round(frame.width * scale)), max(1, round(frame.height * scale))
    return frame.to_image(width=width, height=height)  # RGB via swscale, already small


def decode_video(data: bytes, container: str) -> DecodedVideo:
    """Decode and hash a video (`container` from `sniff_video`), refusing what is over the
    limits or hostile; raises NotAVideo (415), VideoTooLarge (413) or BrokenVideo (422)."""
    max_seconds = max_video_seconds()
    if len(data) > max_video_bytes():
        raise VideoTooLarge(f"video larger than {max_video_bytes()} bytes")
    content_type, demuxer = CONTAINERS[container]
    deadline = time.monotonic() + DECODE_SECONDS
    frames: list[VpdqFrame] = []
    dihedral: list[tuple[str, ...]] = []
    pictures: list[Image.Image] = []
    try:
        with av.open(
            io.BytesIO(data), mode="r", format=demuxer, options={"probesize": "5000000"}
        ) as box:
            if not box.streams.video:
                raise NotAVideo("the file holds no video stream")
            stream = box.streams.video[0]
            codec = stream.codec_context
            if codec.name not in DECODERS:
                accepted = ", ".join(sorted(DECODERS))
                raise NotAVideo(f"video codec {codec.name!r} is not accepted ({accepted})")
            _check_size(codec.width, codec.height)
            if box.duration is not None and box.duration / av.time_base > max_seconds + 1:
                raise VideoTooLarge(f"video longer than {max_seconds} seconds")
            codec.thread_count = 1
            width, height = codec.width, codec.height
            next_sample = 0.0
            decoded = 0
            seconds = 0.0
            for frame in box.decode(stream):
                decoded += 1
                seconds = float(frame.time or 0.0)
                if seconds > max_seconds:
                    raise VideoTooLarge(f"video longer than {max_seconds} seconds")
                if decoded > MAX_FRAMES_PER_SECOND * (max_seconds + 1):
                    raise BrokenVideo("the video holds more frames than its length allows")
                if time.monotonic() > deadline:
                    raise BrokenVideo(f"the video took over {DECODE_SECONDS:g} s to decode")
                _check_size(frame.width, frame.height)
                if seconds + 1e-6 < next_sample:
                    continue
                next_sample = (int(seconds / SECONDS_PER_HASH) + 1) * SECONDS_PER_HASH
                variants, quality = pdq_dihedral(_fitted(frame, HASH_SIDE, enlarge=True))
                frames.append(VpdqFrame(variants[0], quality, round(seconds, 3)))
                dihedral.append(variants)
                pictures.append(_fitted(frame, NUDITY_SIDE))
    except av.FFmpegError as error:
        raise BrokenVideo(f"the video data is damaged or truncated: {error}") from error
    if not frames:
        raise BrokenVideo("the video has no frame that decodes")
    step = max(1, -(-len(pictures) // NUDITY_FRAMES))
    return DecodedVideo(
        content_type,
        width,
        height,
        seconds,
        VideoHashes(
            md5=VideoMD5Signal.hash_from_bytes(data),
            sha256=VideoSHA256Signal.hash_from_bytes(data),
            frames=tuple(frames),
            dihedral=tuple(dihedral),
        ),
        tuple(pictures[::step]),
    )
