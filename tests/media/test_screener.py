"""POST /v1/media end to end: known hashes blocked with a case and evidence, flips caught,
the allow-list honoured, nude images to children blurred or held, bad input a clear 4xx.

Nudity verdicts are tested through the NudityDetector interface with MarkerNudityDetector
(a real second implementation that flags magenta blocks), never with nude imagery; the shipped
NudeNet detector is only checked to load and to find nothing sexual in a benign photo.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from childsafe.api.app import create_app
from childsafe.api.auth import KeyScope, create_api_key
from childsafe.hashbanks.banks import add_entries, create_bank
from childsafe.hashbanks.importers import ImportedHash
from childsafe.hashbanks.signal_types import HashKind
from childsafe.media import MediaScreener
from childsafe.policy import Policy
from childsafe.signals.image_hash import hash_image
from childsafe.signals.nudity_detectors.nudenet import NudeNetDetector
from childsafe.store.db import Database
from childsafe.store.tables.cases import Case, EvidenceBundle
from childsafe.store.tables.hashbanks import HashMatch, StoredMedia
from tests.helpers.images import TRANSFORMS, MarkerNudityDetector, encode, marked, sample


@pytest.fixture
def client(database: Database) -> Iterator[TestClient]:
    with database.session() as session:
        key = create_api_key(session, "tests", (KeyScope.INGEST, KeyScope.MODERATION)).key
        bank = create_bank(session, name="known", source="test stand-ins (benign samples)")
        known = hash_image(encode(sample("astronaut")))
        add_entries(session, bank, [ImportedHash(HashKind.PDQ, known.pdq, "stand-in 1")])
    app = create_app(database)
    app.state.media_screener = MediaScreener(database, Policy.default(), MarkerNudityDetector())
    with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as test_client:
        for account, band in (
            ("adult", "adult"),
            ("kid", "13_15"),
            ("stranger", "adult"),
            ("grownup", "adult"),
        ):
            response = test_client.put(f"/v1/accounts/{account}", json={"age_band": band})
            assert response.status_code in (200, 201), response.text
        for a, b in (("adult", "kid"), ("adult", "grownup")):
            assert test_client.put(f"/v1/connections/{a}/{b}").status_code in (200, 201)
        yield test_client


def post(
    client: TestClient, image: bytes, sender: str = "adult", recipients: str = "kid", **fields: str
) -> Any:
    form = {"sender_id": sender, "recipient_ids": recipients, "conversation_id": "conv", **fields}
    return client.post("/v1/media", data=form, files={"file": ("image", image)})


def test_flipped_copy_of_a_known_image_is_blocked_with_a_case_and_evidence(
    client: TestClient, database: Database
) -> None:
    flipped = encode(TRANSFORMS["flip_then_jpeg"](sample("astronaut")), "JPEG")
    response = post(client, flipped, media_id="m-known")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["verdict"] == "block"
    [hit] = answer["hash_matches"]
    assert hit["transform"] == "flipped_horizontally" and hit["distance"] <= 31
    assert answer["reasons"][0]["rule"] == "known_abuse_image"
    assert answer["reasons"][0]["hash_matches"][0]["bank"] == "known"
    with database.session() as session:
        case = session.get(Case, answer["case_id"])
        assert case is not None and case.suspect_account_id == "adult"
        assert case.priority == "P1" and "known_abuse_image" in case.cues
        bundle = session.get(EvidenceBundle, answer["evidence_bundle_id"])
        assert bundle is not None and "image_hash_match.json" in bundle.files
        media = session.get(StoredMedia, "m-known")
        assert media is not None and media.evidence_preserved and media.content == flipped
    # A retry gets the same stored answer and opens nothing new.
    assert post(client, flipped, media_id="m-known").json() == answer


def test_rejected_match_is_allow_listed_and_not_matched_again(
    client: TestClient, database: Database
) -> None:
    copy = encode(TRANSFORMS["resize_half"](sample("astronaut")), "PNG")
    answer = post(client, copy, sender="grownup", recipients="adult").json()
    assert answer["verdict"] == "block"
    match_id = answer["hash_matches"][0]["match_id"]
    feedback = client.post(
        f"/v1/media/matches/{match_id}/feedback",
        json={"decision": "reject", "note": "benign stand-in"},
    )
    assert feedback.status_code == 200 and feedback.json()["allow_listed"] is True
    again = post(client, copy, sender="grownup", recipients="adult").json()
    assert again["verdict"] == "allow" and again["hash_matches"] == []
    assert again["suppressed_matches"] == 1
    with database.session() as session:
        assert session.get(HashMatch, match_id).feedback == "rejected"
    conflict = client.post(f"/v1/media/matches/{match_id}/feedback", json={"decision": "confirm"})
    assert conflict.status_code == 409
    missing = client.post("/v1/media/matches/nope/feedback", json={"decision": "confirm"})
    assert missing.status_code == 404


def test_nude_image_to_a_child_is_blurred_with_a_notice(client: TestClient) -> None:
    answer = post(client, encode(marked(sample("chelsea")))).json()
    assert answer["verdict"] == "blur"
    assert "nudity" in answer["recipient_notice"]
    assert answer["nudity"]["model"] == "magenta-marker"
    [reason] = answer["reasons"]
    assert reason["rule"] == "nude_image_to_child"
    assert reason["signals"]["image.nudity"] >= 0.5 and reason["nudity_findings"]


def test_nude_image_from_an_adult_stranger_to_a_child_is_held(client: TestClient) -> None:
    answer = post(client, encode(marked(sample("chelsea"))), sender="stranger").json()
    assert answer["verdict"] == "hold"
    rules = {reason["rule"] for reason in answer["reasons"]}
    assert "nude_image_to_child_from_stranger" in rules


def test_ordinary_images_are_allowed(client: TestClient) -> None:
    assert post(client, encode(sample("coffee"))).json()["verdict"] == "allow"
    between_adults = post(client, encode(marked(sample("coffee"))), recipients="grownup").json()
    assert between_adults["verdict"] == "allow" and between_adults["nudity"] is None


def test_stored_media_can_be_read_back(client: TestClient) -> None:
    image = encode(sample("coins"), "PNG")
    post(client, image, media_id="m-coins")
    record = client.get("/v1/media/m-coins").json()
    assert record["content_type"] == "image/png" and record["answer"]["verdict"] == "allow"
    content = client.get("/v1/media/m-coins/content")
    assert content.content == image and content.headers["content-type"] == "image/png"
    assert client.get("/v1/media/none").status_code == 404


def test_bad_input_is_a_clear_4xx(client: TestClient) -> None:
    image = encode(sample("coins"), "JPEG")
    cases = [
        (post(client, b"%PDF-1.4 a document"), 415, "not an image"),
        (post(client, image[:400]), 422, "damaged or truncated"),
        (post(client, image, sender="ghost"), 404, "ghost"),
        (post(client, image, recipients="kid,adult"), 422, "sender"),
        (post(client, b"x" * (10 * 1024 * 1024 + 1)), 413, ""),
        (client.post("/v1/media", data={"sender_id": "adult"}), 422, "file"),
        (client.post("/v1/media", json={"image": "base64?"}), 422, ""),
    ]
    for response, status, message in cases:
        assert response.status_code == status, response.text
        assert message in response.json()["error"]["message"]
    post(client, image, media_id="dup")
    conflict = post(client, encode(sample("moon"), "JPEG"), media_id="dup")
    assert conflict.status_code == 409
    unauthorised = TestClient(client.app).post("/v1/media", files={"file": ("i", image)})
    assert unauthorised.status_code == 401


def test_nothing_is_stored_for_refused_input(client: TestClient, database: Database) -> None:
    post(client, b"not an image", media_id="refused")
    post(client, encode(sample("coins")), sender="ghost", media_id="refused2")
    with database.session() as session:
        assert session.scalars(select(StoredMedia.id)).all() == []


def test_nudenet_loads_and_finds_nothing_sexual_in_a_benign_photo() -> None:
    result = NudeNetDetector().detect(sample("astronaut"))
    assert result.model == "nudenet-320n"
    assert result.score == 0.0 and result.reasons() == []
    assert any(f.label == "FACE_FEMALE" for f in result.findings)  # it did look


def test_preserved_evidence_cannot_be_deleted_or_altered(
    client: TestClient, database: Database
) -> None:
    answer = post(client, encode(sample("astronaut")), media_id="m-evidence").json()
    assert answer["verdict"] == "block"
    post(client, encode(sample("coins")), media_id="m-ordinary")
    for statement in (
        "DELETE FROM media WHERE id = 'm-evidence'",
        "UPDATE media SET sha256 = 'x' WHERE id = 'm-evidence'",
        "UPDATE media SET evidence_preserved = false WHERE id = 'm-evidence'",
    ):
        with (
            pytest.raises(DBAPIError, match="preserved as evidence"),
            database.session() as session,
        ):
            session.execute(text(statement))
    with database.session() as session:  # ordinary media stays deletable
        session.execute(text("DELETE FROM media WHERE id = 'm-ordinary'"))
        assert session.get(StoredMedia, "m-evidence") is not None
