"""The one error a service raises when it refuses: its message is fit to show the user."""

from typing import Any


class DomainError(Exception):
    """A refusal the user can act on.

    `message` is shown as is; `field` names the form field it belongs to (None: the whole
    form); `details` carries what the page needs to explain more (the bulk import's preview of
    every problem in a file, for instance).
    """

    def __init__(self, message: str, *, field: str | None = None, details: Any = None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.details = details
