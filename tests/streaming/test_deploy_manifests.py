"""The commands in deploy/ (compose and Kubernetes) are ones `childsafe` accepts: a renamed
or removed option would otherwise surface only when someone deploys."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
import yaml

from childsafe.cli.main import build_parser

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose_commands() -> list[list[str]]:
    services = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]
    return [shlex.split(s["command"]) for s in services.values() if "build" in s]


def _kubernetes_commands() -> list[list[str]]:
    documents = yaml.safe_load_all((DEPLOY / "kubernetes" / "childsafe.yaml").read_text())
    return [
        [str(a) for a in container["args"]]
        for doc in documents
        if doc and doc.get("kind") == "Deployment"
        for container in doc["spec"]["template"]["spec"]["containers"]
    ]


COMMANDS = _compose_commands() + _kubernetes_commands()


def test_every_process_is_deployed_and_publishes_events() -> None:
    assert sorted(c[0] for c in COMMANDS) == ["serve", "serve", "worker", "worker"]
    assert all("--events-nats" in c for c in COMMANDS)


@pytest.mark.parametrize("argv", COMMANDS, ids=lambda a: a[0])
def test_deployed_command_parses(argv: list[str]) -> None:
    args = build_parser(argv[0]).parse_args(argv)
    assert args.command == argv[0] and args.events_nats == "nats://nats:4222"
