"""Benign test images and their transforms, for the image tests (not a test module).

No abuse imagery exists here or anywhere in the project: the "known" images are scikit-image's
bundled samples, and every test image is one of them or a transform of one.
"""

from __future__ import annotations

import io
from collections.abc import Callable

import numpy as np
from PIL import Image, ImageEnhance
from skimage import data

from childsafe.signals.nudity import NudityFinding, NudityResult

# Photos; scikit-image's "page" (a scan of text) is left out: PDQ is weak on text, a resize
# alone moves its hash by ~60 bits.
SAMPLES = ("astronaut", "chelsea", "coffee", "rocket", "camera", "coins", "moon")


def sample(name: str) -> Image.Image:
    pixels = getattr(data, name)()
    if pixels.ndim == 2:
        pixels = np.stack([pixels] * 3, axis=-1)
    return Image.fromarray(np.ascontiguousarray(pixels[..., :3])).convert("RGB")


def encode(image: Image.Image, fmt: str = "PNG", **options: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()


def _crop(image: Image.Image, fraction: float = 0.01) -> Image.Image:
    """Trim `fraction` of each side (PDQ tolerates ~1%: 2% per side moves it 28-50 bits)."""
    dx, dy = int(image.width * fraction), int(image.height * fraction)
    return image.crop((dx, dy, image.width - dx, image.height - dy))


def _jpeg(image: Image.Image) -> Image.Image:
    return Image.open(io.BytesIO(encode(image, "JPEG", quality=60))).convert("RGB")


TRANSFORMS: dict[str, Callable[[Image.Image], Image.Image]] = {
    "jpeg_q60": _jpeg,
    "resize_half": lambda im: im.resize((im.width // 2, im.height // 2)),
    "brighter": lambda im: ImageEnhance.Brightness(im).enhance(1.25),
    "crop_1pc_each_side": _crop,
    "flip_horizontal": lambda im: im.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
    "flip_vertical": lambda im: im.transpose(Image.Transpose.FLIP_TOP_BOTTOM),
    "rotate_90": lambda im: im.transpose(Image.Transpose.ROTATE_90),
    "rotate_180": lambda im: im.transpose(Image.Transpose.ROTATE_180),
    "rotate_270": lambda im: im.transpose(Image.Transpose.ROTATE_270),
    "flip_then_jpeg": lambda im: _jpeg(im.transpose(Image.Transpose.FLIP_LEFT_RIGHT)),
}

MARKER = (255, 0, 255)


class MarkerNudityDetector:
    """A second, real implementation of the NudityDetector interface, used to test the plumbing
    (verdicts, notices, reasons) without any nude imagery: it reports an image as sexual when
    at least 5% of its pixels are pure magenta. It says nothing about real nudity."""

    name = "magenta-marker"

    def detect(self, image: Image.Image) -> NudityResult:
        pixels = np.asarray(image.convert("RGB"))
        share = float(np.all(pixels == MARKER, axis=-1).mean())
        if share < 0.05:
            return NudityResult(0.0, (), self.name)
        finding = NudityFinding("MARKER", min(1.0, 0.5 + share), (0, 0, 10, 10), sexual=True)
        return NudityResult(finding.score, (finding,), self.name)


def marked(image: Image.Image) -> Image.Image:
    """The image with a magenta block over a quarter of it (MarkerNudityDetector flags it)."""
    copy = image.copy()
    copy.paste(MARKER, (0, 0, image.width // 2, image.height // 2))
    return copy
