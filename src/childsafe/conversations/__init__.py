"""Streaming conversation risk: per conversation and per author, O(1) work per message."""

from childsafe.conversations.explanation import Reason, RiskUpdate
from childsafe.conversations.params import TrackerParams
from childsafe.conversations.tracker import RiskTracker
from childsafe.signals.base import Cue

__all__ = ["Cue", "Reason", "RiskTracker", "RiskUpdate", "TrackerParams"]
