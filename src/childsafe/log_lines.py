"""One log record, one line: control characters in a record's text are escaped.

Log lines carry request-provided strings (ids, paths); a newline in one would let a client
write a line of its own choosing into the log. The API refuses such ids, and this filter,
on every handler `childsafe serve` logs through, makes sure no other string slips one in.
"""

from __future__ import annotations

import json
import logging
import re

# C0 controls, DEL, C1 controls and the Unicode line and paragraph separators.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def escape_controls(text: str) -> str:
    return _CONTROL.sub(lambda match: ascii(match.group())[1:-1], text)


class EscapeControlCharacters(logging.Filter):
    """Escapes the message and its string arguments (tracebacks keep their lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = escape_controls(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                escape_controls(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def escape_controls_in(*loggers: logging.Logger) -> None:
    """Add the filter to every handler of these loggers."""
    for logger in loggers:
        for handler in logger.handlers:
            handler.addFilter(EscapeControlCharacters())


class JsonLines(logging.Formatter):
    """One JSON object a line (`--log-json`): time, level, logger, message, and the
    traceback when there is one; json.dumps escapes every control character."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
