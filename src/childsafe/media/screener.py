"""The media path: decode, hash, match, detect nudity, apply policy, store; one transaction.

Images and videos (`video.py`: vPDQ frames, the nudity detector on a few sampled frames) take
the same path once decoded.

A known-hash match (not covered by the allow-list) always opens or updates the sender's case
(contract C, source "hash_match") and seals evidence in the same transaction as the stored
image, whatever verdict the policy gives: preserving evidence is not a policy choice.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PIL import Image
from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from childsafe.accounts import UnknownAccount
from childsafe.cases.evidence import seal_evidence
from childsafe.cases.intake import CaseEvidence, open_or_update_case
from childsafe.events import emit
from childsafe.hashbanks.hash_kinds.vpdq import signal_string
from childsafe.hashbanks.hits import BankHit, MatchResult
from childsafe.hashbanks.matcher import MatcherCache, MediaHashes
from childsafe.hashbanks.vpdq_index import VideoHashes
from childsafe.media.records import IncomingMedia, MediaConflict
from childsafe.media.signals import media_signals
from childsafe.media.video import decode_video, sniff_video
from childsafe.model import AgeBand, Participant, victim_ids
from childsafe.model.clock import as_utc, utcnow
from childsafe.policy import Match, Policy
from childsafe.signals.image_hash import decode_image, hash_image
from childsafe.signals.nudity import NudityDetector, NudityResult
from childsafe.spaces import SpaceActivity, record_activity
from childsafe.store.db import Database
from childsafe.store.tables.hashbanks import HashMatch, StoredMedia
from childsafe.store.tables.service import Account, Connection

log = logging.getLogger("childsafe.media")

Answer = dict[str, Any]
EVIDENCE_FILE = "image_hash_match.json"
# A space's rating counts an image as nude at the score the shipped rules act on.
NUDE_SCORE = 0.5


class MediaScreener:
    def __init__(
        self,
        database: Database,
        policy: Policy,
        nudity: NudityDetector | None,
        matchers: MatcherCache | None = None,
    ) -> None:
        self.database = database
        self.policy = policy
        self.nudity = nudity
        self.matchers = matchers or MatcherCache()

    def screen(self, media: IncomingMedia) -> Answer:
        """Raises NotAnImage / BrokenImage (bad bytes; the video errors are their subclasses),
        UnknownAccount, MediaConflict."""
        container = sniff_video(media.data)
        if container is not None:
            video = decode_video(media.data, container)
            return self._screen(
                media,
                _Decoded(
                    video.content_type,
                    (video.width, video.height),
                    video.hashes,
                    video.nudity_frames,
                    video.nudity_scale,
                ),
            )
        image = decode_image(media.data)
        hashes = hash_image(media.data, image)
        return self._screen(
            media,
            _Decoded(
                image.content_type, (image.width, image.height), hashes, (image.image,), image.scale
            ),
        )

    def _screen(self, media: IncomingMedia, decoded: _Decoded) -> Answer:
        hashes = decoded.hashes
        with self.database.session() as session:
            stored = self._already_answered(session, media, hashes)
            if stored is not None:
                return stored
            sender, recipients = self._accounts(session, media)
        matches = self.matchers.get(self.database).match(hashes)
        # Nudity only changes what a child sees, so adult-only chats skip the model.
        to_child = any(AgeBand(r.age_band).is_child for r in recipients)
        nudity = self._nudity(decoded) if to_child else None
        try:
            with self.database.session() as session:
                return self._decide_and_store(
                    session,
                    media,
                    decoded.content_type,
                    decoded.size,
                    hashes,
                    sender,
                    recipients,
                    matches,
                    nudity,
                )
        except IntegrityError as error:
            # Two posts of the same media id at once: the other one stored its answer.
            with self.database.session() as session:
                stored = self._already_answered(session, media, hashes)
            if stored is None:
                raise MediaConflict(
                    f"media {media.id} could not be stored: {error.orig}"
                ) from error
            return stored

    def _nudity(self, decoded: _Decoded) -> NudityResult | None:
        """The detector's most certain finding over the picture (a video's sampled frames)."""
        if self.nudity is None:
            return None
        results = [self.nudity.detect(picture) for picture in decoded.pictures]
        return max(results, key=lambda r: r.score).scaled(decoded.scale)

    def _already_answered(
        self, session: Session, media: IncomingMedia, hashes: MediaHashes
    ) -> Answer | None:
        existing = session.get(StoredMedia, media.id)
        if existing is None:
            return None
        if existing.sha256 != hashes.sha256 or existing.sender_id != media.sender_id:
            raise MediaConflict(
                f"media id {media.id} was already used for a different image or sender"
            )
        return dict(existing.response)

    def _accounts(self, session: Session, media: IncomingMedia) -> tuple[Account, list[Account]]:
        ids = {media.sender_id, *media.recipient_ids}
        found = {a.id: a for a in session.scalars(select(Account).where(Account.id.in_(ids)))}
        missing = sorted(ids - set(found))
        if missing:
            raise UnknownAccount(f"unknown account(s): {', '.join(missing)}")
        return found[media.sender_id], [found[r] for r in media.recipient_ids]

    def _decide_and_store(
        self,
        session: Session,
        media: IncomingMedia,
        content_type: str,
        size: tuple[int, int],
        hashes: MediaHashes,
        sender: Account,
        recipients: Sequence[Account],
        matches: MatchResult,
        nudity: NudityResult | None,
    ) -> Answer:
        connected = _connected_to(session, sender.id, [r.id for r in recipients])
        signals = media_signals(sender, recipients, connected, matches, nudity)
        decision = self.policy.evaluate(signals)
        answer: Answer = {
            "media_id": media.id,
            "verdict": decision.verdict.value,
            "reasons": [_image_reason(m, matches, nudity) for m in decision.matches],
            "recipient_notice": decision.notice,
            "hash_matches": [hit.as_dict() for hit in matches.hits],
            "suppressed_matches": len(matches.suppressed),
            "nudity": _nudity_summary(nudity),
            "case_id": None,
            "evidence_bundle_id": None,
        }
        if decision.shadow_matches:
            answer["shadow_reasons"] = [
                _image_reason(m, matches, nudity) for m in decision.shadow_matches
            ]
        record = StoredMedia(
            id=media.id,
            conversation_id=media.conversation_id,
            sender_id=sender.id,
            recipient_ids=list(media.recipient_ids),
            content_type=content_type,
            byte_size=len(media.data),
            width=size[0],
            height=size[1],
            md5=hashes.md5,
            sha256=hashes.sha256,
            pdq=hashes.pdq,
            pdq_quality=hashes.pdq_quality,
            vpdq=_signal(hashes),
            content=media.data,
            verdict=decision.verdict.value,
            response=answer,
            evidence_preserved=False,
            sent_at=as_utc(media.sent_at),
        )
        session.add(record)
        session.flush()
        if media.space_id is not None:
            activity = SpaceActivity(
                media.space_id,
                record.sent_at,
                nudity=nudity is not None and nudity.score >= NUDE_SCORE,
                known_abuse=bool(matches.hits),
            )
            record_activity(session, [activity])
        if matches.hits:
            self._preserve(session, record, recipients, matches.hits, answer)
            # The answer dict was mutated in place after the flush: tell the ORM to rewrite it.
            flag_modified(record, "response")
        log.info("media %s: %s (%d hash matches)", media.id, decision.verdict, len(matches.hits))
        return answer

    def _preserve(
        self,
        session: Session,
        record: StoredMedia,
        recipients: Sequence[Account],
        hits: Sequence[BankHit],
        answer: Answer,
    ) -> None:
        """Record the matches, open the case, seal the evidence: all or nothing."""
        rows = [
            HashMatch(
                id="hm_" + secrets.token_hex(8),
                media_id=record.id,
                bank_id=hit.bank_id,
                entry_id=hit.entry_id,
                kind=hit.kind,
                distance=hit.distance,
                transform=hit.transform,
                created_at=utcnow(),
            )
            for hit in hits
        ]
        session.add_all(rows)
        record.evidence_preserved = True
        session.flush()
        answer["hash_matches"] = [
            {"match_id": row.id, **hit.as_dict()} for row, hit in zip(rows, hits, strict=True)
        ]
        victims = victim_ids(Participant(r.id, AgeBand(r.age_band)) for r in recipients)
        case_id = open_or_update_case(
            session,
            CaseEvidence(
                suspect_account_id=record.sender_id,
                source="hash_match",
                source_id=record.id,
                victim_account_ids=tuple(victims),
                cues=(),
                score=1.0,
                occurred_at=record.sent_at,
            ),
        )
        for row in rows:
            row.case_id = case_id
        extra_files = {EVIDENCE_FILE: _evidence(record, answer)}
        bundle = seal_evidence(session, case_id, extra_files=extra_files)
        answer["case_id"] = case_id
        answer["evidence_bundle_id"] = bundle.id
        emit(
            session,
            "media.match",
            {
                "media_id": record.id,
                "conversation_id": record.conversation_id,
                "sender_id": record.sender_id,
                "recipient_ids": record.recipient_ids,
                "verdict": answer["verdict"],
                # Which banks matched and how closely; the hashes stay with the evidence.
                "matches": [
                    {
                        "match_id": row.id,
                        "bank": hit.bank_name,
                        "kind": hit.kind,
                        "distance": hit.distance,
                    }
                    for row, hit in zip(rows, hits, strict=True)
                ],
                "case_id": case_id,
            },
        )


@dataclass(frozen=True, slots=True)
class _Decoded:
    """What the path needs of a decoded image or video."""

    content_type: str
    size: tuple[int, int]  # as sent
    hashes: MediaHashes
    pictures: tuple[Image.Image, ...]  # what the nudity detector looks at
    scale: float  # sent pixels per pixel of the pictures


def _signal(hashes: MediaHashes) -> str | None:
    return signal_string(hashes.frames) if isinstance(hashes, VideoHashes) else None


def _connected_to(session: Session, sender_id: str, recipient_ids: Sequence[str]) -> set[str]:
    rows = session.execute(
        select(Connection.account_a, Connection.account_b).where(
            or_(
                (Connection.account_a == sender_id) & Connection.account_b.in_(recipient_ids),
                (Connection.account_b == sender_id) & Connection.account_a.in_(recipient_ids),
            )
        )
    )
    return {b if a == sender_id else a for a, b in rows}


def _image_reason(
    match: Match, matches: MatchResult, nudity: NudityResult | None
) -> dict[str, Any]:
    """One rule that matched, what it saw, and the hash matches/nudity findings behind it."""
    reason: dict[str, Any] = {**match.reason()}
    if any(name.startswith("hash.") for name in match.evidence) and matches.hits:
        reason["hash_matches"] = [hit.as_dict() for hit in matches.hits]
    if "image.nudity" in match.evidence and nudity is not None:
        reason["nudity_findings"] = nudity.reasons()
    return reason


def _nudity_summary(nudity: NudityResult | None) -> dict[str, Any] | None:
    if nudity is None:
        return None
    return {"score": round(nudity.score, 4), "model": nudity.model, "findings": nudity.reasons()}


def _evidence(record: StoredMedia, answer: Answer) -> str:
    """The match record for the sealed bundle: hashes and metadata, never the image itself
    (the bytes stay in the media table, marked preserved, and the SHA-256 here pins them)."""
    document = {
        "media_id": record.id,
        "conversation_id": record.conversation_id,
        "sender_id": record.sender_id,
        "recipient_ids": record.recipient_ids,
        "sent_at": record.sent_at.isoformat(),
        "content_type": record.content_type,
        "byte_size": record.byte_size,
        "width": record.width,
        "height": record.height,
        "sha256": record.sha256,
        "md5": record.md5,
        "pdq": record.pdq,
        "pdq_quality": record.pdq_quality,
        "verdict": answer["verdict"],
        "hash_matches": answer["hash_matches"],
    }
    if record.vpdq is not None:
        document["vpdq"] = record.vpdq
    return json.dumps(document, indent=2, sort_keys=True) + "\n"
