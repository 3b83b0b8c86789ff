"""Loaders that turn corpora into the interchange records (childsafe.model.Conversation).

One module per corpus layout. Grooming corpora: `jsonl` (our interchange format), `koutli`
(Perverted-Justice files split by role), `bfpsr` (ordered PJ chats) and `pan12` (PAN-2012
XML). Benign corpora from ../shared/data: `nps`, `ubuntu_irc`, `chitchat`, `dota2`, `vtpan`.
Nothing here copies corpus data anywhere: everything is read in place.
"""

from childsafe.corpora.errors import CorpusError

__all__ = ["CorpusError"]
