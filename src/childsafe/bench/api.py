"""`childsafe bench api`: messages/s and p99 latency of POST /v1/messages, per backend.

For each backend and number of conversations it makes a throwaway database
(childsafe.bench.databases), bulk-imports the accounts and connections
(childsafe.bench.population), starts `childsafe serve` as a subprocess, then drives the API
from a second process (childsafe.bench.load) on loopback, with Zipf-distributed activity.
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
from childsafe.bench.population import Population, populate
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


def family(pid: int) -> Iterator[int]:
    """A process and its live descendants (the screening processes), Linux /proc."""
    yield pid
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            children = (task / "children").read_text().split()
        except FileNotFoundError:  # the thread ended after the listing
            continue
        for child in children:
            yield from family(int(child))


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its live children."""
    total = 0.0
    for member in family(pid):
        fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of one process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


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


def wait_for_url(process: subprocess.Popen[bytes], log_path: Path, timeout: float = 180) -> str:
    """The URL `childsafe serve` prints once it listens (its start takes a minute on a busy
    2-core machine)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = URL_LINE.search(log_path.read_text(errors="replace"))
        if match:
            return match.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.05)
    raise RuntimeError(f"the server did not start: {log_path.read_text(errors='replace')[-2000:]}")


def register_spaces(base: str, key: str, population: Population) -> None:
    """Each conversation in a space of its own, its first member the owner (over HTTP: slow
    beyond a few thousand conversations)."""
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}) as client:
        for conversation in range(population.conversations):
            owner, member = population.members(conversation)
            body = {"kind": "group_chat", "owner_id": owner, "members": [member]}
            client.put(f"/v1/spaces/space{conversation}", json=body).raise_for_status()


def drive(base: str, key: str, population: Population, options: Any) -> dict[str, Any]:
    host, port = base.removeprefix("http://").split(":")
    scenario = Scenario(
        host=host,
        port=int(port),
        key=key,
        seconds=options.seconds,
        warmup_seconds=options.warmup,
        concurrency=options.concurrency,
        accounts=population.accounts,
        conversations=population.conversations,
        zipf_exponent=population.zipf_exponent,
        spaces=options.spaces,
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


def bench_backend(url: str, population: Population, options: Any) -> dict[str, Any]:
    """Set the population up by bulk import, then serve and drive it."""
    started = time.perf_counter()
    database = Database(url)
    database.migrate()
    setup = populate(database, population)
    database.dispose()
    setup_seconds = time.perf_counter() - started
    with (
        tempfile.TemporaryDirectory(prefix="childsafe-bench-log-") as folder,
        held_messages_webhook(url, options.webhook_sleep) as webhook,
        server(
            url, Path(folder) / "server.log", options.screening, options.screening_processes
        ) as (base, key, pid),
    ):
        if options.spaces:
            register_spaces(base, key, population)
        server_cpu = cpu_seconds(pid)
        client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = drive(base, key, population, options)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        # CPU per message says what each side costs, however busy the machine is; it covers
        # the warm-up too, so it is per message sent, not per measured message.
        sent = max(1, result["sent"])
        result["server_cpu_ms_per_msg"] = round(1000 * (cpu_seconds(pid) - server_cpu) / sent, 3)
        client = (after.ru_utime + after.ru_stime) - (client_cpu.ru_utime + client_cpu.ru_stime)
        result["client_cpu_ms_per_msg"] = round(1000 * client / sent, 3)
        # The screening processes' detector state is what grows with the conversations.
        result["web_peak_rss_mb"] = peak_rss_mb(pid)
        screening = sum(peak_rss_mb(p) for p in family(pid) if p != pid)
        result["screening_peak_rss_mb"] = round(screening, 1)
        if webhook is not None:
            result["held_events_at_webhook"] = len(webhook.at)
    return {
        "accounts": population.accounts,
        "conversations": population.conversations,
        "setup_seconds": round(setup_seconds, 1),
        **setup,
        **result,
    }
