"""The blurred preview a case page shows before a moderator chooses to see an image.

Made on the server, so the original never reaches the browser until the click that reveals it
(and writes `media.viewed`). The picture is shrunk to at most 8x8 pixels and blown back up,
so no detail survives to be recovered from the preview, only its broad colours.
"""

from __future__ import annotations

import io

from PIL import Image, ImageFilter

from childsafe.signals.image_hash import BrokenImage, NotAnImage, decode_image

PREVIEW_BOX = (320, 240)  # the case page's image box
COARSE_BOX = (8, 8)
SOFTEN_RADIUS = 8


class NoPreview(ValueError):
    """The stored bytes do not decode as an image we accept (a video has no preview)."""


def blurred_preview(content: bytes) -> bytes:
    """A JPEG no larger than PREVIEW_BOX in which nothing can be made out."""
    try:
        # The uploads' decoder: the same formats, bomb guard and pixel budget, already small.
        fitted = decode_image(content).image
    except (BrokenImage, NotAnImage) as error:  # NotAnImage: e.g. a video (no preview yet)
        raise NoPreview(str(error)) from error
    fitted.thumbnail(PREVIEW_BOX, Image.Resampling.BOX)
    coarse = fitted.copy()
    coarse.thumbnail(COARSE_BOX, Image.Resampling.BOX)
    preview = coarse.resize(fitted.size, Image.Resampling.BICUBIC).filter(
        ImageFilter.GaussianBlur(SOFTEN_RADIUS)
    )
    out = io.BytesIO()
    preview.save(out, format="JPEG", quality=80)
    return out.getvalue()
