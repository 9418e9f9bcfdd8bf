"""The one error a service raises when a step may not be taken."""

from __future__ import annotations


class WorkflowError(Exception):
    """A step that may not be taken; the message tells the user why (already translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
