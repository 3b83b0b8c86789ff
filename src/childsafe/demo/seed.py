"""Everything `childsafe seed-demo` adds, in order: the demo conversations first (through the
real message path, they raise the alerts), then the moderation queue built on their cases, the
demo images and a space whose rating rises. Safe to re-run: nothing is added twice."""

from __future__ import annotations

from collections.abc import Callable

from childsafe.demo.cases import seed_demo_cases
from childsafe.demo.conversations import seed_demo_conversations
from childsafe.demo.images import seed_demo_images
from childsafe.demo.spaces import seed_demo_space
from childsafe.store.db import Database


def seed_demo(database: Database, say: Callable[[str], None] = print) -> None:
    seed_demo_conversations(database, say)
    seed_demo_cases(database, say)
    seed_demo_images(database, say)
    seed_demo_space(database, say)
