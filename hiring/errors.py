"""Errors a user can cause, each with a message meant for that user."""


class HiringError(Exception):
    """Base class for problems a user can fix; ``message`` is shown to them as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
