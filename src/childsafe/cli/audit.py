"""`childsafe audit verify | checkpoint | keygen`: check the audit log's hash chain end to end,
and anchor its head outside the database in signed checkpoint files."""

from __future__ import annotations

import argparse
from pathlib import Path

from childsafe.audit import verify_chain
from childsafe.audit.checkpoint import (
    SIGNING_KEY_ENV,
    VERIFY_KEY_ENV,
    CheckpointError,
    generate_keys,
    load_private_key,
    load_public_key,
    read_checkpoint,
    verify_with_checkpoint,
    write_checkpoint,
)
from childsafe.cli.cases import open_database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="check the hash-chained audit log")
    parser.add_argument("--database-url", help="overrides DATABASE_URL")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    verify = actions.add_parser("verify", help="verify the chain; names the first broken entry")
    verify.add_argument(
        "--checkpoint",
        type=Path,
        metavar="FILE",
        help="also require the head signed in this checkpoint file (detects truncation, "
        "rewinding and re-hashing)",
    )
    verify.add_argument(
        "--public-key",
        type=Path,
        metavar="FILE",
        help=f"Ed25519 public key (default: {VERIFY_KEY_ENV})",
    )
    verify.set_defaults(func=run_verify)
    checkpoint = actions.add_parser("checkpoint", help="write the signed head to a file")
    checkpoint.add_argument("--out", type=Path, required=True, metavar="FILE")
    checkpoint.add_argument(
        "--private-key",
        type=Path,
        metavar="FILE",
        help=f"Ed25519 private key, PEM (default: {SIGNING_KEY_ENV})",
    )
    checkpoint.set_defaults(func=run_checkpoint)
    keygen = actions.add_parser("keygen", help="create an Ed25519 key pair for checkpoints")
    keygen.add_argument("--private-key", type=Path, required=True, metavar="FILE")
    keygen.add_argument("--public-key", type=Path, required=True, metavar="FILE")
    keygen.set_defaults(func=run_keygen)


def run_verify(args: argparse.Namespace) -> int:
    try:
        checkpoint = (
            read_checkpoint(args.checkpoint, load_public_key(args.public_key))
            if args.checkpoint
            else None
        )
    except CheckpointError as error:
        print(f"checkpoint REFUSED: {error}")
        return 1
    database = open_database(args)
    with database.session() as session:
        check = verify_with_checkpoint(session, checkpoint) if checkpoint else verify_chain(session)
    database.dispose()
    print(check.describe())
    if check.ok and checkpoint:
        print(f"contains the checkpointed head: entry {checkpoint.seq} of {checkpoint.at}")
    return 0 if check.ok else 1


def run_checkpoint(args: argparse.Namespace) -> int:
    try:
        private_key = load_private_key(args.private_key)
        database = open_database(args)
        try:
            with database.session() as session:
                checkpoint = write_checkpoint(session, private_key, args.out)
        finally:
            database.dispose()
    except CheckpointError as error:
        print(f"no checkpoint written: {error}")
        return 1
    print(
        f"checkpoint {args.out}: entry {checkpoint.seq}, hash {checkpoint.hash}, "
        f"key {checkpoint.key_id}"
    )
    return 0


def run_keygen(args: argparse.Namespace) -> int:
    try:
        identifier = generate_keys(args.private_key, args.public_key)
    except FileExistsError:
        print(f"{args.private_key} exists; refusing to overwrite a signing key")
        return 1
    print(
        f"key {identifier}: private {args.private_key} (keep it off the database host, mode "
        f"0600), public {args.public_key} (give it to whoever verifies)"
    )
    return 0
