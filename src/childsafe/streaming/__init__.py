"""Screening at scale on NATS JetStream: messages in on a partitioned stream, one durable
consumer per partition held by one worker at a time (a lease), verdicts out on subjects.

- `layout.py`: the stream's names, subjects and partition function, and creating them.
- `connection.py`: connecting to NATS (failures logged).
- `wire.py`: what travels: the message (the HTTP API's body), verdicts, dead letters.
- `leases.py`: who holds which partition (a JetStream key-value bucket with a TTL).
- `partition.py`: one partition's consumer: fetch, screen, answer, acknowledge.
- `worker.py`: `childsafe worker`: the leases, the partitions held, the screeners.
- `bridge.py`: `serve --stream`: POST /v1/messages publishes and awaits the verdict.
- `rescan.py`: `rescan --nats`: a backfill cut into chunks that the workers replay.
"""
