"""The benign chat corpora of ../shared/data (see its README), by name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from childsafe.corpora import chitchat, dota2, nps, ubuntu_irc, vtpan
from childsafe.model import Conversation

# name -> (path under the shared data folder, loader)
BENIGN_CORPORA: dict[str, tuple[str, Callable[[Path], Iterator[Conversation]]]] = {
    "nps": ("nps-chat/nps_chat.jsonl.xz", nps.load),
    "ubuntu_irc": (
        "ubuntu-irc-kummerfeld/irc-disentanglement-data-82ed04f.tar.xz",
        ubuntu_irc.load,
    ),
    "chitchat": ("chitchat-byu/chitchat_dataset-0.9.0.tar.xz", chitchat.load),
    "dota2": ("dota2-gosuai-toxicity/dota2-chat-4nl3-e3ad7ae.tar.xz", dota2.load),
    "vtpan": ("pan12-vtpan-val-constien/vtpan-english-val-negatives-dev.tar.xz", vtpan.load),
}


def load_benign(data_dir: Path) -> Iterator[tuple[str, Conversation]]:
    """(corpus name, conversation) for every benign conversation under `data_dir`."""
    for name, (relative, loader) in BENIGN_CORPORA.items():
        for conversation in loader(data_dir / relative):
            yield name, conversation
