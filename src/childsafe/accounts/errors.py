"""The one error every path reports when it is named an account the platform never registered."""

from __future__ import annotations


class UnknownAccount(LookupError):
    """A message, image or erasure named an account never registered with
    PUT /v1/accounts/{id} (the API answers 404)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
