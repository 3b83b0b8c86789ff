"""`childsafe bench api`: messages/s and p99 latency of POST /v1/messages, per backend.

For each backend it makes a throwaway database (childsafe.bench.databases), starts
`childsafe serve` as a subprocess, registers accounts and connections over HTTP, then drives
the API from a second process (childsafe.bench.load) on loopback.
"""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import httpx

from childsafe.api.auth import create_api_key
from childsafe.bench.events import held_messages_webhook
from childsafe.bench.load import Scenario
from childsafe.store.db import Database

SERVE_COMMAND = [sys.executable, "-m", "childsafe.cli.main", "serve"]
URL_LINE = re.compile(r"childsafe API on (http://[\d.]+:\d+)")

# Invented, everyday chat lines; a few carry risk cues so the policy and alerts do real work.
TEXTS = [
    "hey how was school today?",
    "did you finish the maths homework",
    "lol that video was so funny",
    "want to play the new level after dinner",
    "my cat knocked over my drink again",
    "what are you doing this weekend",
    "good luck at the match tomorrow!",
    "i can't believe the ending of that show",
    "you are so mature for your age",
    "this is just between us ok",
    "do you have snapchat? we can talk there",
    "see you in class tomorrow",
]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children (the screener), Linux /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended after the listing
            continue
        for child in children:
            total += cpu_seconds(int(child))
    return total


@contextmanager
def server(
    url: str, log_path: Path, screening: str = "process", processes: int = 1
) -> Iterator[tuple[str, str, int]]:
    """`childsafe serve` on a free port; yields (base URL, API key, process id).

    The server writes to a file, not a pipe: an unread pipe fills up and blocks its logging.
    """
    database = Database(url)
    database.migrate()
    with database.session() as session:
        key = create_api_key(session, "bench").key
    database.dispose()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                *SERVE_COMMAND,
                *("--port", "0", "--database-url", url, "--screening", screening),
                *("--screening-processes", str(processes)),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        base = wait_for_url(process, log_path)
        yield base, key, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_for_url(process: subprocess.Popen[bytes], log_path: Path, timeout: float = 60) -> str:
    """The URL `childsafe serve` prints once it listens."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = URL_LINE.search(log_path.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start: {log_path.read_text(errors='replace')[-2000:]}")


def populate(base: str, key: str, pairs: int, spaces: bool = False) -> list[list[str]]:
    """Accounts in pairs: adult-child and child-child, most connected, some strangers; with
    `spaces`, each pair's conversation in a space of its own (its messages name it)."""
    conversations = []
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
        for i in range(pairs):
            a, b = f"u{i}a", f"u{i}b"
            bands = ("adult", "13_15") if i % 4 == 0 else ("16_17", "13_15")
            for account, band in ((a, bands[0]), (b, bands[1])):
                client.put(f"/v1/accounts/{account}", json={"age_band": band}).raise_for_status()
            if i % 10:
                client.put(f"/v1/connections/{a}/{b}").raise_for_status()
            space = [f"space{i}"] if spaces else []
            if spaces:
                body = {"kind": "group_chat", "owner_id": a, "members": [b]}
                client.put(f"/v1/spaces/space{i}", json=body).raise_for_status()
            conversations.append([f"conv{i}", a, b, *space])
            conversations.append([f"conv{i}", b, a, *space])
    return conversations


def drive(base: str, key: str, conversations: list[list[str]], options: Any) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    scenario = Scenario(
        host=host,
        port=int(port),
        key=key,
        seconds=options.seconds,
        warmup_seconds=options.warmup,
        concurrency=options.concurrency,
        conversations=conversations,
        texts=TEXTS,
        run_id=uuid.uuid4().hex[:8],
    )
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(asdict(scenario), handle)
    try:
        done = subprocess.run(
            [sys.executable, "-m", "childsafe.bench.load", handle.name],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        os.unlink(handle.name)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def bench_backend(url: str, options: Any) -> dict[str, Any]:
    with (
        tempfile.TemporaryDirectory(prefix="childsafe-bench-log-") as folder,
        held_messages_webhook(url, options.webhook_sleep) as webhook,
        server(
            url, Path(folder) / "server.log", options.screening, options.screening_processes
        ) as (base, key, pid),
    ):
        conversations = populate(base, key, options.pairs, options.spaces)
        server_cpu = cpu_seconds(pid)
        client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = drive(base, key, conversations, options)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU per message says what each side costs, however busy the machine is; it covers
        # the warm-up too, so it is per message sent, not per measured message.
        sent = max(1, result["sent"])
        result["server_cpu_ms_per_msg"] = round(1000 * (cpu_seconds(pid) - server_cpu) / sent, 3)
        client = (after.ru_utime + after.ru_stime) - (client_cpu.ru_utime + client_cpu.ru_stime)
        result["client_cpu_ms_per_msg"] = round(1000 * client / sent, 3)
        if webhook is not None:
            result["held_events_at_webhook"] = len(webhook.at)
        return result
