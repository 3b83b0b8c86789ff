"""childsafe: a safeguarding engine that runs beside a platform's chat to protect children."""

__version__ = "0.1.0"
