"""PAN-2012 sexual predator identification corpus: XML plus a list of predator ids.

    <conversations>
      <conversation id="...">
        <message line="1"><author>...</author><time>03:20</time><text>...</text></message>

The XML is parsed incrementally (the official files hold about 2 million messages).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

from childsafe.corpora.errors import CorpusError
from childsafe.model import AgeBand, Conversation, Message, Participant


def read_predator_ids(path: Path) -> frozenset[str]:
    """One author id per line (blank lines ignored)."""
    try:
        return frozenset(
            line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()
        )
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(str(path), f"cannot read the predator id list ({exc})") from exc


def load(path: Path, predator_ids: frozenset[str] = frozenset()) -> Iterator[Conversation]:
    try:
        for _, element in ET.iterparse(path, events=("end",)):
            if element.tag != "conversation":
                continue
            conversation_id = element.get("id")
            if not conversation_id:
                raise CorpusError(str(path), "a <conversation> has no id attribute")
            messages = []
            for i, node in enumerate(element.iterfind("message")):
                author = (node.findtext("author") or "").strip()
                if not author:
                    raise CorpusError(
                        str(path), f"conversation {conversation_id}: message {i} has no <author>"
                    )
                line = node.get("line") or str(i + 1)
                messages.append(
                    Message(
                        f"{conversation_id}:{line}",
                        author,
                        node.findtext("text") or "",
                        (node.findtext("time") or "").strip() or None,
                    )
                )
            authors = list(dict.fromkeys(m.sender for m in messages))
            yield Conversation(
                conversation_id,
                [Participant(a, AgeBand.UNKNOWN) for a in authors],
                messages,
                frozenset(a for a in authors if a in predator_ids),
            )
            element.clear()
    except ET.ParseError as exc:
        raise CorpusError(str(path), f"malformed XML ({exc})", exc.position[0]) from exc
    except OSError as exc:
        raise CorpusError(str(path), f"cannot read ({exc.strerror})") from exc
