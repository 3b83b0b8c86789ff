"""Signed audit checkpoints: the chain's head anchored outside the database.

The hash chain proves that no entry changed after the one that follows it was written, but
whoever can write the database (a superuser, a restored backup) can truncate the log, rewind
the head, or rewrite and re-hash the whole chain, and `verify_chain` would pass. A checkpoint is
a small JSON file holding the head (sequence number and hash) at one moment, signed with an
Ed25519 private key kept off the database host's reach. Verifying the chain against a
checkpoint, with the matching public key, fails unless the chain still holds that very hash at
that sequence number.

Keys are PEM files: the private key (PKCS #8, unencrypted, mode 0600) only where checkpoints are
written, the public key wherever they are checked; each checkpoint names its key by the first
16 hex digits of the SHA-256 of the raw public key.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from childsafe.audit.chain import ChainCheck, canonical_json, verify_chain
from childsafe.model.clock import utcnow
from childsafe.store.tables.cases import AuditEntry, AuditHead

FORMAT = "childsafe-audit-checkpoint/1"
SIGNING_KEY_ENV = "CHILDSAFE_AUDIT_SIGNING_KEY"
VERIFY_KEY_ENV = "CHILDSAFE_AUDIT_VERIFY_KEY"


class CheckpointError(ValueError):
    """A key or checkpoint file that cannot be used: missing, malformed, or not signed by it."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    format: str
    seq: int
    hash: str
    at: str  # when the checkpoint was taken, ISO 8601 UTC
    key_id: str

    def signed_bytes(self) -> bytes:
        return canonical_json(asdict(self)).encode("utf-8")


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def generate_keys(private_path: Path, public_path: Path) -> str:
    """A new key pair; the private file is created readable by its owner only. Returns key_id."""
    private_key = Ed25519PrivateKey.generate()
    pem = private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    # O_EXCL: never overwrite a key that may have signed checkpoints already.
    descriptor = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as out:
        out.write(pem)
    public_key = private_key.public_key()
    public_path.write_bytes(
        public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return key_id(public_key)


def _key_path(explicit: Path | None, env: str, what: str) -> Path:
    path = explicit or (Path(os.environ[env]) if os.environ.get(env) else None)
    if path is None:
        raise CheckpointError(f"no {what}: pass its file or set {env}")
    return path


def load_private_key(path: Path | None = None) -> Ed25519PrivateKey:
    path = _key_path(path, SIGNING_KEY_ENV, "signing key")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise CheckpointError(f"cannot read the signing key {path}: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 private key")
    return key


def load_public_key(path: Path | None = None) -> Ed25519PublicKey:
    path = _key_path(path, VERIFY_KEY_ENV, "verification (public) key")
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError) as error:
        raise CheckpointError(f"cannot read the public key {path}: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    return key


def take_checkpoint(session: Session, private_key: Ed25519PrivateKey) -> dict[str, object]:
    """The current head, signed, as the document to write (refused if the chain is broken:
    signing a tampered head would vouch for it)."""
    check = verify_chain(session)
    if not check.ok:
        raise CheckpointError(f"not signing a broken chain: {check.describe()}")
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash)).one()
    checkpoint = Checkpoint(
        format=FORMAT,
        seq=int(head.last_seq),
        hash=head.last_hash,
        at=utcnow().isoformat(),
        key_id=key_id(private_key.public_key()),
    )
    signature = private_key.sign(checkpoint.signed_bytes())
    return {**asdict(checkpoint), "signature": base64.b64encode(signature).decode("ascii")}


def write_checkpoint(session: Session, private_key: Ed25519PrivateKey, out: Path) -> Checkpoint:
    document = take_checkpoint(session, private_key)
    # Written beside and renamed, so a reader never sees half a file.
    partial = out.with_name(out.name + ".partial")
    partial.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    partial.replace(out)
    return read_checkpoint(out, private_key.public_key())


def read_checkpoint(path: Path, public_key: Ed25519PublicKey) -> Checkpoint:
    """The checkpoint in `path`, refused unless `public_key` signed exactly these fields."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        signature = base64.b64decode(document.pop("signature"), validate=True)
        checkpoint = Checkpoint(**document)
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise CheckpointError(f"{path} is not a readable audit checkpoint: {error}") from error
    if checkpoint.format != FORMAT:
        raise CheckpointError(f"{path}: unknown checkpoint format {checkpoint.format!r}")
    try:
        public_key.verify(signature, checkpoint.signed_bytes())
    except InvalidSignature:
        raise CheckpointError(
            f"{path}: the signature does not verify with key {key_id(public_key)} "
            "(the file was altered, or signed by another key)"
        ) from None
    return checkpoint


def verify_with_checkpoint(session: Session, checkpoint: Checkpoint) -> ChainCheck:
    """The chain must verify on its own AND still hold the checkpoint's hash at its sequence:
    a truncated, rewound or re-hashed chain cannot reproduce a hash signed before."""
    check = verify_chain(session)
    if not check.ok:
        return check
    stored = session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == checkpoint.seq))
    if checkpoint.seq == 0 or stored == checkpoint.hash:
        return check
    if stored is None:
        problem = (
            f"the log ends at entry {check.entries} but the checkpoint of {checkpoint.at} "
            f"signed entry {checkpoint.seq}: the log was truncated or rewound"
        )
    else:
        problem = (
            f"entry {checkpoint.seq} no longer has the hash the checkpoint of {checkpoint.at} "
            "signed: the log was rewritten and re-hashed"
        )
    return ChainCheck(False, check.entries, checkpoint.seq, problem)
