"""POST /v1/media: the verdict on one image before the platform delivers it; hash-match feedback."""

from __future__ import annotations

import os
import secrets
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from childsafe.accounts import UnknownAccount
from childsafe.api.auth import IngestKey, ModerationKey
from childsafe.api.deps import SessionDep
from childsafe.api.errors import ErrorBody, error_responses
from childsafe.api.fields import IsoDatetime, PlatformId, StorableText, platform_id
from childsafe.hashbanks.feedback import Feedback, FeedbackError, record_feedback
from childsafe.media import IncomingMedia, MediaConflict
from childsafe.media.video import max_video_bytes, sniff_video
from childsafe.model.clock import as_utc, utcnow
from childsafe.runtime.media import media_screener
from childsafe.signals.image_hash import IMAGE_FORMATS, BrokenImage, ImageTooLarge, NotAnImage
from childsafe.store.tables.hashbanks import StoredMedia

MAX_MEDIA_BYTES = int(os.environ.get("CHILDSAFE_MAX_MEDIA_BYTES", 10 * 1024 * 1024))
# Multipart framing and the text fields around the file.
FORM_OVERHEAD_BYTES = 64 * 1024

router = APIRouter(
    prefix="/v1/media",
    tags=["media"],
    max_body_size=max(MAX_MEDIA_BYTES, max_video_bytes()) + FORM_OVERHEAD_BYTES,
)

Id = Annotated[PlatformId, Form()]
RESPONSES: dict[int | str, dict[str, Any]] = {
    **error_responses(404, 409),
    413: {"model": ErrorBody, "description": "larger or longer than the configured limits"},
    415: {"model": ErrorBody, "description": "not an image or video in an accepted format"},
}


@router.post("", responses=RESPONSES)
async def post_media(
    request: Request,
    _key: IngestKey,
    file: Annotated[
        UploadFile,
        File(description="the image (JPEG, PNG, GIF, WebP, ...) or video (MP4, MOV, WebM)"),
    ],
    sender_id: Id,
    conversation_id: Id,
    recipient_ids: Annotated[
        list[StorableText],
        Form(min_length=1, description="repeat the field, or comma-separate ids"),
    ],
    media_id: Annotated[PlatformId | None, Form()] = None,
    sent_at: Annotated[IsoDatetime | None, Form(description="ISO 8601; default now")] = None,
    space_id: Annotated[
        PlatformId | None, Form(description="the space it was posted in (PUT /v1/spaces/{id})")
    ] = None,
) -> Any:
    """Hash, match and screen an image or a video. Answered after it is stored; idempotent on
    `media_id`. A video is matched by vPDQ (one frame a second, flips included), its bytes'
    MD5/SHA-256 and its frames' PDQ against image banks; nudity is checked on sampled frames.

    Verdicts: `block` (known abuse hash: preserved as evidence, a case is opened), `hold`,
    `blur` (show behind `recipient_notice`), `warn`, `allow`; `reasons` say which rule and why.
    """
    video_bytes = max_video_bytes()
    data = await file.read(max(MAX_MEDIA_BYTES, video_bytes) + 1)
    is_video = sniff_video(data) is not None
    limit = video_bytes if is_video else MAX_MEDIA_BYTES
    if len(data) > limit:
        raise HTTPException(413, f"{'video' if is_video else 'image'} larger than {limit} bytes")
    if not data:
        raise HTTPException(422, "file: the image is empty")
    try:
        recipients = [
            platform_id(r.strip()) for field in recipient_ids for r in field.split(",") if r.strip()
        ]
    except ValueError as error:
        raise HTTPException(422, f"recipient_ids: {error}") from error
    if not recipients:
        raise HTTPException(422, "recipient_ids: give 1 or more account ids")
    if sender_id in recipients or len(set(recipients)) != len(recipients):
        raise HTTPException(422, "recipient_ids must not repeat an account or name the sender")
    media = IncomingMedia(
        id=media_id or "media_" + secrets.token_hex(10),
        conversation_id=conversation_id,
        sender_id=sender_id,
        recipient_ids=tuple(recipients),
        sent_at=as_utc(sent_at) if sent_at else utcnow(),
        data=data,
        space_id=space_id,
    )
    try:
        answer = await run_in_threadpool(media_screener(request.app.state).screen, media)
    except NotAnImage as error:
        raise HTTPException(415, str(error)) from error
    except ImageTooLarge as error:
        raise HTTPException(413, str(error)) from error
    except BrokenImage as error:
        raise HTTPException(422, str(error)) from error
    except UnknownAccount as error:
        raise HTTPException(404, error.message) from error
    except MediaConflict as error:
        raise HTTPException(409, error.message) from error
    return JSONResponse(answer)


class MediaOut(BaseModel):
    id: str
    conversation_id: str
    sender_id: str
    recipient_ids: list[str]
    content_type: str
    byte_size: int
    width: int
    height: int
    sha256: str
    pdq: str
    verdict: str
    evidence_preserved: bool
    answer: dict[str, Any] = Field(description="the answer given when the image was posted")


def _media(session: SessionDep, media_id: PlatformId) -> StoredMedia:
    media = session.get(StoredMedia, media_id)
    if media is None:
        raise HTTPException(404, f"no media {media_id!r}")
    return media


@router.get("/{media_id}", response_model=MediaOut, responses=error_responses(404))
def get_media(media_id: PlatformId, session: SessionDep, _key: ModerationKey) -> MediaOut:
    media = _media(session, media_id)
    return MediaOut(
        id=media.id,
        conversation_id=media.conversation_id,
        sender_id=media.sender_id,
        recipient_ids=media.recipient_ids,
        content_type=media.content_type,
        byte_size=media.byte_size,
        width=media.width,
        height=media.height,
        sha256=media.sha256,
        pdq=media.pdq,
        verdict=media.verdict,
        evidence_preserved=media.evidence_preserved,
        answer=media.response,
    )


@router.get(
    "/{media_id}/content",
    responses={**error_responses(404), 200: {"content": {t: {} for t in IMAGE_FORMATS.values()}}},
    response_class=Response,
)
def get_media_content(media_id: PlatformId, session: SessionDep, _key: ModerationKey) -> Response:
    """The stored bytes (for moderation tools, which show them blurred until clicked)."""
    media = _media(session, media_id)
    return Response(
        media.content,
        media_type=media.content_type,
        headers={"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
    )


class FeedbackIn(BaseModel):
    # Who decided is the calling key, never a field: an unknown field such as `by` is a 422.
    model_config = ConfigDict(extra="forbid")

    decision: Literal["confirm", "reject"]
    note: str | None = Field(default=None, max_length=2000)


class FeedbackOut(BaseModel):
    match_id: str
    feedback: str
    allow_listed: bool = Field(description="a rejected match puts the image on the allow-list")


@router.post(
    "/matches/{match_id}/feedback", response_model=FeedbackOut, responses=error_responses(404, 409)
)
def post_feedback(
    match_id: str, body: FeedbackIn, session: SessionDep, key: ModerationKey
) -> FeedbackOut:
    """Confirm a hash match, or reject it as a false positive (allow-lists the image).
    Audited with the calling key as the actor."""
    feedback = Feedback.CONFIRMED if body.decision == "confirm" else Feedback.REJECTED
    try:
        match = record_feedback(session, match_id, feedback, actor=key.actor, note=body.note)
    except FeedbackError as error:
        status = 404 if "no hash match" in error.args[0] else 409
        raise HTTPException(status, error.args[0]) from error
    return FeedbackOut(
        match_id=match.id, feedback=feedback.value, allow_listed=feedback == Feedback.REJECTED
    )
