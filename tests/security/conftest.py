"""The security suite replays findings through the service area's own helpers
(tests/service/service_helpers.py) and the cases area's (tests/cases/cases_helpers.py), so
those folders are importable from here too."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "service"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "cases"))  # cases_helpers
