"""Videos through POST /v1/media: vPDQ matching (re-encoded, trimmed, rescaled, mirrored copies),
a mirrored copy of a banked video blocked with a case, a known image inside a video, nudity on
sampled frames, and hostile files refused with a clear 4xx in bounded time.

Every clip is a slideshow of scikit-image's benign sample photos (`childsafe.bench.video`),
tiny (160x120, 2 fps, 6 s) so the tests stay fast; the "known" video is one of them.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from functools import cache
from typing import Any

import av
import numpy as np
import pytest
from fastapi.testclient import TestClient
from PIL import Image

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.bench.video import COPIES, encode_video, random_videos, scenes, video_hashes
from childsafe.hashbanks.banks import add_entries, create_bank
from childsafe.hashbanks.hash_kinds.vpdq import signal_string
from childsafe.hashbanks.importers import ImportedHash, parse_hash_list
from childsafe.hashbanks.signal_types import HashKind
from childsafe.hashbanks.vpdq_index import VpdqIndex
from childsafe.media import MediaScreener
from childsafe.media.video import BrokenVideo, VideoTooLarge, decode_video
from childsafe.policy import Policy
from childsafe.signals.image_hash import hash_image
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, EvidenceBundle
from childsafe.store.tables.hashbanks import StoredMedia
from tests.helpers.images import MarkerNudityDetector, encode, marked

FPS = 2
KNOWN = scenes(6, (160, 120), seed=7)
OTHER = scenes(6, (160, 120), seed=8)


@cache
def _known_vpdq_file() -> str:
    """The known clip's hashes as a vpdq hash file (frame_number,quality,hash,timestamp)."""
    frames = video_hashes(encode_video(KNOWN, FPS)).frames
    return "".join(f"{i},{f.quality},{f.pdq},{f.timestamp:.3f}\n" for i, f in enumerate(frames))


@pytest.mark.parametrize("copy", sorted(COPIES))
def test_copies_of_a_known_video_match_it_and_an_unrelated_video_does_not(copy: str) -> None:
    known = video_hashes(encode_video(KNOWN, FPS)).frames
    index = VpdqIndex([*random_videos(300), known])
    [match] = index.search(video_hashes(COPIES[copy](KNOWN, FPS)))
    assert match.row == 300
    assert match.query_percent >= 80 and match.compared_percent >= 80
    assert (match.variant == 5) == (copy == "mirrored")  # 5: the horizontal flip
    assert index.search(video_hashes(encode_video(OTHER, FPS))) == []


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with database.session() as session:
        key = create_api_key(session, "tests", (KeyScope.INGEST, KeyScope.MODERATION)).key
        bank = create_bank(session, name="known", source="test stand-ins (benign samples)")
        # The known video arrives as a vpdq hash file, the way a list from Meta's tools does.
        entries = parse_hash_list(_known_vpdq_file(), source="known.txt")
        known_image = hash_image(encode(OTHER[3].resize((512, 384))))
        add_entries(session, bank, [*entries, ImportedHash(HashKind.PDQ, known_image.pdq)])
    app = create_app(database)
    app.state.media_screener = MediaScreener(database, Policy.default(), MarkerNudityDetector())
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as test_client:
        for account, band in (("adult", "adult"), ("kid", "13_15")):
            assert test_client.put(f"/v1/accounts/{account}", json={"age_band": band}).is_success
        assert test_client.put("/v1/connections/adult/kid").is_success
        yield test_client


def post(client: TestClient, video: bytes, **fields: str) -> Any:
    form = {"sender_id": "adult", "recipient_ids": "kid", "conversation_id": "conv", **fields}
    return client.post("/v1/media", data=form, files={"file": ("clip.mp4", video)})


def test_mirrored_copy_of_a_known_video_is_blocked_with_a_case_and_evidence(
    client: TestClient, database: Database
) -> None:
    mirrored = COPIES["mirrored"](KNOWN, FPS)
    response = post(client, mirrored, media_id="v-known")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["verdict"] == "block"
    [hit] = [h for h in answer["hash_matches"] if h["hash_type"] == "vpdq"]
    assert hit["transform"] == "flipped_horizontally" and hit["label"] == "known.txt"
    assert hit["query_match_percent"] >= 80 and hit["compared_match_percent"] >= 80
    assert answer["reasons"][0]["rule"] == "known_abuse_image"
    with database.session() as session:
        case = session.get(Case, answer["case_id"])
        assert case is not None and case.suspect_account_id == "adult"
        bundle = session.get(EvidenceBundle, answer["evidence_bundle_id"])
        assert bundle is not None and "image_hash_match.json" in bundle.files
        media = session.get(StoredMedia, "v-known")
        assert media is not None and media.evidence_preserved and media.content == mirrored
        assert media.content_type == "video/mp4" and (media.width, media.height) == (160, 120)
        assert media.vpdq == signal_string(video_hashes(mirrored).frames)
    assert post(client, mirrored, media_id="v-known").json() == answer


def test_known_image_shown_in_a_video_is_blocked(client: TestClient) -> None:
    clip = encode_video([OTHER[3]], FPS, seconds_each=2, container="webm", codec="libvpx")
    answer = post(client, clip).json()
    assert answer["verdict"] == "block"
    assert [h["hash_type"] for h in answer["hash_matches"]] == ["pdq"]


def test_unknown_video_is_allowed_and_nudity_in_a_sampled_frame_is_blurred(
    client: TestClient,
) -> None:
    ordinary = post(client, encode_video(OTHER[:2], FPS)).json()
    assert ordinary["verdict"] == "allow" and ordinary["hash_matches"] == []
    # Lossless, so the marker detector sees its exact magenta (lossy codecs shift colours).
    nude = post(client, _raw_video((160, 120), 4, FPS, [OTHER[0], marked(OTHER[1])])).json()
    assert nude["verdict"] == "blur"
    assert nude["nudity"]["model"] == "magenta-marker" and nude["nudity"]["score"] >= 0.5


def _raw_video(
    size: tuple[int, int], frames: int, fps: int, pictures: list[Image.Image] | None = None
) -> bytes:
    """A lossless H.264 clip of `pictures` in turn (default black: tiny on disk whatever its
    frame size or count)."""
    buffer = io.BytesIO()
    black = Image.fromarray(np.zeros((size[1], size[0], 3), np.uint8))
    with av.open(buffer, mode="w", format="mp4") as output:
        stream = output.add_stream("libx264rgb", rate=fps)
        stream.width, stream.height = size
        stream.pix_fmt = "rgb24"
        stream.options = {"preset": "ultrafast", "qp": "0"}
        for i in range(frames):
            picture = pictures[i * len(pictures) // frames] if pictures else black
            output.mux(stream.encode(av.VideoFrame.from_image(picture)))
        output.mux(stream.encode(None))
    return buffer.getvalue()


def test_hostile_videos_get_a_clear_4xx_quickly(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = encode_video(OTHER[:2], FPS)
    bomb = _raw_video((4096, 2304), 1, 1)  # 9.4 MP frames from tens of kB
    assert len(bomb) < 50_000
    refused = {
        "truncated": (good[: len(good) // 3], 422),
        "header only": (good[:64], 422),
        "decompression bomb": (bomb, 422),
        "absurd width": (_raw_video((8200, 16), 1, 1), 422),
        "mp4 box without a video": (b"\x00\x00\x00\x18ftypisom" + b"\x00" * 200, 422),
    }
    for name, (data, status) in refused.items():
        started = time.monotonic()
        response = post(client, data)
        assert response.status_code == status, (name, response.text)
        assert response.json()["error"]["message"], name
        assert time.monotonic() - started < 5, name
    assert post(client, b"").status_code == 422
    monkeypatch.setenv("CHILDSAFE_MAX_VIDEO_SECONDS", "2")
    long = post(client, encode_video(OTHER[:4], FPS))
    assert long.status_code == 413 and "2 seconds" in long.json()["error"]["message"]
    monkeypatch.setenv("CHILDSAFE_MAX_VIDEO_BYTES", "1000")
    assert post(client, good).status_code == 413


def test_too_many_frames_for_the_length_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHILDSAFE_MAX_VIDEO_SECONDS", "1")
    with pytest.raises(BrokenVideo, match="more frames"):
        decode_video(_raw_video((16, 16), 400, 400), "mp4")
    with pytest.raises(VideoTooLarge):
        decode_video(_raw_video((16, 16), 6, 2), "mp4")


def test_frames_are_sampled_once_a_second_with_their_times() -> None:
    decoded = decode_video(encode_video(KNOWN, FPS), "mp4")
    assert [f.timestamp for f in decoded.hashes.frames] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    assert len(decoded.nudity_frames) == 6
    assert all(max(p.size) <= 320 for p in decoded.nudity_frames)
    assert isinstance(decoded.nudity_frames[0], Image.Image)
