"""What a write can refuse to do."""
from __future__ import annotations


class Conflict(Exception):
    """The conversation is no longer in the state the change was meant for."""


class NotFound(LookupError):
    pass
