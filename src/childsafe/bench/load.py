"""A small keep-alive HTTP/1.1 load generator for POST /v1/messages (runs as its own process).

Raw asyncio streams rather than an HTTP client library: on a 2-core machine the client shares
the CPU with the server, so the cheaper the client, the more the figure measures the server.
Closed loop: each connection sends its next message as soon as the previous answer arrives.

    python -m childsafe.bench.load SCENARIO.json  ->  one JSON line of results on stdout
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from childsafe.bench.population import Population


@dataclass(frozen=True, slots=True)
class Scenario:
    host: str
    port: int
    key: str
    seconds: float
    warmup_seconds: float
    concurrency: int
    # The platform (childsafe.bench.population): which conversation each message goes to,
    # drawn by Zipf's law; with spaces, conversation c is in space<c>.
    accounts: int
    conversations: int
    zipf_exponent: float
    spaces: bool
    texts: list[str]
    run_id: str


async def _connection(
    scenario: Scenario,
    population: Population,
    draw: Callable[[], int],
    worker: int,
    start: float,
    latencies: list[float],
    statuses: dict[int, int],
    ok_per_second: list[int],
    sent_total: list[int],
) -> None:
    reader, writer = await asyncio.open_connection(scenario.host, scenario.port)
    head = (
        f"POST /v1/messages HTTP/1.1\r\nHost: {scenario.host}\r\n"
        f"Authorization: Bearer {scenario.key}\r\nContent-Type: application/json\r\n"
    ).encode()
    warm_until = start + scenario.warmup_seconds
    stop_at = warm_until + scenario.seconds
    sequence = 0
    try:
        while True:
            sent = time.perf_counter()
            if sent >= stop_at:
                break
            conversation = draw()
            sender, recipient = population.members(conversation)
            if sequence % 2:  # the two take turns
                sender, recipient = recipient, sender
            fields = {
                "id": f"{scenario.run_id}-{worker}-{sequence}",
                "conversation_id": population.conversation(conversation),
                "sender_id": sender,
                "recipient_ids": [recipient],
                "text": scenario.texts[(worker + sequence) % len(scenario.texts)],
                "sent_at": "2026-11-23T16:00:00Z",
            }
            if scenario.spaces:
                fields["space_id"] = f"space{conversation}"
            body = json.dumps(fields).encode()
            sequence += 1
            sent_total[0] += 1
            writer.write(head + b"Content-Length: %d\r\n\r\n" % len(body) + body)
            status = int((await reader.readline()).split(b" ", 2)[1])
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                if line[:15].lower() == b"content-length:":
                    length = int(line[15:])
            await reader.readexactly(length)
            done = time.perf_counter()
            if sent >= warm_until:
                latencies.append(done - sent)
                statuses[status] = statuses.get(status, 0) + 1
                second = int(done - warm_until)
                if 200 <= status < 300 and second < len(ok_per_second):
                    ok_per_second[second] += 1
    finally:
        writer.close()


async def run(scenario: Scenario) -> dict[str, Any]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    # 2xx answers completed in each whole second of the measured period: a dip shows here
    # (a checkpoint, a stall) even when the average looks fine.
    ok_per_second = [0] * max(1, int(scenario.seconds))
    sent_total = [0]
    population = Population(scenario.accounts, scenario.conversations, scenario.zipf_exponent)
    sample = population.sampler(seed=int(scenario.run_id, 16))
    touched: set[int] = set()

    def draw() -> int:
        conversation = sample()
        touched.add(conversation)
        return conversation

    start = time.perf_counter()
    await asyncio.gather(
        *(
            _connection(
                scenario,
                population,
                draw,
                worker,
                start,
                latencies,
                statuses,
                ok_per_second,
                sent_total,
            )
            for worker in range(scenario.concurrency)
        )
    )
    latencies.sort()

    def percentile(q: float) -> float:
        if not latencies:
            return float("nan")
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000

    ok = sum(n for status, n in statuses.items() if 200 <= status < 300)
    return {
        "messages": len(latencies),
        "sent": sent_total[0],
        "ok": ok,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": scenario.seconds,
        "msgs_per_s": round(ok / scenario.seconds, 1),
        "slowest_second_msgs": min(ok_per_second),
        "p50_ms": round(percentile(0.50), 2),
        "p99_ms": round(percentile(0.99), 2),
        "max_ms": round(latencies[-1] * 1000, 2) if latencies else None,
        "conversations_messaged": len(touched),
    }


def main(argv: list[str]) -> int:
    with open(argv[0], encoding="utf-8") as handle:
        scenario = Scenario(**json.load(handle))
    try:
        import uvloop

        result = uvloop.run(run(scenario))
    except ImportError:  # uvloop ships with uvicorn[standard]; plain asyncio still works
        result = asyncio.run(run(scenario))
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
