"""Image hashes: PDQ (with its 8 dihedral variants), MD5 and SHA-256 of the exact bytes.

PDQ comes from `pdqhash` (Meta's reference implementation) and MD5/SHA-256 from
python-threatexchange's signal types; nothing here implements a hash itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import sys
import warnings
from dataclasses import dataclass
from functools import cache

import numpy as np
import pdqhash
from PIL import Image, UnidentifiedImageError
from threatexchange.signal_type.md5 import VideoMD5Signal
from threatexchange.signal_type.sha256 import VideoSHA256Signal

# What PIL may decode for us; anything else is refused before it reaches a decoder.
IMAGE_FORMATS = {
    "JPEG": "image/jpeg",
    "PNG": "image/png",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}
# Decompression-bomb guard: 50 megapixels is beyond any phone camera.
MAX_PIXELS = 50_000_000
# PDQ's cost grows faster than the pixel count; larger images are reduced first (box filter,
# which changes the hash by a few bits at most, well inside the match distance).
MAX_HASH_SIDE = 1024

# glibc mallopt parameters (malloc.h).
M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3

# pdqhash.compute_dihedral returns the hashes of the image transformed by, in order:
# identity, rot90 (counter-clockwise), rot180, rot270, vertical flip, horizontal flip,
# transpose, transverse. If variant i of a POSTED image matches a bank hash, the posted
# image is the banked image transformed by the inverse of transform i, named here.
DIHEDRAL_MATCH_NAMES = (
    "none",
    "rotated_270",
    "rotated_180",
    "rotated_90",
    "flipped_vertically",
    "flipped_horizontally",
    "transposed",
    "transversed",
)


class NotAnImage(ValueError):
    """The bytes are not an image format we accept (HTTP 415)."""


class BrokenImage(ValueError):
    """The bytes claim an image format but do not decode (HTTP 422)."""


@dataclass(frozen=True, slots=True)
class DecodedImage:
    image: Image.Image  # RGB
    format: str
    content_type: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class ImageHashes:
    pdq: str  # 64 hex characters
    pdq_quality: int  # 0..100; PDQ's own confidence in the hash (flat images score low)
    pdq_dihedral: tuple[str, ...]  # the 8 variants, index 0 == pdq
    md5: str
    sha256: str


def decode_image(data: bytes) -> DecodedImage:
    """Identify and decode image bytes to RGB, refusing non-images and decompression bombs."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            if opened.width * opened.height > MAX_PIXELS:
                raise BrokenImage(
                    f"image is {opened.width}x{opened.height}: more than {MAX_PIXELS} pixels"
                )
            image_format = str(opened.format)
            opened.load()
    except UnidentifiedImageError as error:
        accepted = ", ".join(sorted(IMAGE_FORMATS))
        raise NotAnImage(f"not an image we accept (accepted formats: {accepted})") from error
    except (
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ) as error:
        if isinstance(error, BrokenImage):
            raise
        raise BrokenImage(f"the image data is damaged or truncated: {error}") from error
    rgb = opened.convert("RGB")
    return DecodedImage(rgb, image_format, IMAGE_FORMATS[image_format], rgb.width, rgb.height)


@cache
def _keep_pdq_buffers_on_the_heap() -> None:
    """pdqhash allocates its float buffers (megabytes) on every call, and glibc serves any
    allocation over 128 KB with fresh mmap pages: each 512 px hash page-faulted ~1,500 times
    and ran 2.5x slower. Above a 32 MB mmap threshold the heap reuses those buffers instead."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return
    mallopt = getattr(libc, "mallopt", None)  # glibc only (musl has none)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024)
        mallopt(M_TRIM_THRESHOLD, 64 * 1024 * 1024)


def pdq_dihedral(image: Image.Image) -> tuple[tuple[str, ...], int]:
    """The 8 dihedral PDQ hashes (hex) of an RGB image and PDQ's quality score."""
    _keep_pdq_buffers_on_the_heap()
    if max(image.size) > MAX_HASH_SIDE:
        image = image.copy()
        image.thumbnail((MAX_HASH_SIDE, MAX_HASH_SIDE), Image.Resampling.BOX)
    pixels = np.ascontiguousarray(np.asarray(image.convert("RGB")))
    vectors, quality = pdqhash.compute_dihedral(pixels)
    hashes = tuple(np.packbits(np.asarray(v, dtype=np.uint8)).tobytes().hex() for v in vectors)
    return hashes, int(quality)


def hash_image(data: bytes, decoded: DecodedImage | None = None) -> ImageHashes:
    decoded = decoded or decode_image(data)
    dihedral, quality = pdq_dihedral(decoded.image)
    return ImageHashes(
        pdq=dihedral[0],
        pdq_quality=quality,
        pdq_dihedral=dihedral,
        md5=VideoMD5Signal.hash_from_bytes(data),
        sha256=VideoSHA256Signal.hash_from_bytes(data),
    )
