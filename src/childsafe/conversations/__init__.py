"""Streaming conversation risk: per conversation and per author, O(1) work per message."""

from childsafe.conversations.tracker import Reason, RiskTracker, RiskUpdate, TrackerParams
from childsafe.signals.base import Cue

__all__ = ["Cue", "Reason", "RiskTracker", "RiskUpdate", "TrackerParams"]
