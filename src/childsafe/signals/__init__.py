"""Signals: one detector per module behind one small interface, each with its reasons.

`childsafe.signals.cues` holds the explicit risk cues (regular-expression detectors);
`childsafe.signals.grooming` holds the learned text model. Neither touches the database.
"""

from childsafe.signals.base import Cue, CueDetector

__all__ = ["Cue", "CueDetector"]
