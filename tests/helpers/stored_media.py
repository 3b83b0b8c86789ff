"""An image as the media screen stores it after blocking it, for tests of cases about images
(not a test module). Its bytes are the caller's: noise, a placeholder or a scikit-image sample,
never abuse imagery."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from childsafe.store.tables.hashbanks import StoredMedia


def blocked_image(
    media_id: str, content: bytes, width: int, height: int, pdq: str = "0" * 64
) -> StoredMedia:
    """`content` sent by the invented "sharer" to "teen" in "conv-img", blocked and kept as
    evidence (as the screen keeps a hash-bank match)."""
    return StoredMedia(
        id=media_id,
        conversation_id="conv-img",
        sender_id="sharer",
        recipient_ids=["teen"],
        content_type="image/png",
        byte_size=len(content),
        width=width,
        height=height,
        md5=hashlib.md5(content).hexdigest(),
        sha256=hashlib.sha256(content).hexdigest(),
        pdq=pdq,
        pdq_quality=100,
        content=content,
        verdict="block",
        response={},
        evidence_preserved=True,
        sent_at=datetime.now(UTC),
    )
