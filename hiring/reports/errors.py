"""The error a report request can end in, with a message for the person who asked for it."""

from hiring.errors import HiringError


class ReportError(HiringError):
    """A report could not be produced: bad options, a render that overran, a crashed renderer."""
