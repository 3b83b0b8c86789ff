"""SHA-256 of the exact bytes, matched exactly."""

from threatexchange.signal_type.sha256 import VideoSHA256Signal

from childsafe.hashbanks.hash_kinds.spec import ExactDigest, FileDigests, HashKindSpec


def _of_image(hashes: FileDigests) -> str:
    return hashes.sha256


SPEC = HashKindSpec(
    "sha256",
    ("sha-256", "hash_sha256", "video_sha256", "hash_video_sha256"),
    VideoSHA256Signal,
    ExactDigest(32, _of_image),
)
