"""Plain typed records shared by every package. No behaviour, no I/O."""

from childsafe.model.conversation import AgeBand, Conversation, Message, Participant

__all__ = ["AgeBand", "Conversation", "Message", "Participant"]
