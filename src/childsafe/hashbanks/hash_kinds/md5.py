"""MD5 of the exact bytes, matched exactly."""

from threatexchange.signal_type.md5 import VideoMD5Signal

from childsafe.hashbanks.hash_kinds.spec import ExactDigest, FileDigests, HashKindSpec


def _of_image(hashes: FileDigests) -> str:
    return hashes.md5


SPEC = HashKindSpec(
    "md5", ("hash_md5", "video_md5", "hash_video_md5"), VideoMD5Signal, ExactDigest(16, _of_image)
)
