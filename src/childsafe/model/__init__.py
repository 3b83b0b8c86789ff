"""Plain typed records shared by every package, and pure functions of them. No I/O."""

from childsafe.model.ages import victim_ids, youngest
from childsafe.model.conversation import AgeBand, Conversation, Message, Participant

__all__ = ["AgeBand", "Conversation", "Message", "Participant", "victim_ids", "youngest"]
