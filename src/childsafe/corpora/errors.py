"""The one error every loader raises for input it cannot read."""

from __future__ import annotations


class CorpusError(ValueError):
    """Unreadable corpus input; `line` names the 1-based line (or record) when known."""

    def __init__(self, source: str, message: str, line: int | None = None) -> None:
        self.source = source
        self.line = line
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")
