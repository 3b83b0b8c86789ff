"""Image hashes: PDQ (with its 8 dihedral variants), MD5 and SHA-256 of the exact bytes.

PDQ comes from `pdqhash` (Meta's reference implementation) and MD5/SHA-256 from
python-threatexchange's signal types; nothing here implements a hash itself.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import io
import os
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
# Pixels decoded at full size at most (CHILDSAFE_MAX_DECODE_PIXELS). PIL keeps 4 bytes per RGB
# pixel, so 12 MP is ~48 MB, twice that while a non-RGB image converts: under ~100 MB per image.
# A larger JPEG is decoded scaled down by its DCT (`draft`); any other larger image is refused.
DECODE_PIXELS_ENV = "CHILDSAFE_MAX_DECODE_PIXELS"
DEFAULT_DECODE_PIXELS = 12_000_000
# PDQ's cost grows faster than the pixel count; larger images are reduced first (box filter,
# which changes the hash by a few bits at most, well inside the match distance). The decoded
# image is reduced to this right away and the full-size pixels freed: hashing and nudity
# detection (which looks at 320 px) need nothing larger.
MAX_HASH_SIDE = 1024
JPEG_SCALES = (2, 4, 8)

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


class ImageTooLarge(BrokenImage):
    """More pixels than the decode budget allows (HTTP 413)."""


@dataclass(frozen=True, slots=True)
class DecodedImage:
    image: Image.Image  # RGB, at most MAX_HASH_SIDE on its longer side
    format: str
    content_type: str
    width: int  # of the image as sent
    height: int

    @property
    def scale(self) -> float:
        """Sent pixels per pixel of `image` (1.0 unless it was reduced)."""
        return self.width / self.image.width


def decode_budget() -> int:
    raw = os.environ.get(DECODE_PIXELS_ENV)
    if not raw:
        return DEFAULT_DECODE_PIXELS
    try:
        budget = int(raw)
    except ValueError:
        raise ValueError(f"{DECODE_PIXELS_ENV} must be a whole number, got {raw!r}") from None
    if budget < MAX_HASH_SIDE * MAX_HASH_SIDE:
        raise ValueError(f"{DECODE_PIXELS_ENV} must be at least {MAX_HASH_SIDE**2}")
    return budget


def _fit_budget(opened: Image.Image, budget: int) -> None:
    """Read from the header (nothing is decoded yet): refuse bombs, and make a JPEG over the
    budget decode at 1/2, 1/4 or 1/8 size (libjpeg scales in the DCT, never holding more)."""
    width, height = opened.size
    if width * height > MAX_PIXELS:
        raise BrokenImage(f"image is {width}x{height}: more than {MAX_PIXELS} pixels")
    if width * height <= budget:
        return
    if opened.format == "JPEG":
        scale = next((s for s in JPEG_SCALES if (width // s) * (height // s) <= budget), None)
        if scale is not None:
            opened.draft("RGB", (-(-width // scale), -(-height // scale)))
            return
    raise ImageTooLarge(
        f"image is {width}x{height} ({width * height / 1e6:.1f} MP): more than the "
        f"{budget / 1e6:g} MP this service decodes (larger JPEGs are fine); send it smaller"
    )


@dataclass(frozen=True, slots=True)
class ImageHashes:
    pdq: str  # 64 hex characters
    pdq_quality: int  # 0..100; PDQ's own confidence in the hash (flat images score low)
    pdq_dihedral: tuple[str, ...]  # the 8 variants, index 0 == pdq
    md5: str
    sha256: str


def decode_image(data: bytes, budget: int | None = None) -> DecodedImage:
    """Identify and decode image bytes to a small RGB image, refusing non-images,
    decompression bombs and images over the decode budget (pixels, see DEFAULT_DECODE_PIXELS)."""
    budget = budget or decode_budget()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data), formats=list(IMAGE_FORMATS))
            width, height = opened.size
            _fit_budget(opened, budget)
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
    rgb = opened if opened.mode == "RGB" else opened.convert("RGB")
    del opened  # a converted image's full-size original can go now
    # In place: PIL swaps in the reduced pixels and frees the full-size ones.
    rgb.thumbnail((MAX_HASH_SIDE, MAX_HASH_SIDE), Image.Resampling.BOX)
    return DecodedImage(rgb, image_format, IMAGE_FORMATS[image_format], width, height)


@cache
def _keep_pdq_buffers_on_the_heap() -> None:
    """pdqhash allocates its float buffers (megabytes) on every call, and glibc serves any
    allocation over 128 KB with fresh mmap pages: each 512 px hash page-faulted ~1,500 times
    and ran 2.5x slower. Above an 8 MB mmap threshold the heap reuses those buffers (a 1024 px
    image's are 4 MB), while PIL's 16 MB pixel blocks of a large image still get their own
    mmap and go back to the system when freed (at 32 MB they stayed in the heap: six parallel
    12 MP uploads left the server 370 MB larger, against 115 MB at 8 MB)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return
    mallopt = getattr(libc, "mallopt", None)  # glibc only (musl has none)
    if mallopt is not None:
        mallopt(M_MMAP_THRESHOLD, 8 * 1024 * 1024)
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
